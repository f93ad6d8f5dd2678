"""Registry integration of the evaluation engine: evaluate a program's indicator over territories, store
design + data hash + result, re-run and compare, impact per bn KZT; on SQLite and PostgreSQL.

The test program is written to ``tmp_path`` as a package and imported with the real import use case. Its
outcome is a seeded synthetic staggered panel with a known effect ``EFFECT`` (planted, so the estimates have a
true value to recover), twelve regions and one territory reform (region 630000000 splits in 2019).
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from natije.cli import app
from natije.demo import fibre_cohorts_path
from natije.domain.territories import ChangeKind, TerritoryChange
from natije.errors import InsufficientData, NotFound, ValidationError
from natije.services import evaluation as ev
from natije.services.demo import load_demo
from natije.services.evaluation_budget import impact_per_budget
from natije.services.evaluation_panel import build_indicator_panel, snapshot_hash
from natije.services.ingestion import import_paths
from natije.store import Store

PROGRAM, USERS, OTHER = "EV2020", "EV2020.USERS", "EV2020.OTHER"
EFFECT = 2.0
YEARS = list(range(2012, 2024))
SPLIT_DAY = date(2019, 6, 1)
EARLY, LATE = ["230000000", "270000000", "310000000"], ["350000000", "390000000", "430000000"]
NEVER = ["110000000", "150000000", "190000000", "470000000", "550000000", "630000000", "100000000"]
COHORT = {**{c: "2016" for c in EARLY}, **{c: "2019" for c in LATE}}
# year, stage, amount (KZT), goal, linked indicators, currency
BUDGETS = [
    (2014, "executed", 10e9, "EV2020.G1", [USERS], "KZT"),  # before the post period: not counted
    (2016, "executed", 20e9, "EV2020.G1", [USERS], "KZT"),
    (2016, "planned", 25e9, "EV2020.G1", [USERS], "KZT"),  # planned, not executed
    (2018, "executed", 30e9, "EV2020.G1", [USERS], "KZT"),
    (2020, "executed", 15e9, "EV2020.G1", [USERS], "KZT"),
    (2020, "executed", 99e9, "EV2020.G2", [OTHER], "KZT"),  # another indicator
    (2021, "executed", 5e6, "EV2020.G2", [USERS], "USD"),  # another currency: reported, not converted
]
AS_OF_FIRST, AS_OF_CHANGE = "2024-03-01", "2025-03-01"

PROGRAM_YAML = """format: natije-program/1
agencies:
  - {code: MIN, names: {kk: Министрлік, ru: Министерство, en: Ministry}}
sources:
  - {code: syn, title: Synthetic panel for natije tests, kind: illustrative}
program:
  code: EV2020
  names: {kk: Бағалау, ru: Оценка, en: Evaluation test}
  kind: state_program
  legal_act: Test decree No. 2
  start_year: 2016
  end_year: 2023
  status: in_force
  owner: MIN
  goals:
    - {code: EV2020.G1, names: {kk: Мақсат 1, ru: Цель 1, en: Goal 1}}
    - {code: EV2020.G2, names: {kk: Мақсат 2, ru: Цель 2, en: Goal 2}}
indicators:
  - {code: EV2020.USERS, names: {kk: Пайдаланушылар, ru: Пользователи, en: Users}, goal: EV2020.G1,
     level: outcome, unit: "%", direction: increase, kind: stock, \
frequency: A, span: {from: "2010", to: "2025"},
     agency: MIN, source: syn}
  - {code: EV2020.OTHER, names: {kk: Басқа, ru: Другое, en: Other}, goal: EV2020.G2,
     level: output, unit: count, direction: increase, kind: stock, \
frequency: A, span: {from: "2010", to: "2025"},
     agency: MIN, source: syn}
