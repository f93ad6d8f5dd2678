"""An indicator's ``continues`` and declared ``range`` and a program's legal act in kk/ru/en are stored, read
back, survive migration 0004 of an older store, and reach ``natije show``, ``natije lineage`` and
the export."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

import pytest
from alembic import command
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from natije.cli import app
from natije.domain.indicators import Direction, Indicator
from natije.domain.names import Names
from natije.domain.package import ProgramPackage
from natije.ingest.export import program_yaml_text
from natije.store import Store
from natije.store import rows as R
from natije.store.catalog import write_package
from natije.store.frames import load_program_frames
from natije.store.migrations import config, current, head, upgrade
from natije.store.reads import get_package

ACT = Names("Қаулы № 827", "Постановление № 827", "Decree No. 827")
INF = math.inf
runner = CliRunner()


def _downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as conn:
        cfg = config(engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def _with_fields(
    pkg: ProgramPackage,
    act: str | Names | None,
    ranges: list[tuple[float, float] | None],
    continues: str | None,
) -> ProgramPackage:
    assert pkg.program is not None
    inds: list[Indicator] = [replace(i, value_range=r) for i, r in zip(pkg.indicators, ranges)]
    inds[0] = replace(inds[0], continues=continues)
    return replace(pkg, program=replace(pkg.program, legal_act=act), indicators=tuple(inds))


@pytest.mark.parametrize("act", [ACT, "Decree No. 827, as given", None])
@pytest.mark.parametrize("ranges", [[(-50.0, 200.0), (0.0, INF)], [(-INF, 120.0), None], [(-INF, INF), None]])
def test_continues_range_and_legal_act_come_back_as_written(
    store: Store,
    make_pkg: Callable[..., ProgramPackage],
    act: str | Names | None,
    ranges: list[tuple[float, float] | None],
) -> None:
    old = make_pkg("IK2020", predecessors=())
    new = _with_fields(make_pkg("DK2018"), act, ranges, "IK2020.LIT")
    with store.transaction() as conn:
        write_package(conn, old)
        write_package(conn, new)
    with store.connect() as conn:
        back = get_package(conn, "DK2018")
    assert back.program is not None and back.program.legal_act == act
    assert [i.value_range for i in back.indicators] == ranges
    assert [i.continues for i in back.indicators] == ["IK2020.LIT", None]
    # the program and indicators export as imported (the other sections have round-trip tests of their own)
    same_rest = replace(new, sources=back.sources, commitments=back.commitments, budgets=back.budgets)
    assert program_yaml_text(back) == program_yaml_text(same_rest)


def test_indicator_frames_carry_continues_and_range(
    store: Store, reference: ProgramPackage, make_pkg: Callable[..., ProgramPackage]
) -> None:
    with store.transaction() as conn:
        write_package(conn, reference)
        write_package(conn, make_pkg("IK2020", predecessors=()))
        write_package(conn, _with_fields(make_pkg("DK2018"), ACT, [(-50.0, 200.0), None], "IK2020.LIT"))
    with store.connect() as conn:
        frames = load_program_frames(conn, "DK2018")
    rows = {r["code"]: r for r in frames.indicators.iter_rows(named=True)}
    assert rows["DK2018.LIT"]["continues"] == "IK2020.LIT" and rows["IK2020.LIT"]["continues"] is None
    assert (rows["DK2018.LIT"]["range_low"], rows["DK2018.LIT"]["range_high"]) == (-50.0, 200.0)
    assert rows["DK2018.VIL"]["range_low"] is None


@pytest.mark.parametrize("continues", ["IK2020.OLDNAME", None])
def test_lineage_from_the_store_follows_continues(
    store: Store, make_pkg: Callable[..., ProgramPackage], continues: str | None
) -> None:
    from natije.services.monitoring import program_lineage

    old = make_pkg("IK2020", predecessors=())
    renamed = replace(old.indicators[0], code="IK2020.OLDNAME", names=Names("a", "b", "Something else"))
    old = replace(
        old,
        indicators=(renamed, *old.indicators[1:]),
        budgets=(),
        commitments=tuple(
            replace(c, indicator="IK2020.OLDNAME") if c.indicator == "IK2020.LIT" else c
            for c in old.commitments
        ),
    )
    new = _with_fields(make_pkg("DK2018"), None, [None, None], continues)
    with store.transaction() as conn:
        write_package(conn, old)
        write_package(conn, new)
    lineage = program_lineage(store, "DK2018")
    rows = {r["indicator"]: r for r in lineage.iter_rows(named=True)}
    # different code suffix and English name: only the stored continues makes them one concept
    same = rows["DK2018.LIT"]["concept"] == rows["IK2020.OLDNAME"]["concept"]
    assert same == (continues is not None)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_show_prints_the_legal_act_in_the_interface_language(
    db_url: str, make_pkg: Callable[..., ProgramPackage], lang: str
) -> None:
    store = Store.open(db_url)
    with store.transaction() as conn:
        write_package(conn, make_pkg("IK2020", predecessors=()))
        write_package(conn, _with_fields(make_pkg("DK2018"), ACT, [None, None], None))
    store.close()
    res = runner.invoke(app, ["--db", db_url, "--lang", lang, "show", "DK2018"])
    assert res.exit_code == 0, res.output
    assert ACT.get(lang) in res.output
    assert [x for x in ("Қаулы № 827", "Постановление № 827", "Decree No. 827") if x in res.output] == [
        ACT.get(lang)
    ]
    plain = runner.invoke(app, ["--db", db_url, "--lang", lang, "show", "IK2020"])
    assert "Decree No. 827" in plain.output  # one text given: the same in every language


def test_upgrade_to_0004_keeps_everything_and_starts_the_new_fields_empty(db_url: str) -> None:
    store = Store.open(db_url)
    try:
        _downgrade(store.engine, "0003")
        assert current(store.engine) == "0003"
        with store.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO programs "
                    "(id, code, name_kk, name_ru, name_en, kind, start_year, end_year, status, legal_act) "
                    "VALUES (1, 'P', 'P', 'P', 'P', 'project', 2020, 2022, 'in_force', 'Decree 1')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO indicators (id, code, program_id, position, name_kk, name_ru, name_en, "
                    "unit, direction, kind, level, frequency) "
                    "VALUES (1, 'P.A', 1, 0, 'x', 'x', 'x', '%', 'increase', 'stock', 'outcome', 'A')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO commitments (indicator_id, kind, period, period_start, territory, version, "
                    "value, decided_on, document, recorded_at) "
                    "VALUES (1, 'target', '2022', 24264, '', 1, 90, '2020-01-01', 'D', '2020-01-02 00:00:00')"
                )
            )
            before = {
                t: conn.execute(text(f"SELECT * FROM {t} ORDER BY id")).all()
                for t in ("programs", "indicators", "commitments")
            }
        upgrade(store.engine)
        assert current(store.engine) == head()
        with store.connect() as conn:
            after = {
                t: conn.execute(text(f"SELECT * FROM {t} ORDER BY id")).all()
                for t in ("programs", "indicators", "commitments")
            }
            pkg = get_package(conn, "P")
        assert after["commitments"] == before["commitments"]
        assert [tuple(r)[: len(before["programs"][0])] for r in after["programs"]] == before["programs"]
        assert [tuple(r)[: len(before["indicators"][0])] for r in after["indicators"]] == before["indicators"]
        assert pkg.program is not None and pkg.program.legal_act == "Decree 1"
        assert pkg.indicators[0].continues is None and pkg.indicators[0].value_range is None
        assert len(pkg.commitments) == 1
        # and back: the downgrade drops only the new columns
        with store.engine.begin() as conn:
            conn.execute(text("UPDATE indicators SET continues = 'X.A', range_low = -5, range_high = 5"))
        _downgrade(store.engine, "0003")
        with store.connect() as conn:
            again = {
                t: conn.execute(text(f"SELECT * FROM {t} ORDER BY id")).all()
                for t in ("programs", "indicators", "commitments")
            }
        assert again == before
    finally:
        upgrade(store.engine)  # the database outlives this test on PostgreSQL: leave it at the newest schema
        store.close()


bound = st.floats(allow_nan=False, width=64)
text_or_none = st.none() | st.text(min_size=1, max_size=20)


@given(
    low=bound,
    high=bound,
    open_low=st.booleans(),
    open_high=st.booleans(),
    declared=st.booleans(),
    continues=text_or_none,
)
def test_any_range_and_continues_map_to_columns_and_back(
    low: float, high: float, open_low: bool, open_high: bool, declared: bool, continues: str | None
) -> None:
    low, high = min(low, high), max(low, high)
    value_range = (-INF if open_low else low, INF if open_high else high) if declared else None
    ind = Indicator(
        "P.A", Names("a", "b", "c"), "%", Direction.INCREASE, value_range=value_range, continues=continues
    )
    assert R.indicator_of(R.indicator_row(ind, 1, 0)) == ind


@given(act=text_or_none | st.builds(Names, st.text(max_size=9), st.text(max_size=9), st.text(max_size=9)))
def test_any_legal_act_maps_to_columns_and_back(act: str | Names | None) -> None:
    assert R.legal_act_of(R.legal_act_cols(act)) == act
