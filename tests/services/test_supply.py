"""What an agency owes and its data-supply scorecard, on the demo store (SQLite and PostgreSQL): due periods
move from overdue or due to pending, returned and published as values are submitted and decided; the
scorecard's shares count exactly those values."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from natije.domain.access import PUBLIC, Principal
from natije.errors import NotFound, PermissionDenied
from natije.services.submissions import decide, due, submit
from natije.services.supply import agency_scorecard, scorecards
from natije.store import Store

DAY = date(2026, 12, 7)
CLERK = Principal("reporter", agency="MDDIAI", name="aigerim")
BOSS = Principal("approver", agency="MDDIAI", name="bolat")
RURAL = "AI2023.RURAL_INTERNET_USERS"
AT = datetime(2026, 3, 1)  # when the values are submitted and decided


def states(store: Store) -> dict[str, str]:
    table = due(store, BOSS, "MDDIAI", DAY).table.filter(pl.col("indicator") == RURAL)
    return dict(table.select("period", "state").iter_rows())


def send(store: Store, period: str, value: str, channel: str) -> int:
    body = pl.DataFrame(
        {"indicator": [RURAL], "territory": ["000000000"], "period": [period], "value": [value]}
    )
    [row] = submit(store, CLERK, body, channel, now=AT).rows
    return row.value_id


def test_due_periods_follow_submissions_and_decisions(fresh: Store) -> None:
    before = states(fresh)
    assert (before["2024"], before["2025"]) == (
        "overdue",
        "due",
    )  # 2024 was due on 2026-01-01, 2025 on 2027-01-01
    late = send(fresh, "2024", "71.5", "api")
    early = send(fresh, "2025", "73", "form")
    assert (states(fresh)["2024"], states(fresh)["2025"]) == ("pending", "pending")
    decide(fresh, BOSS, [late], approve=True, reason=None, now=AT)
    decide(fresh, BOSS, [early], approve=False, reason="the survey is not final", now=AT)
    assert (states(fresh)["2024"], states(fresh)["2025"]) == ("published", "returned")
    again = send(fresh, "2025", "73.4", "xlsx")
    assert states(fresh)["2025"] == "pending"
    decide(fresh, BOSS, [again], approve=True, reason=None, now=AT)
    assert states(fresh)["2025"] == "published"
    with pytest.raises(PermissionDenied):
        due(fresh, PUBLIC, "MDDIAI", DAY)
    with pytest.raises(PermissionDenied):
        due(fresh, Principal("reporter", agency="MTC", name="x"), "MDDIAI", DAY)
    with pytest.raises(NotFound):
        due(fresh, Principal("auditor", name="dana"), "NOBODY", DAY)

    card = agency_scorecard(fresh, PUBLIC, "MDDIAI", DAY)
    base = next(c for c in scorecards(fresh, PUBLIC, DAY) if c.agency == "MDDIAI")
    assert card == base
    assert card.values_submitted == 3 and card.values_decided == 3
    assert card.share_returned == pytest.approx(1 / 3)  # the returned 2025 value, superseded since
    assert card.timeliness == pytest.approx(2 / 3)  # 2024 came after 2026-01-01; both 2025 values before 2027
    assert card.share_api == pytest.approx(1 / 3)
    assert card.pending == 0
    assert card.revision_rate == 0.0
    assert card.completeness is not None and card.periods_due > 0
    assert card.to_dict()["day"] == "2026-12-07"
