"""The Typer application, global options and the error boundary shared by every command."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import typer
from rich.console import Console

from natije.errors import NatijeError

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


@app.callback()
def _global(
    ctx: typer.Context,
    db: str = typer.Option(
        None, "--db", envvar="NATIJE_DATABASE_URL", help="SQLite file path or database URL (default: ./natije.db)."
    ),
    lang: str = typer.Option("kk", "--lang", help="Interface language: kk, ru or en."),
) -> None:
    """natije: registry of programs, results against targets, impact evaluation."""
    ctx.obj = GlobalOptions(db=db, lang=lang)


def main() -> None:
    """Console-script entry point: run the app, turning natije errors into a message and an exit code."""
    try:
        app(standalone_mode=False)
    except NatijeError as exc:
        err_console.print(f"[bold red]error:[/] {exc.message}", highlight=False, markup=True)
        sys.exit(exc.exit_code)
    except (typer.Exit, SystemExit) as exc:
        code = getattr(exc, "exit_code", None)
        if code is None:
            code = getattr(exc, "code", 0)
        sys.exit(code or 0)
    except typer.Abort:
        err_console.print("aborted")
        sys.exit(130)
    except Exception as exc:  # click usage errors and the like
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
