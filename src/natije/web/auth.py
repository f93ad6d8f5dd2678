"""Who is asking: the request's :class:`Principal` from a Bearer API token, else a session cookie, else the
public; and the CSRF checks of the forms a signed-in browser posts.

Routes take the principal as a dependency and hand it to the services, which ask the permission table::

    @router.post("/api/v1/things")
    def make(principal: auth.CurrentPrincipal) -> ...

A page that only some may see calls :func:`require_page`; the public is then sent to the login page (with
``next=`` back), anyone else gets 403. A request with a token that is not good (unknown, wrong, expired,
revoked) is refused with 401 and ``WWW-Authenticate``, never served as the public.

A request signed in by its session cookie that may change something (any method but GET, HEAD, OPTIONS)
must come from this site (``Origin``, else ``Referer``) and carry the session's CSRF secret, in the form
field ``csrf`` or the header ``X-CSRF-Token``; a request with a Bearer token carries no cookie to abuse and
needs neither. The login form, posted before any session, carries the secret of a short cookie of its own
(:data:`FORM_COOKIE`, double submit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import parse_qs, urlsplit

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from natije.domain.access import PUBLIC, Principal, require
from natije.errors import PermissionDenied, Text
from natije.services.sessions import Session, SessionPolicy, current_session, new_secret
from natije.services.tokens import authenticate_token

SESSION_COOKIE = "natije"
FORM_COOKIE = "natije_form"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_COOKIE_AGE = 2 * 3600

__all__ = [
    "CurrentPrincipal",
    "Signed",
    "check_csrf",
    "current_principal",
    "require_page",
    "signed_in",
]


@dataclass(frozen=True)
class Signed:
    """How a request is signed in: its principal, and its session when a cookie signed it in."""

    principal: Principal
    session: Session | None = None
    bearer: bool = False


def _settings(request: Request) -> Any:
    return request.app.state.natije.settings


def secure(request: Request) -> bool:
    """Whether cookies are marked ``Secure``: as the settings say, else when the request came over https."""
    forced = _settings(request).secure_cookies
    return bool(request.url.scheme == "https" if forced is None else forced)


def cookie_name(request: Request, base: str) -> str:
    """``__Host-<base>`` for a secure cookie (the browser then insists on Secure, Path=/ and no Domain)."""
    return f"__Host-{base}" if secure(request) else base


def set_cookie(
    request: Request, response: Response, base: str, value: str, max_age: int | None = None
) -> None:
    """Set the cookie ``base``: HttpOnly, SameSite=Lax, Path=/, Secure when :func:`secure`."""
    response.set_cookie(
        cookie_name(request, base),
        value,
        max_age=max_age,
        path="/",
        secure=secure(request),
        httponly=True,
        samesite="lax",
    )


def clear_cookie(request: Request, response: Response, base: str) -> None:
    """Delete the cookie ``base`` (with the attributes it was set with)."""
    response.delete_cookie(
        cookie_name(request, base), path="/", secure=secure(request), httponly=True, samesite="lax"
    )


def session_id(request: Request) -> str | None:
    """The session id the request's cookie holds, if any."""
    return request.cookies.get(cookie_name(request, SESSION_COOKIE))


def policy(request: Request) -> SessionPolicy:
    """The session timeouts of the app's settings."""
    settings = _settings(request)
    return SessionPolicy(settings.session_idle, settings.session_absolute)


def _invalid_token() -> PermissionDenied:
    return PermissionDenied(Text("error.token_invalid"), role="public", bearer="invalid_token")


def signed_in(request: Request) -> Signed:
    """The request's :class:`Signed` (worked out once per request). Raises PermissionDenied (401) for an
    ``Authorization`` header that is not a good natije Bearer token."""
    known = getattr(request.state, "natije_signed", None)
    if known is not None:
        return known
    store = request.app.state.natije.store
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, text = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not text.strip():
            raise _invalid_token()
        address = request.client.host if request.client else None
        principal = authenticate_token(store, text.strip(), address=address)
        if principal is None:
            raise _invalid_token()
        signed = Signed(principal, bearer=True)
    else:
        cookie = session_id(request)
        session = current_session(store, cookie, policy=policy(request)) if cookie else None
        signed = Signed(session.principal, session) if session else Signed(PUBLIC)
    request.state.natije_signed = signed
    return signed


async def current_principal(request: Request) -> Principal:
    """The dependency giving a route its :class:`Principal` (the CSRF checks made first, see the module)."""
    signed = await run_in_threadpool(signed_in, request)
    if request.method not in SAFE_METHODS and signed.session is not None:
        await check_csrf(request, signed.session.csrf_secret)
    return signed.principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
"""A route's parameter of the request's principal: ``def route(principal: auth.CurrentPrincipal)``."""


def require_page(request: Request, action: str, agency: str | None = None) -> Principal:
    """The principal of a page's request when it may do ``action`` on ``agency``'s data; else
    PermissionDenied (the public is then sent to the login page, others get 403)."""
    principal = signed_in(request).principal
    require(principal, action, agency)
    return principal


def same_origin(request: Request) -> bool:
    """Whether ``Origin`` (else ``Referer``) names this site; a request naming neither passes (the token
    decides), an ``Origin: null`` does not."""
    here = (request.url.scheme, request.url.netloc)
    origin = request.headers.get("origin") or request.headers.get("referer")
    if origin is None:
        return True
    parts = urlsplit(origin)
    return (parts.scheme, parts.netloc) == here


async def form_value(request: Request, name: str) -> str | None:
    """The field ``name`` of a posted form (url-encoded, or multipart when a multipart parser is present)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        body = (await request.body()).decode("utf-8", "replace")
        values = parse_qs(body, keep_blank_values=True).get(name)
        return values[0] if values else None
    if kind == "multipart/form-data":
        value = (await request.form()).get(name)
        return value if isinstance(value, str) else None
    return None


async def check_csrf(request: Request, secret: str | None) -> None:
    """PermissionDenied (403) unless the request is same-origin and carries ``secret`` (form field
    :data:`CSRF_FIELD` or header ``X-CSRF-Token``), compared in constant time."""
    import hmac

    token = request.headers.get(CSRF_HEADER) or await form_value(request, CSRF_FIELD)
    good = (
        same_origin(request)
        and secret is not None
        and token is not None
        and hmac.compare_digest(secret.encode(), token.encode())
    )
    if not good:
        raise PermissionDenied(Text("error.csrf_refused"), csrf=True)


def form_secret(request: Request, response: Response | None = None) -> str:
    """The CSRF secret a form of this request carries: the session's, else the login form's cookie's
    (made, and set on ``response``, when the browser has none)."""
    signed = signed_in(request)
    if signed.session is not None:
        return signed.session.csrf_secret
    known = request.cookies.get(cookie_name(request, FORM_COOKIE))
    if known and len(known) <= 128:
        return known
    made = getattr(request.state, "natije_form_secret", None)
    if made is None:
        made = request.state.natije_form_secret = new_secret()
    if response is not None:
        set_cookie(request, response, FORM_COOKIE, made, max_age=FORM_COOKIE_AGE)
    return str(made)
