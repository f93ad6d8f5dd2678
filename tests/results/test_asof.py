"""As-of filtering: the value known on a day, and how many times it had been revised by then."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from natije.results.asof import filter_as_of
from natije.results.frames import ProgramFrames

T0, T1, T2 = datetime(2020, 3, 1), datetime(2021, 5, 1, 12), datetime(2022, 2, 1)


def _frames() -> ProgramFrames:
    """One value recorded on T0 (79), revised on T1 (80) and T2 (81); as the store gives it: the current
    value, ``revised_after`` = 2, and every revision row including the first recording."""
    obs = pl.DataFrame(
        {
            "indicator": ["X", "X"],
            "territory": ["T", "T"],
            "period": ["2019", "2020"],
            "period_start": [2019 * 12, 2020 * 12],
            "period_end": [2020 * 12, 2021 * 12],
            "value": [81.0, 50.0],
            "first_recorded": [T0, T0],
            "recorded_at": [T2, T0],
            "revised_after": [2, 0],
        }
    )
    revs = pl.DataFrame(
        {
            "indicator": "X",
            "territory": "T",
            "period": "2019",
            "value": [79.0, 80.0, 81.0],
            "recorded_at": [T0, T1, T2],
        }
    )
    return ProgramFrames.build(program="P", observations=obs, revisions=revs)


def _known(day: date) -> list[tuple]:
    o = filter_as_of(_frames(), day).observations.sort("period")
    return o.select("period", "value", "revised_after").rows()


def test_revised_after_counts_revisions_after_the_first_recording() -> None:
    assert _known(date(2020, 6, 1)) == [("2019", 79.0, 0), ("2020", 50.0, 0)]
    assert _known(date(2021, 6, 1)) == [("2019", 80.0, 1), ("2020", 50.0, 0)]
    assert _known(date(2023, 1, 1)) == [("2019", 81.0, 2), ("2020", 50.0, 0)]
    # the day of a revision counts as known by then
    assert _known(T1.date())[0] == ("2019", 80.0, 1)
    assert _known(date(2019, 1, 1)) == []
