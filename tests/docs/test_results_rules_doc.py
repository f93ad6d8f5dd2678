"""docs/results-rules.md and the results engine agree: thresholds and their defaults, statuses, flags and
their severities, lineage statuses, forecast reasons, and the ``continues`` rule of lineage.
"""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import date

import polars as pl
from doc_text import code_spans, read, section
from hypothesis import given, settings
from hypothesis import strategies as st

from natije.domain.periods import Period
from natije.results.flags import SEVERITY, stale_flags
from natije.results.forecast import REASONS
from natije.results.frames import ProgramFrames
from natije.results.lineage import concepts, lineage
from natije.results.thresholds import DEFAULT, STATUSES, Thresholds

DOC = read("results-rules.md")


def _quoted_default(name: str) -> float:
    """The default the doc quotes for a threshold: `name` (0.6), `name` = 2 %, or 80 % (`name`)."""
    span = rf"`(?:[^`]*\s)?{name}`"  # `name` or `p_meet ≥ name`
    patterns = [
        (rf"{span} \((\d+(?:\.\d+)?)\)", 1.0),
        (rf"{span} = (\d+(?:\.\d+)?) %", 0.01),
        (rf"(\d+(?:\.\d+)?) % \(`{name}`\)", 0.01),
    ]
    found = [float(m.group(1)) * scale for p, scale in patterns for m in re.finditer(p, DOC)]
    assert found, f"docs/results-rules.md does not quote the default of `{name}`"
    assert len(set(found)) == 1, f"`{name}` is quoted with different values: {found}"
    return found[0]


def test_every_threshold_is_documented_with_its_default() -> None:
    names = [f.name for f in fields(Thresholds)]
    assert len(names) >= 10
    for name in names:
        assert abs(_quoted_default(name) - getattr(DEFAULT, name)) < 1e-12, name


def test_every_documented_threshold_exists() -> None:
    names = {f.name for f in fields(Thresholds)}
    # a threshold is quoted as `name` (default) or `name` = 2 %;
    # a flag's "`stale` (2):" is followed by a colon
    quoted = {
        m.group(1)
        for m in re.finditer(r"`(?:[^`]*\s)?([a-z]+_[a-z_]+)` (?:\(\d+(?:\.\d+)?\)(?!:)|= \d)", DOC)
    }
    quoted |= {m.group(1) for m in re.finditer(r"\d % \(`([a-z_]+)`\)", DOC)}
    assert quoted <= names, quoted - names


def test_statuses_are_the_engines() -> None:
    body = section(DOC, "Status — `status.py`")
    assert set(STATUSES) <= set(code_spans(body)), set(STATUSES) - set(code_spans(body))
    # the rules list names a status at the start of each step: "1. `achieved` — met ..."
    steps = re.findall(r"^\d+\. `(\w+)`", body, re.MULTILINE)
    assert steps and set(steps) <= set(STATUSES), steps


def test_flags_and_severities_are_the_engines() -> None:
    body = section(DOC, "Moved goalposts — `flags.py`")
    documented = {
        m.group(1): int(m.group(2)) for m in re.finditer(r"^- `(\w+)` \((\d)\):", body, re.MULTILINE)
    }
    assert documented == SEVERITY


def test_forecast_reasons_are_the_engines() -> None:
    body = section(DOC, "Forecast — `forecast.py`")
    spans = " ".join(code_spans(body))
    for reason in (r for r in REASONS.to_list() if r):
        assert re.search(rf"\b{reason}\b", spans), f"forecast reason `{reason}` is not documented"


def test_lineage_statuses_are_the_engines() -> None:
    body = section(DOC, "Lineage — `lineage.py`")
    statuses = set(lineage(_chain("A.TV"))["status"].to_list()) | set(
        lineage(_chain(None))["status"].to_list()
    )
    assert {"new", "repeated_later"} <= statuses
    for status in statuses:
        assert f"`{status}`" in body, f"lineage status `{status}` is not documented"


