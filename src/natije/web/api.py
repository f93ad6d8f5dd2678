"""The JSON API under ``/api/v1/``: the service reads of the pages, as JSON; errors as problem details.

Every list is paged by cursor (:mod:`natije.web.pagination`), every answer carries an ETag, every answer's
shape is a model of :mod:`natije.web.schemas` (the OpenAPI document publishes them).
"""

from __future__ import annotations

from typing import Annotated, Any

import polars as pl
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from natije.web import params, rows_of, schemas
from natije.web.answers import Paging, answer, lang_parameter, language, listing, paging, rows
from natije.web.tables import worded

PROBLEM: dict[str, Any] = {"model": schemas.Problem, "content": {"application/problem+json": {}}}
NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: `If-None-Match` named the current ETag"},
    422: {"description": "Invalid parameter (problem details)", **PROBLEM},
}
ERRORS: dict[int | str, dict[str, Any]] = {
    **NOT_MODIFIED,
    404: {"description": "Not found (problem details)", **PROBLEM},
}
LIST_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    400: {"description": "A cursor the API did not hand out (problem details)", **PROBLEM},
}
router = APIRouter(prefix="/api/v1", tags=["api"], dependencies=[Depends(lang_parameter)])
Page = Annotated[Paging, Depends(paging)]
Filter = Annotated[str | None, Query()]


def _reader(request: Request) -> Any:
    return request.app.state.natije.reader()


def _day(as_of: str | None) -> str | None:
    day = params.as_of(as_of)
    return day.isoformat() if day else None


@router.get("/programs", response_model=schemas.Programs, responses=LIST_ERRORS)
def programs(request: Request, page: Page, status: Filter = None, as_of: Filter = None) -> Response:
    """Every program, oldest first, with its predecessors and successors; ``status`` keeps one status,
    ``as_of`` (YYYY-MM-DD) the programs known on that day (successors among them)."""
    reader = _reader(request)
    day = params.as_of(as_of)
    items = [p.to_dict() for p in reader.programs(day) if status is None or p.status == status]
    return listing(
        request, reader.state, items, lambda p: (p["start_year"], p["code"]), page, as_of=_day(as_of)
    )


@router.get("/programs/{code}", response_model=schemas.ProgramDetail, responses=ERRORS)
def program(request: Request, code: str) -> Response:
    """One program in full: goals, indicators, every commitment and budget version, lineage."""
    reader = _reader(request)
    return answer(request, reader.state, reader.program(code).to_dict())


@router.get("/programs/{code}/results", response_model=schemas.Results, responses=LIST_ERRORS)
def results(
    request: Request,
    code: str,
    page: Page,
    as_of: Filter = None,
    basis: Filter = None,
    territory: Annotated[str | None, Query(description="A KATO code, or `national`")] = None,
    indicator: Filter = None,
    status: Annotated[schemas.Status | None, Query()] = None,
) -> Response:
    """Results against targets, by indicator, territory and target period; filters keep matching rows."""
    day, base = params.as_of(as_of), params.basis(basis)
    reader = _reader(request)
    snap = reader.snapshot(code, day, base)
    frame = rows_of.within(snap.results, territory, snap.national)
    frame = rows_of.matching(
        frame.with_columns(pl.col("status").cast(pl.String)), indicator=indicator, status=status
    )
    meta = {"program": code, "as_of": _day(as_of), "basis": base}
    key = _keys("indicator", "territory", "period")
    return listing(request, reader.state, rows(frame), key, page, **meta)


@router.get("/programs/{code}/flags", response_model=schemas.Flags, responses=LIST_ERRORS)
def flags(
    request: Request,
    code: str,
    page: Page,
    as_of: Filter = None,
    indicator: Filter = None,
    territory: Filter = None,
    flag: Filter = None,
) -> Response:
    """Moved goalposts and other warnings, worst first, their evidence worded in the answer's language."""
    reader = _reader(request)
    frame = worded(reader.snapshot(code, params.as_of(as_of)).flags, language(request))
    frame = rows_of.matching(frame, indicator=indicator, territory=territory, flag=flag)
    return listing(request, reader.state, rows(frame), _worst_first, page, program=code, as_of=_day(as_of))


