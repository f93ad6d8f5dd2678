"""What each page shows, assembled from a :class:`Reader` without a request: the routes render these, and the
start-up warm-up builds them once so the first visitor finds the results and the charts computed.

Each ``*_view`` returns the template's context; ``Figure`` objects carry their SVG, text and data link.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import polars as pl

from natije.errors import NotFound, Text
from natije.services import figures as charts
from natije.services.catalog import lineage as chain_of
from natije.services.evaluation_words import describe
from natije.services.indicators import IndicatorSeries, region_values, territory_results
from natije.services.monitoring import lineage_by_concept
from natije.web import figures
from natije.web.data import Reader


def query(day: datetime.date | None, basis: str) -> str:
    """The ``?as_of=…&basis=first`` tail that keeps a page's day and basis in its links."""
    parts = [f"as_of={day.isoformat()}" if day else "", "basis=first" if basis == "first" else ""]
    joined = "&".join(p for p in parts if p)
    return f"?{joined}" if joined else ""


def _series_figure(
    reader: Reader,
    series: IndicatorSeries,
    rows: list[dict[str, Any]],
    *,
    lang: str,
    day: datetime.date | None,
    basis: str,
    cache_dir: Path | None,
) -> figures.Figure:
    """The national series chart of an indicator (kept per language, day and basis)."""
    url = f"/{lang}/indicators/{series.code}/series.csv{query(day, basis)}"
    return reader.cached(
        ("series-figure", series.code, lang, day, basis),
        lambda: figures.figure(charts.series_of(series, lang, rows), url, cache_dir),
    )


def overview_view(reader: Reader, lang: str, day: datetime.date | None) -> dict[str, Any]:
    """Every program known on ``day`` with its scorecard, and each lineage chain (ending in a program nobody
    succeeded on that day). Raises ``ValidationError`` for a day before any program was known."""
    programs = reader.programs(day)
    # a store with programs none of which was known on ``day`` answers as the scorecards do: the first day
    cards = {card.program: card for card in reader.scorecards(day)} if reader.programs() else {}
    chains = []
    for end in (p for p in programs if not p.successors):
        chain = chain_of(programs, end.code)
        chains.append(
            {"programs": chain, "rows": lineage_by_concept(reader.lineage(end.code, lang, day), chain)}
        )
    return {"programs": programs, "cards": cards, "chains": chains, "as_of": day}


def program_view(
    reader: Reader, code: str, lang: str, day: datetime.date | None, basis: str, cache_dir: Path | None
) -> dict[str, Any]:
    """Goal tree, a card per indicator (rows, chart, flags), budget, lineage and stored evaluations."""
    details = reader.program(code)
    snap = reader.snapshot(code, day, basis)
    tail = query(day, basis)
    cards = []
    for indicator in details.indicators:
        rows = charts.national_rows(snap, indicator.code)
        series = reader.national_series(indicator.code, day)
        chart = _series_figure(reader, series, rows, lang=lang, day=day, basis=basis, cache_dir=cache_dir)
        flags = snap.flags.filter(pl.col("indicator") == indicator.code).to_dicts()
        cards.append({"indicator": indicator, "rows": rows, "figure": chart, "flags": flags})
    budget = reader.cached(
        ("budget-figure", code, lang, day, basis),
        lambda: figures.figure(
            charts.budget_of(snap, lang), f"/{lang}/programs/{code}/budget.csv{tail}", cache_dir
        ),
    )
    return {
        "program": details,
        "snapshot": snap,
        "cards": cards,
        "budget": budget,
        "lineage": lineage_by_concept(reader.lineage(code, lang, day), details.lineage),
        "evaluations": reader.evaluations(code),
        "as_of": day,
        "basis": basis,
        "value_ids": _value_ids(reader, tuple(i.code for i in details.indicators), snap.national, day),
    }


