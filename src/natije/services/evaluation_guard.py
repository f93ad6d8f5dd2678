"""The boundary around an evaluation run: designs too small are refused, numerical warnings become notes.

Estimators compute with NumPy, SciPy and statsmodels, which report trouble as Python warnings (an all-NaN
slice, a model that did not converge). Printed on a terminal those are noise in English; :func:`guarded` runs
the estimation with every warning recorded and turns the meaningful ones into notes (message keys with
parameters, shown in the interface language) kept in ``diagnostics['notes']``. :func:`check_design` refuses,
before any estimation, a design that cannot give an estimate, naming what is missing, by the thresholds
:mod:`natije.evaluation.evaluability` keeps (which also judges, before any run, what the data allow).
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import numpy as np

from natije.errors import InsufficientData, Text
from natije.evaluation.design import EvaluationDesign
from natije.evaluation.evaluability import NEEDS_NEVER_COVERED, SINGLE_SERIES, min_pre_periods
from natije.evaluation.panel import Panel
from natije.evaluation.result import EvaluationResult

Note = dict[str, Any]
NOTE = "evaluation.note."


def note(key: str, **params: Any) -> Note:
    """A note for the user: ``evaluation.note.<key>`` with its parameters."""
    return {"key": NOTE + key, "params": params}


def _warning_note(w: warnings.WarningMessage) -> Note:
    name = w.category.__name__
    text = str(w.message).lower()
    if "convergence" in name.lower() or "converge" in text:
        return note("not_converged")
    if issubclass(w.category, RuntimeWarning) and any(
        s in text for s in ("nan", "empty", "invalid value", "divide", "degrees of freedom")
    ):
        return note("numeric_gaps")
    if issubclass(w.category, RuntimeWarning) and "overflow" in text:
        return note("overflow")
    return note("library_warning", category=name)


@contextmanager
def guarded() -> Iterator[list[Note]]:
    """Run the body with every warning recorded; yields the list the notes (deduplicated) are put in.

    Worker processes started for the ``processes`` executor inherit ``PYTHONWARNINGS=ignore`` so nothing they
    compute prints on the terminal either.
    """
    notes: list[Note] = []
    saved = os.environ.get("PYTHONWARNINGS")
    os.environ["PYTHONWARNINGS"] = "ignore"
    try:
        with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
            warnings.simplefilter("always")
            yield notes
    finally:
        if saved is None:
            os.environ.pop("PYTHONWARNINGS", None)
        else:
            os.environ["PYTHONWARNINGS"] = saved
    for w in caught:
        n = _warning_note(w)
        if n not in notes:
            notes.append(n)


def check_design(panel: Panel, design: EvaluationDesign) -> None:
    """Refuse a design too small to estimate, naming what is missing (InsufficientData, exit code 7).

    Checked in order: at least two periods; at least one unit covered by the program; a period before the
    program starts for some covered unit (as many as the method fits on: 2 for ``sc`` and ``sdid``, 3 for
    ``its``); units not covered by the program to compare with (not needed by ``its``, which forecasts the
    series itself).
    """
    n, t = panel.shape
    if t < 2:
        raise InsufficientData(Text("error.design_few_periods", periods=t), reason="few_periods")
    covered = panel.treated
    if not covered.any():
        raise InsufficientData(Text("error.design_no_covered", units=n), reason="no_covered")
    starts = panel.first[covered]
    if not (starts > 0).any():
        raise InsufficientData(
            Text("error.design_no_pre_period", first=_label(panel.times[0])), reason="no_pre_period"
        )
    needed, pre = min_pre_periods(design.method), int(starts.max())
    if pre < needed:
        raise InsufficientData(
            Text("error.design_few_pre_periods", method=design.method, needed=needed, pre=pre),
            reason="few_pre_periods",
        )
    if design.method in SINGLE_SERIES:
        return
    never = int((~covered).sum())
    later = np.unique(starts).size > 1  # units covered later compare with those covered earlier
    # 'cs' with control='never' and no never-covered unit says itself to use control='not-yet'
    if never == 0 and (design.method in NEEDS_NEVER_COVERED or not later):
        raise InsufficientData(Text("error.design_no_comparison", units=n), reason="no_comparison")


def _label(value: Any) -> str:
    v = value.item() if hasattr(value, "item") else value
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def degenerate_se(result: EvaluationResult) -> bool:
    """Whether the standard error is zero up to rounding while there is an estimate
    (no residual variation)."""
    se, est = result.se, result.estimate
    return math.isfinite(se) and math.isfinite(est) and se <= 1e-9 * max(1.0, abs(est))


def finish(
    result: EvaluationResult, notes: list[Note], interpret: Callable[[EvaluationResult], str] | None = None
) -> EvaluationResult:
    """Attach ``notes`` to the result's diagnostics; a zero standard error becomes 'not estimable'.

    A design with one unit on each side, say, fits its data exactly: the standard error is 0 and any estimate
    would look certain. The interval and p-value are then dropped (NaN) and a note says why.
    """
    if degenerate_se(result):
        notes = [*notes, note("se_not_estimable")]
        result = replace(result, se=math.nan, ci=(math.nan, math.nan), p_value=math.nan)
        if interpret is not None:
            result = replace(result, interpretation=interpret(result))
    old = list(result.diagnostics.get("notes", []))
    return replace(
        result, diagnostics={**result.diagnostics, "notes": old + [n for n in notes if n not in old]}
    )
