"""Command-line mistakes (a missing argument, an unknown option or command) told in the interface language.

Click raises a ``UsageError`` subclass with an English message; Typer prints it in an error panel. Before it
is printed, :func:`localised_usage_error` turns it into the same error with a ``usage.*`` catalog text, chosen
by the class of the mistake (and, for the few plain ``UsageError`` messages click builds itself, by
their wording).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from typer._click import exceptions as click_errors

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


def localised_usage_error(exc: Any, lang: str) -> Any:
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
    out = click_errors.UsageError(text, exc.ctx)
    out.exit_code = exc.exit_code
    return out


def wrap(show: Callable[[Any], None], lang: str) -> Callable[[Any], None]:
    """``show`` (Typer's error printer) that prints usage errors in ``lang`` and other errors unchanged."""

    def show_localised(exc: Any) -> None:
        show(localised_usage_error(exc, lang) if isinstance(exc, click_errors.UsageError) else exc)

    show_localised.natije_original = show  # type: ignore[attr-defined]  # so a second wrap wraps the original
    return show_localised
