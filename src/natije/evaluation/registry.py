"""Estimators by name: each method registers itself the way a plugin would.

Built-in methods live in the modules listed in :data:`BUILTIN_MODULES`; they are imported on first
lookup, so ``@register`` runs before anyone asks for a name.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Protocol, TypeVar, runtime_checkable

from natije.errors import EstimationError, Text
from natije.evaluation.design import EvaluationDesign
from natije.evaluation.executors import Executor
from natije.evaluation.panel import Panel
from natije.evaluation.result import EvaluationResult

BUILTIN_MODULES = (
    "natije.evaluation.did.estimators",
    "natije.evaluation.staggered.estimators",
    "natije.evaluation.timeseries.its",
    "natije.evaluation.synthetic.estimators",
)


@runtime_checkable
class Estimator(Protocol):
    """What every registered method implements."""

    def fit(self, panel: Panel, design: EvaluationDesign, executor: Executor) -> EvaluationResult:
        """Estimate the effect on a balanced panel; random work goes through ``executor``."""
        ...


E = TypeVar("E", bound=type)
_REGISTRY: dict[str, type] = {}
_loaded = False


def register(name: str) -> Callable[[E], E]:
    """Class decorator registering an estimator under ``name``.

    Examples
    --------
    >>> @register("my-method")
    ... class MyMethod:
    ...     def fit(self, panel, design, executor): ...
    >>> isinstance(get_estimator("my-method"), MyMethod)
    True
    """

    def deco(cls: E) -> E:
        if name in _REGISTRY and _REGISTRY[name] is not cls:
            raise EstimationError(Text("error.estimator_registered", name=name), method=name)
        _REGISTRY[name] = cls
        return cls

    return deco


def _load_builtins() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for mod in BUILTIN_MODULES:
        try:
            importlib.import_module(mod)
        except ModuleNotFoundError as exc:
            # A method module not written yet must not break the others; any other missing import must.
            if exc.name != mod:
                raise


def known_methods() -> tuple[str, ...]:
    """Names of every registered estimator, sorted."""
    _load_builtins()
    return tuple(sorted(_REGISTRY))


def get_estimator(name: str) -> Estimator:
    """Return a fresh instance of the estimator registered as ``name``.

    Raises
    ------
    EstimationError
        Unknown method; the message lists the known ones.
    """
    _load_builtins()
    try:
        cls = _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise EstimationError(Text("error.unknown_method", method=name, known=known), method=name) from None
    return cls()
