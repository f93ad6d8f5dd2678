"""The HTML pages: each route parses its parameters, reads through the request's :class:`Reader`, builds its
charts and renders one template. Every page is whole without JavaScript; htmx only swaps parts of it.

Every table of a page downloads at ``<page>/<table>.<format>`` (``/ru/programs/AI2023/results.xlsx``; the
overview's at ``/ru/scorecards.csv``): one route per page, the tables and formats registered by name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from natije.domain.access import allowed
from natije.errors import NotFound, PermissionDenied, Text
from natije.reports.words import helpers
from natije.services.sessions import Session
from natije.web import auth, etags, params, views
from natije.web.data import Reader
from natije.web.downloads import download
from natije.web.i18n import COOKIE, COOKIE_AGE, ENDONYMS
from natije.web.problems import details, headers_of
from natije.web.tables import TableQuery

router = APIRouter(include_in_schema=False)


def _state(request: Request) -> Any:
    return request.app.state.natije


def render(request: Request, template: str, lang: str, status: int = 200, **context: Any) -> HTMLResponse:
    """``template`` in ``lang``, with the language remembered in a cookie; the header names who is signed
    in and links the reporting and approval pages for who may use them (a signed-in page is never kept by a
    cache)."""
    rest = request.url.path.split("/", 2)[2] if request.url.path.count("/") >= 2 else ""
    query = f"?{request.url.query}" if request.url.query else ""
    session = _session(request)
    who = session.principal if session is not None else None
    nav = {
        "can_report": who is not None and allowed(who, "submit", who.agency),
        "can_approve": who is not None and allowed(who, "approve", who.agency),
    }
    response = _state(request).templates.TemplateResponse(
        request,
        template,
        {**helpers(lang), "languages": ENDONYMS, "here": rest + query, "account": session, **nav, **context},
        status_code=status,
    )
    if session is not None:
        response.headers["Cache-Control"] = "private, no-store"
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
    if _session(request) is not None:  # the header names the user: never kept for the next reader
        return render(request, template, lang, **context(reader))
    key = ("html", request.url.path, request.url.query, lang)
    body = reader.cached(key, lambda: bytes(render(request, template, lang, **context(reader)).body))
    response = HTMLResponse(body)
    response.set_cookie(COOKIE, lang, max_age=COOKIE_AGE, samesite="lax")
    return response


def _session(request: Request) -> Session | None:
    """The request's session, or ``None`` (the public, an API token, or a token that is not good)."""
    try:
        return auth.signed_in(request).session
    except PermissionDenied:
        return None


def error_page(request: Request, exc: Exception, lang: str) -> HTMLResponse:
    """The page of an error, in ``lang``, with the error's HTTP status."""
    status, detail, _ = details(exc, lang)
    response = render(request, "error.html", lang, status=status, status_code=status, detail=detail)
    response.headers.update(headers_of(exc))  # Retry-After of a rate limit
    return response


@router.get("/ledger/verify.py")
def verifier() -> Response:
    """The standalone verifier (``ledger/verify.py``: stdlib and cryptography) as this site runs it."""
    text = resources.files("natije.ledger").joinpath("verify.py").read_text(encoding="utf-8")
    disposition = 'attachment; filename="verify.py"'
    return Response(text, media_type="text/x-python", headers={"Content-Disposition": disposition})


@router.get("/{lang}/proofs/{value_id:path}", response_class=HTMLResponse)
def value_proof(request: Request, lang: str, value_id: str) -> HTMLResponse:
    """A value's log entry in words, its proof against the latest checkpoint, how to check it offline.
    Raises NotFound, ConfigurationError."""
    lang = params.language(lang)
    return render_kept(request, "proof.html", lang, lambda reader: views.proof_view(reader, value_id))


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


@router.get("/{lang}/territories/{kato}", response_class=HTMLResponse)
def territory(request: Request, lang: str, kato: str) -> HTMLResponse:
    """Every indicator's results for one region and its rank among the regions. Raises NotFound."""
    lang = params.language(lang)
    return render_kept(request, "territory.html", lang, lambda reader: views.territory_view(reader, kato))


@router.get("/{lang}/evaluations/{evaluation_id}", response_class=HTMLResponse)
def evaluation(request: Request, lang: str, evaluation_id: params.StoredId) -> HTMLResponse:
    """Effects over time with their band, diagnostics, assumptions and the interpretation. Raises NotFound."""
    lang = params.language(lang)
    cache_dir = _state(request).settings.cache_dir
    return render_kept(
        request,
        "evaluation.html",
        lang,
        lambda reader: views.evaluation_view(reader, evaluation_id, lang, cache_dir),
    )


