"""Which indicators of a program the store's data could evaluate, and what to collect for the others.

:func:`program_evaluability` takes the program's own indicators that have no stored evaluation
(:func:`natije.services.evaluation.history`) and, for each, counts what an evaluation would run on: the
regional panel :func:`natije.services.evaluation.evaluate_indicator` would build (territories as units,
carried across reforms, balanced), the regions valid when the program started, the national series and the
roll-out by region when the caller knows it (the store holds none: without it every region is taken to be
reached at the program's start, and the result asks for the roll-out dates). The rules and the verdict are
:mod:`natije.evaluation.evaluability`'s; the words, :mod:`natije.services.evaluability_words`.

Examples
--------
>>> from natije.services.demo import load_demo
>>> from natije.store import Store
>>> store = Store.open("sqlite://")
>>> _ = load_demo(store)
>>> users = program_evaluability(store, "AI2023")[-1]
>>> users.indicator, users.verdict, users.method, [n.code for n in users.needs]
('AI2023.RURAL_INTERNET_USERS', 'weak', 'its', ['rollout_dates', 'comparison_units'])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import polars as pl

from natije.domain.periods import Frequency, Period
from natije.domain.territories import TerritoryChange
from natije.errors import InsufficientData
from natije.evaluation.evaluability import Evaluability, Need, PanelFacts, assess, panel_facts
from natije.results.frames import ProgramFrames
from natije.services.evaluation import _day, history
from natije.services.evaluation_panel import build_indicator_panel
from natije.store import Store
from natije.store.frames import load_program_frames
from natije.store.reads import get_reference_package

__all__ = ["Evaluability", "Need", "PanelFacts", "program_evaluability"]
NO_CELLS = pl.DataFrame(schema={"territory": pl.String, "period": pl.Int64})


def program_evaluability(
    store: Store,
    code: str,
    as_of: date | str | None = None,
    cohorts: Mapping[str, str | None] | None = None,
) -> list[Evaluability]:
    """Evaluability of each indicator of program ``code`` without a stored evaluation, in the program's order.

    Parameters
    ----------
    store : Store
    code : str
        Program code.
    as_of : date or ISO text, optional
        The data (and the stored evaluations) as known on that day.
    cohorts : mapping, optional
        Territory code → first period the program reached it (SDMX text, e.g. ``"2019"``; a year is the first
        quarter or month of a finer indicator; ``None`` = never), as :func:`natije.services.evaluation.
        read_cohort_file` reads it. Absent, the store knows no roll-out.

    Returns
    -------
    list of Evaluability
        One per indicator: ``verdict``, ``method``, ``feasible``, ``facts`` and ``needs``
        (:class:`natije.evaluation.evaluability.Evaluability`); in words:
        :func:`natije.services.evaluability_words.describe_evaluability`.

    Raises
    ------
    NotFound
        Unknown program.
    ValidationError
        ``as_of`` is not a date, or a cohort's period is not an SDMX period.
    """
    day = _day(as_of)
    done = {e.indicator for e in history(store, code) if day is None or e.created_at.date() <= day}
    with store.connect() as conn:
        catalog = load_program_frames(conn, code, as_of=day, observations="none")
        own = catalog.indicators.filter((pl.col("program") == code) & ~pl.col("code").is_in(list(done)))
        if own.height == 0:
            return []
        # only these indicators' rows: the predecessors' observations are not read
        frames = load_program_frames(conn, code, as_of=day, indicators=own["code"].to_list())
        changes = get_reference_package(conn).territory_changes
    program = frames.programs.filter(pl.col("code") == code).row(0, named=True)
    return [
        _indicator(frames, changes, row, int(program["start_year"]), cohorts)
        for row in own.iter_rows(named=True)
    ]


def _indicator(
    frames: ProgramFrames,
    changes: Sequence[TerritoryChange],
    row: dict[str, Any],
    start_year: int,
    cohorts: Mapping[str, str | None] | None,
) -> Evaluability:
    freq = Frequency(row["frequency"] or "A")
    start = Period.parse(start_year).start_month // freq.months
    try:
        cells = build_indicator_panel(
            frames.observations,
            frames.territories,
            changes,
            indicator=row["code"],
            frequency=freq.value,
            unit=row["unit"],
            ratio=row["ratio_numerator"] is not None,
        ).frame
    except InsufficientData:  # fewer than two regions or periods: no regional panel
        cells = NO_CELLS
    facts = panel_facts(
        cells,
        frequency=freq.value,
        start=start,
        regions=_regions(frames.territories, Period(freq, start).start),
        cohorts=None if cohorts is None else {k: _index(v, freq) for k, v in cohorts.items()},
        series=_national(frames, row["code"], freq),
    )
    return assess(row["code"], facts)


def _index(label: str | None, freq: Frequency) -> int | None:
    """Index in ``freq`` of the period holding the start of ``label`` (``None``: never reached)."""
    return None if label is None else Period.parse(label).start_month // freq.months


def _regions(territories: pl.DataFrame, day: date) -> list[str]:
    valid = (pl.col("valid_from").is_null() | (pl.col("valid_from") <= day)) & (
        pl.col("valid_to").is_null() | (pl.col("valid_to") > day)
    )
    return territories.filter((pl.col("level") == "region") & valid)["code"].to_list()


def _national(frames: ProgramFrames, indicator: str, freq: Frequency) -> list[int]:
    """Periods of the indicator's national series (values of the country, in the indicator's frequency)."""
    country = frames.territories.filter(pl.col("level") == "country")["code"].to_list()
    obs = frames.observations.filter(
        (pl.col("indicator") == indicator)
        & pl.col("territory").is_in(country)
        & (pl.col("period_end") - pl.col("period_start") == freq.months)
    )
    return sorted({int(s) // freq.months for s in obs["period_start"]})
