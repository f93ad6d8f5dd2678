"""Errors as HTTP responses: RFC 9457 problem details for the API, an error page for the pages.

Only this module maps natije's error hierarchy to HTTP statuses; the message is the error's :class:`Text` in
the language of the request.
"""

from __future__ import annotations

from typing import Any

from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from natije.errors import (
    BadRequest,
    ConfigurationError,
    EstimationError,
    InsufficientData,
    NatijeError,
    NotFound,
    PermissionDenied,
    TooLarge,
    ValidationError,
)
from natije.locale import LANGUAGES, t

STATUS: dict[type[NatijeError], int] = {
    NotFound: 404,
    BadRequest: 400,
    TooLarge: 413,
    ValidationError: 422,
    PermissionDenied: 403,
    ConfigurationError: 503,
    InsufficientData: 422,
    EstimationError: 422,
}
SLUGS = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    413: "too-large",
    422: "invalid",
    429: "too-many-requests",
    500: "internal",
    503: "unavailable",
}
MEDIA_TYPE = "application/problem+json"


def status_of(exc: Exception) -> int:
    """The HTTP status of a natije error (its nearest class in :data:`STATUS`), else 500.

    A refusal with a ``retry_after`` (a rate limit) is 429; a refusal of the public (``role="public"``:
    signing in would help) or of a bad Bearer token is 401.
    """
    if isinstance(exc, PermissionDenied):
        if exc.fields.get("retry_after") is not None:
            return 429
        if exc.fields.get("role") == "public":
            return 401
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def problem(status: int, detail: str, lang: str, instance: str, **extra: Any) -> dict[str, Any]:
    """A problem-details object: ``type``, ``title`` (in ``lang``), ``status``, ``detail``, ``instance``."""
    slug = SLUGS.get(status, "error")
    return {
        "type": f"https://natije.kz/problems/{slug}",
        "title": t(f"web.problem.{slug.replace('-', '_')}", lang),
        "status": status,
        "detail": detail,
        "instance": instance,
        **extra,
    }


def details(exc: Exception, lang: str) -> tuple[int, str, dict[str, Any]]:
    """Status, message in ``lang`` and extra members (a validation error's problems) of any exception."""
    if isinstance(exc, NatijeError):
        extra = {}
        if isinstance(exc, ValidationError):
            extra["errors"] = [{**p.to_dict(), "expected": p.expected_in(lang)} for p in exc.problems]
            detail = "; ".join(
                f"{p.file.lstrip('-').replace('-', '_')}: {p.value!r} — {p.expected_in(lang)}"
                for p in exc.problems
            )
            return status_of(exc), detail, extra
        return status_of(exc), exc.message_in(lang), extra
    if isinstance(exc, RequestValidationError):
        errors = [{"location": list(e.get("loc", ())), "expected": expected(e, lang)} for e in exc.errors()]
        return 422, t("web.problem.request_invalid", lang), {"errors": errors}
    if isinstance(exc, HTTPException):
        key = (
            "web.problem.page_not_found"
            if exc.status_code == 404
            else f"web.problem.{SLUGS.get(exc.status_code, 'error').replace('-', '_')}"
        )
        return exc.status_code, t(key, lang), {}
    return 500, t("web.problem.internal_detail", lang), {}


# FastAPI's parameter errors by pydantic type: the catalog text and its parameters from the error's context
EXPECTED: dict[str, tuple[str, dict[str, str]]] = {
    "int_parsing": ("expected.positive_int", {}),
    "int_type": ("expected.positive_int", {}),
    "greater_than_equal": ("expected.int_at_least", {"bound": "ge"}),
    "less_than_equal": ("expected.int_at_most", {"bound": "le"}),
    "literal_error": ("expected.one_of", {"values": "expected"}),
}


def expected(error: dict[str, Any], lang: str) -> str:
    """What a parameter FastAPI refused should have been, in ``lang`` (pydantic's English for other kinds)."""
    known = EXPECTED.get(str(error.get("type")))
    if known is None:
        return str(error.get("msg", ""))
    key, names = known
    context = error.get("ctx") or {}
    # pydantic joins a literal's choices with an English "or"; a comma reads in every language
    params = {name: str(context.get(field, "")).replace(" or ", ", ") for name, field in names.items()}
    return t(key, lang, **params)


def headers_of(exc: Exception) -> dict[str, str]:
    """The headers a refusal answers with: ``Retry-After`` for a rate limit, ``WWW-Authenticate`` for
    a 401."""
    if not isinstance(exc, PermissionDenied):
        return {}
    status = status_of(exc)
    if status == 429:
        return {"Retry-After": str(int(exc.fields["retry_after"]))}
    if status == 401:
        error = exc.fields.get("bearer")
        return {"WWW-Authenticate": 'Bearer realm="natije"' + (f', error="{error}"' if error else "")}
    return {}


def problem_response(request: Request, exc: Exception, lang: str) -> Response:
    """The problem-details JSON of ``exc`` (``application/problem+json``)."""
    status, detail, extra = details(exc, lang)
    body = problem(status, detail, lang, request.url.path, **extra)
    headers = {"Content-Language": lang, **headers_of(exc)}
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def page_language(request: Request, default: str) -> str:
    """The language an error page is written in: the path's, when it names one, else ``default``."""
    first = request.url.path.strip("/").split("/")[0]
    return first if first in LANGUAGES else default
