"""Cursor pagination of the API's lists: a stable order, an opaque cursor, at most ``limit`` rows a page.

A list is sorted by a key of plain values (text and integers); rows that share a key are told apart by their
place among them, so the order is total. A cursor names the last row handed out (its key, base64 JSON): the
next page starts after it, so a walk over the pages gets every row exactly once even if the service
returns the rows in another order next time. A cursor the API did not hand out is a
:class:`~natije.errors.BadRequest` (400).

>>> rows = [{"code": c} for c in "cab"]
>>> first, cursor = paginate(rows, lambda r: (r["code"],), 2, None)
>>> [r["code"] for r in first], [r["code"] for r in paginate(rows, lambda r: (r["code"],), 2, cursor)[0]]
(['a', 'b'], ['c'])
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
from collections.abc import Callable, Sequence
from typing import TypeVar

from starlette.datastructures import URL

from natije.errors import BadRequest, Expected, Problem

T = TypeVar("T")
Key = tuple[str | int, ...]
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def encode(key: Key) -> str:
    """The opaque cursor of a row's key."""
    return (
        base64.urlsafe_b64encode(json.dumps(list(key), separators=(",", ":")).encode()).decode().rstrip("=")
    )


def _invalid(cursor: str) -> BadRequest:
    return BadRequest(Problem("cursor", None, None, cursor, Expected("expected.cursor"), code="query"))


def decode(cursor: str, like: Key | None) -> Key:
    """The key a cursor names; ``BadRequest`` unless it is a key shaped like ``like`` (same length and types;
    ``None``: any list of text and integers)."""
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        raise _invalid(cursor) from None
    if not isinstance(value, list) or not all(type(v) in (str, int) for v in value):
        raise _invalid(cursor)
    if like is not None and (
        len(value) != len(like) or any(type(v) is not type(w) for v, w in zip(value, like, strict=True))
    ):
        raise _invalid(cursor)
    return tuple(value)


def paginate(
    items: Sequence[T], key: Callable[[T], tuple[str | int | None, ...]], limit: int, cursor: str | None
) -> tuple[list[T], str | None]:
    """The page of ``items`` after ``cursor`` in the order of ``key`` and the cursor of the next page.

    ``None`` in a key sorts first (as ``""``: keys hold text there) and the next cursor is ``None`` on the
    last page. Raises ``BadRequest`` for a cursor this function did not make for a list of this shape.
    """
    keyed: list[tuple[Key, T]] = sorted(
        ((tuple("" if v is None else v for v in key(item)), item) for item in items), key=lambda p: p[0]
    )
    full: list[Key] = []
    for i, (k, _) in enumerate(keyed):
        seen = full[i - 1][-1] + 1 if i and keyed[i - 1][0] == k else 0  # type: ignore[operator]
        full.append((*k, seen))
    start = 0
    if cursor is not None:
        after = decode(cursor, full[0] if full else None)
        start = bisect.bisect_right(full, after) if full else 0
    page = [item for _, item in keyed[start : start + limit]]
    more = start + limit < len(keyed)
    return page, encode(full[start + limit - 1]) if more else None


def next_url(url: URL, cursor: str | None) -> str | None:
    """``url`` with its ``cursor`` parameter set to ``cursor`` (``None`` when there is no next page)."""
    return None if cursor is None else str(url.include_query_params(cursor=cursor))
