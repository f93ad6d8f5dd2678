"""The reporting workflow under ``/api/v1/``: agencies' systems submit values, approvers decide, and anyone
reads each agency's data-supply scorecard and a value's published history (docs/reporting.md).

Each route takes the request's principal (:data:`natije.web.auth.CurrentPrincipal`: a Bearer token, or a
signed-in browser with its CSRF secret) and hands it to a service, which asks the permission table. Answers
about unpublished values are private: every answer of :data:`router` (problems too) is ``Cache-Control:
no-store`` and none is kept in the app's memo or tagged; only the scorecards, which hold no unpublished value,
are tagged like the other public answers (by their content, as a submission does not move the store version).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from natije.domain.access import require
from natije.errors import Expected, NatijeError, Problem, TooLarge, ValidationError
from natije.services import submissions, supply
from natije.web import auth, params, schemas
from natije.web.answers import answer, lang_parameter, language
from natije.web.api import ERRORS, PROBLEM
from natije.web.problems import problem_response
from natije.web.security import TooLarge as BodyTooLarge
from natije.web.submitted_rows import read_rows

KEY_MAX = 200
KEY = re.compile(rf"[\x21-\x7e]{{1,{KEY_MAX}}}")
"""An ``Idempotency-Key``: 1 to :data:`KEY_MAX` visible ASCII characters."""
NO_STORE = {"Cache-Control": "no-store"}
SIGNED: dict[int | str, dict[str, Any]] = {
    401: {"description": "No credentials, or a token that is not good (problem details)", **PROBLEM},
    403: {"description": "The permission table refuses (problem details)", **PROBLEM},
    422: {"description": "Invalid request (problem details listing every problem)", **PROBLEM},
}
FOUND = {**SIGNED, 404: {"description": "Not found (problem details)", **PROBLEM}}
BATCH = {**SIGNED, 413: {"description": "More rows or values than one request may carry", **PROBLEM}}
STORED: dict[int | str, dict[str, Any]] = {
    201: {
        "description": "Stored, every value pending (or, for a retried key, the first answer again)",
        "headers": {
            "Location": {"description": "The submission's URL", "schema": {"type": "string"}},
            "Idempotent-Replayed": {
                "description": "`true` when this is the first answer to the same key, replayed",
                "schema": {"type": "string", "enum": ["true"]},
            },
        },
    }
}


class PrivateRoute(APIRoute):
    """A route whose every answer, a problem included, is ``Cache-Control: no-store``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def private(request: Request) -> Response:
            try:
                response = await handler(request)
            except BodyTooLarge:  # answered by the body limit's middleware
                raise
            except (NatijeError, HTTPException, RequestValidationError) as exc:
                response = problem_response(request, exc, language(request))
            response.headers.update(NO_STORE)
            return response

        return private


router = APIRouter(
    prefix="/api/v1", tags=["reporting"], dependencies=[Depends(lang_parameter)], route_class=PrivateRoute
)
public_router = APIRouter(prefix="/api/v1", tags=["reporting"], dependencies=[Depends(lang_parameter)])


def _store(request: Request) -> Any:
    return request.app.state.natije.store


def _max_rows(request: Request) -> int:
    return int(request.app.state.natije.settings.max_rows)


def _private(body: dict[str, Any], status: int = 200, **headers: str) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers={**NO_STORE, **headers})


def idempotency_key(
    key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="1–200 visible ASCII characters: the same key again returns the first answer",
        ),
    ] = None,
) -> str | None:
    """The request's ``Idempotency-Key`` header, checked (ValidationError: 422)."""
    if key is not None and not KEY.fullmatch(key):
        expected = Expected("expected.idempotency_key_text", max=KEY_MAX)
        raise ValidationError(Problem("Idempotency-Key", None, None, key[:40], expected, "idempotency_key"))
    return key


@router.post(
    "/submissions",
    status_code=201,
    response_model=schemas.SubmissionAnswer,
    responses={**BATCH, **STORED},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SubmissionRequest"}}},
        }
    },
)
async def submit(
    request: Request,
    principal: auth.CurrentPrincipal,
    key: Annotated[str | None, Depends(idempotency_key)],
) -> Response:
    """Submit values for the principal's own agency: all stored pending, or none (422 listing every problem,
    413 past the row limit); a retried ``Idempotency-Key`` gets the first answer again."""
    require(principal, "submit", principal.agency)  # strangers' bodies are not read
    rows = read_rows(await request.body(), _max_rows(request))
    found = await run_in_threadpool(submissions.submit, _store(request), principal, rows, "api", key)
    replayed = {"Idempotent-Replayed": "true"} if found.replayed else {}
    where = f"/api/v1/submissions/{found.submission}"
    return _private(found.to_dict(), 201, Location=where, **replayed)


