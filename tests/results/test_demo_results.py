"""The results engine on the shipped Kazakhstan demo, through the store, the service and the CLI."""

from __future__ import annotations

import json

import polars as pl
import pytest
from click.testing import CliRunner

from natije.cli import app
from natije.services import monitoring
from natije.services.demo import load_demo
from natije.store import Store


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("demo") / "natije.db")
    store = Store.open(path)
    load_demo(store)
    store.close()
    return path


@pytest.fixture
def demo_store(demo_db):
    store = Store.open(demo_db)
    yield store
    store.close()


def _row(table: pl.DataFrame, indicator: str, period: str) -> dict:
    return table.filter(
        (pl.col("indicator") == indicator)
        & (pl.col("period") == period)
        & (pl.col("territory") == "000000000")
    ).row(0, named=True)


def test_villages_on_fibre_off_track_with_small_p_meet(demo_store):
    table = monitoring.program_results(demo_store, "AI2023", as_of="2025-12-31")
    r = _row(table, "AI2023.VILLAGES_FIBRE_SHARE", "2027")
    assert r["actual"] == pytest.approx(42.2) and r["actual_period"] == "2025" and r["target"] == 90
    assert r["status"] == "off_track" and r["p_meet"] < 0.05


def test_digital_literacy_achieved(demo_store):
    table = monitoring.program_results(demo_store, "DK2018", as_of="2023-06-30")
    r = _row(table, "DK2018.DIGITAL_LITERACY", "2022")
    assert r["actual"] == pytest.approx(87.3) and r["actual_period"] == "2021" and r["target"] == 83
    assert r["status"] == "achieved"


def test_as_of_before_the_values_were_known(demo_store):
    # the 2021 figure was published at the end of 2022: in mid-2021 only 2019's 82.1 was known
    early = monitoring.program_results(demo_store, "DK2018", as_of="2021-06-30")
    r = _row(early, "DK2018.DIGITAL_LITERACY", "2022")
    assert r["actual"] == pytest.approx(82.1) and r["actual_period"] == "2019" and r["status"] != "achieved"


def test_cli_results_json_flags_lineage(demo_db):
    runner = CliRunner()
    out = runner.invoke(
        app, ["--db", demo_db, "results", "AI2023", "--format", "json", "--as-of", "2025-12-31"]
    )
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    assert {
        "indicator",
        "territory",
        "period",
        "baseline",
        "target",
        "actual",
        "achievement",
        "status",
        "forecast",
        "flags",
    } <= set(rows[0])
    assert {"period", "value", "low", "high", "p_meet"} <= set(rows[0]["forecast"])
    for command in (["flags", "TB2021"], ["lineage", "AI2023"], ["results", "DK2018", "--format", "csv"]):
        res = runner.invoke(app, ["--db", demo_db, "--lang", "en", *command])
        assert res.exit_code == 0, res.output
    lineage = runner.invoke(app, ["--db", demo_db, "--lang", "en", "lineage", "TB2021", "--format", "json"])
    stories = {r["story"] for r in json.loads(lineage.output)}
    # DK2018's e-commerce and jobs promises: not carried into TB2021, told as the end of the chain's watch
    assert any("not tracked after DK2018" in (s or "") for s in stories)


def test_unknown_program_is_an_error(demo_db):
    res = CliRunner().invoke(app, ["--db", demo_db, "results", "NOPE"])
    assert res.exit_code != 0


def test_scorecards_render_in_three_languages(demo_store, capsys):
    from natije.cli.commands_results import render_scorecards

    for lang in ("kk", "ru", "en"):
        render_scorecards(demo_store, lang)
    text = capsys.readouterr().out
    assert "AI2023" in text and "Scorecard" in text and "Сводка результатов" in text


def test_one_row_per_indicator_territory_period(demo_store):
    for program in ("DK2018", "TB2021", "AI2023"):  # IK2020's package declares no targets
        table = monitoring.program_results(demo_store, program)
        assert table.height and not table.select("indicator", "territory", "period").is_duplicated().any()


def test_cli_territory_national_by_default(demo_db):
    runner = CliRunner()
    national = json.loads(
        runner.invoke(app, ["--db", demo_db, "results", "AI2023", "--format", "json"]).output
    )
    every = json.loads(
        runner.invoke(
            app, ["--db", demo_db, "results", "AI2023", "--format", "json", "--territory", "all"]
        ).output
    )
    assert {r["territory"] for r in national} == {"000000000"} and len(every) > len(national)


