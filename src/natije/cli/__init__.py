"""The ``natije`` command line: a thin edge. Each command parses, calls one service function, prints.

Command groups live in sibling modules and register on :data:`app` when imported below.
"""

from __future__ import annotations

from natije.cli.app import app, main

# Importing a command module registers its commands on ``app``.
from natije.cli import commands_catalog  # noqa: E402,F401
from natije.cli import commands_demo  # noqa: E402,F401
from natije.cli import commands_evaluate  # noqa: E402,F401
from natije.cli import commands_evaluation_registry  # noqa: E402,F401
from natije.cli import commands_ingest  # noqa: E402,F401
from natije.cli import commands_results  # noqa: E402,F401

__all__ = ["app", "main"]
