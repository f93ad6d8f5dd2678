"""The JSON API under ``/api/v1/``: the same service reads as the pages, as JSON; errors as problem details."""

from __future__ import annotations

import datetime
import math
from typing import Any

import polars as pl
from fastapi import APIRouter, Request

from natije.web import params
from natije.web.i18n import api_language

router = APIRouter(prefix="/api/v1", tags=["api"])
PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}
ERRORS: dict[int | str, dict[str, Any]] = {404: {"description": "Not found (problem details)", **PROBLEM},
                                           422: {"description": "Invalid parameter (problem details)", **PROBLEM}}


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


@router.get("/programs")
def programs(request: Request) -> dict[str, Any]:
    """Every program, oldest first, with its predecessors and successors."""
    return {"items": [p.to_dict() for p in _reader(request).programs()]}


@router.get("/programs/{code}", responses=ERRORS)
def program(request: Request, code: str) -> dict[str, Any]:
    """One program in full: goals, indicators, every commitment and budget version, lineage."""
    return dict(_reader(request).program(code).to_dict())


@router.get("/programs/{code}/results", responses=ERRORS)
def results(request: Request, code: str, as_of: str | None = None, basis: str | None = None,
            territory: str | None = None) -> dict[str, Any]:
    """Results against targets: every territory, or one KATO code, or ``national``."""
    day, base = params.as_of(as_of), params.basis(basis)
    snap = _reader(request).snapshot(code, day, base)
    frame = snap.results
    if territory == "national":
        frame = frame.filter(pl.col("territory").is_in(list(snap.national)))
    elif territory:
        frame = frame.filter(pl.col("territory") == territory)
    return {"program": code, "as_of": day.isoformat() if day else None, "basis": base, "items": rows(frame)}


@router.get("/programs/{code}/flags", responses=ERRORS)
def flags(request: Request, code: str, as_of: str | None = None) -> dict[str, Any]:
    """Moved goalposts and other warnings, worst first, with their evidence."""
    day = params.as_of(as_of)
    snap = _reader(request).snapshot(code, day)
    return {"program": code, "as_of": day.isoformat() if day else None, "items": rows(snap.flags)}


@router.get("/programs/{code}/lineage", responses=ERRORS)
def lineage(request: Request, code: str, as_of: str | None = None) -> dict[str, Any]:
    """Promises of the program and its predecessors: carried over, repeated later, dropped, new."""
    day = params.as_of(as_of)
    frame = _reader(request).lineage(code, language(request), day)
    return {"program": code, "as_of": day.isoformat() if day else None, "items": rows(frame)}


@router.get("/territories")
def territories(request: Request, level: str | None = None) -> dict[str, Any]:
    """Every territory (KATO), optionally of one level."""
    found = [t for t in _reader(request).territories() if level is None or t.level == level]
    return {"items": [t.to_dict() for t in found]}


@router.get("/evaluations")
def evaluations(request: Request, program: str | None = None) -> dict[str, Any]:
    """Stored impact evaluations, newest first (without their full results)."""
    items = []
    for record in _reader(request).evaluations(program):
        data = record.to_dict()
        data.pop("result", None)
        items.append({**data, "estimate": record.estimate})
    return {"items": items}


@router.get("/evaluations/{evaluation_id}", responses=ERRORS)
def evaluation(request: Request, evaluation_id: int) -> dict[str, Any]:
    """One stored evaluation: design, panel hash and result."""
    return dict(_reader(request).evaluation(evaluation_id).to_dict())
