"""The click group, global options and the error boundary shared by every command."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import click

from natije.errors import Expected, NatijeError, Problem, ValidationError, choice
from natije.locale import LANGUAGES, t

if TYPE_CHECKING:
    from natije.services.stores import Store

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]
"""What the option helpers below return: ``@format_option("table", "json")`` above a command."""


class Commands(click.Group):
    """A group listing its commands in the order they were added, groups of commands last
    (the order of ``natije --help``)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.commands, key=lambda name: isinstance(self.commands[name], click.Group))


@dataclass
class GlobalOptions:
    """Options given before the command name."""

    db: str | None = None
    lang: str = "kk"


def open_store(ctx: click.Context) -> Store:
    """The store named by the global ``--db`` option (or ``NATIJE_DATABASE_URL``)."""
    # services (and through them the store, SQLAlchemy, the engines) are imported when a command runs, never
    # for --help or a usage error: each command module imports what it calls inside its functions
    from natije.services.stores import open_store as open_url

    obj = ctx.find_root().obj
    return open_url(obj.db if obj else None)


def lang_of(ctx: click.Context) -> str:
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


def format_option(*allowed: str) -> Decorator:
    """The ``--format`` option (parameter ``fmt``) taking one of ``allowed`` (first = default),
    checked before the command runs."""
    names = ", ".join(allowed[:-1]) + " or " + allowed[-1]

    def check(ctx: click.Context, param: click.Parameter, value: str) -> str:
        check_format(value, allowed)
        return value

    return click.option(
        "--format", "fmt", default=allowed[0], help=f"Output format: {names}.", callback=check
    )


def as_of_option(help: str = "Answer with what was known on this date (YYYY-MM-DD).") -> Decorator:
    """The ``--as-of`` option: a real calendar date or nothing, checked before the command runs."""

    def check(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        day = parse_day("--as-of", value)
        return day.isoformat() if day else None

    return click.option("--as-of", "as_of", help=help, callback=check)


def choice_option(name: str, allowed: tuple[str, ...], default: str | None, help: str) -> Decorator:
    """An option ``name`` taking one of ``allowed`` (or nothing when ``default`` is None)."""

    def check(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value is not None and value not in allowed:
            raise bad_option(name, value, choice(*allowed))
        return value

    return click.option(name, default=default, help=help, callback=check)


def territory_option(
    name: str, help: str, default: str | None = None, *, many: bool = False, words: tuple[str, ...] = ()
) -> Decorator:
    """An option naming territory codes (comma separated with ``many``) that must exist in the store.

    ``words`` are values that are not codes (``national``, ``all``). The store's codes are read only when a
    code is given, so an unknown code on an empty store says how to fill the store.
    """

    def check(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
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

    return click.option(name, default=default, help=help, callback=check)


@click.group("natije", cls=Commands, no_args_is_help=True)
@click.option(
    "--db", envvar="NATIJE_DATABASE_URL", help="SQLite file path or database URL (default: ./natije.db)."
)
@click.option("--lang", default="kk", envvar="NATIJE_LANG", help="Interface language: kk, ru or en.")
@click.pass_context
def app(ctx: click.Context, db: str | None, lang: str) -> None:
    """natije: registry of programs, results against targets, impact evaluation."""
    if lang not in LANGUAGES:
        raise bad_option("--lang", lang, choice(*LANGUAGES))
    ctx.obj = GlobalOptions(db=db, lang=lang)


INTERNAL_ERROR = 70
"""The exit code of a defect in natije itself (sysexits' EX_SOFTWARE)."""


def crash_report(exc: BaseException) -> str:
    """Write ``exc``'s traceback and the command line to a new file in the temporary folder; its path."""
    import tempfile
    import traceback

    with tempfile.NamedTemporaryFile("w", prefix="natije-crash-", suffix=".txt", delete=False) as out:
        out.write("natije " + " ".join(sys.argv[1:]) + "\n\n")
        out.write("".join(traceback.format_exception(exc)))
    return out.name


def main() -> None:
    """Console-script entry point: natije errors become a message and an exit code, never a traceback.

    Usage errors (unknown command, missing argument) are printed in the interface language, exit code 2.
    """
    from natije.cli.help_text import interface_language, localise
    from natije.cli.usage_errors import show_error

    lang = interface_language(sys.argv[1:])
    try:
        # --help is rewritten into the language before argv is parsed; not in standalone mode, so that a
        # usage error is printed in the language too
        done = localise(app, lang).main(prog_name="natije", standalone_mode=False)
    except click.ClickException as exc:
        show_error(exc, lang)
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo(t("help.ui.aborted", lang), err=True)
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
    except Exception as exc:  # a defect of natije: a short message and where the details are, no traceback
        if os.environ.get("NATIJE_DEBUG"):
            raise
        details = t("msg.internal_error", lang, path=crash_report(exc))
        click.echo(f"{t('msg.error', lang)} {details}", err=True)
        sys.exit(INTERNAL_ERROR)
    sys.exit(done if isinstance(done, int) else 0)  # a command's own exit code (--help: 0), else success
