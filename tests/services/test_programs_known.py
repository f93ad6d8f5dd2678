"""Which programs exist on a day, on the shipped demo (SQLite and PostgreSQL): a program is known from its
first decided promise or its start year, whichever comes first, never from values of its indicators recorded
before it; the catalog, the scorecards and the results of one program agree on it."""

from __future__ import annotations

from datetime import date

import pytest

from natije.errors import ValidationError
from natije.services import catalog, monitoring
from natije.store import Store


@pytest.mark.parametrize(
    ("day", "known"),
    [
        # the demo holds internet-use values recorded from 2011: they do not make any program known
        (date(2016, 1, 1), ["IK2020"]),  # started in 2013, its promises carry no dates
        (date(2017, 12, 11), ["IK2020"]),
        (date(2017, 12, 12), ["IK2020", "DK2018"]),  # its targets decided on the day of its resolution
        (date(2021, 1, 1), ["IK2020", "DK2018", "TB2021"]),  # runs from 2021, targets decided in 2022
        (date(2023, 11, 7), ["IK2020", "DK2018", "TB2021", "AI2023"]),
    ],
)
def test_the_catalog_and_the_scorecards_know_the_same_programs(
    demo: Store, day: date, known: list[str]
) -> None:
    assert [p.code for p in catalog.list_programs(demo, as_of=day)] == known
    assert [c.program for c in monitoring.scorecards(demo, day)] == known
    assert [p.code for p in catalog.list_programs(demo)] == ["IK2020", "DK2018", "TB2021", "AI2023"]


def test_successors_are_those_known_on_the_day(demo: Store) -> None:
    then = {p.code: p for p in catalog.list_programs(demo, as_of=date(2019, 6, 30))}
    assert then["IK2020"].successors == ("DK2018",) and then["DK2018"].successors == ()
    assert catalog.lineage(list(then.values()), "IK2020") == ("IK2020", "DK2018")


def test_results_before_adoption_name_the_first_day(demo: Store) -> None:
    with pytest.raises(ValidationError) as caught:
        monitoring.program_results(demo, "DK2018", as_of="2017-12-11")
    assert caught.value.problems[0].code == "as_of" and "2017-12-12" in str(caught.value.problems[0].expected)
    assert monitoring.program_results(demo, "DK2018", as_of="2017-12-12").height > 0


def test_before_every_program_the_scorecards_refuse(demo: Store) -> None:
    assert catalog.list_programs(demo, as_of=date(2012, 12, 31)) == []
    with pytest.raises(ValidationError) as caught:
        monitoring.scorecards(demo, "2012-12-31")
    assert caught.value.problems[0].code == "as_of"


def test_dropped_promises_go_on_the_card_of_the_latest_program_of_that_day(demo: Store) -> None:
    # before Affordable Internet was announced, Technological Breakthrough ended the chain
    cards = {c.program: c for c in monitoring.scorecards(demo, "2023-06-30")}
    assert "AI2023" not in cards and cards["TB2021"].dropped
    now = {c.program: c for c in monitoring.scorecards(demo)}
    assert now["AI2023"].dropped and not now["TB2021"].dropped
