"""Every table a page shows, as rows for the downloads: one function per table, registered by page and name.

A table function takes the request's :class:`Reader` and :class:`TableQuery` and returns a :class:`Table` of
plain values (numbers stay numbers); its column headers are the catalogs' ``column.<name>`` texts. The
downloads (:mod:`natije.web.downloads`) write any table in any registered format.
"""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl

from natije.errors import NotFound, Text
from natije.locale import t
from natije.locale.evidence import evidence
from natije.services.indicators import region_values
from natije.web import views
from natije.web.data import Reader

PAGES = ("overview", "program", "indicator", "territory", "evaluation")


@dataclass(frozen=True)
class TableQuery:
    """What a table is of: the page's ``key`` (program or indicator code, KATO code, evaluation id; empty for
    the overview), the language of names and headers, the day, the basis of targets and a period."""

    key: str
    lang: str
    as_of: datetime.date | None = None
    basis: str = "current"
    period: str | None = None


@dataclass(frozen=True)
class Table:
    """Rows of plain values under ``columns``; ``stem`` names its file (``AI2023-results``)."""

    stem: str
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]

    def headers(self, lang: str) -> list[str]:
        """The column headers in ``lang``."""
        return [t(f"column.{c}", lang) for c in self.columns]


Producer = Callable[[Reader, TableQuery], Table]
TABLES: dict[tuple[str, str], Producer] = {}


def table(page: str, name: str) -> Callable[[Producer], Producer]:
    """Register a table of ``page`` (one of :data:`PAGES`) under ``name`` (the file name in its URL)."""

    def register(producer: Producer) -> Producer:
        TABLES[(page, name)] = producer
        return producer

    return register


def names_of(page: str) -> list[str]:
    """The names of the tables of ``page``, in registration order."""
    return [name for (p, name) in TABLES if p == page]


def producer(page: str, name: str) -> Producer:
    """The function of table ``name`` of ``page``; ``NotFound`` for a table the page does not have."""
    found = TABLES.get((page, name))
    if found is None:
        raise NotFound(Text("error.unknown_table", table=name, tables=", ".join(names_of(page))), table=name)
    return found


def _frame(stem: str, frame: pl.DataFrame, columns: tuple[str, ...]) -> Table:
    frame = frame.with_columns(pl.col(pl.Enum, pl.Categorical).cast(pl.String))
    return Table(stem, columns, frame.select(columns).to_dicts() if frame.height else [])


RESULT_COLUMNS = (
    "indicator", "territory", "period", "status", "baseline", "baseline_period", "target", "target_version",
    "target_decided_on", "target_document", "actual", "actual_period", "illustrative", "direction", "kind",
    "unit", "met", "gap_closed", "ratio", "achievement", "pace", "forecast_value", "forecast_low",
    "forecast_high", "p_meet", "forecast_reason",
)  # fmt: skip


@table("overview", "scorecards")
def scorecards(reader: Reader, q: TableQuery) -> Table:
    """Every program's scorecard: targets by status, money approved and executed, shares."""
    statuses = ("achieved", "on_track", "at_risk", "off_track", "missed", "insufficient_data", "no_data")
    rows = [
        {
            "program": c.program,
            "name": c.names.get(q.lang) or c.names.get("en"),
            "targets": c.targets,
            **{s: c.by_status.get(s, 0) for s in statuses},
            "currency": c.currency,
            "approved": c.approved,
            "executed": c.executed,
            "spent_share": c.spent_share,
            "achieved_share": c.achieved_share,
        }
        for c in (reader.scorecards(q.as_of) if reader.programs() else [])
    ]
    columns = ("program", "name", "targets", *statuses, "currency", "approved", "executed")
    return Table("scorecards", (*columns, "spent_share", "achieved_share"), rows)


@table("program", "results")
def program_results(reader: Reader, q: TableQuery) -> Table:
    """Results against targets of every indicator and territory."""
    snap = reader.snapshot(q.key, q.as_of, q.basis)
    return _frame(f"{q.key}-results", snap.results.sort("indicator", "territory", "period"), RESULT_COLUMNS)


@table("program", "budget")
def program_budget(reader: Reader, q: TableQuery) -> Table:
    """Budget by year and currency: planned, approved, executed and the execution rate."""
    columns = ("year", "currency", "planned", "approved", "executed", "rate")
    return _frame(f"{q.key}-budget", reader.snapshot(q.key, q.as_of, q.basis).budget, columns)


@table("program", "lineage")
def program_lineage(reader: Reader, q: TableQuery) -> Table:
    """What the program and its predecessors promised for each shared indicator, and what came of it."""
    columns = ("concept", "program", "indicator", "name", "target_period", "target", "status")
    frame = reader.lineage(q.key, q.lang, q.as_of)
    return _frame(f"{q.key}-lineage", frame, (*columns, "dropped_from", "dropped_indicator", "story"))


@table("program", "flags")
def program_flags(reader: Reader, q: TableQuery) -> Table:
    """Moved goalposts and other warnings, worst first, their evidence worded in the language."""
    frame = worded(reader.snapshot(q.key, q.as_of, q.basis).flags, q.lang)
    columns = ("flag", "severity", "indicator", "territory", "period", "old_value", "new_value", "day")
    return _frame(f"{q.key}-flags", frame, (*columns, "evidence"))


