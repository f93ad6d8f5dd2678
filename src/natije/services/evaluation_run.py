"""Run one impact evaluation on a long table, guarded: the use case behind ``natije evaluate``.

:func:`run_evaluation` freezes the design, refuses a design too small to estimate
(:func:`natije.services.evaluation_guard.check_design`), runs :func:`natije.evaluate` with numerical warnings
turned into notes, and can report the progress of long random work (bootstrap, placebo and simulation draws)
to a callback. A single series (``its`` without a unit column) is a panel of one covered unit.

Examples
--------
A single series whose level rises by about 12 from 2020:

>>> series = pl.DataFrame({"year": list(range(2010, 2024)),
...                        "visits": [50.0, 52, 51, 53, 54, 53, 55, 56, 55, 57, 67, 68, 69, 68]})
>>> r = run_evaluation(series, unit=None, time="year", outcome="visits", method="its", start=2020)
>>> round(r.estimate, 1), [e.label for e in r.effects]
(11.4, [2020, 2021, 2022, 2023])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl

from natije.domain.units import resolve
from natije.errors import Expected, Problem, ValidationError
from natije.evaluation import (
    Effect,
    EvaluationDesign,
    EvaluationResult,
    build_panel,
    estimate,
    make_executor,
    texts,
)
from natije.evaluation.evaluability import SINGLE_SERIES
from natije.evaluation.executors import Executor
from natije.evaluation.panel import to_polars
from natije.locale import t
from natije.services.evaluation_guard import check_design, finish, guarded, note

SERIES = "series"
"""Unit column added to a single series (its value: the outcome's name)."""
Progress = Callable[[int, int], None]
"""``progress(done, total)``: called as tasks of random work are added (``total`` grows) and finished."""


# the unit an effect is measured in, by the indicator's unit: a change of a percentage is in percentage points
_EFFECT_UNITS = {
    "%": "pp",
    "per 100": "per_100",
    "thousand": "thousand",
    "rank": "rank",
    "index": "points",
    "KZT": "KZT",
    "mn KZT": "mn_KZT",
    "bn KZT": "bn_KZT",
    "USD": "USD",
    "mn USD": "mn_USD",
    "bn USD": "bn_USD",
}
PERIOD_KINDS = frozenset({"period", "calendar", "group"})


def effect_unit(unit: str, lang: str) -> str:
    """How an effect on an indicator in ``unit`` is written in ``lang`` (``%`` → ``pp``); '' for counts.

    >>> effect_unit("%", "ru"), effect_unit("bn KZT", "en"), effect_unit("count", "kk")
    ('п.п.', 'bn KZT', '')
    """
    u = resolve(unit) if unit else None
    key = _EFFECT_UNITS.get(u.code) if u is not None else None
    return t("evaluation.effect_unit." + key, lang) if key else ""


def period_labels(effects: Sequence[Effect], panel: Any) -> tuple[Effect, ...]:
    """Effects whose labels are periods on the time axis, labelled as SDMX periods (``2019``, ``2019-Q3``).

    ``panel.label(index)`` gives the text of a time-axis index; event times stay numbers.
    """
    return tuple(
        replace(e, label=panel.label(int(e.label))) if e.kind in PERIOD_KINDS and e.label is not None else e
        for e in effects
    )


class ProgressExecutor:
    """Runs tasks on another executor and reports each finished task to ``progress``.

    Serial work is reported task by task; other executors report a batch when it returns. The tasks and their
    order are those of the inner executor, so the numbers do not change.
    """

    def __init__(self, inner: Executor, progress: Progress) -> None:
        self.inner, self.progress = inner, progress
        self.done = self.total = 0

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> list[Any]:
        """Apply ``fn`` to every task, reporting progress."""
        tasks = list(tasks)
        self.total += len(tasks)
        self.progress(self.done, self.total)
        if type(self.inner).__name__ != "SerialExecutor":
            out = self.inner.map(fn, tasks)
            self.done += len(tasks)
            self.progress(self.done, self.total)
            return out
        results = []
        for task in tasks:
            results.append(fn(task))
            self.done += 1
            self.progress(self.done, self.total)
        return results

    def close(self) -> None:
        """Close the inner executor if it holds a connection."""
        if hasattr(self.inner, "close"):
            self.inner.close()


def _single_series(data: pl.DataFrame, outcome: str, method: str) -> pl.DataFrame:
    if method not in SINGLE_SERIES:
        raise ValidationError(
            Problem("design", None, "unit", None, Expected("expected.unit_column", method=method)),
            "a unit column is needed",
        )
    return data.with_columns(pl.lit(outcome).alias(SERIES))


def _whole_periods(data: pl.DataFrame, time: str) -> pl.DataFrame:
    """Years read as floats (``1970.0``, as a spreadsheet or a CSV with gaps gives them) become integers."""
    if time not in data.columns or not data.schema[time].is_float():
        return data
    col = data[time]
    if (
        col.null_count()
        or not bool((col.drop_nans() == col.drop_nans().round(0)).all())
        or col.is_nan().any()
    ):
        return data  # not whole numbers: the panel check reports what is wrong
    return data.with_columns(pl.col(time).cast(pl.Int64))


READERS: dict[str, Callable[[Path], pl.DataFrame]] = {
    ".csv": lambda p: pl.read_csv(p, infer_schema_length=10000),
    ".parquet": pl.read_parquet,
    ".xlsx": lambda p: pl.read_excel(p, engine="openpyxl"),
}


def read_panel_file(path: Path) -> pl.DataFrame:
    """Read a panel from a csv, parquet or xlsx file by its extension; ValidationError for anything else."""
    reader = READERS.get(path.suffix.lower())
    if reader is None or not path.exists():
        expected = (
            Expected("expected.file_exists")
            if reader
            else Expected("expected.file_kind", suffixes=", ".join(READERS))
        )
        raise ValidationError(
            Problem(str(path), None, None, path.name, expected), "cannot read the data file"
        )
    return reader(path)


def run_evaluation(
    data: Any,
    *,
    unit: str | None,
    time: str,
    outcome: str,
    method: str,
    treated: Any = None,
    start: Any = None,
    cohort: str | None = None,
    executor: str = "serial",
    progress: Progress | None = None,
    **options: Any,
) -> EvaluationResult:
    """Evaluate like :func:`natije.evaluate` (the panel built once), refusing designs too small and keeping
    warnings off the terminal.

    ``unit=None`` is a single series (method ``its`` only): the whole table is one covered unit.
    ``progress`` is called with (done, total) tasks of random work. Numerical warnings become
    ``diagnostics['notes']``; a standard error of zero (an exact fit) is reported as not estimable.

    Raises
    ------
    ValidationError, InsufficientData, EstimationError
    """
    data = _whole_periods(to_polars(data), time)
    if unit is None:
        data = _single_series(data, outcome, method)
        unit, treated = SERIES, (outcome,)
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
            "executor": executor,
        }
    )
    inner = make_executor(executor)
    ex: Executor = ProgressExecutor(inner, progress) if progress is not None else inner
    try:
        with guarded() as notes:
            panel = build_panel(data, design)
            check_design(panel, design)
            result = estimate(panel, design, ex)
    finally:
        if hasattr(inner, "close"):
            inner.close()
    interpret = None
    if method in ("did", "event-study", "cs"):

        def interpret(r: EvaluationResult) -> str:
            return texts.interpret_att(r.design, r.estimate, r.ci, r.p_value)

    if method == "cs" and not result.effects:  # the simple average has no breakdown; say how to get one
        notes.append(note("event_time_hint"))
    return finish(result, notes, interpret)