@router.get("/programs/{code}/lineage", response_model=schemas.Lineage, responses=LIST_ERRORS)
def lineage(request: Request, code: str, page: Page, as_of: Filter = None, status: Filter = None) -> Response:
    """Promises of the program and its predecessors: carried over, repeated later, dropped, new."""
    reader = _reader(request)
    frame = rows_of.matching(reader.lineage(code, language(request), params.as_of(as_of)), status=status)
    key = _keys("concept", "program", "indicator")
    return listing(request, reader.state, rows(frame), key, page, program=code, as_of=_day(as_of))


@router.get("/indicators", response_model=schemas.Indicators, responses=LIST_ERRORS)
def indicators(request: Request, page: Page, program: Filter = None) -> Response:
    """Every indicator of every program (or of ``program``), by code."""
    reader = _reader(request)
    return listing(request, reader.state, rows_of.indicators(reader, program), _keys("code"), page)


@router.get("/indicators/{code}", response_model=schemas.IndicatorDetail, responses=ERRORS)
def indicator(request: Request, code: str) -> Response:
    """One indicator's definition with every version of its baselines and targets."""
    reader = _reader(request)
    details = reader.program(reader.series(code).program).to_dict()
    found = next(i for i in details["indicators"] if i["code"] == code)
    versions = [c for c in details["commitments"] if c["indicator"] == code]
    return answer(request, reader.state, {**found, "program": details["code"], "commitments": versions})


@router.get("/observations", response_model=schemas.Observations, responses=LIST_ERRORS)
def observations(
    request: Request,
    page: Page,
    program: Filter = None,
    indicator: Filter = None,
    territory: Annotated[str | None, Query(description="A KATO code, or `national`")] = None,
    period_from: Annotated[str | None, Query(description="First period (2024, 2024-Q1, 2024-03)")] = None,
    period_to: Annotated[str | None, Query(description="Last period")] = None,
    as_of: Annotated[str | None, Query(description="Values as known on this day (YYYY-MM-DD)")] = None,
) -> Response:
    """Observed values by indicator, territory and period, as known on ``as_of`` (revisions undone)."""
    day, first = params.as_of(as_of), params.period("period_from", period_from)
    reader, last = _reader(request), params.period("period_to", period_to)
    frame = rows_of.observations(reader, program, indicator, territory, (first, last), day)
    key = _keys("indicator", "territory", "period_end", "period")
    shown = list(schemas.Observation.model_fields)
    return listing(request, reader.state, rows(frame), key, page, shown, as_of=_day(as_of))


@router.get("/territories", response_model=schemas.Territories, responses=LIST_ERRORS)
def territories(request: Request, page: Page, level: Filter = None) -> Response:
    """Every territory (KATO), optionally of one level, by code."""
    reader = _reader(request)
    found = [t.to_dict() for t in reader.territories() if level is None or t.level == level]
    return listing(request, reader.state, found, _keys("code", "valid_from"), page)


@router.get("/evaluations", response_model=schemas.Evaluations, responses=LIST_ERRORS)
def evaluations(
    request: Request, page: Page, program: Filter = None, indicator: Filter = None, method: Filter = None
) -> Response:
    """Stored impact evaluations, newest first (without their full results); filters keep matching ones."""
    reader, items = _reader(request), []
    for record in reader.evaluations(program):
        if (indicator and record.indicator != indicator) or (method and record.method != method):
            continue
        data = record.to_dict()
        data.pop("result", None)
        items.append({**data, "estimate": record.estimate})
    return listing(request, reader.state, items, lambda e: (-e["id"],), page)


@router.get("/evaluations/{evaluation_id}", response_model=schemas.Evaluation, responses=ERRORS)
def evaluation(request: Request, evaluation_id: params.StoredId) -> Response:
    """One stored evaluation: design, panel hash and result."""
    reader = _reader(request)
    return answer(request, reader.state, reader.evaluation(evaluation_id).to_dict())


def _worst_first(flag: dict[str, Any]) -> tuple[str | int | None, ...]:
    return (-flag["severity"], flag["flag"], flag["indicator"], flag["territory"], flag["period"])


def _keys(*columns: str) -> Any:
    """The sort key of rows by ``columns`` (null first)."""
    return lambda row: tuple(row[c] for c in columns)


def problem_media_type(document: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI ``document`` with every error answer described as ``application/problem+json`` only."""
    for path in document.get("paths", {}).values():
        for operation in path.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status.startswith(("4", "5")) and "application/json" in content:
                    content["application/problem+json"] = content.pop("application/json")
    return document
