"""Validation problems rendered for the terminal in the interface language.

Each :class:`~natije.errors.Problem` keeps its English ``expected`` for the Python API and JSON; when it
carries a message key (``extra["key"]`` and ``extra["params"]``, see :class:`~natije.errors.Expected`) the
terminal shows ``t(key, lang, **params)`` instead, so one mechanism translates every check.
"""

from __future__ import annotations

from natije.errors import Problem, ValidationError
from natije.locale import t
from natije.locale.formats import number


def problem_line(p: Problem, lang: str) -> str:
    """One problem as a line in ``lang``: where (file, row, column), the value found, what was expected."""
    where = ", ".join(
        [p.file]
        + ([t("problem.row", lang, row=p.row)] if p.row is not None else [])
        + ([t("problem.column", lang, column=p.column)] if p.column is not None else [])
    )
    value = repr(p.value) if lang == "en" or not isinstance(p.value, str) else f"«{p.value}»"
    return t("problem.line", lang, where=where, value=value, expected=expected_in(p, lang))


def expected_in(p: Problem, lang: str) -> str:
    """The problem's expected-text in ``lang``, its large and fractional numbers written the language's way.

    Whole numbers below 10 000 (years, small limits) stay as they are;
    ``count`` chooses a plural and stays a number.
    """
    key = p.extra.get("key")
    if not key:
        return p.expected
    params = {k: number(v, lang) if _for_people(k, v) else v for k, v in p.extra.get("params", {}).items()}
    return t(key, lang, **params)


def _for_people(name: str, value: object) -> bool:
    if name == "count" or isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return not (isinstance(value, int) or float(value).is_integer()) or abs(value) >= 10_000


def localised(
    exc: ValidationError, lang: str, head_key: str = "problem.found", shown: int = 200
) -> ValidationError:
    """The same error with its message in ``lang``: a head line (``head_key``) and one line per problem.

    Examples
    --------
    >>> from natije.errors import Expected
    >>> err = localised(ValidationError(Problem("a.csv", 2, "value", "x", Expected("expected.utf8"))), "ru")
    >>> err.message.splitlines()[1]
    '  - a.csv, строка 2, столбец «value»: значение «x», ожидалось: текст в кодировке UTF-8'
    """
    from rich.markup import escape

    total = exc.fields.get("total", len(exc.problems))
    lines = [t(head_key, lang, count=total)] + ["  - " + problem_line(p, lang) for p in exc.problems[:shown]]
    if total > shown:
        lines.append("  " + t("problem.more", lang, count=total - shown))
    err = ValidationError(exc.problems, lines[0])
    err.message = escape(
        "\n".join(lines)
    )  # the app prints messages as rich markup: file text must stay literal
    err.fields.update(total=total, lang=lang)
    return err


def lang_of(args: list[str], default: str = "kk") -> str:
    """The ``--lang`` given on a command line (the error boundary runs after click's context is gone)."""
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return default