def worded(flags: pl.DataFrame, lang: str) -> pl.DataFrame:
    """``flags`` with each flag's ``evidence`` worded in ``lang`` from its arguments, as the pages do."""
    texts = [evidence(r["flag"], r["args"], lang, r["evidence"]) for r in flags.iter_rows(named=True)]
    return flags.with_columns(pl.Series("evidence", texts, dtype=pl.String))


@table("indicator", "series")
def indicator_series(reader: Reader, q: TableQuery) -> Table:
    """The indicator's national values by period."""
    columns = ("territory", "period", "value", "illustrative", "source")
    return _frame(f"{q.key}-series", reader.series(q.key, q.as_of).national_series(), columns)


@table("indicator", "targets")
def indicator_targets(reader: Reader, q: TableQuery) -> Table:
    """Every version of the indicator's national baselines and targets."""
    frame = reader.series(q.key, q.as_of).national_commitments().sort("kind", "period", "version")
    columns = ("kind", "territory", "period", "version", "value", "decided_on", "document")
    return _frame(f"{q.key}-targets", frame, columns)


@table("indicator", "regions")
def indicator_regions(reader: Reader, q: TableQuery) -> Table:
    """The regions' values of one period (``period``, else the latest any region has)."""
    series = reader.series(q.key, q.as_of)
    period = q.period or series.latest_regional_period()
    frame = region_values(series, period) if period else pl.DataFrame()
    if frame.height:  # a code valid in several spans keeps its first name
        names = series.territories.select(pl.col("code").alias("territory"), pl.col(f"name_{q.lang}"))
        names = names.unique("territory", keep="first", maintain_order=True)
        frame = frame.join(names, on="territory", how="left").select(
            "territory", pl.col(f"name_{q.lang}").alias("name"), pl.lit(period).alias("period"), "value",
            "illustrative",
        )  # fmt: skip
    columns = ("territory", "name", "period", "value", "illustrative")
    return _frame(f"{q.key}-{period or 'regions'}-regions", frame, columns)


def _indicator_names(reader: Reader, lang: str) -> dict[str, str]:
    return {
        i.code: i.names.to_dict().get(lang) or i.code
        for p in reader.programs()
        for i in reader.program(p.code).indicators
    }


@table("territory", "results")
def territory_results(reader: Reader, q: TableQuery) -> Table:
    """The territory's results rows of every program, with its rank among the regions."""
    rows, names = views.territory_view(reader, q.key)["rows"], _indicator_names(reader, q.lang)
    columns = ("program", "indicator", "name", "period", "status", "actual", "target", "unit")
    found = [{**r, "name": names.get(r["indicator"])} for r in rows]
    return Table(f"{q.key}-results", (*columns, "illustrative", "rank", "ranked"), found)


@table("territory", "values")
def territory_values(reader: Reader, q: TableQuery) -> Table:
    """The latest value of every indicator the territory reports, ranked among the regions."""
    rows, names = views.territory_view(reader, q.key)["values"], _indicator_names(reader, q.lang)
    columns = ("program", "indicator", "name", "period", "value", "unit", "illustrative", "rank", "ranked")
    return Table(f"{q.key}-values", columns, [{**r, "name": names.get(r["indicator"])} for r in rows])


def _result(reader: Reader, q: TableQuery) -> dict[str, Any]:
    try:
        number = int(q.key)
    except ValueError:
        raise NotFound(Text("error.evaluation_not_found", evaluation=q.key), evaluation=q.key) from None
    return dict(reader.evaluation(number).result)


@table("evaluation", "effects")
def evaluation_effects(reader: Reader, q: TableQuery) -> Table:
    """The evaluation's effects (by event time, group or period) with their confidence intervals."""
    columns = ("label", "kind", "estimate", "se", "ci_low", "ci_high")
    rows = [{c: e.get(c) for c in columns} for e in _result(reader, q).get("effects") or []]
    return Table(f"evaluation-{q.key}-effects", columns, rows)


@table("evaluation", "weights")
def evaluation_weights(reader: Reader, q: TableQuery) -> Table:
    """The weights of a synthetic method: of each control unit and of each pre-treatment period."""
    result = _result(reader, q)
    rows = [
        {"kind": kind, "label": w["label"], "weight": w["weight"]}
        for kind in ("unit", "time")
        for w in result.get(f"{kind}_weights") or []
    ]
    return Table(f"evaluation-{q.key}-weights", ("kind", "label", "weight"), rows)


@table("evaluation", "diagnostics")
def evaluation_diagnostics(reader: Reader, q: TableQuery) -> Table:
    """The evaluation's diagnostic numbers; a test's members as ``test.member`` (``pretrend.p_value``)."""
    rows = []
    for name, value in sorted((_result(reader, q).get("diagnostics") or {}).items()):
        if isinstance(value, dict):
            members = [(f"{name}.{k}", v) for k, v in value.items()]
        else:
            members = [(name, value)]
        rows += [{"name": n, "value": v} for n, v in members if _number(v)]
    return Table(f"evaluation-{q.key}-diagnostics", ("name", "value"), rows)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def plain(value: Any) -> Any:
    """A cell's value as JSON has it: dates as ISO text, NaN as null, anything else unchanged."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value
