"""The shape of ``natije results --format json``: the results table's rows as objects,
forecast nested, flags listed.

The engine and the service return frames; how a row reads as JSON is decided here, at the edge.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

_FORECAST = {
    "value": "forecast_value",
    "low": "forecast_low",
    "high": "forecast_high",
    "p_meet": "p_meet",
    "reason": "forecast_reason",
}


def results_rows(table: pl.DataFrame, flags: pl.DataFrame | None = None) -> list[dict[str, Any]]:
    """The results ``table`` as a list of objects: its columns in order, the forecast's nested under
    ``forecast`` (with the target's period), and the names of the flags raised on each row's indicator."""
    import polars as pl

    per: dict[str, list[str]] = {}
    if flags is not None and flags.height:
        for ind, names in flags.group_by("indicator").agg(pl.col("flag").unique().sort()).iter_rows():
            per[ind] = names
    nested = set(_FORECAST.values())
    out = []
    for row in table.iter_rows(named=True):
        item = {k: _plain(v) for k, v in row.items() if k not in nested}
        item["forecast"] = {
            "period": row["period"],
            **{key: row[column] for key, column in _FORECAST.items()},
        }
        item["flags"] = per.get(row["indicator"], [])
        out.append(item)
    return out


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, (date, datetime)) else value
