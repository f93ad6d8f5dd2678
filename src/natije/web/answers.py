"""How the API answers: the request's language, frames as JSON rows, tagged answers and paged lists."""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import polars as pl
from fastapi import Query, Request
from fastapi.responses import JSONResponse, Response

from natije.web import etags
from natije.web.i18n import api_language
from natije.web.pagination import DEFAULT_LIMIT, MAX_LIMIT, next_url, paginate

Language = Literal["kk", "ru", "en"]


def language(request: Request) -> str:
    """The language of an API answer: ``?lang=``, else ``Accept-Language``, else the app's default."""
    return api_language(request, request.app.state.natije.settings.default_language)


def lang_parameter(
    lang: Annotated[
        Language | None, Query(description="Language of texts and errors (else Accept-Language)")
    ] = None,
) -> None:
    """Declares ``?lang=`` on every route (read by :func:`language`, which also looks at the headers)."""


@dataclass(frozen=True)
class Paging:
    """``limit`` rows a page, after the row ``cursor`` names (``None``: the first page)."""

    limit: int
    cursor: str | None


def paging(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows a page")] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(description="The cursor of a `next` link")] = None,
) -> Paging:
    """The ``limit`` and ``cursor`` query parameters of a list."""
    return Paging(limit, cursor)


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


def answer(request: Request, state: str, body: dict[str, Any]) -> Response:
    """``body`` as JSON, tagged with ``state`` (store version and day); ``If-None-Match`` on the tag gives
    304."""
    tag = etags.tag_of(request, state, language(request))
    return etags.not_modified(request, tag) or JSONResponse(body, headers=etags.headers(tag))


def listing(
    request: Request,
    state: str,
    items: Sequence[dict[str, Any]],
    key: Callable[[dict[str, Any]], tuple[str | int | None, ...]],
    page: Paging,
    shown: Sequence[str] | None = None,
    **meta: Any,
) -> Response:
    """One page of ``items`` in the order of ``key``, with ``meta``, ``next`` and a ``Link: rel="next"``.

    ``shown`` names the fields the answer keeps (all when ``None``; the key may read others)."""
    chosen, cursor = paginate(items, key, page.limit, page.cursor)
    if shown is not None:
        chosen = [{k: item[k] for k in shown} for item in chosen]
    following = next_url(request.url, cursor)
    response = answer(request, state, {**meta, "items": chosen, "next": following})
    if following:
        response.headers["Link"] = f'<{following}>; rel="next"'
    return response
