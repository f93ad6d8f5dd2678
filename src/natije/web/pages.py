"""The HTML pages: each route parses its parameters, reads through the request's :class:`Reader`, builds its
charts and renders one template. Every page is whole without JavaScript; htmx only swaps parts of it."""

from __future__ import annotations

from typing import Any

import polars as pl
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from natije.errors import NotFound, Text
from natije.services.catalog import lineage as chain_of
from natije.services.indicators import territory_results
from natije.web import figures, params
from natije.web.i18n import COOKIE, COOKIE_AGE, helpers
from natije.web.problems import details

router = APIRouter(include_in_schema=False)


def _state(request: Request) -> Any:
    return request.app.state.natije


def render(request: Request, template: str, lang: str, status: int = 200, **context: Any) -> HTMLResponse:
    """``template`` in ``lang``, with the language remembered in a cookie."""
    rest = request.url.path.split("/", 2)[2] if request.url.path.count("/") >= 2 else ""
    query = f"?{request.url.query}" if request.url.query else ""
    response = _state(request).templates.TemplateResponse(
        request, template, {**helpers(lang), "here": rest + query, **context}, status_code=status)
    if status < 400:
        response.set_cookie(COOKIE, lang, max_age=COOKIE_AGE, samesite="lax")
    return response


def error_page(request: Request, exc: Exception, lang: str) -> HTMLResponse:
    """The page of an error, in ``lang``, with the error's HTTP status."""
    status, detail, _ = details(exc, lang)
    return render(request, "error.html", lang, status=status, status_code=status, detail=detail)


def _lineage_rows(frame: pl.DataFrame, chain: tuple[str, ...]) -> list[dict[str, Any]]:
    """One row per concept: its name and, per program of the chain, what that program promised for it."""
    rows: dict[str, dict[str, Any]] = {}
    for r in frame.iter_rows(named=True):
        row = rows.setdefault(r["concept"], {"concept": r["concept"], "name": r["name"], "cells": {},
                                             "dropped": None})
        if r["status"] == "dropped_from_portfolio":
            row["dropped"] = r
        elif r["program"] in chain:
            row["cells"][r["program"]] = r
    return list(rows.values())


@router.get("/{lang}/", response_class=HTMLResponse)
def overview(request: Request, lang: str, as_of: str | None = None) -> HTMLResponse:
    """Every program with its scorecard, and each lineage chain as one table. Raises NotFound (language)."""
    lang, day = params.language(lang), params.as_of(as_of)
    reader = _state(request).reader()
    programs = reader.programs()
    cards = {card.program: card for card in reader.scorecards(day)} if programs else {}
    chains = []
    for end in (p for p in programs if not p.successors):
        chain = chain_of(programs, end.code)
        chains.append({"programs": chain, "rows": _lineage_rows(reader.lineage(end.code, lang, day), chain)})
    return render(request, "overview.html", lang, programs=programs, cards=cards, chains=chains, as_of=day)


@router.get("/{lang}/programs/{code}", response_class=HTMLResponse)
def program(request: Request, lang: str, code: str, as_of: str | None = None, basis: str | None = None
            ) -> HTMLResponse:
    """Goal tree, a card per indicator, budget, lineage and evaluations. Raises NotFound, ValidationError."""
    lang, day, base = params.language(lang), params.as_of(as_of), params.basis(basis)
    reader = _state(request).reader()
    details_ = reader.program(code)
    snap = reader.snapshot(code, day, base)
    cache_dir = _state(request).settings.cache_dir
    query = _query(day, base)
    cards = []
    for indicator in details_.indicators:
        rows = figures.national_rows(snap, indicator.code)
        series = reader.series(indicator.code, day)
        chart = figures.figure(figures.series_of(series, lang, rows),
                               f"/{lang}/indicators/{indicator.code}/series.csv{query}", cache_dir)
        flags = snap.flags.filter(pl.col("indicator") == indicator.code).to_dicts()
        cards.append({"indicator": indicator, "rows": rows, "figure": chart, "flags": flags})
    budget = figures.figure(figures.budget_of(snap, lang), f"/{lang}/programs/{code}/budget.csv{query}", cache_dir)
    lineage = _lineage_rows(reader.lineage(code, lang, day), details_.lineage)
    return render(request, "program.html", lang, program=details_, snapshot=snap, cards=cards, budget=budget,
                  lineage=lineage, evaluations=reader.evaluations(code), as_of=day, basis=base,
                  flags=snap.flags.to_dicts())


@router.get("/{lang}/programs/{code}/budget.csv", response_class=PlainTextResponse)
def program_budget_csv(request: Request, lang: str, code: str, as_of: str | None = None) -> Response:
    """The rows of the program's budget chart as CSV. Raises NotFound."""
    lang, day = params.language(lang), params.as_of(as_of)
    snap = _state(request).reader().snapshot(code, day)
    return _csv(figures.budget_of(snap, lang).csv(), f"{code}-budget.csv")


