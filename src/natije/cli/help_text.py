"""``--help`` in the interface language: one pass over the click command tree before Typer parses argv.

Every help text lives in the catalogs: a command's under ``help.<command path>`` (``help.evaluation.run``; the
top level is ``help.natije``), an option's or argument's under ``help.<command path>.<parameter name>``, and
the placeholder shown for a parameter's value under ``help.metavar.<parameter name>`` (``DATE``, ``КҮН``,
``ДАТА``), so no internal type (``<str>``, ``TEXT``) reaches the screen. The words of the help screen itself
(usage line, panel titles, default, required) are the ``help.ui.*`` keys. The help strings written in the
command modules stay as the developers' description; what a person reads comes from here.

Examples
--------
>>> import typer.main
>>> from natije.cli import app
>>> command = localise(typer.main.get_command(app), "ru")
>>> command.commands["import"].help
'Импортировать пакеты программ: сначала всё проверяется, затем записывается одной транзакцией.'
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from typer._click.core import Context
from typer._click.formatting import HelpFormatter

from natije.cli.problems import lang_of
from natije.cli.usage_errors import wrap
from natije.locale import t

# Typer's help screen reads these module globals when it prints; each is set from the catalog of the language
_SCREEN_WORDS = {
    "ARGUMENTS_PANEL_TITLE": "help.ui.arguments",
    "OPTIONS_PANEL_TITLE": "help.ui.options",
    "COMMANDS_PANEL_TITLE": "help.ui.commands",
    "DEFAULT_STRING": "help.ui.default",
    "ENVVAR_STRING": "help.ui.env",
    "REQUIRED_LONG_STRING": "help.ui.required",
    "ERRORS_PANEL_TITLE": "help.ui.error",
    "RICH_HELP": "help.ui.try_help",
    "ABORTED_TEXT": "help.ui.aborted",
}


def interface_language(args: list[str]) -> str:
    """The language asked for by ``--lang`` before the command, else ``NATIJE_LANG``, else Kazakh."""
    return lang_of(args, os.environ.get("NATIJE_LANG") or "kk")


def commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command of the tree with its path (``()`` for the top level, ``("evaluation", "run")``)."""
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from commands(sub, (*path, name))


def help_key(path: tuple[str, ...], param: str | None = None) -> str:
    """The catalog key of a command's help (``param`` None) or of one of its parameters' help."""
    return ".".join(("help", *(path or ("natije",)), *((param,) if param else ())))


def _formatter(lang: str) -> type[HelpFormatter]:
    usage = t("help.ui.usage", lang)

    class Formatter(HelpFormatter):
        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            super().write_usage(prog, args, usage if prefix is None else prefix)

    return Formatter


def screen(lang: str) -> Any:
    """Typer's help and error screen (``typer.rich_utils``) with its words and its usage errors in ``lang``.

    Imported when a help screen or an error is printed, not before: it brings rich's Markdown and traceback
    modules, a tenth of a second that a command printing neither does not spend. Typer's screen words are
    module-wide, so the last language set is the one printed.
    """
    import typer.rich_utils as panels

    for name, key in _SCREEN_WORDS.items():
        setattr(panels, name, t(key, lang))
    printer = panels.rich_format_error
    panels.rich_format_error = wrap(getattr(printer, "natije_original", printer), lang)  # type: ignore[assignment]
    return panels


def localise(root: Any, lang: str) -> Any:
    """Rewrite the help of ``root`` (a click command tree from ``typer.main.get_command``) into ``lang``.

    Returns ``root``; every help screen of the tree (``--help``, a group given no command) is printed with the
    screen words of ``lang`` (:func:`screen`).
    """

    def get_help(ctx: Context) -> str:
        screen(lang)
        return Context.get_help(ctx)

    context = type("LocalContext", (Context,), {"formatter_class": _formatter(lang), "get_help": get_help})
    for path, command in commands(root):
        command.help = t(help_key(path), lang)
        command.short_help = None
        command.context_class = context
        command.options_metavar = t("help.ui.options_metavar", lang)
        if hasattr(command, "commands"):
            command.subcommand_metavar = t("help.ui.command_metavar", lang)
        for param in command.params:
            param.help = t(help_key(path, param.name), lang)
            flag = getattr(param, "is_flag", False)
            param.metavar = "" if flag else t(f"help.metavar.{param.name}", lang)
            if (
                flag
            ):  # Typer would print the default as a bare option name («[әдепкі: no-save]»); the help says it
                param.show_default = False
            if param.param_type_name == "argument":  # the name column shows the metavar; no type column
                param.display_type_rich = lambda ctx: None
        shown = command.get_help_option(context(command))
        if shown is not None:
            shown.help, shown.metavar = t("help.ui.help_option", lang), ""
    return root
