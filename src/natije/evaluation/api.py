"""``natije.evaluate``: freeze the request, build the panel, run the registered estimator (``estimate``)."""

from __future__ import annotations

from typing import Any

from natije.evaluation.design import EvaluationDesign
from natije.evaluation.executors import Executor, make_executor
from natije.evaluation.panel import Panel, build_panel
from natije.evaluation.registry import get_estimator
from natije.evaluation.result import EvaluationResult


def evaluate(
    data: Any,
    *,
    unit: str,
    time: str,
    outcome: str,
    method: str,
    treated: Any = None,
    start: Any = None,
    cohort: str | None = None,
    executor: str | Executor = "serial",
    **options: Any,
) -> EvaluationResult:
    """Estimate the impact of an intervention on a panel.

    Parameters
    ----------
    data : polars.DataFrame, pandas.DataFrame or dict of columns
        Long table, one row per unit and period.
    unit, time, outcome : str
        Column names.
    method : str
        ``did``, ``event-study``, ``cs``, ``sc``, ``sdid`` or ``its`` (see :func:`known_methods`).
    treated, start : optional
        Treated unit id(s) and first treated period (block design).
    cohort : str, optional
        Column holding each unit's first treated period (0/missing = never).
    executor : str or Executor
        ``serial``, ``processes`` or ``dask://HOST:PORT`` (or an Executor instance).
    **options
        ``control``, ``estimation``, ``covariates``, ``aggregation``, ``inference``, ``alpha``,
        ``n_boot``, ``seed``; anything else goes to the method (e.g. ``lang='kk'``).

    Returns
    -------
    EvaluationResult

    Examples
    --------
    Four regions over four years; C and D start the program in 2022 and gain about 2:

    >>> import natije
    >>> data = {
    ...     "region": [r for r in "ABCD" for _ in range(4)],
    ...     "year": [2020, 2021, 2022, 2023] * 4,
    ...     "y": [1.0, 2.1, 2.9, 4.0, 3.0, 3.9, 5.1, 6.0, 2.0, 3.0, 6.0, 7.1, 4.1, 5.0, 7.9, 9.0],
    ... }
    >>> r = natije.evaluate(data, unit="region", time="year", outcome="y", method="did",
    ...                     treated=["C", "D"], start=2022)
    >>> round(r.estimate, 3), round(r.se, 3), [round(x, 2) for x in r.ci]
    (1.975, 0.114, [1.61, 2.34])
    """
    spec = executor if isinstance(executor, str) else "serial"
    design, _ = EvaluationDesign.from_mapping(
        {
            **options,
            "unit": unit,
            "time": time,
            "outcome": outcome,
            "method": method,
            "treated": treated,
            "start": start,
            "cohort": cohort,
            "executor": spec,
        }
    )
    get_estimator(method)  # an unknown method is named before the data are read
    return estimate(build_panel(data, design), design, executor)


def estimate(panel: Panel, design: EvaluationDesign, executor: str | Executor = "serial") -> EvaluationResult:
    """Run the estimator registered as ``design.method`` on a built ``panel`` through ``executor``.

    An executor made here from its spec is closed here; one passed in stays open.
    """
    estimator = get_estimator(design.method)
    ex = make_executor(executor)
    try:
        return estimator.fit(panel, design, ex)
    finally:
        if ex is not executor and hasattr(ex, "close"):
            ex.close()
