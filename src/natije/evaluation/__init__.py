"""Impact evaluation engine: a frozen design, a balanced panel, registered estimators, executors.

The methods live by family: ``did/`` (``did``, ``event-study``), ``staggered/`` (``cs``), ``synthetic/``
(``sc``, ``sdid``) and ``timeseries/`` (``its``); the registry imports them on first use.
"""

from __future__ import annotations

from natije.evaluation.api import estimate, evaluate
from natije.evaluation.design import EvaluationDesign
from natije.evaluation.executors import DaskExecutor, Executor, ProcessExecutor, SerialExecutor, make_executor
from natije.evaluation.panel import NEVER, Panel, build_panel
from natije.evaluation.registry import get_estimator, known_methods, register
from natije.evaluation.result import Effect, EvaluationResult

__all__ = [
    "NEVER",
    "DaskExecutor",
    "Effect",
    "EvaluationDesign",
    "EvaluationResult",
    "Executor",
    "Panel",
    "ProcessExecutor",
    "SerialExecutor",
    "build_panel",
    "estimate",
    "evaluate",
    "get_estimator",
    "known_methods",
    "make_executor",
    "register",
]
