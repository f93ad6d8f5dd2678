"""The pages of the reporting workflow: a reporter's desk (what its agency owes, the form, the XLSX template
and its upload), an approver's queue, every agency's data-supply scorecard and a value's history.

* ``GET /{lang}/reporting``: the agency's indicators with every period due, overdue, pending, returned (with
  the reason) or published, and the form to enter a value (pre-filled from the query: a returned value's
  "fix" link); ``POST /{lang}/reporting/values`` submits it, ``POST /{lang}/reporting/upload`` a filled
  template, ``GET /{lang}/reporting/template.xlsx`` downloads it. Each answer lists every problem (row,
  column, value, expected) in the page's language, or the rows accepted; nothing is stored on a problem.
* ``GET /{lang}/approvals``: the agency's pending values beside the published values they would change;
  ``POST /{lang}/approvals`` approves the ones ticked, or returns them with a reason.
* ``GET /{lang}/agencies``: every agency's data-supply scorecard (public).
* ``GET /{lang}/values/{indicator}/{territory}/{period}/history``: a value's published history, and every
  submission of it for who may read the full history.

The services decide every permission (:mod:`natije.domain.access`); the public asking for a signed-in page is
sent to the login page. A signed-in page is never kept by a cache (``private, no-store``) nor by the app's
memo of pages (:func:`natije.web.pages.render`, never ``render_kept``); every form carries the session's CSRF
secret (checked by :func:`natije.web.auth.current_principal`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import polars as pl
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from natije.domain.access import Principal, allowed, require
from natije.errors import Expected, Problem, ValidationError
from natije.services import submissions, supply
from natije.services.xlsx_template import MEDIA_TYPE, template_filename, template_workbook, uploaded_rows
from natije.web import auth, params
from natije.web.pages import render

router = APIRouter(include_in_schema=False)

STATES = ("overdue", "due", "returned", "pending", "published")
"""The states of a due period, in the order the desk counts them."""

FIELDS = ("indicator", "territory", "period", "value", "note")
"""The fields of the value form, as the observations.csv columns."""


def _store(request: Request) -> Any:
    return request.app.state.natije.store


def _desk_principal(request: Request) -> Principal:
    """The request's principal when it reports or approves for an agency; else PermissionDenied (the public
    is sent to the login page)."""
    principal = auth.signed_in(request).principal
    agency = principal.agency
    if not (allowed(principal, "submit", agency) or allowed(principal, "approve", agency)):
        require(principal, "submit", agency)  # raises
    return principal


R = TypeVar("R", bound=Response)


def _private(response: R) -> R:
    """``response`` kept by no cache: a download for a signed-in user that :func:`render` did not make (the
    pages it renders for a signed-in user are ``private, no-store`` already)."""
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _groups(desk: submissions.Desk) -> list[dict[str, Any]]:
    """Per indicator of the desk: its code, indicator, periods (newest first) and count per state."""
    reasons = {(r.indicator, r.period): r for r in desk.returned}
    groups = []
    for code, indicator in desk.indicators.items():
        rows = desk.due.filter(pl.col("indicator") == code).sort("period_start", descending=True)
        periods = [{**r, "returned": reasons.get((code, r["period"]))} for r in rows.iter_rows(named=True)]
        counts = {s: sum(1 for p in periods if p["state"] == s) for s in STATES}
        groups.append({"code": code, "indicator": indicator, "periods": periods, "counts": counts})
    return groups


@router.get("/{lang}/reporting", response_class=HTMLResponse)
def reporting(request: Request, lang: str) -> HTMLResponse:
    """The agency's desk: what is due, the value form (pre-filled from the query), the template and upload."""
    lang = params.language(lang)
    principal = _desk_principal(request)
    desk = submissions.desk(_store(request), principal, principal.agency or "")
    form = {f: request.query_params.get(f, "") for f in FIELDS}
    response = render(
        request,
        "reporting.html",
        lang,
        desk=desk,
        groups=_groups(desk),
        states=STATES,
        form=form,
        periods=sorted(set(desk.open["period"].to_list()), reverse=True),
        can_submit=allowed(principal, "submit", principal.agency),
        csrf=auth.form_secret(request),
    )
    return response


def _problems(exc: ValidationError, lang: str) -> list[dict[str, Any]]:
    """Every problem of ``exc`` as the pages list it: row, column, value and what was expected in ``lang``."""
    return [
        {"row": p.row, "column": p.column, "value": p.value, "expected": p.expected_in(lang)}
        for p in exc.problems
    ]


def _answer(
    request: Request, lang: str, run: Callable[[], tuple[submissions.SubmissionAnswer, pl.DataFrame]]
) -> HTMLResponse:
    """The answer page of a submission ``run``: the rows accepted (200), or every problem (422: nothing was
    stored). Its language links open the desk (the answer itself is not asked for again)."""
    try:
        answer, rows = run()
    except ValidationError as exc:
        problems = _problems(exc, lang)
        response = render(
            request,
            "reporting_answer.html",
            lang,
            status=422,
            problems=problems,
            accepted=[],
            here="reporting",
        )
        return response
    shown = {r["row"]: r for r in rows.iter_rows(named=True)}
    accepted = [{"result": r, "row": shown.get(r.row, {})} for r in answer.rows]
    return render(request, "reporting_answer.html", lang, problems=[], accepted=accepted, here="reporting")