@router.get("/{lang}/search", response_class=HTMLResponse)
def search(request: Request, lang: str, q: str = "") -> HTMLResponse:
    """Programs, indicators and territories whose code or name matches ``q``. Raises NotFound (language)."""
    lang = params.language(lang)
    hits = _state(request).reader().search(q)
    return render(request, "search.html", lang, q=q, hits=hits)


@dataclass(frozen=True)
class TableArgs:
    """The query of a table download: the day, the basis of targets, the period (each page reads its own)."""

    as_of: str | None
    basis: str | None
    period: str | None


def table_args(as_of: str | None = None, basis: str | None = None, period: str | None = None) -> TableArgs:
    """The ``as_of``, ``basis`` and ``period`` query parameters of a download."""
    return TableArgs(as_of, basis, period)


Args = Annotated[TableArgs, Depends(table_args)]


def _table(
    request: Request, page: str, name: str, fmt: str, lang: str, key: str, args: TableArgs
) -> Response:
    lang, day, base = params.language(lang), params.as_of(args.as_of), params.basis(args.basis)
    query = TableQuery(key, lang, day, base, args.period or None)
    return download(request, _state(request).reader(), page, name, fmt, query)


@router.get("/{lang}/{table}.{fmt}")
def overview_table(request: Request, lang: str, table: str, fmt: str, args: Args) -> Response:
    """A table of the overview (``scorecards``) as csv, xlsx or json. Raises NotFound, ValidationError."""
    return _table(request, "overview", table, fmt, lang, "", args)


REPORT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
}


@router.get("/{lang}/programs/{code}/report.{fmt}")
def program_report(
    request: Request, lang: str, code: str, fmt: str, as_of: str | None = None, basis: str | None = None
) -> Response:
    """The program's inquiry report as html, pdf or md, its numbers linking to this site (kept per store
    version; ETag). Raises NotFound, ValidationError."""
    from natije.services.reporting import ReportRequest, report

    lang, day, base = params.language(lang), params.as_of(as_of), params.basis(basis)
    if fmt not in REPORT_TYPES:
        raise NotFound(Text("error.unknown_format", format=fmt, formats=", ".join(REPORT_TYPES)), format=fmt)
    reader = _state(request).reader()
    tag = etags.tag_of(request, reader.state, lang)
    unchanged = etags.not_modified(request, tag)
    if unchanged is not None:
        return unchanged
    asked = ReportRequest(code, lang, fmt, day, base, str(request.base_url))
    body = reader.cached(("report", asked), lambda: report(reader.store, asked))
    name = f"{code}-{lang}{'-' + day.isoformat() if day else ''}.{fmt}"
    disposition = "inline" if fmt == "html" else f'attachment; filename="{name}"'
    return Response(
        body, media_type=REPORT_TYPES[fmt], headers={**etags.headers(tag), "Content-Disposition": disposition}
    )


@router.get("/{lang}/programs/{code}/{table}.{fmt}")
def program_table(request: Request, lang: str, code: str, table: str, fmt: str, args: Args) -> Response:
    """A table of a program's page (results, budget, lineage, flags). Raises NotFound, ValidationError."""
    return _table(request, "program", table, fmt, lang, code, args)


@router.get("/{lang}/indicators/{code}/{table}.{fmt}")
def indicator_table(request: Request, lang: str, code: str, table: str, fmt: str, args: Args) -> Response:
    """A table of an indicator's page (series, targets, regions of ``period``). Raises NotFound."""
    return _table(request, "indicator", table, fmt, lang, code, args)


@router.get("/{lang}/territories/{kato}/{table}.{fmt}")
def territory_table(request: Request, lang: str, kato: str, table: str, fmt: str, args: Args) -> Response:
    """A table of a territory's page (results, values). Raises NotFound."""
    return _table(request, "territory", table, fmt, lang, kato, args)


@router.get("/{lang}/evaluations/{evaluation_id}/{table}.{fmt}")
def evaluation_table(
    request: Request, lang: str, evaluation_id: params.StoredId, table: str, fmt: str, args: Args
) -> Response:
    """A table of an evaluation's page (effects, weights, diagnostics). Raises NotFound."""
    return _table(request, "evaluation", table, fmt, lang, str(evaluation_id), args)