@router.get("/submissions/{submission_id}", response_model=schemas.Submission, responses=FOUND)
def submission(
    request: Request, principal: auth.CurrentPrincipal, submission_id: params.StoredId
) -> Response:
    """One submission and its values' current states (who may read its agency's unpublished values)."""
    return _private(submissions.submission(_store(request), principal, submission_id).to_dict())


@router.get("/agencies/{agency}/due", response_model=schemas.AgencyDue, responses=FOUND)
def due(request: Request, principal: auth.CurrentPrincipal, agency: str) -> Response:
    """The periods ``agency`` owes today, each with its due day and state."""
    return _private(submissions.due(_store(request), principal, agency).to_dict())


@router.get("/agencies/{agency}/pending", response_model=schemas.SubmittedValues, responses=SIGNED)
def pending(request: Request, principal: auth.CurrentPrincipal, agency: str) -> Response:
    """The values of ``agency`` waiting for a decision, oldest first."""
    found = submissions.pending(_store(request), principal, agency)
    return _private({"agency": agency, "items": [v.to_dict() for v in found]})


@router.get("/agencies/{agency}/returned", response_model=schemas.SubmittedValues, responses=SIGNED)
def returned(request: Request, principal: auth.CurrentPrincipal, agency: str) -> Response:
    """The values of ``agency`` returned and not submitted again, oldest first, with the reasons."""
    found = submissions.returned(_store(request), principal, agency)
    return _private({"agency": agency, "items": [v.to_dict() for v in found]})


@router.post("/decisions", response_model=schemas.Decision, responses={**BATCH, **FOUND})
def decide(request: Request, principal: auth.CurrentPrincipal, body: schemas.DecisionRequest) -> Response:
    """Approve (publish) or return submitted values of the approver's agency, all or none."""
    limit = _max_rows(request)
    if len(body.value_ids) > limit:
        expected = Expected("expected.rows_per_request", limit=limit)
        raise TooLarge(Problem("decision", None, "value_ids", len(body.value_ids), expected, "too_many"))
    found = submissions.decide(_store(request), principal, body.value_ids, body.approve, body.reason)
    return _private(found.to_dict())


@router.get("/values/history", response_model=schemas.ValueHistory, responses=FOUND)
def history(
    request: Request,
    principal: auth.CurrentPrincipal,
    indicator: Annotated[str, Query(description="An indicator code")],
    territory: Annotated[str, Query(description="A KATO code")],
    period: Annotated[str, Query(description="A period (2024, 2024-Q1, 2024-03)")],
) -> Response:
    """A value's published revisions; with the right to its full history, every submission of it too."""
    found = submissions.history(_store(request), principal, indicator, territory, period)
    return _private(found.to_dict())


def _tagged(request: Request, body: dict[str, Any]) -> Response:
    """``body`` tagged by its content: a submission changes a scorecard without moving the store version."""
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
    return answer(request, digest, body)


@public_router.get("/supply", response_model=schemas.Scorecards, responses=ERRORS)
def scorecards(request: Request, principal: auth.CurrentPrincipal) -> Response:
    """Every agency's data-supply scorecard (timeliness, completeness, returns, revisions, share by API)."""
    found = supply.scorecards(_store(request), principal)
    return _tagged(request, {"items": [card.to_dict() for card in found]})


@public_router.get("/supply/{agency}", response_model=schemas.Scorecard, responses=ERRORS)
def scorecard(request: Request, principal: auth.CurrentPrincipal, agency: str) -> Response:
    """One agency's data-supply scorecard."""
    return _tagged(request, supply.agency_scorecard(_store(request), principal, agency).to_dict())


def document_requests(document: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI ``document`` with the models of the bodies a route reads itself among its components."""
    found = schemas.SubmissionRequest.model_json_schema(ref_template="#/components/schemas/{model}")
    components = document.setdefault("components", {}).setdefault("schemas", {})
    components.update(found.pop("$defs", {}))
    components["SubmissionRequest"] = found
    return document
