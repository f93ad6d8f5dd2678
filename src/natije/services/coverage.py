"""Coverage of a program's data: which indicators have values, for which periods and regions, how complete and
how timely, from which sources (rules: :mod:`natije.results.coverage`).

>>> from natije.store import Store
>>> from natije.services.demo import load_demo
>>> store = Store.open("sqlite://")
>>> _ = load_demo(store)
>>> c = program_coverage(store, "AI2023", as_of="2026-12-07")
>>> c.summary.indicators, c.summary.with_data
(5, 5)
"""

from __future__ import annotations

from datetime import date

from natije.results.coverage import COLUMNS, Coverage, CoverageSummary, coverage
from natije.results.frames import ProgramFrames
from natije.services.monitoring import load_frames
from natije.store import Store

__all__ = ["COLUMNS", "Coverage", "CoverageSummary", "program_coverage"]


def program_coverage(store: Store, code: str, as_of: date | str | None = None) -> Coverage:
    """The coverage of program ``code`` judged on ``as_of`` (default: today), from what was recorded by then.

    Every observation of the program's indicators is read, regional ones too.

    Raises
    ------
    NotFound
        When no program has that code.
    ValidationError
        When ``as_of`` is before anything about the program was known.
    """
    return coverage_of(load_frames(store, code, as_of, observations="all"))


def coverage_of(frames: ProgramFrames) -> Coverage:
    """The coverage of the program whose frames (every observation read) are ``frames``, on their day."""
    return coverage(frames, frames.as_of)
