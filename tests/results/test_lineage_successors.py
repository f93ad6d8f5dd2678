"""Dropped from the portfolio, judged with the programs after the chain in view
(``ProgramFrames.successors``): a concept a later program in force continues is not dropped; before that
program is in force it is."""

from __future__ import annotations

from datetime import date

import polars as pl
from frames_builders import chain_frames

from natije.results.flags import flags
from natije.results.frames import ProgramFrames
from natije.results.lineage import carried_later, chain, lineage


def successors(rows: list[tuple], status: str = "in_force") -> pl.DataFrame:
    """rows: (program, predecessors, start_year, end_year, indicator code, English name, continues)."""
    keys = ("program", "predecessors", "start_year", "end_year", "code", "name_en", "continues")
    return pl.DataFrame(
        [{**dict(zip(keys, r)), "status": status} for r in rows], schema_overrides={"continues": pl.String}
    )


# IK (2013–2020) → DK (2018–2022) → AF (2023–2027): AF's TV coverage continues IK's, by its code
LATER = [
    ("AF", ["DK"], 2023, 2027, "AF.TV_COVER", "Households reached by digital TV", "IK.TV"),
    ("AF", ["DK"], 2023, 2027, "AF.SPEED", "Mean download speed", None),
]


def with_later(rows: list[tuple]) -> ProgramFrames:
    return chain_frames().replace(successors=successors(rows))


def dropped(frames: ProgramFrames, as_of: str) -> list[str]:
    f = flags(frames, as_of=as_of)
    return sorted(f.filter(pl.col("flag") == "dropped_from_portfolio")["indicator"])


def test_a_successor_in_force_that_continues_a_concept_keeps_it_in_the_portfolio() -> None:
    assert dropped(chain_frames(), "2024-01-01") == ["IK.TV"]  # no successor in view: dropped
    assert dropped(with_later(LATER), "2024-01-01") == []
    lin = lineage(with_later(LATER).replace(as_of=None, today=date(2024, 1, 1)))
    assert lin.filter(pl.col("status") == "dropped_from_portfolio").height == 0


def test_before_the_successor_is_in_force_the_concept_was_dropped() -> None:
    # mid-2022: IK has ended, DK runs without TV coverage, AF starts in 2023
    assert dropped(with_later(LATER), "2022-06-01") == ["IK.TV"]
    # and after AF ends (1 January 2028) nothing carries it again
    assert dropped(with_later(LATER), "2028-01-01") == ["IK.TV"]


def test_a_draft_successor_carries_nothing() -> None:
    draft = chain_frames().replace(successors=successors(LATER, status="draft"))
    assert dropped(draft, "2024-01-01") == ["IK.TV"]


def test_a_successor_matches_by_name_or_suffix_as_in_the_chain() -> None:
    by_name = [("AF", ["DK"], 2023, 2027, "AF.COVER", "Digital television coverage", None)]
    by_suffix = [("AF", ["DK"], 2023, 2027, "AF.TV", "Something else", None)]
    unrelated = [("AF", ["DK"], 2023, 2027, "AF.RADIO", "Radio coverage", None)]
    assert dropped(with_later(by_name), "2024-01-01") == []
    assert dropped(with_later(by_suffix), "2024-01-01") == []
    assert dropped(with_later(unrelated), "2024-01-01") == ["IK.TV"]


def test_a_successor_carries_only_from_the_programs_it_descends_from() -> None:
    # Z branches off IK (a sibling of DK) and tracks TV coverage; AF (after DK) does not; Y (after Z) ended
    rows = [
        ("Z", ["IK"], 2021, 2025, "Z.TV", "Digital television coverage", None),
        ("Y", ["Z"], 2019, 2020, "Y.SPEED", "Mean download speed", None),
        LATER[1],
    ]
    frames = with_later(rows).replace(as_of=None)
    ind = frames.indicators.filter(pl.col("program").is_in(chain(frames.programs, "DK")))
    later = carried_later(frames.replace(as_of=date(2024, 1, 1)), ind)
    assert later["IK.TV"] == {"IK", "Z"}  # Z in force in 2024, descending from IK, the holder
    assert later["DK.LIT"] == set()  # no successor in force tracks literacy
    assert dropped(with_later(rows), "2024-01-01") == []
    assert dropped(with_later(rows), "2026-01-01") == ["IK.TV"]  # Z has ended too
