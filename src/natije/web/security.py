"""Two ASGI middlewares every response passes: the security headers, and the limit on request bodies.

:class:`SecurityHeaders` sets a Content-Security-Policy that allows no inline script or style (the pages
load their scripts and styles from ``/static`` only), forbids framing, and sets ``nosniff``, the referrer
and permissions policies, and HSTS over https (a response that sets its own policy keeps it; the API's
documentation page needs none: its initialiser is a static file). :class:`BodyLimit` refuses a body larger
than its limit with 413 before the app reads it: a declared ``Content-Length`` is checked first, a streamed
body is counted as it arrives.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from natije.locale import t
from natije.web.i18n import api_language
from natije.web.problems import MEDIA_TYPE, page_language, problem

POLICY = (
    "default-src 'self'; "
    "script-src 'self'; "
    "style-src 'self'; "
    "img-src 'self' data:; "
    "font-src 'self'; "
    "connect-src 'self'; "
    "object-src 'none'; "
    "frame-ancestors 'none'; "
    "base-uri 'self'; "
    "form-action 'self'"
)
"""The Content-Security-Policy of every response that sets none of its own."""

HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    "cross-origin-opener-policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


class SecurityHeaders:
    """Adds the security headers to every HTTP response (HSTS only to those served over https)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.decode("latin-1").lower() for name, _ in headers}
                extra = {"content-security-policy": POLICY, **HEADERS}
                if https:
                    extra["strict-transport-security"] = HSTS
                headers += [(k.encode(), v.encode()) for k, v in extra.items() if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, sending)


class TooLarge(HTTPException):
    """A streamed body went past the limit (an HTTPException, so that the app's error handlers answer it
    wherever the body is being read)."""

    def __init__(self) -> None:
        super().__init__(413)


class BodyLimit:
    """Refuses request bodies over ``max_body`` bytes (``max_upload`` for ``multipart/form-data``) with a
    413 problem, without reading them whole."""

    def __init__(self, app: ASGIApp, max_body: int, max_upload: int, default_language: str) -> None:
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload
        self.default_language = default_language

    def limit_of(self, scope: Scope) -> int:
        """The limit of the request's kind of body."""
        for name, value in scope.get("headers", []):
            if name == b"content-type" and value.split(b";")[0].strip().lower() == b"multipart/form-data":
                return self.max_upload
        return self.max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_of(scope)
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None:
            try:
                if int(declared) > limit:
                    await self.refuse(scope, receive, send, limit)
                    return
            except ValueError:
                pass
        seen = 0
        started = False

        async def receiving() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise TooLarge
            return message

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receiving, sending)
        except TooLarge:
            if started:
                raise
            await self.refuse(scope, receive, send, limit)

    async def refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """Answer 413 with a problem in the request's language."""
        request = Request(scope)
        path = request.url.path
        if path.startswith("/api/"):
            lang = api_language(request, self.default_language)
        else:
            lang = page_language(request, self.default_language)
        detail = t("web.problem.too_large_detail", lang, limit=limit)
        body = problem(413, detail, lang, path)
        headers = {"Content-Language": lang, "Connection": "close"}
        response = JSONResponse(body, status_code=413, media_type=MEDIA_TYPE, headers=headers)
        await response(scope, receive, send)