def _chain(continues: str | None) -> ProgramFrames:
    """A (2010) → B (2016): B.SCREENS carries on A.TV under another code and name only by ``continues``."""
    ind = pl.DataFrame(
        {
            "code": ["A.TV", "A.NET", "A.GONE", "B.SCREENS", "B.NET", "B.NEW"],
            "program": ["A", "A", "A", "B", "B", "B"],
            "name_en": [
                "Television coverage",
                "Internet users",
                "Old thing",
                "Households with a screen",
                "Internet users",
                "Something new",
            ],
            "continues": [None, None, None, continues, None, None],
            "direction": ["increase"] * 6,
        }
    )
    tg = pl.DataFrame(
        {
            "indicator": ["A.TV", "A.NET", "A.GONE", "B.SCREENS", "B.NET", "B.NEW"],
            "territory": [None] * 6,
            "kind": ["target"] * 6,
            "period": ["2015", "2015", "2015", "2020", "2015", "2020"],
            "period_start": [2015 * 12, 2015 * 12, 2015 * 12, 2020 * 12, 2015 * 12, 2020 * 12],
            "period_end": [2016 * 12, 2016 * 12, 2016 * 12, 2021 * 12, 2016 * 12, 2021 * 12],
            "value": [90.0, 70.0, 1.0, 95.0, 80.0, 1.0],
            "version": [1] * 6,
        }
    ).with_columns(pl.lit("2010-01-01").str.to_date().alias("decided_on"))
    programs = pl.DataFrame({"code": ["A", "B"], "predecessors": [[], ["A"]], "start_year": [2010, 2016]})
    return ProgramFrames.build(program="B", indicators=ind, commitments=tg, programs=programs)


def test_continues_joins_two_indicators_into_one_concept() -> None:
    # documented: "Same concept when (1) an indicator declares `continues: <code>`"
    assert "`continues: <code>`" in section(DOC, "Lineage — `lineage.py`")
    with_it = dict(concepts(_chain("A.TV").indicators).iter_rows())
    without = dict(concepts(_chain(None).indicators).iter_rows())
    assert with_it["B.SCREENS"] == with_it["A.TV"] and without["B.SCREENS"] != without["A.TV"]
    lin = lineage(_chain("A.TV"))
    screens = lin.filter(pl.col("indicator") == "B.SCREENS").row(0, named=True)
    assert screens["status"] == "repeated_later"  # promised for 2015 under A.TV, again for 2020
    alone = lineage(_chain(None)).filter(pl.col("indicator") == "B.SCREENS").row(0, named=True)
    assert alone["status"] == "new"


# -- stale: "a series whose last value reaches the end of its indicator's declared span is complete" ---------


@settings(max_examples=60, deadline=None)
@given(
    freq=st.sampled_from(["A", "Q", "M"]),
    year=st.integers(2000, 2030),
    sub=st.integers(1, 12),
    gap=st.integers(0, 2),
)
def test_a_series_complete_to_its_span_end_is_never_stale(freq: str, year: int, sub: int, gap: int) -> None:
    assert "declared span" in section(DOC, "Moved goalposts — `flags.py`")
    text = {"A": f"{year}", "Q": f"{year}-Q{(sub - 1) % 4 + 1}", "M": f"{year}-{sub:02d}"}[freq]
    end = Period.parse(text)
    last = end - gap  # gap 0: complete; otherwise the last periods of the span are missing
    assert isinstance(last, Period)
    ind = pl.DataFrame(
        {
            "code": ["P.X"],
            "program": ["P"],
            "frequency": [freq],
            "span_to": [text],
            "direction": ["increase"],
            "kind": ["stock"],
            "unit": ["%"],
        }
    )
    o = pl.DataFrame(
        {
            "indicator": ["P.X"],
            "territory": ["000000000"],
            "period": [str(last)],
            "period_start": [last.start_month],
            "period_end": [last.end_month],
            "value": [1.0],
        }
    )
    frames = ProgramFrames.build(program="P", indicators=ind, observations=o)
    stale = stale_flags(frames, date(year + 10, 1, 1))
    assert stale.height == (1 if gap else 0), (text, str(last))
