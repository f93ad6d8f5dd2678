"""The Typer application, global options and the error boundary shared by every command."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import typer
import typer.main

from natije.errors import Expected, NatijeError, Problem, ValidationError, choice
from natije.locale import LANGUAGES, t

if TYPE_CHECKING:
    from natije.services.stores import Store

app = typer.Typer(
    name="natije",
    help="natije — monitor and evaluate state programs: promises, actual results, impact.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@dataclass
class GlobalOptions:
    """Options given before the command name."""

    db: str | None = None
    lang: str = "kk"


def open_store(ctx: typer.Context) -> Store:
    """The store named by the global ``--db`` option (or ``NATIJE_DATABASE_URL``)."""
    # services (and through them the store, SQLAlchemy, the engines) are imported when a command runs, never
    # for --help or a usage error: each command module imports what it calls inside its functions
    from natije.services.stores import open_store as open_url

    obj = ctx.find_root().obj
    return open_url(obj.db if obj else None)


def lang_of(ctx: typer.Context) -> str:
    """The interface language of the global ``--lang`` option."""
    obj = ctx.find_root().obj
    return obj.lang if obj else "kk"


# Options every command spells the same way are declared here, once, with the rule that checks them: a bad
# value is a ValidationError (exit code 2, the message in the interface language) before the command runs.


def bad_option(option: str, value: Any, expected: str) -> ValidationError:
    """The error of an option given a value it cannot take (exit code 2)."""
    return ValidationError(Problem(option, None, None, value, expected, code="option"), "bad option")


def check_format(fmt: str, allowed: tuple[str, ...] = ("table", "json", "csv")) -> None:
    """Raise ValidationError unless ``fmt`` is one of ``allowed``."""
    if fmt not in allowed:
        raise bad_option("--format", fmt, choice(*allowed))


def parse_day(option: str, text: str | None) -> date | None:
    """``text`` as a calendar date (YYYY-MM-DD); ValidationError for anything else (2025-13-01, yesterday)."""
    if text is None:
        return None
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise bad_option(option, text, Expected("expected.date_ymd")) from None


def format_option(*allowed: str) -> Any:
    """The ``--format`` option taking one of ``allowed`` (first = default),
    checked before the command runs."""
    names = ", ".join(allowed[:-1]) + " or " + allowed[-1]

    def check(value: str) -> str:
        check_format(value, allowed)
        return value

    return typer.Option(allowed[0], "--format", help=f"Output format: {names}.", callback=check)


def as_of_option(help: str = "Answer with what was known on this date (YYYY-MM-DD).") -> Any:
    """The ``--as-of`` option: a real calendar date or nothing, checked before the command runs."""

    def check(value: str | None) -> str | None:
        day = parse_day("--as-of", value)
        return day.isoformat() if day else None

    return typer.Option(None, "--as-of", help=help, callback=check)


def choice_option(name: str, allowed: tuple[str, ...], default: str | None, help: str) -> Any:
    """An option ``name`` taking one of ``allowed`` (or nothing when ``default`` is None)."""

    def check(value: str | None) -> str | None:
        if value is not None and value not in allowed:
            raise bad_option(name, value, choice(*allowed))
        return value

    return typer.Option(default, name, help=help, callback=check)


def territory_option(
    name: str, help: str, default: str | None = None, *, many: bool = False, words: tuple[str, ...] = ()
) -> Any:
    """An option naming territory codes (comma separated with ``many``) that must exist in the store.

    ``words`` are values that are not codes (``national``, ``all``). The store's codes are read only when a
    code is given, so an unknown code on an empty store says how to fill the store.
    """

    def check(ctx: typer.Context, value: str | None) -> str | None:
        if value is None:
            return None
        codes = [c.strip() for c in value.split(",")] if many else [value]
        asked = [c for c in codes if c not in words]
        if asked:
            from natije.services.territories import territory_codes

            known = territory_codes(open_store(ctx))
            unknown = [c for c in asked if c not in known]
            expected = (
                Expected("expected.territory_code_or", words=", ".join(words))
                if words
                else Expected("expected.territory_code")
            )
            if unknown:
                raise ValidationError(
                    [Problem(name, None, None, c, expected, code="option") for c in unknown], "bad option"
                )
        return value

    return typer.Option(default, name, help=help, callback=check)


@app.callback()
def _global(
    ctx: typer.Context,
    db: str = typer.Option(
        None,
        "--db",
        envvar="NATIJE_DATABASE_URL",
        help="SQLite file path or database URL (default: ./natije.db).",
    ),
    lang: str = typer.Option("kk", "--lang", envvar="NATIJE_LANG", help="Interface language: kk, ru or en."),
) -> None:
    """natije: registry of programs, results against targets, impact evaluation."""
    if lang not in LANGUAGES:
        raise bad_option("--lang", lang, choice(*LANGUAGES))
    ctx.obj = GlobalOptions(db=db, lang=lang)


def main() -> None:
    """Console-script entry point: natije errors become a message and an exit code, never a traceback.

    Usage errors (unknown command, missing argument) are printed on Typer's error screen in the interface
    language, exit code 2.
    """
    from typer._click.exceptions import ClickException
    from typer.exceptions import Abort

    from natije.cli.help_text import interface_language, localise, screen

    lang = interface_language(sys.argv[1:])
    try:
        # the command tree is built here, not by app(), so that --help is rewritten into the language first;
        # not in standalone mode, so that Typer's error screen is imported only when there is an error to show
        done = localise(typer.main.get_command(app), lang).main(prog_name="natije", standalone_mode=False)
    except ClickException as exc:
        screen(lang).rich_format_error(exc)
        sys.exit(exc.exit_code)
    except Abort:
        screen(lang).rich_abort_error()
        sys.exit(1)
    except NatijeError as exc:
        from rich.markup import escape

        from natije.cli.problems import localised
        from natije.cli.render import console

        if isinstance(exc, ValidationError):
            message = (exc if "lang" in exc.fields else localised(exc, lang)).message
        else:
            message = escape(
                exc.message_in(lang)
            )  # printed as rich markup: 'dask[distributed]' must stay literal
        console(stderr=True).print(
            f"[bold red]{t('msg.error', lang)}[/] {message}", highlight=False, markup=True
        )
        sys.exit(exc.exit_code)
    sys.exit(done if isinstance(done, int) else 0)  # a command's own exit code (--help: 0), else success
