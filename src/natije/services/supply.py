"""What each agency owes and how well it supplies it: the periods due per indicator, and the data-supply
scorecard (timeliness, completeness, share returned, revision rate, share by API; rules:
:mod:`natije.results.supply`). The periods and their due days are coverage's
(:func:`natije.results.coverage.periods_due`), read from each program's frames as known on the day.

>>> from datetime import date
>>> from natije.domain.access import PUBLIC
>>> from natije.services.demo import load_demo
>>> from natije.store import Store
>>> store = Store.open("sqlite://"); _ = load_demo(store)
>>> card = agency_scorecard(store, PUBLIC, "MTC", date(2026, 12, 7))
>>> card.values_submitted, card.periods_due > 0
(0, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from natije.domain.access import Principal, require
from natije.errors import NotFound, Text
from natije.results.achievement import national_codes
from natije.results.coverage import periods_due
from natije.results.supply import DUE_COLUMNS, SUBMITTED, SupplyScorecard, due_table, scorecard
from natije.services import monitoring
from natije.store import Store
from natije.store import submissions as rows_store

__all__ = ["AgencyDue", "SupplyScorecard", "agency_due", "agency_scorecard", "scorecards"]


@dataclass(frozen=True)
class AgencyDue:
    """An agency's ended periods on ``day``, one row per indicator and period: ``due`` (the first day it is
    late) and ``state`` (published, pending, returned, overdue, due)."""

    agency: str
    day: date
    table: pl.DataFrame

    def to_dict(self) -> dict[str, Any]:
        rows = [{**r, "due": r["due"].isoformat()} for r in self.table.iter_rows(named=True)]
        return {"agency": self.agency, "day": self.day.isoformat(), "periods": rows}


@dataclass(frozen=True)
class _Supply:
    due: pl.DataFrame
    submitted: pl.DataFrame
    revised_after: pl.Series


def _read(store: Store, agency: str, day: date) -> _Supply:
    """The agency's ended periods with their state, its submitted values, the revisions of its published
    values; ``NotFound`` for an agency with no indicator of a program."""
    with store.connect() as conn:
        programs = rows_store.agency_programs(conn, agency).get(agency)
        frame = rows_store.submission_frame(conn, agency)
    if not programs:
        raise NotFound(Text("error.agency_not_found", agency=agency), agency=agency)
    expected, published, revised = [], [], []
    for code, indicators in programs.items():
        frames = monitoring.load_frames(store, code, day, observations="all")
        own = pl.Series(indicators).implode()
        expected.append(periods_due(frames, day).filter(pl.col("indicator").is_in(own)))
        values = frames.observations.filter(pl.col("indicator").is_in(own))
        national = values.filter(pl.col("territory").is_in(national_codes(frames.territories)))
        published.append(national.select("indicator", "period"))
        revised.append(values["revised_after"])
    submitted = frame.select(SUBMITTED.columns) if frame.height else SUBMITTED.clear()
    due = due_table(pl.concat(expected), pl.concat(published), submitted, day)
    return _Supply(due, submitted, pl.concat(revised))


def agency_due(store: Store, principal: Principal, agency: str, today: date | None = None) -> AgencyDue:
    """The periods ``agency`` owes on ``today`` (default: monitoring's today) with their state.

    Raises
    ------
    PermissionDenied
        Unless ``principal`` may read ``agency``'s unpublished values.
    NotFound
        When no indicator of a program belongs to ``agency``.
    """
    require(principal, "read_unpublished", agency)
    day = today or monitoring.today()
    return AgencyDue(agency, day, _read(store, agency, day).due.select(DUE_COLUMNS))


def agency_scorecard(
    store: Store, principal: Principal, agency: str, today: date | None = None
) -> SupplyScorecard:
    """The data-supply scorecard of ``agency`` on ``today`` (default: monitoring's today): figures only, no
    unpublished value, so anyone who may read published data may read it.

    Raises
    ------
    NotFound
        When no indicator of a program belongs to ``agency``.
    """
    require(principal, "read_published")
    day = today or monitoring.today()
    read = _read(store, agency, day)
    return scorecard(agency, day, read.due, read.submitted, read.revised_after)


def scorecards(store: Store, principal: Principal, today: date | None = None) -> list[SupplyScorecard]:
    """The scorecard of every agency that owns an indicator of a program, by agency code."""
    require(principal, "read_published")
    with store.connect() as conn:
        agencies = list(rows_store.agency_programs(conn))
    return [agency_scorecard(store, principal, a, today) for a in agencies]
