"""One error hierarchy for natije.

Every error carries structured fields so that each edge can render it its own way: the CLI turns
them into a message and an exit code, the web layer (later) into an HTTP status. Nothing below the
edges formats errors for a user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Self

from natije.locale import t


class Text(str):
    """Text for a user, in English, that remembers its message key and parameters.

    It is a ``str`` (the English text from the ``en`` catalog), so every place that takes a message takes it
    unchanged; an edge renders it in its own language with :meth:`in_lang`.

    Examples
    --------
    >>> m = Text("error.program_not_found", code="DK")
    >>> str(m), m.in_lang("ru")
    ("program 'DK' not found", 'программа «DK» не найдена')
    """

    key: str
    params: dict[str, Any]

    def __new__(cls, key: str, **params: Any) -> Self:
        obj = super().__new__(cls, t(key, "en", **params))
        obj.key = key
        obj.params = params
        return obj

    def in_lang(self, lang: str) -> str:
        """The text in ``lang`` (``kk``, ``ru`` or ``en``)."""
        return t(self.key, lang, **self.params)

    def __getnewargs_ex__(self) -> tuple[tuple[str], dict[str, Any]]:
        # errors cross process boundaries (the processes executor): unpickling must rebuild from the key
        return (self.key,), self.params


class NatijeError(Exception):
    """Base of every error natije raises on purpose.

    Pass the message as a :class:`Text` so that each edge can show it in the user's language.
    """

    exit_code = 1

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields

    def message_in(self, lang: str) -> str:
        """The message in ``lang`` when it is a :class:`Text`, else the message as given.

        Examples
        --------
        >>> err = NotFound(Text("error.evaluation_not_found", evaluation=7))
        >>> err.message, err.message_in("kk")
        ('evaluation 7 not found', '№7 бағалау табылмады')
        """
        return self.message.in_lang(lang) if isinstance(self.message, Text) else self.message

    def to_dict(self) -> dict[str, Any]:
        """Return the error as a JSON-friendly mapping,
        with ``key`` and ``params`` when the message has them."""
        text = self.message
        keyed = {"key": text.key, "params": dict(text.params)} if isinstance(text, Text) else {}
        return {"error": type(self).__name__, "message": str(text), **keyed, **self.fields}


class Expected(Text):
    """What was expected, as English text that remembers its message key and parameters.

    :class:`Problem` moves ``key`` and ``params`` into ``extra`` so each edge can render the text in its own
    language with ``t(key, lang, **params)``.

    Examples
    --------
    >>> e = Expected("expected.utf8")
    >>> str(e), e.key
    ('UTF-8 text', 'expected.utf8')
    """


def choice(*options: str) -> Expected:
    """The expected-text "a, b or c" for a value that must be one of ``options`` (e.g. a ``--format``)."""
    return Expected("expected.choice", first=", ".join(options[:-1]), last=options[-1])


@dataclass(frozen=True)
class Problem:
    """One problem found while validating input: where it is and what was expected.

    Examples
    --------
    >>> Problem("observations.csv", 3, "value", "abc", "a number").describe()
    "observations.csv, row 3, column 'value': got 'abc', expected a number"
    """

    file: str
    row: int | None
    column: str | None
    value: Any
    expected: str
    code: str = "invalid"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if isinstance(
            self.expected, Expected
        ):  # keep the key for translation, the plain English as ``expected``
            extra = {**self.extra, "key": self.expected.key, "params": dict(self.expected.params)}
            object.__setattr__(self, "extra", extra)
            object.__setattr__(self, "expected", str(self.expected))

    def expected_in(self, lang: str) -> str:
        """The expected-text in ``lang`` when the problem carries a message key, else the English text."""
        key = self.extra.get("key")
        return t(key, lang, **self.extra.get("params", {})) if key else self.expected

    def describe(self) -> str:
        """Render the problem as one readable line."""
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: got {self.value!r}, expected {self.expected}"

    def to_dict(self) -> dict[str, Any]:
        """Return the problem as a JSON-friendly mapping."""
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value
            if self.value is None or isinstance(self.value, (int, float, str))
            else str(self.value),
            "expected": self.expected,
            "code": self.code,
            **({"key": self.extra["key"], "params": self.extra["params"]} if "key" in self.extra else {}),
        }


class ValidationError(NatijeError):
    """Input was rejected; ``problems`` lists every problem found in one pass."""

    exit_code = 2

    def __init__(self, problems: list[Problem] | Problem, message: str | None = None) -> None:
        items = [problems] if isinstance(problems, Problem) else list(problems)
        self.problems = items
        head = message or f"{len(items)} problem(s) found"
        body = "\n".join(f"  - {p.describe()}" for p in items[:200])
        more = f"\n  … and {len(items) - 200} more" if len(items) > 200 else ""
        super().__init__(f"{head}\n{body}{more}", problems=[p.to_dict() for p in items])


class BadRequest(ValidationError):
    """A request an edge cannot read at all, such as a paging cursor it never handed out."""


class TooLarge(ValidationError):
    """A request carrying more than natije takes at once, such as a submission of too many rows."""


class NotFound(NatijeError):
    """A program, indicator, territory or other object does not exist."""

    exit_code = 3


class PermissionDenied(NatijeError):
    """The acting user may not do this."""

    exit_code = 4


class ConfigurationError(NatijeError):
    """Settings or a database URL are unusable."""

    exit_code = 5


class EstimationError(NatijeError):
    """An impact evaluation cannot be computed for this design or data."""

    exit_code = 6


class InsufficientData(NatijeError):
    """Too little data for the computation asked for (e.g. a forecast from one point)."""

    exit_code = 7
