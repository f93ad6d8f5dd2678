"""The Typer application, global options and the error boundary shared by every command."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import typer
import typer.main
from rich.console import Console
from rich.markup import escape

from natije.errors import NatijeError, Problem, ValidationError, choice
from natije.locale import t
from natije.store import Store

app = typer.Typer(
    name="natije",
    help="natije — monitor and evaluate state programs: promises, actual results, impact.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

err_console = Console(stderr=True)


@dataclass
class GlobalOptions:
    """Options given before the command name."""

    db: str | None = None
    lang: str = "kk"


def open_store(ctx: typer.Context) -> Store:
    """The store named by the global ``--db`` option (or ``NATIJE_DATABASE_URL``)."""
    obj = ctx.find_root().obj
    return Store.open(obj.db if obj else None)


def lang_of(ctx: typer.Context) -> str:
    """The interface language of the global ``--lang`` option."""
    obj = ctx.find_root().obj
    return obj.lang if obj else "kk"


def check_format(fmt: str, allowed: tuple[str, ...] = ("table", "json", "csv")) -> None:
    """Raise ValidationError unless ``fmt`` is one of ``allowed``."""
    if fmt not in allowed:
        raise ValidationError(Problem("--format", None, None, fmt, choice(*allowed), code="option"), "bad option")


@app.callback()
def _global(
    ctx: typer.Context,
    db: str = typer.Option(
        None, "--db", envvar="NATIJE_DATABASE_URL", help="SQLite file path or database URL (default: ./natije.db)."
    ),
    lang: str = typer.Option("kk", "--lang", envvar="NATIJE_LANG", help="Interface language: kk, ru or en."),
) -> None:
    """natije: registry of programs, results against targets, impact evaluation."""
    ctx.obj = GlobalOptions(db=db, lang=lang)


def main() -> None:
    """Console-script entry point: natije errors become a message and an exit code, never a traceback.

    Typer's standalone mode prints usage errors (unknown command, missing argument) itself and exits 2.
    """
    from natije.cli.help_text import interface_language, localise

    lang = interface_language(sys.argv[1:])
    try:
        # the command tree is built here, not by app(), so that --help is rewritten into the language first
        localise(typer.main.get_command(app), lang)(prog_name="natije")
    except NatijeError as exc:
        from natije.cli.problems import localised

        if isinstance(exc, ValidationError):
            message = (exc if "lang" in exc.fields else localised(exc, lang)).message
        else:
            message = escape(exc.message_in(lang))  # printed as rich markup: 'dask[distributed]' must stay literal
        err_console.print(f"[bold red]{t('msg.error', lang)}[/] {message}", highlight=False, markup=True)
        sys.exit(exc.exit_code)