budgets:
"""


def _territories() -> str:
    lines = [
        "code,level,parent,valid_from,valid_to,successors,iso_code,name_kk,name_ru,name_en",
        "000000000,country,,,,,KZ,Қазақстан,Казахстан,Kazakhstan",
    ]
    for code in [*EARLY, *LATE, *NEVER]:
        start = SPLIT_DAY.isoformat() if code == "100000000" else ""
        lines.append(f"{code},region,000000000,{start},,,,R{code},R{code},Region {code}")
    return "\n".join(lines) + "\n"


def _changes() -> str:
    day = SPLIT_DAY.isoformat()
    return (
        f"day,kind,source,target,share,basis\n{day},split,630000000,630000000,0.6,population\n"
        f"{day},split,630000000,100000000,0.4,population\n"
    )


def synthetic_panel(seed: int = 7) -> pl.DataFrame:
    """territory, period, value: unit level + common trend + noise + EFFECT from the unit's cohort on."""
    rng = np.random.default_rng(seed)
    rows = []
    units = [c for c in [*EARLY, *LATE, *NEVER] if c != "100000000"]
    gap = dict(zip(units, rng.normal(0, 3, len(units)), strict=True))
    gap["100000000"] = gap["630000000"] + 1.0
    for year in YEARS:
        trend = 50 + 1.5 * (year - YEARS[0])
        for code in [*EARLY, *LATE, *NEVER]:
            if code == "100000000" and year < 2019:
                continue  # the split-off region exists from 2019; before, 630000000 covers both
            treated = code in COHORT and year >= int(COHORT[code])
            value = trend + gap[code] + rng.normal(0, 0.2) + (EFFECT if treated else 0.0)
            rows.append((code, str(year), round(value, 3)))
    return pl.DataFrame(rows, schema=["territory", "period", "value"], orient="row")


