"""``--help`` in the interface language: one pass over the click command tree before click parses argv.

Every help text lives in the catalogs: a command's under ``help.<command path>`` (``help.evaluation.run``; the
top level is ``help.natije``), an option's or argument's under ``help.<command path>.<parameter name>``, and
the placeholder shown for a parameter's value under ``help.metavar.<parameter name>`` (``DATE``, ``КҮН``,
``ДАТА``), so no internal type (``<str>``, ``TEXT``) reaches the screen. The words of the help screen itself
(usage line, section headings, default, required) are the ``help.ui.*`` keys. The help strings written in the
command modules stay as the developers' description; what a person reads comes from here.

Examples
--------
>>> from natije.cli import app
>>> command = localise(app, "ru")
>>> command.commands["import"].help
'Импортировать пакеты программ: сначала всё проверяется, затем записывается одной транзакцией.'
"""

from __future__ import annotations

import copy
import os
import textwrap
from collections.abc import Iterable, Iterator
from typing import Any

import click

from natije.cli.problems import lang_of
from natije.locale import t

# click's section headings (``formatter.section(...)``) and the catalog words shown in their place
_HEADINGS = {
    "Options": "help.ui.options",
    "Positional arguments": "help.ui.arguments",
    "Commands": "help.ui.commands",
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


def _wrapped(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width``, cut at spaces only (never inside ``YYYY-MM-DD``)."""
    return textwrap.wrap(text, width, break_on_hyphens=False)


def _formatter(lang: str) -> type[click.HelpFormatter]:
    usage = t("help.ui.usage", lang)

    class Formatter(click.HelpFormatter):
        """click's help layout with the usage prefix and the section headings of ``lang``."""

        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            super().write_usage(prog, args, usage if prefix is None else prefix)

        def section(self, name: str) -> Any:
            return super().section(t(_HEADINGS[name], lang) if name in _HEADINGS else name)

        def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
            """Terms and their help, each line of a help (its text, then each note) wrapped on its own, so
            that a note such as ``[default: kk]`` starts a line and is never cut in two, nor a date pattern
            (``YYYY-MM-DD``) at a hyphen."""
            rows = list(rows)
            first = min(max((len(term) for term, _ in rows), default=0), col_max) + col_spacing
            width = max(self.width - first - self.current_indent, 10)
            margin = " " * (first + self.current_indent)
            for term, text in rows:
                lines = [line for part in text.split("\n") for line in _wrapped(part, width)]
                self.write(" " * self.current_indent + term)
                if not lines:
                    self.write("\n")
                    continue
                if len(term) > first - col_spacing:  # a term longer than the column: its help starts below
                    lines.insert(0, "")
                self.write(" " * (first - len(term)) if lines[0] else "")
                self.write("\n".join([lines[0], *(margin + line for line in lines[1:])]) + "\n")

    return Formatter


def _extras(param: click.Parameter, lang: str) -> str:
    """The notes after a parameter's help: its environment variable, its default, whether it is required."""
    notes = []
    envvar = getattr(param, "envvar", None)
    if isinstance(envvar, str):
        notes.append(t("help.ui.env", lang).format(envvar))
    # a value given as default (not a flag's True/False: its help says which is the default)
    if isinstance(param.default, (str, int, float)) and not isinstance(param.default, bool):
        notes.append(t("help.ui.default", lang).format(param.default))
    if param.required:
        notes.append(t("help.ui.required", lang))
    return "\n".join(notes)


def _no_extra(ctx: click.Context) -> dict[str, Any]:
    return {}


def localise(root: click.Command, lang: str) -> click.Command:
    """A copy of the click command tree ``root`` with its help in ``lang`` (``root`` is left as written).

    Every help screen of the copy (``--help``, a group given no command) and every usage line of an error is
    printed with the words of ``lang``. Copying the tree takes about two milliseconds.
    """
    root = copy.deepcopy(root)
    context = type("LocalContext", (click.Context,), {"formatter_class": _formatter(lang)})
    for path, command in commands(root):
        command.help = t(help_key(path), lang)
        command.short_help = command.help.split("\n\n")[0]  # a group lists its commands with all of it
        command.context_class = context
        command.options_metavar = t("help.ui.options_metavar", lang)
        if isinstance(command, click.Group):
            command.subcommand_metavar = t("help.ui.command_metavar", lang)
        for param in command.params:
            flag = getattr(param, "is_flag", False)
            param.metavar = "" if flag else t(f"help.metavar.{param.name}", lang)
            extras = _extras(param, lang)
            param.help = t(help_key(path, param.name), lang) + (f"\n{extras}" if extras else "")
            # click's own notes ([default: …], [required]) are in English; the catalog's are written above
            if isinstance(param, click.Option):
                param.get_help_extra = _no_extra  # type: ignore[method-assign,assignment]
        shown = command.get_help_option(context(command))
        if shown is not None:
            shown.help, shown.metavar = t("help.ui.help_option", lang), ""
    return root
