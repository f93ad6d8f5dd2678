"""The HTML pages: each route parses its parameters, reads through the request's :class:`Reader`, builds its
charts and renders one template. Every page is whole without JavaScript; htmx only swaps parts of it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from natije.web import figures, params, views
from natije.web.data import Reader
from natije.web.downloads import csv_response
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
        request, template, {**helpers(lang), "here": rest + query, **context}, status_code=status
    )
    if status < 400:
        response.set_cookie(COOKIE, lang, max_age=COOKIE_AGE, samesite="lax")
    return response


def render_kept(
    request: Request, template: str, lang: str, context: Callable[[Reader], dict[str, Any]]
) -> HTMLResponse:
    """``template`` rendered once per URL, language and store version, then served from the app's memo.

    A page is a function of its URL (``lang`` in the path, ``as_of``, ``basis``… in the query) and of the
    store: its HTML is kept beside the views it was built from, so a request for a known page only reads the
    store version. Errors are raised by ``context(reader)`` before anything is kept.
    """
    reader = _state(request).reader()
    key = ("html", request.url.path, request.url.query, lang)
    body = reader.cached(key, lambda: bytes(render(request, template, lang, **context(reader)).body))
    response = HTMLResponse(body)
    response.set_cookie(COOKIE, lang, max_age=COOKIE_AGE, samesite="lax")
    return response


def error_page(request: Request, exc: Exception, lang: str) -> HTMLResponse:
    """The page of an error, in ``lang``, with the error's HTTP status."""
    status, detail, _ = details(exc, lang)
    return render(request, "error.html", lang, status=status, status_code=status, detail=detail)


@router.get("/{lang}/", response_class=HTMLResponse)
def overview(request: Request, lang: str, as_of: str | None = None) -> HTMLResponse:
    """Every program with its scorecard, and each lineage chain as one table. Raises NotFound (language)."""
    lang, day = params.language(lang), params.as_of(as_of)
    return render_kept(request, "overview.html", lang, lambda reader: views.overview_view(reader, lang, day))


@router.get("/{lang}/programs/{code}", response_class=HTMLResponse)
def program(
    request: Request, lang: str, code: str, as_of: str | None = None, basis: str | None = None
) -> HTMLResponse:
    """Goal tree, a card per indicator, budget, lineage and evaluations. Raises NotFound, ValidationError."""
    lang, day, base = params.language(lang), params.as_of(as_of), params.basis(basis)
    cache_dir = _state(request).settings.cache_dir
    return render_kept(
        request,
        "program.html",
        lang,
        lambda reader: views.program_view(reader, code, lang, day, base, cache_dir),
    )


@router.get("/{lang}/programs/{code}/budget.csv", response_class=PlainTextResponse)
def program_budgetcsv_response(request: Request, lang: str, code: str, as_of: str | None = None) -> Response:
    """The rows of the program's budget chart as CSV. Raises NotFound."""
    lang, day = params.language(lang), params.as_of(as_of)
    snap = _state(request).reader().snapshot(code, day)
    return csv_response(figures.budget_of(snap, lang).csv(), f"{code}-budget.csv")


@router.get("/{lang}/indicators/{code}", response_class=HTMLResponse)
def indicator(
    request: Request,
    lang: str,
    code: str,
    as_of: str | None = None,
    basis: str | None = None,
    period: str | None = None,
) -> HTMLResponse:
    """The series against every target version, the regions' table and map (NotFound, ValidationError)."""
    lang, day, base = params.language(lang), params.as_of(as_of), params.basis(basis)
    cache_dir = _state(request).settings.cache_dir
    return render_kept(
        request,
        "indicator.html",
        lang,
        lambda reader: views.indicator_view(reader, code, lang, day, base, period, cache_dir),
    )


@router.get("/{lang}/indicators/{code}/series.csv", response_class=PlainTextResponse)
def indicator_seriescsv_response(
    request: Request, lang: str, code: str, as_of: str | None = None, basis: str | None = None
) -> Response:
    """The rows of the indicator's series chart as CSV. Raises NotFound, ValidationError."""
    lang, day, base = params.language(lang), params.as_of(as_of), params.basis(basis)
    reader = _state(request).reader()
    series = reader.series(code, day)
    rows = figures.national_rows(reader.snapshot(series.program, day, base), code)
    return csv_response(figures.series_of(series, lang, rows).csv(), f"{code}-series.csv")


@router.get("/{lang}/indicators/{code}/regions.csv", response_class=PlainTextResponse)
def indicator_regionscsv_response(
    request: Request, lang: str, code: str, period: str, as_of: str | None = None
) -> Response:
    """The regions' values of one period (the map's rows) as CSV. Raises NotFound, ValidationError."""
    lang, day = params.language(lang), params.as_of(as_of)
    series = _state(request).reader().series(code, day)
    return csv_response(figures.map_of(series, period, lang).csv(), f"{code}-{period}-regions.csv")


@router.get("/{lang}/territories/{kato}", response_class=HTMLResponse)
def territory(request: Request, lang: str, kato: str) -> HTMLResponse:
    """Every indicator's results for one region and its rank among the regions. Raises NotFound."""
    lang = params.language(lang)
    return render_kept(request, "territory.html", lang, lambda reader: views.territory_view(reader, kato))


@router.get("/{lang}/evaluations/{evaluation_id}", response_class=HTMLResponse)
def evaluation(request: Request, lang: str, evaluation_id: int) -> HTMLResponse:
    """Effects over time with their band, diagnostics, assumptions and the interpretation. Raises NotFound."""
    lang = params.language(lang)
    cache_dir = _state(request).settings.cache_dir
    return render_kept(
        request,
        "evaluation.html",
        lang,
        lambda reader: views.evaluation_view(reader, evaluation_id, lang, cache_dir),
    )


@router.get("/{lang}/evaluations/{evaluation_id}/effects.csv", response_class=PlainTextResponse)
def evaluation_effectscsv_response(request: Request, lang: str, evaluation_id: int) -> Response:
    """The effects of a stored evaluation as CSV. Raises NotFound."""
    lang = params.language(lang)
    record = _state(request).reader().evaluation(evaluation_id)
    return csv_response(
        figures.effects_of(dict(record.result), lang).csv(), f"evaluation-{evaluation_id}-effects.csv"
    )


@router.get("/{lang}/search", response_class=HTMLResponse)
def search(request: Request, lang: str, q: str = "") -> HTMLResponse:
    """Programs, indicators and territories whose code or name matches ``q``. Raises NotFound (language)."""
    lang = params.language(lang)
    hits = _state(request).reader().search(q)
    return render(request, "search.html", lang, q=q, hits=hits)
