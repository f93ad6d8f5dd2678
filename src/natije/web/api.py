"""The JSON API under ``/api/v1/``: the service reads of the pages, as JSON; errors as problem details."""

from __future__ import annotations

import datetime
import hashlib
import math
from typing import Any

import polars as pl
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from natije.web import params, schemas
from natije.web.i18n import api_language

router = APIRouter(prefix="/api/v1", tags=["api"])
PROBLEM: dict[str, Any] = {"model": schemas.Problem, "content": {"application/problem+json": {}}}
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "Not found (problem details)", **PROBLEM},
    422: {"description": "Invalid parameter (problem details)", **PROBLEM},
}


def language(request: Request) -> str:
    """The language of an API answer: ``?lang=``, else ``Accept-Language``, else the app's default."""
    return api_language(request, request.app.state.natije.settings.default_language)


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as JSON objects (dates as ISO text, NaN as null, enums as text)."""
    frame = frame.with_columns(pl.col(pl.Enum, pl.Categorical).cast(pl.String))
    return [{k: _plain(v) for k, v in row.items()} for row in frame.iter_rows(named=True)]


def _reader(request: Request) -> Any:
    return request.app.state.natije.reader()


def answer(request: Request, reader: Any, body: dict[str, Any]) -> Response:
    """``body`` as JSON with an ETag of the store version, the day and the URL; ``If-None-Match`` on it gives
    304.

    The store version changes with every import and stored evaluation, and the present is judged again each
    day: an unchanged tag means unchanged data.
    """
    key = f"{reader.version} {reader.day} {request.url.path}?{request.url.query} {language(request)}"
    tag = f'W/"{hashlib.sha256(key.encode()).hexdigest()[:20]}"'
    headers = {"ETag": tag, "Cache-Control": "no-cache", "Vary": "Accept-Language"}
    if tag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return JSONResponse(body, headers=headers)


@router.get("/programs", response_model=schemas.Programs)
def programs(request: Request) -> Response:
    """Every program, oldest first, with its predecessors and successors."""
    reader = _reader(request)
    return answer(request, reader, {"items": [p.to_dict() for p in reader.programs()]})


@router.get("/programs/{code}", responses=ERRORS)
def program(request: Request, code: str) -> Response:
    """One program in full: goals, indicators, every commitment and budget version, lineage."""
    reader = _reader(request)
    return answer(request, reader, reader.program(code).to_dict())


@router.get("/programs/{code}/results", responses=ERRORS, response_model=schemas.Results)
def results(
    request: Request,
    code: str,
    as_of: str | None = None,
    basis: str | None = None,
    territory: str | None = None,
) -> Response:
    """Results against targets: every territory, or one KATO code, or ``national``."""
    day, base = params.as_of(as_of), params.basis(basis)
    reader = _reader(request)
    snap = reader.snapshot(code, day, base)
    frame = snap.results
    if territory == "national":
        frame = frame.filter(pl.col("territory").is_in(list(snap.national)))
    elif territory:
        frame = frame.filter(pl.col("territory") == territory)
    return answer(
        request,
        reader,
        {"program": code, "as_of": day.isoformat() if day else None, "basis": base, "items": rows(frame)},
    )


@router.get("/programs/{code}/flags", responses=ERRORS, response_model=schemas.Flags)
def flags(request: Request, code: str, as_of: str | None = None) -> Response:
    """Moved goalposts and other warnings, worst first, with their evidence."""
    day = params.as_of(as_of)
    reader = _reader(request)
    snap = reader.snapshot(code, day)
    return answer(
        request,
        reader,
        {"program": code, "as_of": day.isoformat() if day else None, "items": rows(snap.flags)},
    )


@router.get("/programs/{code}/lineage", responses=ERRORS)
def lineage(request: Request, code: str, as_of: str | None = None) -> Response:
    """Promises of the program and its predecessors: carried over, repeated later, dropped, new."""
    day = params.as_of(as_of)
    reader = _reader(request)
    frame = reader.lineage(code, language(request), day)
    return answer(
        request, reader, {"program": code, "as_of": day.isoformat() if day else None, "items": rows(frame)}
    )


@router.get("/territories", response_model=schemas.Territories)
def territories(request: Request, level: str | None = None) -> Response:
    """Every territory (KATO), optionally of one level."""
    reader = _reader(request)
    found = [t for t in reader.territories() if level is None or t.level == level]
    return answer(request, reader, {"items": [t.to_dict() for t in found]})


@router.get("/evaluations")
def evaluations(request: Request, program: str | None = None) -> Response:
    """Stored impact evaluations, newest first (without their full results)."""
    reader, items = _reader(request), []
    for record in reader.evaluations(program):
        data = record.to_dict()
        data.pop("result", None)
        items.append({**data, "estimate": record.estimate})
    return answer(request, reader, {"items": items})


@router.get("/evaluations/{evaluation_id}", responses=ERRORS)
def evaluation(request: Request, evaluation_id: int) -> Response:
    """One stored evaluation: design, panel hash and result."""
    reader = _reader(request)
    return answer(request, reader, reader.evaluation(evaluation_id).to_dict())