def write_package(folder: Path, panel: pl.DataFrame, as_of: str = AS_OF_FIRST) -> Path:
    """The EV2020 package (territories + program + observations) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    budget_yaml = "".join(
        f"  - {{year: {y}, stage: {s}, amount: {a:.0f}, currency: {cur}, goal: {g}, "
        f"indicators: [{', '.join(i)}]}}\n"
        for y, s, a, g, i, cur in BUDGETS
    )
    (folder / "program.yaml").write_text(PROGRAM_YAML + budget_yaml, encoding="utf-8")
    (folder / "territories.csv").write_text(_territories(), encoding="utf-8")
    (folder / "territory_changes.csv").write_text(_changes(), encoding="utf-8")
    obs = (
        panel.with_columns(indicator=pl.lit(USERS), as_of=pl.lit(as_of))
        if "as_of" not in panel.columns
        else panel.with_columns(indicator=pl.lit(USERS))
    )
    obs.select("indicator", "territory", "period", "value", "as_of").write_csv(folder / "observations.csv")
    return folder


@pytest.fixture
def program(store: Store, tmp_path: Path) -> pl.DataFrame:
    """The store holds EV2020 with the synthetic panel; returns the panel as imported."""
    panel = synthetic_panel()
    import_paths(store, [write_package(tmp_path / "ev2020", panel)])
    return panel


def _changed(panel: pl.DataFrame) -> pl.DataFrame:
    """The panel with one treated post-period value raised by 10 (published later)."""
    hit = (pl.col("territory") == EARLY[0]) & (pl.col("period") == "2020")
    return panel.with_columns(
        value=pl.when(hit).then(pl.col("value") + 10).otherwise(pl.col("value")),
        as_of=pl.when(hit).then(pl.lit(AS_OF_CHANGE)).otherwise(pl.lit(AS_OF_FIRST)),
    )


def test_cs_is_stored_with_design_hash_and_result(store: Store, program: pl.DataFrame) -> None:
    rec = ev.evaluate_indicator(
        store, PROGRAM, USERS, method="cs", cohort=COHORT, label="first", author="tester"
    )
    assert rec.id is not None
    stored = ev.get(store, rec.id)
    assert stored.to_dict() | {"created_at": None} == rec.to_dict() | {"created_at": None}
    assert stored.design["cohort"] == COHORT and stored.design["method"] == "cs"
    assert stored.design["seed"] == 0 and stored.label == "first" and stored.author == "tester"
    assert len(stored.data_hash) == 64 and stored.engine_version
    lo, hi = stored.result["ci"]
    assert lo < EFFECT < hi and abs(stored.estimate - EFFECT) < 0.3
    panel = stored.result["diagnostics"]["panel"]
    assert panel["units"] == 13 and panel["periods"] == ["2012", "2023"] and not panel["dropped_units"]
    assert "100000000" in panel["backcast_units"]
    assert [r.id for r in ev.history(store, PROGRAM)] == [rec.id] and ev.history(store, "NOPE") == []


@pytest.mark.parametrize("method", ["did", "sc", "sdid"])
def test_block_methods_recover_the_effect(store: Store, program: pl.DataFrame, method: str) -> None:
    # the early cohort against the never-treated regions (the later cohort would contaminate the comparison)
    rec = ev.evaluate_indicator(
        store,
        PROGRAM,
        USERS,
        method=method,
        treated=EARLY,
        start="2016",
        territories=EARLY + NEVER,
        save=False,
    )
    assert rec.id is None and ev.history(store) == []
    assert abs(rec.estimate - EFFECT) < 0.5
    assert rec.result["diagnostics"]["panel"]["units"] == len(EARLY + NEVER)
    assert rec.design["treated"] == sorted(EARLY) and rec.design["start"] == "2016"


def test_hash_is_stable_and_rerun_on_same_data_is_equal(
    store: Store, program: pl.DataFrame, tmp_path: Path
) -> None:
    a = ev.evaluate_indicator(store, PROGRAM, USERS, method="cs", cohort=COHORT)
    b = ev.evaluate_indicator(store, PROGRAM, USERS, method="cs", cohort=COHORT)
    assert a.data_hash == b.data_hash and a.id != b.id
    assert a.data_hash == snapshot_hash(ev.load_panel(store, PROGRAM, USERS, a.design).frame.reverse())
    import_paths(store, [write_package(tmp_path / "again", program)])  # identical data: no revision
    cmp = ev.rerun(store, a.id)
    assert not cmp.data_changed and cmp.new_hash == a.data_hash
    assert cmp.new_estimate == cmp.old_estimate and cmp.difference == 0.0
    assert cmp.new["effects"] == cmp.old["effects"] and cmp.new_id is None


def test_changed_observation_changes_hash_and_estimate(
    store: Store, program: pl.DataFrame, tmp_path: Path
) -> None:
    before = ev.evaluate_indicator(store, PROGRAM, USERS, method="cs", cohort=COHORT)
    report = import_paths(store, [write_package(tmp_path / "revised", _changed(program))])
    assert report.totals()["observations_revised"] == 1
    cmp = ev.rerun(store, before.id, save=True)
    assert cmp.data_changed and cmp.new_hash != before.data_hash
    assert cmp.difference is not None and cmp.difference > 0  # a treated value went up
    assert cmp.new_id is not None and ev.get(store, cmp.new_id).data_hash == cmp.new_hash
    # as known before the revision was published, the data are the original ones
    then = ev.evaluate_indicator(store, PROGRAM, USERS, method="cs", cohort=COHORT, as_of="2024-12-31")
    assert then.data_hash == before.data_hash and then.estimate == before.estimate
    assert then.design["as_of"] == "2024-12-31"


def test_impact_per_bn_kzt_from_linked_executed_lines(store: Store, program: pl.DataFrame) -> None:
    rec = ev.evaluate_indicator(store, PROGRAM, USERS, method="cs", cohort=COHORT)
    impact = impact_per_budget(store, rec.id)
    assert impact is not None
    counted = [
        a
        for y, s, a, _, i, cur in BUDGETS
        if s == "executed" and USERS in i and cur == "KZT" and 2016 <= y <= 2023
    ]
    assert (impact.first_year, impact.last_year) == (2016, 2023) and impact.lines == len(counted)
    assert impact.executed_kzt == pytest.approx(sum(counted))
    assert impact.per_bn == pytest.approx(rec.estimate / (sum(counted) / 1e9))
    assert impact.ci_per_bn[0] == pytest.approx(rec.result["ci"][0] / (sum(counted) / 1e9))
    assert impact.other_currency_lines == 1
    other = ev.evaluate_indicator(store, PROGRAM, USERS, method="did", treated=EARLY, start="2020")
    assert impact_per_budget(store, other.id).first_year == 2020  # type: ignore[union-attr]


def test_errors(store: Store, program: pl.DataFrame) -> None:
    with pytest.raises(NotFound):
        ev.evaluate_indicator(store, PROGRAM, "EV2020.NOPE", method="cs", cohort=COHORT)
    with pytest.raises(NotFound):
        ev.evaluate_indicator(store, "NOPE", USERS, method="cs", cohort=COHORT)
    with pytest.raises(ValidationError):
        ev.evaluate_indicator(store, PROGRAM, USERS, method="cs", cohort=COHORT, treated=EARLY, start="2016")
    with pytest.raises(ValidationError):
        ev.evaluate_indicator(store, PROGRAM, USERS, method="did", treated=EARLY, start="2016-Q1")
    with pytest.raises(InsufficientData):  # no observations at all
        ev.evaluate_indicator(store, PROGRAM, OTHER, method="cs", cohort=COHORT)
    with pytest.raises(InsufficientData):  # one country-level unit is no panel
        ev.evaluate_indicator(store, PROGRAM, USERS, method="cs", cohort=COHORT, level="country")
    with pytest.raises(ValidationError):
        ev.evaluate_indicator(store, PROGRAM, USERS, method="cs", cohort=COHORT, as_of="yesterday")
    with pytest.raises(NotFound):
        ev.rerun(store, 999)
    assert ev.history(store) == []  # nothing stored by failed runs


def test_harmonise_none_restricts_to_balanced_units(store: Store, program: pl.DataFrame) -> None:
    rec = ev.evaluate_indicator(
        store, PROGRAM, USERS, method="cs", cohort=COHORT, harmonise="none", save=False
    )
    panel = rec.result["diagnostics"]["panel"]
    assert panel["dropped_units"] == {"100000000": 2023 - 2019 + 1}
    assert panel["units"] == 12 and panel["restricted_to_balanced"]


def _obs(rows: list[tuple[str, str, float]]) -> pl.DataFrame:
    frame = pl.DataFrame(rows, schema=["territory", "period", "value"], orient="row")
    start = frame["period"].cast(pl.Int32) * 12
    return frame.with_columns(indicator=pl.lit("X"), period_start=start, period_end=start + 12)


@pytest.mark.parametrize(("unit", "expected_b"), [("count", 30.0), ("%", 100.0)])
def test_backcast_splits_counts_and_inherits_rates(unit: str, expected_b: float) -> None:
    change = TerritoryChange(date(2020, 6, 1), ChangeKind.SPLIT, "A", {"A": 0.7, "B": 0.3})
    obs = _obs(
        [
            ("A", "2019", 100.0),
            ("A", "2020", 80.0),
            ("B", "2020", 40.0),
            ("C", "2019", 5.0),
            ("C", "2020", 6.0),
        ]
    )
    terr = pl.DataFrame({"code": ["A", "B", "C"], "level": ["region"] * 3})
    panel = build_indicator_panel(obs, terr, [change], indicator="X", frequency="A", unit=unit)
    got = {(t, p): v for t, p, v in panel.frame.iter_rows()}
    assert got[("B", 2019)] == pytest.approx(expected_b)
    assert got[("A", 2019)] == pytest.approx(70.0 if unit == "count" else 100.0)
    assert got[("A", 2020)] == 80.0 and got[("B", 2020)] == 40.0  # observed after the reform: as is


def test_snapshot_hash_ignores_row_order_and_sees_every_value() -> None:
    frame = pl.DataFrame({"territory": ["a", "a", "b", "b"], "period": [1, 2, 1, 2], "value": [1.0, 2, 3, 4]})
    h = snapshot_hash(frame)
    assert h == snapshot_hash(frame.reverse())
    assert h != snapshot_hash(frame.with_columns(value=pl.Series([1.0, 2, 3, 4.000001])))
    assert h != snapshot_hash(frame.with_columns(territory=pl.Series(["a", "a", "c", "c"])))


def test_cli_run_list_show_rerun(db_url: str, tmp_path: Path) -> None:
    store = Store.open(db_url)
    import_paths(store, [write_package(tmp_path / "ev2020", synthetic_panel())])
    store.close()
    cohorts = tmp_path / "cohorts.csv"
    cohorts.write_text(
        "territory,first_period\n" + "".join(f"{k},{v}\n" for k, v in COHORT.items()) + "110000000,0\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    base = ["--db", db_url, "--lang", "en", "evaluation"]
    res = runner.invoke(
        app,
        [*base, "run", PROGRAM, USERS, "--method", "cs", "--cohort-file", str(cohorts), "--format", "json"],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["design"]["cohort"] == {**COHORT, "110000000": None} and out["budget"]["lines"] == 3
    expected = {
        ("list",): PROGRAM,
        ("list", "NOPE"): "No stored evaluations",
        ("show", str(out["id"])): f"Stored as evaluation {out['id']}",
        ("rerun", str(out["id"])): f"unchanged since evaluation {out['id']}",
    }
    for args, text in expected.items():
        res = runner.invoke(app, [*base, *args], terminal_width=200)
        assert res.exit_code == 0 and text in res.output, res.output
    res = runner.invoke(app, [*base, "show", str(out["id"])], terminal_width=200)
    assert "illustrative: not published" in res.output  # the test panel's source is of kind illustrative
    res = runner.invoke(app, [*base, "show", str(out["id"]), "--format", "json"])
    assert json.loads(res.output)["result"] == out["result"]
    res = runner.invoke(app, [*base, "list", "--format", "json"])
    assert [r["id"] for r in json.loads(res.output)] == [out["id"]]
    res = runner.invoke(app, [*base, "show", "999"])
    assert res.exit_code != 0 and isinstance(res.exception, NotFound)
    cohorts.write_text("region,year\n230000000,2016\n", encoding="utf-8")
    res = runner.invoke(app, [*base, "run", PROGRAM, USERS, "--method", "cs", "--cohort-file", str(cohorts)])
    assert isinstance(res.exception, ValidationError)


def test_demo_fibre_evaluation(store: Store) -> None:
    load_demo(store)
    cohort = ev.read_cohort_file(fibre_cohorts_path())  # shipped with the demo
    rec = ev.evaluate_indicator(
        store, "AI2023", "AI2023.RURAL_INTERNET_USERS", method="cs", cohort=cohort, control="not-yet"
    )
    lo, hi = rec.result["ci"]
    assert lo < 3.0 < hi  # the demo's planted effect of fibre arrival (tools/demo_build/outcomes.py)
    panel = rec.result["diagnostics"]["panel"]
    assert panel["units"] == 17 and "790000000" in panel["dropped_units"]
    assert panel["illustrative_rows"] > 0  # the regional panel is generated: the result must say so
    assert not ev.rerun(store, rec.id).data_changed
    # the villages-on-fibre share has linked budget lines: effect per bn KZT executed
    share = ev.evaluate_indicator(
        store, "AI2023", "AI2023.VILLAGES_FIBRE_SHARE", method="cs", cohort=cohort, control="not-yet"
    )
    impact = impact_per_budget(store, share.id)
    assert impact is not None and impact.executed_kzt > 0
    assert impact.per_bn == pytest.approx(share.estimate / (impact.executed_kzt / 1e9))


def test_a_store_at_0001_is_upgraded_with_the_evaluations_table(tmp_path: Path) -> None:
    from natije.store.migrations import current, head, upgrade

    store = Store.open(str(tmp_path / "old.db"))
    upgrade(store.engine, "0001")
    assert "evaluations" not in store.table_names()
    store.init()
    assert current(store.engine) == head() and "evaluations" in store.table_names()
    store.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.dictionaries(
        st.from_regex(r"[0-9]{9}", fullmatch=True),
        st.one_of(
            st.none(),
            st.integers(2000, 2030).map(str),
            st.tuples(st.integers(2000, 2030), st.integers(1, 4)).map(lambda x: f"{x[0]}-Q{x[1]}"),
        ),
        max_size=20,
    )
)
def test_cohort_file_round_trip(tmp_path: Path, cohort: dict[str, str | None]) -> None:
    path = tmp_path / "cohorts.csv"
    path.write_text(
        "territory,first_period\n" + "".join(f"{k},{v or 0}\n" for k, v in cohort.items()), encoding="utf-8"
    )
    assert ev.read_cohort_file(path) == cohort


def test_balancing_drops_sparse_periods_then_incomplete_units() -> None:
    obs = _obs(
        [("A", "2009", 1.0), *[(u, y, 2.0) for u in "ABC" for y in ("2010", "2011")], ("D", "2011", 3.0)]
    )
    terr = pl.DataFrame({"code": list("ABCD"), "level": ["region"] * 4})
    panel = build_indicator_panel(obs, terr, [], indicator="X", frequency="A", unit="%")
    assert panel.notes["dropped_periods"] == ["2009"] and panel.notes["dropped_units"] == {"D": 1}
    assert panel.frame.height == 6 and panel.notes["periods"] == ["2010", "2011"]
    with pytest.raises(InsufficientData):
        build_indicator_panel(obs, terr, [], indicator="X", frequency="A", unit="%", only=["A"])
    with pytest.raises(ValidationError):
        build_indicator_panel(obs, terr, [], indicator="X", frequency="A", unit="%", harmonise="guess")


def test_cli_shows_effects_territories_and_the_indicator_by_name(db_url: str, tmp_path: Path) -> None:
    store = Store.open(db_url)
    import_paths(store, [write_package(tmp_path / "ev2020", synthetic_panel())])
    store.close()
    cohorts = tmp_path / "cohorts.csv"
    cohorts.write_text(
        "territory,first_period\n" + "".join(f"{k},{v}\n" for k, v in COHORT.items()) + "990000000,2016\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    run = [
        "--db",
        db_url,
        "--lang",
        "ru",
        "evaluation",
        "run",
        PROGRAM,
        USERS,
        "--method",
        "cs",
        "--cohort-file",
        str(cohorts),
        "--aggregation",
        "dynamic",
        "--inference",
        "analytic",
    ]
    res = runner.invoke(app, run)
    assert res.exit_code == 0, res.output
    out = " ".join(res.stdout.split())  # rich wraps long lines
    # the region split off in 2019 is named, with where its earlier values came from
    assert "R100000000 (100000000): значения за 2012–2018 перенесены из данных R630000000 (630000000)" in out
    assert "990000000: указана в файле когорт, но отсутствует в панели" in out
    assert "Эффекты по времени от начала программы" in out
    assert "«Пользователи»" in out and "п.п." in out  # the indicator's name and unit, not its code
    csv = runner.invoke(app, [*run, "--no-save", "--format", "csv"])
    frame = pl.read_csv(csv.stdout.encode())
    assert frame["kind"][0] == "overall" and set(frame["kind"][1:]) == {"event_time"}
    show = runner.invoke(app, ["--db", db_url, "--lang", "en", "evaluation", "show", "1", "--format", "csv"])
    assert show.stdout == csv.stdout  # the stored result, same design and data
    res = runner.invoke(app, ["--db", db_url, "--lang", "en", "evaluation", "show", "1"])
    assert (
        "Region 100000000 (100000000): values for 2012–2018 carried from Region 630000000 (630000000)"
        in " ".join(res.stdout.split())
    )


def test_a_design_too_small_on_the_store_is_refused(store: Store, program: pl.DataFrame) -> None:
    with pytest.raises(InsufficientData) as info:  # every unit covered at once: nothing to compare with
        ev.evaluate_indicator(
            store, PROGRAM, USERS, method="did", treated=EARLY, start="2016", territories=EARLY
        )
    assert info.value.fields["reason"] == "no_comparison" and ev.history(store) == []


def test_periods_of_the_effects_are_periods(store: Store, program: pl.DataFrame) -> None:
    rec = ev.evaluate_indicator(
        store,
        PROGRAM,
        USERS,
        method="sdid",
        treated=EARLY,
        start="2016",
        territories=EARLY + NEVER,
        inference="placebo",
        n_boot=20,
        save=False,
    )
    assert [e["label"] for e in rec.result["effects"]][:2] == ["2016", "2017"]


def test_synthetic_control_names_its_donor_territories(store: Store, program: pl.DataFrame) -> None:
    rec = ev.evaluate_indicator(
        store,
        PROGRAM,
        USERS,
        method="sc",
        treated=EARLY[:1],
        start="2016",
        territories=EARLY[:1] + NEVER,
        save=False,
        lang="en",
    )
    donors = rec.result["interpretation"].split("built from:")[1]
    assert re.search(r"Region (\d{9}) \(\1\) \d+%", donors), donors  # name (KATO code), not the code alone
    assert "Users" in rec.result["interpretation"] and "EV2020.USERS" not in rec.result["interpretation"]


def test_quarterly_effects_and_start_are_sdmx_periods(store: Store, tmp_path: Path) -> None:
    quarters = [f"{y}-Q{q}" for y in (2012, 2013, 2014) for q in (1, 2, 3, 4)]
    rng = np.random.default_rng(3)
    units = [*EARLY, *NEVER[:4]]
    rows = [
        (c, p, round(10 + i + rng.normal(0, 0.1) + (EFFECT if c in EARLY and i >= 5 else 0), 3))
        for c in units
        for i, p in enumerate(quarters)
    ]
    folder = write_package(
        tmp_path / "q", pl.DataFrame(rows, schema=["territory", "period", "value"], orient="row")
    )
    yaml = (folder / "program.yaml").read_text(encoding="utf-8")
    yaml = yaml.replace(
        'frequency: A, span: {from: "2010", to: "2025"},\n     agency: MIN, source: syn}\n'
        "  - {code: EV2020.OTHER",
        'frequency: Q, span: {from: "2010-Q1", to: "2025-Q4"},\n     agency: MIN, source: syn}\n'
        "  - {code: EV2020.OTHER",
        1,
    )
    assert "frequency: Q" in yaml
    (folder / "program.yaml").write_text(yaml, encoding="utf-8")
    import_paths(store, [folder])
    rec = ev.evaluate_indicator(
        store,
        PROGRAM,
        USERS,
        method="sdid",
        treated=EARLY,
        start="2013-Q2",
        territories=units,
        inference="placebo",
        n_boot=20,
        save=False,
    )
    assert [e["label"] for e in rec.result["effects"]] == quarters[5:]
    assert rec.result["diagnostics"]["panel"]["periods"] == ["2012-Q1", "2014-Q4"]
    assert abs(rec.estimate - EFFECT) < 0.3
