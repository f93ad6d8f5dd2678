"""How well an agency supplies its data: what is due, and the scorecard of timeliness, completeness, returns,
revisions and channels (pure, Polars; read by :mod:`natije.services.supply`).

* **Due periods** (:func:`due_table`): every ended period of the agency's indicators
  (:func:`natije.results.coverage.periods_due`) with its state: ``published`` (a national value is
  published), else ``pending`` or ``returned`` (the latest submitted value of it, any territory, waits or was
  returned), else ``overdue`` (its due day has come) or ``due`` (not yet late).
* **Timeliness**: submitted values of a due period that arrived before its due day / submitted values of a due
  period (superseded ones included: each was a delivery).
* **Completeness**: periods whose due day has come with a published national value / periods whose due day has
  come.
* **Share returned**: values returned / values decided (approved or returned; a returned value submitted again
  is superseded but stays decided and returned).
* **Revision rate**: published values of the agency's indicators revised after their first recording /
  published values.
* **Share by API**: submitted values that arrived by the API / submitted values (the rest came by hand: a form
  or the spreadsheet).

A share is null when its whole is 0.

>>> from datetime import date
>>> expected = pl.DataFrame({"indicator": ["A", "A"], "period": ["2023", "2024"],
...                          "period_start": [24276, 24288], "due": [date(2025, 1, 1), date(2026, 1, 1)]})
>>> t = due_table(expected, pl.DataFrame({"indicator": ["A"], "period": ["2023"]}), SUBMITTED.clear(),
...               date(2025, 6, 1))
>>> t["state"].to_list()
['published', 'due']
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import polars as pl

SUBMITTED = pl.DataFrame(
    schema={
        "indicator": pl.String,
        "territory": pl.String,
        "period": pl.String,
        "state": pl.String,
        "channel": pl.String,
        "submitted_at": pl.Datetime("us"),
        "decided_at": pl.Datetime("us"),
    }
)
"""The submitted values' columns the rules read."""

DUE_COLUMNS = ("indicator", "period", "period_start", "due", "state")


def due_table(
    expected: pl.DataFrame, published: pl.DataFrame, submitted: pl.DataFrame, today: date
) -> pl.DataFrame:
    """Each ended period of ``expected`` (indicator, period, period_start, due) with its state on ``today``
    (rules: the module docstring); ``published``: indicator, period of the published national values."""
    done = published.select("indicator", "period").unique().with_columns(pl.lit(True).alias("_published"))
    latest = (
        submitted.filter(pl.col("state").is_in(["pending", "returned"]))
        .sort("submitted_at")
        .group_by("indicator", "period")
        .agg(pl.col("state").last().alias("_open"))
    )
    table = expected.join(done, on=["indicator", "period"], how="left").join(
        latest, on=["indicator", "period"], how="left"
    )
    state = (
        pl.when(pl.col("_published"))
        .then(pl.lit("published"))
        .when(pl.col("_open").is_not_null())
        .then(pl.col("_open"))
        .when(pl.col("due") <= today)
        .then(pl.lit("overdue"))
        .otherwise(pl.lit("due"))
    )
    return table.with_columns(state.alias("state")).select(DUE_COLUMNS).sort("indicator", "period_start")


@dataclass(frozen=True)
class SupplyScorecard:
    """An agency's data supply in a few figures (rules: the module docstring); null shares: no data."""

    agency: str
    day: date
    periods_due: int
    periods_published: int
    completeness: float | None
    values_submitted: int
    timeliness: float | None
    values_decided: int
    share_returned: float | None
    values_published: int
    revision_rate: float | None
    share_api: float | None
    pending: int
    overdue: int

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "day": self.day.isoformat()}


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def scorecard(
    agency: str, day: date, due: pl.DataFrame, submitted: pl.DataFrame, revised_after: pl.Series
) -> SupplyScorecard:
    """The scorecard of ``agency`` on ``day`` from its :func:`due_table`, its submitted values
    (:data:`SUBMITTED` columns) and, per published value of its indicators, the revisions after its first."""
    came = due.filter(pl.col("due") <= day)
    published = came.filter(pl.col("state") == "published").height
    timed = submitted.join(due.select("indicator", "period", "due"), on=["indicator", "period"], how="inner")
    on_time = timed.filter(pl.col("submitted_at").dt.date() < pl.col("due")).height
    decided = submitted.filter(pl.col("decided_at").is_not_null())
    back = decided.filter(pl.col("state") != "approved").height
    revised = int((revised_after.fill_null(0) > 0).sum())
    api = submitted.filter(pl.col("channel") == "api").height
    return SupplyScorecard(
        agency=agency,
        day=day,
        periods_due=came.height,
        periods_published=published,
        completeness=_share(published, came.height),
        values_submitted=submitted.height,
        timeliness=_share(on_time, timed.height),
        values_decided=decided.height,
        share_returned=_share(back, decided.height),
        values_published=revised_after.len(),
        revision_rate=_share(revised, revised_after.len()),
        share_api=_share(api, submitted.height),
        pending=submitted.filter(pl.col("state") == "pending").height,
        overdue=due.filter(pl.col("state") == "overdue").height,
    )
