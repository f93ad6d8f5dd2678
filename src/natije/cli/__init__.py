"""The ``natije`` command line: a thin edge. Each command parses, calls one service function, prints.

Command groups live in sibling modules and register on :data:`app` when imported below.
"""

from __future__ import annotations

# Importing a command module registers its commands on ``app``.
from natije.cli import (
    commands_catalog,  # noqa: F401
    commands_demo,  # noqa: F401
    commands_evaluate,  # noqa: F401
    commands_evaluation_registry,  # noqa: F401
    commands_ingest,  # noqa: F401
    commands_ledger,  # noqa: F401
    commands_report,  # noqa: F401
    commands_results,  # noqa: F401
    commands_serve,  # noqa: F401
    commands_territories,  # noqa: F401
    commands_tokens,  # noqa: F401
    commands_users,  # noqa: F401
)
from natije.cli.app import app, main

__all__ = ["app", "main"]
