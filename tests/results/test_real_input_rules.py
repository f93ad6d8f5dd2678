"""Rules that real input exposed (issue 8): each test states the class of input it guards against."""

from __future__ import annotations

import re
from datetime import date

import polars as pl
from frames_builders import KZ, commits, indicators, obs
from hypothesis import given, settings
from hypothesis import strategies as st

from natije.results.engine import results_table
from natije.results.frames import ProgramFrames

YEARS = st.lists(st.floats(0, 100, allow_nan=False), min_size=0, max_size=6)


def _series(
    values: list[float],
    target: float,
    direction: str = "increase",
    period: str = "2027",
    baseline: float | None = None,
) -> ProgramFrames:
    ind = indicators([{"code": "X", "direction": direction, "program": "P"}])
    rows = [("X", None, "target", period, target, date(2019, 1, 1))]
    if baseline is not None:
        rows.append(("X", None, "baseline", "2019", baseline, date(2019, 1, 1)))
    o = obs([("X", KZ, str(2020 + i), v) for i, v in enumerate(values)]) if values else None
    return ProgramFrames.build(program="P", indicators=ind, observations=o, commitments=commits(rows))


@settings(max_examples=80, deadline=None)
@given(YEARS, st.floats(0, 100, allow_nan=False), st.sampled_from(["increase", "decrease", "maintain"]))
def test_no_chance_to_meet_is_given_for_a_target_already_met(values, target, direction):
    """Whatever the series, a target already met shows no p_meet;
    one not yet met with a forecast shows one."""
    row = results_table(_series(values, target, direction), as_of="2026-03-01").row(0, named=True)
    if row["met"]:
        assert row["status"] == "achieved" and row["p_meet"] is None
    elif row["forecast_reason"] is None:
        assert row["p_meet"] is not None


@settings(max_examples=80, deadline=None)
@given(YEARS, st.one_of(st.none(), st.floats(0, 50, allow_nan=False)), st.sampled_from(["stock", "periodic"]))
def test_no_data_means_no_value_and_too_little_data_says_so(values, baseline, kind):
    """``no_data`` exactly when the series has no value; a series too short to judge is ``insufficient_data``;
    an actual's period is shown exactly when an actual is."""
    frames = _series(values, 101, baseline=baseline)
    frames = frames.replace(indicators=frames.indicators.with_columns(pl.lit(kind).alias("kind")))
    row = results_table(frames, as_of="2026-03-01").row(0, named=True)
    assert (row["status"] == "no_data") == (not values)
    if row["status"] == "insufficient_data":
        assert row["p_meet"] is None and row["pace"] is None
    assert (row["actual"] is None) == (row["actual_period"] is None)
    if row["actual"] is None:
        assert not row["illustrative"]


@settings(max_examples=60, deadline=None)
@given(
    st.floats(1, 100, allow_nan=False),
    st.floats(1, 100, allow_nan=False),
    st.sampled_from(["increase", "decrease", "maintain"]),
)
def test_a_changed_target_is_called_easier_or_harder_by_the_indicator_direction(old, new, direction):
    """Any two versions of a target: easier when the new one asks for less in the indicator's direction,
    harder when for more, in every language; never "lowered" when the number went up."""
    from natije.cli.commands_results import evidence
    from natije.results.flags import flags

    ind = indicators([{"code": "X", "direction": direction, "program": "P"}])
    c = commits(
        [
            ("X", None, "target", "2027", old, date(2020, 1, 1), 1),
            ("X", None, "target", "2027", new, date(2022, 1, 1), 2),
        ]
    )
    got = flags(ProgramFrames.build(program="P", indicators=ind, commitments=c), as_of="2023-01-01")
    got = got.filter(pl.col("flag").str.starts_with("target"))
    if old == new or direction == "maintain":
        assert got.height == 0
        return
    easier = new > old if direction == "decrease" else new < old
    assert got["flag"].to_list() == ["target_eased" if easier else "target_tightened"]
    row = got.row(0, named=True)
    assert (row["old_value"], row["new_value"]) == (old, new) and row["severity"] == (3 if easier else 1)
    assert ("easier" if easier else "harder") in row["evidence"] and "lower" not in row["evidence"]
    for lang in ("kk", "ru", "en"):
        text = evidence(row["flag"], row["args"], lang)
        assert text and "{" not in text
    # the interface writes numbers as the language does (2, not the engine's 2.0)
    assert evidence(row["flag"], row["args"], "en") == re.sub(r"(\d)\.0\b", r"\1", row["evidence"])


