"""Command-line mistakes (a missing argument, an unknown option or command) told in the interface language.

Click raises a ``UsageError`` subclass with an English message. Before it is printed,
:func:`localised_usage_error` turns it into the same error with a ``usage.*`` catalog text, chosen by the
class of the mistake (and, for the few plain ``UsageError`` messages click builds itself, by their
wording); :func:`show_error` prints it with the usage line and the hint to ``--help`` in the same language.
"""

from __future__ import annotations

import re
from typing import Any

import click
from click import exceptions as click_errors

from natije.locale import t

# click's own plain messages, matched by wording: (pattern, catalog key, parameter name of the captured group)
_PLAIN: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"No such command '(.*)'"), "usage.no_such_command", "command"),
    (re.compile(r"Missing command"), "usage.missing_command", ""),
    (re.compile(r"unexpected extra argument\S* \((.*)\)"), "usage.extra_arguments", "arguments"),
)


def _name(param: Any) -> str:
    """How the user sees a parameter: an option by its flag, an argument by its (localised) placeholder."""
    if param is None:
        return ""
    if param.param_type_name == "option":
        return str(param.opts[0])
    return str(param.metavar or param.name)


def localised_usage_error(exc: click.UsageError, lang: str) -> click.UsageError:
    """The usage error ``exc`` with its message in ``lang`` (a new ``UsageError`` with the same context).

    Examples
    --------
    >>> err = localised_usage_error(click_errors.NoSuchOption("--sed"), "ru")
    >>> err.format_message()
    'Нет параметра «--sed».'
    """
    if isinstance(exc, click_errors.NoArgsIsHelpError):
        return exc
    if isinstance(exc, click_errors.MissingParameter):
        text = t("usage.missing", lang, name=_name(exc.param))
    elif isinstance(exc, click_errors.BadParameter):
        text = t("usage.bad_value", lang, name=_name(exc.param))
    elif isinstance(exc, click_errors.NoSuchOption):
        text = t("usage.no_such_option", lang, option=exc.option_name)
    elif isinstance(exc, click_errors.BadOptionUsage):
        key = "usage.option_needs_value" if "requires" in exc.message else "usage.option_takes_no_value"
        text = t(key, lang, option=exc.option_name)
    else:
        found = ((m, key, group) for pattern, key, group in _PLAIN if (m := pattern.search(exc.message)))
        match = next(found, None)
        if match is None:
            text = t("usage.invalid", lang, detail=exc.message)
        else:
            m, key, group = match
            text = t(key, lang, **({group: m.group(1)} if group else {}))
    return click_errors.UsageError(text, exc.ctx)  # exit code 2, as every usage error


def show_error(exc: click.ClickException, lang: str) -> None:
    """Print ``exc`` on stderr in ``lang``: a usage error with the usage line and the hint to ``--help``.

    A group given nothing at all (``natije``, ``natije evaluation``) prints its help screen on stdout instead.
    """
    if isinstance(exc, click_errors.NoArgsIsHelpError):
        click.echo(exc.format_message())
        return
    ctx = None
    if isinstance(exc, click.UsageError):
        exc = localised_usage_error(exc, lang)
        ctx = exc.ctx
    if ctx is not None:
        click.echo(ctx.get_usage(), err=True)
        helps = ctx.command.get_help_option_names(ctx)
        if ctx.command.get_help_option(ctx) is not None and helps:
            hint = t("help.ui.try_help", lang, command_path=ctx.command_path, help_option=max(helps, key=len))
            click.echo(hint, err=True)
    click.echo(f"{t('help.ui.error', lang)}: {exc.format_message()}", err=True)
