"""Entity tags of what the app serves: a hash of the store version, the day, the URL and the language.

The store version changes with every import and stored evaluation, and the present is judged again each day,
so an unchanged tag means unchanged content; a request whose ``If-None-Match`` names the tag gets
``304 Not Modified`` and no body.
"""

from __future__ import annotations

import hashlib

from starlette.requests import Request
from starlette.responses import Response


def tag_of(request: Request, state: str, lang: str) -> str:
    """The weak ETag of ``request``'s URL (path and query) in ``lang`` at ``state`` (store version and day,
    :attr:`natije.web.data.Reader.state`)."""
    key = f"{state} {request.url.path}?{request.url.query} {lang}"
    return f'W/"{hashlib.sha256(key.encode()).hexdigest()[:20]}"'


def headers(tag: str) -> dict[str, str]:
    """The caching headers every tagged answer carries (revalidate each time; varies with the language)."""
    return {"ETag": tag, "Cache-Control": "no-cache", "Vary": "Accept-Language"}


def not_modified(request: Request, tag: str) -> Response | None:
    """``304`` when ``If-None-Match`` names ``tag`` (or is ``*``), else ``None``."""
    asked = [t.strip() for t in request.headers.get("if-none-match", "").split(",")]
    return Response(status_code=304, headers=headers(tag)) if tag in asked or "*" in asked else None