@router.get("/{lang}/indicators/{code}", response_class=HTMLResponse)
def indicator(request: Request, lang: str, code: str, as_of: str | None = None, basis: str | None = None,
              period: str | None = None) -> HTMLResponse:
    """The series against every target version, the regions' table and map. Raises NotFound, ValidationError."""
    lang, day, base = params.language(lang), params.as_of(as_of), params.basis(basis)
    reader = _state(request).reader()
    series = reader.series(code, day)
    snap = reader.snapshot(series.program, day, base)
    rows = figures.national_rows(snap, code)
    cache_dir = _state(request).settings.cache_dir
    query = _query(day, base)
    chart = figures.figure(figures.series_of(series, lang, rows), f"/{lang}/indicators/{code}/series.csv{query}",
                           cache_dir)
    periods = sorted(set(series.regional()["period"].to_list()))
    shown = period if period in periods else series.latest_regional_period()
    map_figure = regions = None
    if shown is not None:
        map_chart = figures.map_of(series, shown, lang)
        map_figure = figures.figure(map_chart, f"/{lang}/indicators/{code}/regions.csv?period={shown}", cache_dir)
        regions = sorted(map_chart.data_rows, key=lambda r: (r["value"] is None, -(r["value"] or 0)))
    versions = series.national_commitments().sort("kind", "period", "version").to_dicts()
    return render(request, "indicator.html", lang, series=series, rows=rows, figure=chart, map=map_figure,
                  regions=regions, periods=periods, period=shown, versions=versions, as_of=day, basis=base,
                  program=reader.program(series.program),
                  illustrative=bool(series.observations["illustrative"].any()))


@router.get("/{lang}/indicators/{code}/series.csv", response_class=PlainTextResponse)
def indicator_series_csv(request: Request, lang: str, code: str, as_of: str | None = None,
                         basis: str | None = None) -> Response:
    """The rows of the indicator's series chart as CSV. Raises NotFound, ValidationError."""
    lang, day, base = params.language(lang), params.as_of(as_of), params.basis(basis)
    reader = _state(request).reader()
    series = reader.series(code, day)
    rows = figures.national_rows(reader.snapshot(series.program, day, base), code)
    return _csv(figures.series_of(series, lang, rows).csv(), f"{code}-series.csv")


@router.get("/{lang}/indicators/{code}/regions.csv", response_class=PlainTextResponse)
def indicator_regions_csv(request: Request, lang: str, code: str, period: str, as_of: str | None = None
                          ) -> Response:
    """The regions' values of one period (the map's rows) as CSV. Raises NotFound, ValidationError."""
    lang, day = params.language(lang), params.as_of(as_of)
    series = _state(request).reader().series(code, day)
    return _csv(figures.map_of(series, period, lang).csv(), f"{code}-{period}-regions.csv")


@router.get("/{lang}/territories/{kato}", response_class=HTMLResponse)
def territory(request: Request, lang: str, kato: str) -> HTMLResponse:
    """Every indicator's results for one region and its rank among the regions. Raises NotFound."""
    lang = params.language(lang)
    reader = _state(request).reader()
    place = reader.territory(kato)
    if place is None:
        raise NotFound(Text("error.territory_not_found", territory=kato), territory=kato)
    regions = [t.code for t in reader.territories() if t.level == "region"]
    snapshots = [reader.snapshot(p.code) for p in reader.programs()]
    frame = territory_results(snapshots, kato, regions)
    rows = frame.sort("program", "indicator", "period").to_dicts() if frame.height else []
    names = {i.code: i.names.to_dict() for p in reader.programs() for i in reader.program(p.code).indicators}
    return render(request, "territory.html", lang, place=place, rows=rows, names=names,
                  parent=reader.territory(place.parent) if place.parent else None)


@router.get("/{lang}/evaluations/{evaluation_id}", response_class=HTMLResponse)
def evaluation(request: Request, lang: str, evaluation_id: int) -> HTMLResponse:
    """Effects over time with their band, diagnostics, assumptions and the interpretation. Raises NotFound."""
    lang = params.language(lang)
    record = _state(request).reader().evaluation(evaluation_id)
    chart = figures.figure(figures.effects_of(dict(record.result), lang),
                           f"/{lang}/evaluations/{evaluation_id}/effects.csv", _state(request).settings.cache_dir)
    return render(request, "evaluation.html", lang, record=record, result=record.result, figure=chart)


@router.get("/{lang}/evaluations/{evaluation_id}/effects.csv", response_class=PlainTextResponse)
def evaluation_effects_csv(request: Request, lang: str, evaluation_id: int) -> Response:
    """The effects of a stored evaluation as CSV. Raises NotFound."""
    lang = params.language(lang)
    record = _state(request).reader().evaluation(evaluation_id)
    return _csv(figures.effects_of(dict(record.result), lang).csv(), f"evaluation-{evaluation_id}-effects.csv")


@router.get("/{lang}/search", response_class=HTMLResponse)
def search(request: Request, lang: str, q: str = "") -> HTMLResponse:
    """Programs, indicators and territories whose code or name matches ``q``. Raises NotFound (language)."""
    lang = params.language(lang)
    hits = _state(request).reader().search(q)
    return render(request, "search.html", lang, q=q, hits=hits)


def _query(day: Any, basis: str) -> str:
    parts = [f"as_of={day.isoformat()}" if day else "", "basis=first" if basis == "first" else ""]
    joined = "&".join(p for p in parts if p)
    return f"?{joined}" if joined else ""


def _csv(text: str, filename: str) -> Response:
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
