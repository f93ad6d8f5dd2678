"""natije — monitoring and evaluation of state programs.

The public Python API is re-exported here. Its parts are imported when first used, so that ``import natije``
(and every command of the ``natije`` CLI) pays only for what it uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from natije.database import Database, open
    from natije.evaluation.api import evaluate

_PUBLIC = {"evaluate": "natije.evaluation.api", "open": "natije.database", "Database": "natije.database"}

__all__ = ["Database", "__version__", "evaluate", "open"]


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'natije' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