def _pace(values: dict[str, float], as_of: str) -> dict:
    """One annual indicator: baseline 30 for 2019, target 90 for 2027, the given values
    (too few to forecast)."""
    ind = indicators([{"code": "X", "program": "P"}])
    c = commits(
        [
            ("X", None, "target", "2027", 90, date(2019, 1, 1)),
            ("X", None, "baseline", "2019", 30, date(2019, 1, 1)),
        ]
    )
    frames = ProgramFrames.build(
        program="P",
        indicators=ind,
        commitments=c,
        observations=obs([("X", KZ, p, v) for p, v in values.items()]),
    )
    return results_table(frames, as_of=as_of).row(0, named=True)


@settings(max_examples=40, deadline=None)
@given(st.floats(30, 89, allow_nan=False), st.integers(1, 12), st.integers(1, 28))
def test_pace_does_not_fall_while_the_latest_value_is_as_recent_as_the_lag_allows(value, month, day):
    """With a 12-month reporting lag, all through 2025 the latest annual value anyone can have is 2023's: a
    series holding it keeps the same pace and status whatever day of 2025 it is judged on."""
    first = _pace({"2023": value}, "2025-01-01")
    later = _pace({"2023": value}, f"2025-{month:02d}-{day:02d}")
    assert later["pace"] == first["pace"] and later["status"] == first["status"]
    # the pace is the gap closed over the time share to 2023's midpoint (baseline 2019.5, target 2027.5)
    assert abs(first["pace"] - ((value - 30) / 60) / (4 / 8)) < 1e-9


def test_pace_of_late_data_is_measured_to_the_period_it_could_have_covered():
    """A value older than the lag allows counts against the indicator: measured to 2023, not to its own 2021;
    a value more recent than the lag requires is measured to its own period (never past the as-of date)."""
    late = _pace({"2021": 60}, "2025-06-30")
    assert abs(late["pace"] - 0.5 / (4 / 8)) < 1e-9
    early = _pace({"2024": 60}, "2025-06-30")
    assert abs(early["pace"] - 0.5 / (5 / 8)) < 1e-9


REGION_VALUES = st.dictionaries(
    st.tuples(st.sampled_from(["A", "B", KZ]), st.sampled_from(["2019", "2020", "2022"])),
    st.floats(1, 80, allow_nan=False),
    max_size=9,
)


@settings(max_examples=60, deadline=None)
@given(
    REGION_VALUES, st.floats(1, 80, allow_nan=False), st.one_of(st.none(), st.floats(1, 80, allow_nan=False))
)
def test_a_region_is_measured_from_its_own_baseline_never_the_national_one(values, national, own_a):
    """A national target and baseline (2020) of a share apply to every region; region A may declare its own
    baseline (2021). Each row's baseline is the region's own — declared, else its own 2020 value — or none."""
    ind = indicators([{"code": "S", "program": "P"}])
    rows = [
        ("S", None, "target", "2027", 90, date(2019, 1, 1)),
        ("S", None, "baseline", "2020", national, date(2019, 1, 1)),
    ]
    if own_a is not None:
        rows.append(("S", "A", "baseline", "2021", own_a, date(2019, 1, 1)))
    o = obs([("S", t, p, v) for (t, p), v in values.items()]) if values else None
    frames = ProgramFrames.build(program="P", indicators=ind, commitments=commits(rows), observations=o)
    table = results_table(frames, as_of="2023-06-01")
    for r in table.iter_rows(named=True):
        if r["territory"] == KZ:
            assert (r["baseline"], r["baseline_period"]) == (national, "2020")
        elif r["territory"] == "A" and own_a is not None:
            assert (r["baseline"], r["baseline_period"]) == (own_a, "2021")
        elif (r["territory"], "2020") in values:
            assert (r["baseline"], r["baseline_period"]) == (values[(r["territory"], "2020")], "2020")
        else:
            assert r["baseline"] is None and r["baseline_period"] is None


PARTS = st.dictionaries(
    st.tuples(st.sampled_from(["D1", "D2", "R2"]), st.sampled_from(["2022", "2023"])),
    st.tuples(st.integers(0, 50), st.integers(1, 50)),
    min_size=1,
    max_size=6,
)


