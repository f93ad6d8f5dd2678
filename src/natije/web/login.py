"""The login and logout pages: ``GET /{lang}/login`` (the form), ``POST /{lang}/login`` and
``POST /{lang}/logout``.

A failed login answers with one message whatever went wrong (no telling which accounts exist); a login
refused by the rate limits answers 429 with ``Retry-After``. ``next=`` sends the browser back only to a path
of this site. Every attempt is recorded by :func:`natije.services.sessions.sign_in`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from natije.errors import PermissionDenied
from natije.services.logins import LoginLimits
from natije.services.sessions import sign_in, sign_out
from natije.web import auth
from natije.web.params import language
from natije.web.problems import headers_of

router = APIRouter(include_in_schema=False)


def local_path(target: str | None, lang: str) -> str:
    """``target`` when it is a path of this site (``/ru/programs``), else the language's overview: never a
    URL of another site (``//evil.example``, ``https://…``, ``/\\evil``)."""
    home = f"/{lang}/"
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return home
    if any(ord(c) < 32 or c == "\\" for c in target):
        return home
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else home


def _form(request: Request, lang: str, status: int = 200, **context: Any) -> HTMLResponse:
    from natije.web.pages import render

    secret = auth.form_secret(request)
    response = render(request, "login.html", lang, status=status, form_csrf=secret, **context)
    auth.form_secret(request, response)  # sets the cookie when the secret was made now
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/{lang}/login", response_class=HTMLResponse)
def login_form(request: Request, lang: str, next: str | None = None) -> HTMLResponse:
    """The login form (NotFound for an unknown language)."""
    lang = language(lang)
    return _form(request, lang, next=local_path(next, lang), login="")


@router.post("/{lang}/login", response_class=HTMLResponse)
async def login(request: Request, lang: str) -> Response:
    """Sign in and go to ``next``; the form again with one message when the login fails, 429 when it is
    rate-limited; PermissionDenied (403) without the form's CSRF secret."""
    lang = language(lang)
    await run_in_threadpool(auth.signed_in, request)  # the store read off the event loop, kept for below
    await auth.check_csrf(request, auth.form_secret(request))
    name = (await auth.form_value(request, "login")) or ""
    password = (await auth.form_value(request, "password")) or ""
    target = local_path(await auth.form_value(request, "next"), lang)
    address = request.client.host if request.client else None
    limits: LoginLimits = request.app.state.natije.login_limits
    try:
        begun = await run_in_threadpool(
            sign_in,
            request.app.state.natije.store,
            name,
            password,
            address=address,
            limits=limits,
            policy=auth.policy(request),
        )
    except PermissionDenied as exc:
        status = 429 if exc.fields.get("retry_after") is not None else 403
        answer = _form(request, lang, status, next=target, login=name[:64], failure=exc.message_in(lang))
        answer.headers.update(headers_of(exc))
        return answer
    earlier = auth.session_id(request)
    if earlier:  # a browser signing in again keeps no second session alive
        await run_in_threadpool(sign_out, request.app.state.natije.store, earlier)
    response = RedirectResponse(target, status_code=303)
    auth.set_cookie(request, response, auth.SESSION_COOKIE, begun.text)
    auth.clear_cookie(request, response, auth.FORM_COOKIE)
    return response


@router.post("/{lang}/logout")
async def logout(request: Request, lang: str, principal: auth.CurrentPrincipal) -> Response:
    """End the session (its row deleted) and go to the overview; PermissionDenied (403) without the CSRF
    secret."""
    lang = language(lang)
    text = auth.session_id(request)
    if text:
        await run_in_threadpool(sign_out, request.app.state.natije.store, text)
    response = RedirectResponse(f"/{lang}/", status_code=303)
    auth.clear_cookie(request, response, auth.SESSION_COOKIE)
    return response