@router.post("/{lang}/reporting/values", response_class=HTMLResponse)
async def submit_value(request: Request, lang: str, principal: auth.CurrentPrincipal) -> HTMLResponse:
    """Submit the form's value (channel ``form``): the answer page, every problem listed when refused."""
    lang = params.language(lang)
    require(principal, "submit", principal.agency)
    posted = {f: ((await auth.form_value(request, f)) or "").strip() for f in FIELDS}
    frame = pl.DataFrame(
        {**{f: [posted[f]] for f in FIELDS if f != "note"}, "note": [posted["note"] or None], "row": [1]},
        schema={**{f: pl.String for f in FIELDS}, "row": pl.Int64},
    )

    def run() -> tuple[submissions.SubmissionAnswer, pl.DataFrame]:
        return submissions.submit(_store(request), principal, frame, "form"), frame

    return await run_in_threadpool(_answer, request, lang, run)


@router.post("/{lang}/reporting/upload", response_class=HTMLResponse)
async def upload(request: Request, lang: str, principal: auth.CurrentPrincipal) -> HTMLResponse:
    """Submit a filled template (channel ``xlsx``): read in a thread (openpyxl is slow), every problem listed
    when refused."""
    lang = params.language(lang)
    require(principal, "submit", principal.agency)
    sent = (await request.form()).get("file")
    data = await sent.read() if isinstance(sent, UploadFile) else b""
    name = (sent.filename if isinstance(sent, UploadFile) else None) or ""

    def run() -> tuple[submissions.SubmissionAnswer, pl.DataFrame]:
        if not data:
            expected = Expected("expected.upload_file")
            raise ValidationError(Problem(name or "file", None, None, None, expected, "missing_file"))
        rows = uploaded_rows(data, name)
        return submissions.submit(_store(request), principal, rows, "xlsx"), rows

    return await run_in_threadpool(_answer, request, lang, run)


@router.get("/{lang}/reporting/template.xlsx")
def template(request: Request, lang: str) -> Response:
    """The agency's XLSX template in ``lang``: its indicators, territories and the periods still owed."""
    lang = params.language(lang)
    principal = _desk_principal(request)
    spec = submissions.template_spec(_store(request), principal, principal.agency or "", lang)
    disposition = f'attachment; filename="{template_filename(spec)}"'
    response = Response(
        template_workbook(spec), media_type=MEDIA_TYPE, headers={"Content-Disposition": disposition}
    )
    return _private(response)


def _approvals_page(
    request: Request, lang: str, principal: Principal, status: int = 200, **context: Any
) -> HTMLResponse:
    agency = principal.agency or ""
    changes = submissions.pending_changes(_store(request), principal, agency)
    response = render(
        request,
        "approvals.html",
        lang,
        status=status,
        agency=agency,
        changes=changes,
        here="approvals",
        csrf=auth.form_secret(request),
        **context,
    )
    return response


@router.get("/{lang}/approvals", response_class=HTMLResponse)
def approvals(request: Request, lang: str) -> HTMLResponse:
    """The agency's values waiting for a decision, with the published values they would change."""
    lang = params.language(lang)
    principal = auth.signed_in(request).principal
    require(principal, "approve", principal.agency)
    return _approvals_page(request, lang, principal)


def _ids(chosen: list[str]) -> list[int]:
    """The ticked values' ids; ValidationError for one that is not a stored id's number."""
    bad = [text for text in chosen if not (text.isascii() and text.isdigit() and len(text) <= 18)]
    if bad:
        expected = Expected("expected.positive_int")
        raise ValidationError(
            [Problem("decision", None, "value_id", b[:40], expected, "value_id") for b in bad]
        )
    return [int(text) for text in chosen]


@router.post("/{lang}/approvals", response_class=HTMLResponse)
async def decide(request: Request, lang: str, principal: auth.CurrentPrincipal) -> HTMLResponse:
    """Approve the ticked values, or return them with the reason; the queue again with the result, or with
    every problem (422). PermissionDenied (the error page) for values of another agency."""
    lang = params.language(lang)
    require(principal, "approve", principal.agency)
    form = await request.form()
    chosen = [str(v) for v in form.getlist("value")]
    approve = form.get("decision") == "approve"
    reason = str(form.get("reason") or "")

    def run() -> HTMLResponse:
        try:
            decision = submissions.decide(_store(request), principal, _ids(chosen), approve, reason)
        except ValidationError as exc:
            problems = _problems(exc, lang)
            return _approvals_page(request, lang, principal, 422, problems=problems, reason=reason)
        return _approvals_page(request, lang, principal, decision=decision)

    return await run_in_threadpool(run)


@router.get("/{lang}/agencies", response_class=HTMLResponse)
def agencies(request: Request, lang: str) -> HTMLResponse:
    """Every agency's data-supply scorecard: timeliness, completeness, returns, revisions, API share."""
    lang = params.language(lang)
    principal = auth.signed_in(request).principal
    cards = supply.scorecards(_store(request), principal)
    return render(request, "agencies.html", lang, cards=cards)


@router.get("/{lang}/values/{indicator}/{territory}/{period}/history", response_class=HTMLResponse)
def value_history(request: Request, lang: str, indicator: str, territory: str, period: str) -> HTMLResponse:
    """A value's published history; every submission of it (returned and superseded too: who, when, why)
    for who may read the full history. Raises NotFound (indicator)."""
    lang = params.language(lang)
    principal = auth.signed_in(request).principal
    found = submissions.history(_store(request), principal, indicator, territory, period)
    return render(request, "history.html", lang, history=found)  # private, no-store when signed in
