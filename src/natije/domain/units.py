"""Units of measure and the check that a value lands only in an indicator of a compatible unit.

Each unit belongs to a *dimension*; values convert only within a dimension (``bn KZT`` → ``KZT``), so a
percentage can never land in a count indicator.

>>> convert(1.5, "bn KZT", "KZT")
1500000000.0
>>> convert(50, "%", "count")
Traceback (most recent call last):
...
ValueError: cannot convert '%' to 'count'
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Unit:
    code: str
    dimension: str
    scale: float = 1.0


_UNITS: dict[str, Unit] = {}
_ALIASES: dict[str, str] = {}


def _add(code: str, dimension: str, scale: float = 1.0, aliases: tuple[str, ...] = ()) -> None:
    _UNITS[code] = Unit(code, dimension, scale)
    for name in (code, *aliases):
        _ALIASES[name.lower()] = code


_add("%", "share", aliases=("percent", "pct", "pp"))
_add("per 100", "rate_100", aliases=("per_100", "per 100 people", "per100"))
_add("count", "count", aliases=("number", "units", "villages", "jobs", "settlements"))
_add("thousand", "count", 1e3, aliases=("thousands",))
_add("rank", "rank")
_add("index", "index", aliases=("score",))
_add("KZT", "money_KZT", aliases=("tenge",))
_add("mn KZT", "money_KZT", 1e6, aliases=("mln KZT",))
_add("bn KZT", "money_KZT", 1e9, aliases=("bln KZT",))
_add("USD", "money_USD", aliases=("US$", "$"))
_add("mn USD", "money_USD", 1e6, aliases=("mln USD", "million USD"))
_add("bn USD", "money_USD", 1e9, aliases=("billion USD",))
_add("ratio", "ratio")


# what a value in a dimension can be at all: a share lies in [0, 100] %,
# a count or a rate per 100 is never negative
_NATURAL: dict[str, tuple[float, float]] = {
    "share": (0.0, 100.0),
    "count": (0.0, float("inf")),
    "rate_100": (0.0, float("inf")),
}


def natural_range(code: str) -> tuple[float, float] | None:
    """Lowest and highest value a quantity in unit ``code`` can take (in that unit),
    or ``None`` when unbounded.

    >>> natural_range("%"), natural_range("thousand"), natural_range("KZT")
    ((0.0, 100.0), (0.0, inf), None)
    """
    unit = resolve(code)
    return _NATURAL.get(unit.dimension) if unit else None


def known_units() -> list[str]:
    """Every canonical unit code."""
    return sorted(_UNITS)


def spellings() -> dict[str, str]:
    """Every accepted spelling of a unit (lower-case) mapped to its canonical code."""
    return dict(_ALIASES)


def resolve(code: str) -> Unit | None:
    """The unit named ``code`` (case-insensitive, aliases allowed), or ``None``."""
    canonical = _ALIASES.get(code.strip().lower())
    return _UNITS[canonical] if canonical else None


def conversion_factor(source: str, target: str) -> float:
    """Factor taking a value in ``source`` to ``target``; raises ``ValueError`` across dimensions."""
    us, ut = resolve(source), resolve(target)
    if us is None or ut is None or us.dimension != ut.dimension:
        raise ValueError(f"cannot convert {source!r} to {target!r}")
    return us.scale / ut.scale


def convert(value: float, source: str, target: str) -> float:
    """Convert ``value`` from ``source`` to ``target`` units."""
    return value * conversion_factor(source, target)
