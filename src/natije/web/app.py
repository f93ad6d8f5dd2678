"""The application factory: ``create_app(settings)`` builds one FastAPI app with its own store, memo and
templates (no module-level state), so tests build an app per store and workers build their own.

>>> from natije.web import Settings, create_app
>>> app = create_app(Settings(database_url="sqlite://"))
>>> app.openapi_url
'/api/v1/openapi.json'
"""

from __future__ import annotations

import gc
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from natije import __version__
from natije.errors import NatijeError
from natije.locale import LANGUAGES
from natije.services.logins import LoginLimits
from natije.services.stores import open_store
from natije.web import (
    api,
    api_ledger,
    api_submissions,
    auth,
    downloads,
    login,
    pages,
    reporting,
    tables,
    views,
)
from natije.web.answers import language
from natije.web.cache import Memo
from natije.web.data import Reader, VersionWatch
from natije.web.i18n import remembered
from natije.web.problems import page_language, problem_response, status_of
from natije.web.security import BodyLimit, SecurityHeaders
from natije.web.settings import Settings

HERE = resources.files(__package__)
SWAGGER = "/static/vendor/swagger-ui-5.36.0"
SWAGGER_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>natije API</title>
<link rel="stylesheet" href="{swagger}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{swagger}/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script>
</body>
</html>
"""


@dataclass(frozen=True)
class AppState:
    """What one app instance owns: its settings, store, memo of computed views and templates, and the
    login rate limits (:class:`LoginLimits`; tests make them smaller)."""

    settings: Settings
    store: Any
    memo: Memo
    templates: Jinja2Templates
    versions: VersionWatch
    login_limits: LoginLimits = field(default_factory=LoginLimits)

    def reader(self) -> Reader:
        """Reads of the store at its current version (one per request)."""
        return Reader(self.store, self.memo, self.versions.current())


def create_app(settings: Settings) -> FastAPI:
    """A FastAPI app serving the pages under ``/{lang}/`` and the JSON API under ``/api/v1/``."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.warm:
            state = app.state.natije
            threading.Thread(target=_warm, args=(state,), name="natije-warm", daemon=True).start()
        yield

    app = FastAPI(
        title="natije",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        # every route works out who asks, so that a token that is not good is refused (401) even where the
        # public may read: it is never served as the public
        dependencies=[Depends(auth.current_principal)],
        description=(
            "Programs, indicators, observations, results against targets, moved goalposts, lineage and"
            " impact evaluations. Lists are paged: `limit` rows a page, then follow `next` (also in the"
            " `Link` header). Every answer has an ETag (send it in `If-None-Match` for a 304); errors are"
            " RFC 9457 problem details in the language of `?lang=` or `Accept-Language`."
        ),
    )
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["static"] = lambda path: f"/static/{path}"
    templates.env.globals["tables"] = tables.names_of
    templates.env.globals["formats"] = tuple(downloads.WRITERS)
    store = open_store(settings.database_url)
    app.state.natije = AppState(
        settings, store, Memo(settings.cache_size), templates, VersionWatch(store, settings.version_interval)
    )
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api.router)
    app.include_router(api_ledger.router)
    app.include_router(api_submissions.router)
    app.include_router(api_submissions.public_router)
    app.include_router(login.router)
    app.include_router(reporting.router)
    app.include_router(pages.router)
    app.add_middleware(
        BodyLimit,
        max_body=settings.max_body,
        max_upload=settings.max_upload,
        default_language=settings.default_language,
    )
    app.add_middleware(SecurityHeaders)

    def openapi() -> dict[str, Any]:
        return api.problem_media_type(api_submissions.document_requests(FastAPI.openapi(app)))

    app.openapi = openapi  # type: ignore[method-assign]

    @app.get("/api/v1/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        """Swagger UI on the OpenAPI document, from the vendored files (no CDN); its initialiser is a static
        file (``static/swagger-init.js``), so the page keeps the site's policy: no inline script."""
        return HTMLResponse(SWAGGER_PAGE.format(swagger=SWAGGER))

    @app.get("/", include_in_schema=False)
    def root(request: Request) -> RedirectResponse:
        """The overview in the remembered language (cookie), else the browser's, else the default."""
        return RedirectResponse(f"/{remembered(request, settings.default_language)}/", status_code=307)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> RedirectResponse:
        """Browsers ask for /favicon.ico whatever the page says; the icon is an SVG among the static files."""
        return RedirectResponse("/static/favicon.svg", status_code=301)

    async def on_error(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith("/api/"):
            return problem_response(request, exc, language(request))
        lang = page_language(request, settings.default_language)
        if status_of(exc) == 401 and isinstance(exc, NatijeError) and "bearer" not in exc.fields:
            # the public asked for a page signing in would open: the login page, and back here after it
            here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/{lang}/login?{urlencode({'next': here})}", status_code=303)
        return pages.error_page(request, exc, lang)

    for kind in (NatijeError, HTTPException, RequestValidationError):
        app.add_exception_handler(kind, on_error)
    return app


def _warm(state: AppState) -> None:
    """Build the present views of a serving worker, then take what it keeps out of the collector's walks.

    A full garbage collection walks every object the collector tracks with the interpreter lock held: in a
    worker, about 150,000 objects of the imported modules and the app, plus the views the warm-up kept. Under
    load one came every few seconds and paused every request of the worker for 100–900 ms on two busy cores
    (the tail of every route's latency). None of those objects becomes garbage while the worker serves, so
    :func:`gc.freeze` moves them into the permanent generation, which collections skip; a view dropped later
    is still freed when its last reference goes (only a reference cycle among frozen objects would stay).
    The imports are frozen before the warm-up already, so that its own collections skip them too.
    """
    gc.freeze()
    try:
        views.warm(state.reader(), LANGUAGES, state.settings.cache_dir)
    except NatijeError:  # an empty or unready store: the pages say so when asked
        pass
    finally:
        gc.freeze()


def factory() -> FastAPI:
    """The app of the environment's settings (``uvicorn --factory natije.web.app:factory``; each worker)."""
    return create_app(Settings.from_env())