@settings(max_examples=50, deadline=None)
@given(PARTS, st.one_of(st.none(), st.floats(1, 99, allow_nan=False)))
def test_a_ratio_is_computed_from_its_parts_at_every_level(parts, supplied):
    """Districts D1, D2 (in region R1) and region R2 (in the country C) report connected and total villages,
    never the share; the share (= 100 · connected / total) is known at each of them, at R1 and at C (ratio of
    sums), without being supplied. A share D1 does supply for 2023 beside its parts is the published figure
    and stands for D1."""
    ind = indicators(
        [
            {"code": "N", "unit": "count", "program": "P"},
            {"code": "T", "unit": "count", "program": "P"},
            {
                "code": "S",
                "program": "P",
                "ratio_numerator": "N",
                "ratio_denominator": "T",
                "ratio_scale": 100.0,
            },
        ]
    )
    rows = [
        r for (terr, year), (n, d) in parts.items() for r in (("N", terr, year, n), ("T", terr, year, n + d))
    ]
    supplied = (
        supplied if ("D1", "2023") in parts else None
    )  # supplied beside its parts: roll-ups use the parts
    if supplied is not None:
        rows.append(("S", "D1", "2023", supplied))
    terr = pl.DataFrame(
        {
            "code": ["C", "R1", "R2", "D1", "D2"],
            "level": ["country", "region", "region", "district", "district"],
            "parent": [None, "C", "C", "R1", "R1"],
        }
    )
    frames = ProgramFrames.build(
        program="P",
        indicators=ind,
        observations=obs(rows),
        territories=terr,
        commitments=commits([("S", None, "target", "2027", 90, date(2020, 1, 1))]),
    )
    got = {
        r["territory"]: (r["actual"], r["actual_period"])
        for r in results_table(frames, as_of="2024-06-01").iter_rows(named=True)
    }
    members = {"D1": ["D1"], "D2": ["D2"], "R2": ["R2"], "R1": ["D1", "D2"], "C": ["D1", "D2", "R2"]}
    want = {}
    for place, leaves in members.items():
        years = sorted({y for (t, y) in parts if t in leaves})
        if not years:
            continue
        last = years[-1]
        n = sum(parts[(t, last)][0] for t in leaves if (t, last) in parts)
        d = sum(sum(parts[(t, last)]) for t in leaves if (t, last) in parts)
        want[place] = (100 * n / d, last)
    if supplied is not None:
        want["D1"] = (supplied, "2023")
    assert set(got) == set(want)
    for place, (value, period) in want.items():
        assert abs(got[place][0] - value) < 1e-9 and got[place][1] == period, place


@settings(max_examples=60, deadline=None)
@given(
    st.dates(date(2021, 9, 1), date(2030, 12, 31)),
    st.one_of(st.none(), st.dates(date(2019, 1, 1), date(2030, 1, 1))),
    st.integers(2021, 2030),
    st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2030, 1, 1))),
)
def test_no_stale_flag_for_a_territory_or_program_that_has_ended(as_of, territory_end, end_year, repealed_on):
    """A region's last value is for 2019. It is flagged stale exactly while the region exists and its program
    is in force (up to its repeal, else to the end of its end year)."""
    from natije.results.flags import flags

    ind = indicators([{"code": "X", "program": "P"}])
    terr = pl.DataFrame(
        {
            "code": [KZ, "OLD"],
            "level": ["country", "region"],
            "parent": [None, KZ],
            "valid_to": [None, territory_end],
        },
        schema_overrides={"valid_to": pl.Date},
    )
    prog = pl.DataFrame(
        {
            "code": ["P"],
            "predecessors": [[]],
            "start_year": [2018],
            "end_year": [end_year],
            "repealed_on": [repealed_on],
        },
        schema_overrides={"repealed_on": pl.Date},
    )
    frames = ProgramFrames.build(
        program="P",
        indicators=ind,
        territories=terr,
        programs=prog,
        observations=obs([("X", "OLD", "2019", 1.0)]),
    )
    stale = flags(frames, as_of=as_of).filter(pl.col("flag") == "stale")
    in_force = as_of < (repealed_on or date(end_year + 1, 1, 1))
    exists = territory_end is None or as_of < territory_end
    assert (stale.height == 1) == (in_force and exists)  # 2020's value was due by July 2021 (with the grace)


def test_demo_stale_flags_only_for_what_is_still_watched(tmp_path):
    """The demo's South Kazakhstan region (split in 2018) raises no stale flag in AI2023's results."""
    from natije.services import monitoring
    from natije.services.demo import load_demo
    from natije.store import Store

    store = Store.open(str(tmp_path / "demo.db"))
    load_demo(store)
    try:
        stale = monitoring.program_flags(store, "AI2023", "2026-12-07").filter(pl.col("flag") == "stale")
        assert "510000000" not in stale["territory"].to_list()
        assert (
            monitoring.program_flags(store, "TB2021", "2026-12-07").filter(pl.col("flag") == "stale").height
            == 0
        )
    finally:
        store.close()


HOLDINGS = st.lists(st.sets(st.sampled_from(["A", "B", "C"])), min_size=3, max_size=3)