def test_too_little_data_has_its_own_status_and_the_actual_its_period_in_every_format(demo_db):
    """AI2023's population coverage has one value (92 % for 2025): insufficient data, not no data; its period
    is printed beside it as a table, in JSON and in CSV."""
    runner = CliRunner()
    base = ["--db", demo_db, "--lang", "en", "results", "AI2023", "--as-of", "2025-12-31"]
    rows = json.loads(runner.invoke(app, [*base, "--format", "json"]).output)
    cov = next(r for r in rows if r["indicator"] == "AI2023.POPULATION_COVERAGE")
    assert cov["status"] == "insufficient_data" and cov["actual"] == 92 and cov["actual_period"] == "2025"
    assert list(cov).index("actual_period") == list(cov).index("actual") + 1
    csv = pl.read_csv(runner.invoke(app, [*base, "--format", "csv"]).output.encode())
    assert csv.columns.index("actual_period") == csv.columns.index("actual") + 1
    assert (
        csv.filter(pl.col("indicator") == "AI2023.POPULATION_COVERAGE")["actual_period"].cast(pl.String)[0]
        == "2025"
    )
    table = runner.invoke(app, [*base], env={"COLUMNS": "250"}).output
    line = next(x for x in table.splitlines() if "POPULATION_COVERAGE" in x)
    assert "92" in line and "2025" in line and "insufficient data" in line


def test_illustrative_footnote_only_under_an_illustrative_value(demo_db, demo_store, capsys):
    """The national results and scorecards of the demo show no illustrative value, so no footnote; the
    regions' generated values are starred and footnoted."""
    from natije.cli.commands_results import render_scorecards
    from natije.locale import t

    runner = CliRunner()
    note = t("msg.illustrative_note", "en")
    base = ["--db", demo_db, "--lang", "en", "results", "AI2023", "--as-of", "2025-12-31"]
    assert note not in runner.invoke(app, base, env={"COLUMNS": "250"}).output
    regions = runner.invoke(app, [*base, "--territory", "all"], env={"COLUMNS": "250"}).output
    assert note in regions and " * " in regions
    render_scorecards(demo_store, "en", as_of="2025-12-31")
    cards = capsys.readouterr().out
    starred = any(r["illustrative"] for c in monitoring.scorecards(demo_store, "2025-12-31") for r in c.rows)
    assert (note in cards) == starred


def test_scorecards_list_a_chain_s_dropped_concepts_once_and_apart_from_a_program_s_own_flags(
    demo_store, capsys
):
    from natije.cli.commands_results import print_scorecards

    cards = monitoring.scorecards(demo_store, "2026-12-07")
    listed = [code for c in cards for code in c.dropped]
    assert "TB2021.EGDI_VALUE" in listed and len(listed) == len(set(listed))
    assert {c.program for c in cards if c.dropped} == {"AI2023"}  # the chain's latest program
    assert all(f["flag"] != "dropped_from_portfolio" for c in cards for f in c.worst_flags)
    print_scorecards(cards, "ru")
    assert "Выбыли из портфеля программ" in capsys.readouterr().out


def test_affordable_internet_lineage_traces_villages_on_fibre_back_to_information_kazakhstan(
    demo_db, demo_store
):
    """AI2023's villages-on-fibre count continues IK2020's: one concept, IK2020 first. The press reports only
    IK2020's result (1,257 settlements by the end of 2020), no target, so IK2020 holds the concept without a
    promise and AI2023's 5,606 by 2026 carries it over."""
    lin = monitoring.program_lineage(demo_store, "AI2023", as_of="2026-12-07")
    concept = lin.filter(pl.col("indicator") == "AI2023.VILLAGES_FIBRE")["concept"][0]
    chain = lin.filter(pl.col("concept") == concept).select("program", "indicator", "target_period", "target")
    assert chain.rows() == [
        ("IK2020", "IK2020.RURAL_FIBRE", None, None),
        ("AI2023", "AI2023.VILLAGES_FIBRE", "2026", 5606),
    ]
    statuses = dict(lin.filter(pl.col("concept") == concept).select("indicator", "status").iter_rows())
    assert statuses == {"IK2020.RURAL_FIBRE": "new", "AI2023.VILLAGES_FIBRE": "carried_over"}
    share = lin.filter(pl.col("indicator") == "AI2023.VILLAGES_FIBRE_SHARE")
    assert share["status"].to_list() == ["new"]  # only the count has a predecessor in the sources
    ik = monitoring.program_results(demo_store, "IK2020", as_of="2026-12-07")
    assert ik.filter(pl.col("indicator") == "IK2020.RURAL_FIBRE").height == 0  # no target: nothing to judge
    out = CliRunner().invoke(app, ["--db", demo_db, "--lang", "ru", "lineage", "AI2023", "--format", "json"])
    assert out.exit_code == 0, out.output
    named = {r["indicator"]: r["name"] for r in json.loads(out.output) if r["concept"] == concept}
    assert named["IK2020.RURAL_FIBRE"].startswith("Число сельских населённых пунктов")


