"""``natije serve``: the web app and the JSON API under uvicorn (imported when the command runs)."""

from __future__ import annotations

import os

import click

from natije.cli.app import app, bad_option, lang_of
from natije.cli.render import console
from natije.errors import Expected

FACTORY = "natije.web.app:factory"


def run_server(
    db: str | None, lang: str, *, host: str = "127.0.0.1", port: int = 8000, workers: int = 1
) -> None:
    """Serve the store ``db`` at ``http://host:port`` until Ctrl-C; each of ``workers`` builds its own app.

    Workers are separate processes: they read their settings from the environment (``NATIJE_DATABASE_URL``,
    ``NATIJE_LANG``) through the import-string factory.
    """
    import uvicorn

    from natije.locale import t
    from natije.web import Settings, create_app
    from natije.web.settings import secure_cookies_from_env

    url = f"http://{host}:{port}/"
    console().print(t("serve.listening", lang, url=url, db=db or "natije.db"), highlight=False)
    if workers > 1:
        if db:
            os.environ["NATIJE_DATABASE_URL"] = db
        os.environ["NATIJE_LANG"] = lang
        uvicorn.run(FACTORY, factory=True, host=host, port=port, workers=workers, log_level="warning")
    else:
        uvicorn.run(
            create_app(
                Settings(
                    database_url=db,
                    default_language=lang,
                    warm=True,
                    secure_cookies=secure_cookies_from_env(),
                )
            ),
            host=host,
            port=port,
            log_level="warning",
        )


@app.command()
@click.option("--host", default="127.0.0.1", help="Address to listen on.")
@click.option("--port", default=8000, help="Port to listen on.")
@click.option("--workers", default=1, help="Number of worker processes.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int) -> None:
    """Serve the web app (pages in kk, ru, en) and the JSON API on the store."""
    if workers < 1:
        raise bad_option("--workers", workers, Expected("expected.positive_int"))
    obj = ctx.find_root().obj
    run_server(obj.db if obj else None, lang_of(ctx), host=host, port=port, workers=workers)