@settings(max_examples=80, deadline=None)
@given(
    HOLDINGS,
    st.lists(st.integers(0, 12), min_size=3, max_size=3),
    st.dates(date(2012, 1, 1), date(2036, 1, 1)),
)
def test_a_concept_no_program_in_force_carries_is_dropped_once_for_the_chain(held, lengths, as_of):
    """Programs P1 → P2 → P3 (starting 2010, 2015, 2020) each track some of the concepts A, B, C. Asked about
    P3, a concept is flagged dropped from the portfolio exactly when P3 does not track it and every program
    that did has ended by the as-of date — once, naming its last holder, and never as a fault of a
    later program."""
    from natije.results.flags import flags
    from natije.results.lineage import lineage

    codes = ["P1", "P2", "P3"]
    ends = {p: 2010 + 5 * i + n for i, (p, n) in enumerate(zip(codes, lengths, strict=True))}
    ind = indicators(
        [
            {"code": f"{p}.{c}", "program": p, "name_en": f"concept {c}"}
            for p, cs in zip(codes, held, strict=True)
            for c in sorted(cs)
        ]
    )
    if ind.height == 0:
        return
    progs = pl.DataFrame(
        {
            "code": codes,
            "predecessors": [[], ["P1"], ["P2"]],
            "start_year": [2010, 2015, 2020],
            "end_year": [ends[p] for p in codes],
        }
    )
    frames = ProgramFrames.build(program="P3", indicators=ind, programs=progs)
    dropped = flags(frames, as_of=as_of).filter(pl.col("flag") == "dropped_from_portfolio")
    want = {}
    for c in "ABC":
        holders = [p for p, cs in zip(codes, held, strict=True) if c in cs]
        if holders and "P3" not in holders and all(date(ends[p] + 1, 1, 1) <= as_of for p in holders):
            want[f"{holders[-1]}.{c}"] = holders[-1]
    assert sorted(dropped["indicator"].to_list()) == sorted(want)
    for r in dropped.iter_rows(named=True):
        assert f"last tracked by {want[r['indicator']]}" in r["evidence"]
    lin = lineage(frames.replace(as_of=as_of))
    rows = lin.filter(pl.col("status") == "dropped_from_portfolio")
    assert rows["program"].null_count() == rows.height and rows["concept"].n_unique() == rows.height
    assert sorted(rows["dropped_indicator"].to_list()) == sorted(want)


def test_demo_affordable_internet_is_not_blamed_for_the_chain_s_dropped_concepts(tmp_path):
    """AI2023 (internet access) does not carry TB2021's e-government index: the concept is flagged once, as
    dropped from the portfolio after TB2021, and nothing says AI2023 lacks it."""
    from natije.services import monitoring
    from natije.services.demo import load_demo
    from natije.store import Store

    store = Store.open(str(tmp_path / "demo.db"))
    load_demo(store)
    try:
        flagged = monitoring.program_flags(store, "AI2023", "2026-12-07")
        lin = monitoring.program_lineage(store, "AI2023", "2026-12-07")
    finally:
        store.close()
    egdi = flagged.filter(pl.col("indicator").str.contains("EGDI_VALUE"))
    assert egdi.select("flag", "indicator").rows() == [("dropped_from_portfolio", "TB2021.EGDI_VALUE")]
    # the one flag naming AI2023 is its own: the villages-on-fibre count carries IK2020's under a new name
    naming = flagged.filter(pl.col("evidence").str.contains("AI2023"))
    assert naming.select("flag", "indicator").rows() == [("indicator_renamed", "AI2023.VILLAGES_FIBRE")]
    concept = lin.filter(pl.col("indicator") == "TB2021.EGDI_VALUE")["concept"][0]
    rows = lin.filter(pl.col("concept") == concept)
    assert rows.filter(pl.col("program") == "AI2023").height == 0
    assert rows["story"][0].endswith("not tracked after TB2021")


def test_a_ratio_only_derived_from_its_parts_is_not_itself_flagged_stale():
    """Region A reports connected and total villages up to 2019, never the share; in 2024 the parts are stale,
    and the share (known only through them) raises no stale flag of its own. Where the share is reported,
    it does."""
    from natije.results.engine import results_with_flags

    ind = indicators(
        [
            {"code": "N", "unit": "count", "program": "P"},
            {"code": "T", "unit": "count", "program": "P"},
            {"code": "S", "program": "P", "ratio_numerator": "N", "ratio_denominator": "T"},
        ]
    )
    rows = [
        ("N", "A", "2019", 5),
        ("T", "A", "2019", 10),
        ("N", "B", "2019", 5),
        ("T", "B", "2019", 10),
        ("S", "B", "2019", 50),
    ]
    frames = ProgramFrames.build(
        program="P",
        indicators=ind,
        observations=obs(rows),
        commitments=commits([("S", None, "target", "2027", 90, date(2018, 1, 1))]),
    )
    table, flagged = results_with_flags(frames, as_of="2024-01-01")
    assert table.filter(pl.col("territory") == "A")["actual"].to_list() == [50.0]
    stale = set(flagged.filter(pl.col("flag") == "stale").select("indicator", "territory").iter_rows())
    assert stale == {("N", "A"), ("T", "A"), ("N", "B"), ("T", "B"), ("S", "B")}