def _dropped(store, code: str, as_of: str) -> set[str]:
    f = monitoring.program_flags(store, code, as_of=as_of)
    return set(f.filter(pl.col("flag") == "dropped_from_portfolio")["indicator"])


def test_rural_fibre_is_not_dropped_while_affordable_internet_continues_it(demo_store):
    """AI2023 (in force 2024–2027) continues IK2020's rural settlements on fibre across DK2018 and TB2021,
    which did not track it: their flags do not call it dropped, and keep what is (DK2018's e-commerce share
    and jobs, TB2021's indicators AI2023 does not continue)."""
    assert _dropped(demo_store, "DK2018", "2026-12-07") == set()
    assert _dropped(demo_store, "TB2021", "2026-12-07") == {"DK2018.ECOMMERCE_SHARE", "DK2018.JOBS"}
    ai = _dropped(demo_store, "AI2023", "2026-12-07")
    assert {"DK2018.ECOMMERCE_SHARE", "DK2018.JOBS", "TB2021.EGDI_VALUE", "TB2021.IT_EXPORTS"} <= ai
    assert len(ai) == 11 and "IK2020.RURAL_FIBRE" not in ai
    lin = monitoring.program_lineage(demo_store, "TB2021", as_of="2026-12-07")
    assert "IK2020.RURAL_FIBRE" not in set(lin["dropped_indicator"].drop_nulls())


def test_rural_fibre_was_dropped_before_affordable_internet_came_into_force(demo_store):
    """Judged as of mid-2023, IK2020 had ended and neither DK2018 nor TB2021 tracked the count; AI2023 only
    came into force in 2024."""
    for code in ("DK2018", "TB2021"):
        assert "IK2020.RURAL_FIBRE" in _dropped(demo_store, code, "2023-06-30")
    assert "IK2020.RURAL_FIBRE" not in _dropped(demo_store, "TB2021", "2024-01-01")


def test_flags_command_no_longer_reports_rural_fibre_dropped(demo_db):
    for code in ("DK2018", "TB2021"):
        out = CliRunner().invoke(
            app, ["--db", demo_db, "flags", code, "--as-of", "2026-12-07", "--format", "json"]
        )
        assert out.exit_code == 0, out.output
        assert all(
            not (r["flag"] == "dropped_from_portfolio" and r["indicator"] == "IK2020.RURAL_FIBRE")
            for r in json.loads(out.output)
        )


def test_frames_hold_the_successors_known_by_the_day(demo_store):
    """DK2018's frames name the programs after its chain, with what the lineage rule reads of them; as of a
    day before AI2023 was known (announced on 2023-11-07, starting in 2024), only TB2021 (running from
    2021)."""
    from datetime import date

    from natije.store.frames import load_program_frames

    with demo_store.connect() as conn:
        now = load_program_frames(conn, "DK2018", observations="none")
        then = load_program_frames(conn, "DK2018", as_of=date(2021, 6, 30), observations="none")
    assert set(now.successors["program"]) == {"TB2021", "AI2023"}
    assert set(then.successors["program"]) == {"TB2021"}
    fibre = now.successors.filter(pl.col("code") == "AI2023.VILLAGES_FIBRE").row(0, named=True)
    assert (fibre["continues"], fibre["predecessors"], fibre["start_year"]) == (
        "IK2020.RURAL_FIBRE",
        ["TB2021"],
        2024,
    )