def indicator_view(
    reader: Reader,
    code: str,
    lang: str,
    day: datetime.date | None,
    basis: str,
    period: str | None,
    cache_dir: Path | None,
) -> dict[str, Any]:
    """The series against every target version, the versions' table, the regions' table and map."""
    series = reader.series(code, day)
    rows = charts.national_rows(reader.snapshot(series.program, day, basis), code)
    chart = _series_figure(reader, series, rows, lang=lang, day=day, basis=basis, cache_dir=cache_dir)
    periods = sorted(set(series.regional()["period"].to_list()))
    shown = period if period in periods else series.latest_regional_period()
    map_figure = regions = None
    if shown is not None:
        map_figure, regions = reader.cached(
            ("map", code, lang, day, shown), lambda: _map(series, shown, lang, cache_dir)
        )
    return {
        "series": series,
        "rows": rows,
        "figure": chart,
        "map": map_figure,
        "regions": regions,
        "periods": periods,
        "period": shown,
        "as_of": day,
        "basis": basis,
        "versions": series.national_commitments().sort("kind", "period", "version").to_dicts(),
        "program": reader.program(series.program),
        "illustrative": bool(series.observations["illustrative"].any()),
        "value_ids": _value_ids(reader, (code,), None, day),
    }


def _value_ids(
    reader: Reader, codes: tuple[str, ...], territories: tuple[str, ...] | None, day: datetime.date | None
) -> dict[tuple[str, str, str], int]:
    """The observations' numbers behind a page's values, for its links to their proofs: a proof is of a
    value's current entry, so a page as of an earlier day (values maybe since revised) links none."""
    return {} if day is not None else reader.value_ids(codes, territories)


def proof_view(reader: Reader, value_id: str) -> dict[str, Any]:
    """A value's log entry, the checkpoint it is proven against, the proof's hashes, and whether the tables
    still hold the logged value. Raises ``NotFound``, ``ConfigurationError``."""
    found = reader.value_proof(value_id)
    entry = found.entry
    return {
        "found": found,
        "entry": entry,
        "key": entry["key"],
        "after": entry.get("after") or {},
        "before": entry.get("before") or {},
        "checkpoint": found.checkpoint,
        "origin": reader.public_key().origin,
    }


def _map(
    series: IndicatorSeries, period: str, lang: str, cache_dir: Path | None
) -> tuple[figures.Figure, list[dict[str, Any]]]:
    """The regions' map of ``period`` and its rows, largest value first, illustrative values marked."""
    chart = charts.map_of(series, period, lang)
    figure = figures.figure(chart, f"/{lang}/indicators/{series.code}/regions.csv?period={period}", cache_dir)
    marked = set(region_values(series, period).filter(pl.col("illustrative"))["territory"].to_list())
    rows = sorted(
        ({**r, "illustrative": r["territory"] in marked} for r in chart.data_rows),
        key=lambda r: (r["value"] is None, -(r["value"] or 0)),
    )
    return figure, rows


def territory_view(reader: Reader, kato: str) -> dict[str, Any]:
    """Every program's results rows for one territory, ranked among the regions. Raises ``NotFound``."""
    place = reader.territory(kato)
    if place is None:
        raise NotFound(Text("error.territory_not_found", territory=kato), territory=kato)
    regions = tuple(t.code for t in reader.territories() if t.level == "region")
    frame = territory_results([reader.snapshot(p.code) for p in reader.programs()], kato, regions)
    names = {i.code: i.names.to_dict() for p in reader.programs() for i in reader.program(p.code).indicators}
    values = reader.territory_values(kato, regions)
    return {
        "place": place,
        "names": names,
        "rows": frame.sort("program", "indicator", "period").to_dicts() if frame.height else [],
        "values": values.to_dicts() if values.height else [],
        "parent": reader.territory(place.parent) if place.parent else None,
    }


def evaluation_view(reader: Reader, evaluation_id: int, lang: str, cache_dir: Path | None) -> dict[str, Any]:
    """A stored evaluation in words of ``lang`` (method, design, estimate, checks, assumptions,
    interpretation) with its effects chart. Raises ``NotFound``."""
    record = reader.evaluation(evaluation_id)
    chart = figures.figure(
        charts.effects_of(dict(record.result), lang),
        f"/{lang}/evaluations/{evaluation_id}/effects.csv",
        cache_dir,
    )
    words = reader.cached(("evaluation-words", evaluation_id, lang), lambda: describe(record.result, lang))
    return {"record": record, "result": record.result, "words": words, "figure": chart}


def warm(reader: Reader, languages: tuple[str, ...], cache_dir: Path | None) -> int:
    """Build the overview and every program page of today in ``languages`` (results and charts computed and
    cached); return how many pages were built."""
    built = 0
    for lang in languages:
        overview_view(reader, lang, None)
        built += 1
        for summary in reader.programs():
            program_view(reader, summary.code, lang, None, "current", cache_dir)
            built += 1
    return built
