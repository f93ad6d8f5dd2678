"""Reporting periods in SDMX notation: years (``2024``), quarters (``2024-Q1``) and months (``2024-03``).

A period is an interval of calendar time with a frequency. Periods order by start, longer first (``2024``
before ``2024-Q1`` before ``2024-01``), and add and subtract in their own frequency.

Examples
--------
>>> p = Period.parse("2024-Q4")
>>> str(p + 1), str(p - 4), p.year
('2025-Q1', '2023-Q4', 2024)
>>> Period.parse("2024-03") in Period.parse("2024-Q1")
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from functools import total_ordering

from natije.errors import Expected, Problem, ValidationError


class Frequency(str, Enum):
    """SDMX frequency codes natije understands."""

    ANNUAL = "A"
    QUARTERLY = "Q"
    MONTHLY = "M"

    @property
    def months(self) -> int:
        """Length of one period of this frequency, in months."""
        return {"A": 12, "Q": 3, "M": 1}[self.value]


_PATTERNS = (
    (re.compile(r"^(\d{4})$"), Frequency.ANNUAL),
    (re.compile(r"^(\d{4})-Q([1-4])$"), Frequency.QUARTERLY),
    (re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"), Frequency.MONTHLY),
)

PERIOD_FORMAT = Expected("expected.period")


@total_ordering
@dataclass(frozen=True, slots=True)
class Period:
    """A calendar period: ``index`` counts periods of ``freq`` since year 0 (year*12/len + sub-index)."""

    freq: Frequency
    index: int

    @classmethod
    def parse(cls, text: str | int) -> Period:
        """Parse SDMX notation; raise :class:`ValidationError` naming the expected forms.

        >>> Period.parse(2020), Period.parse("2020-12")
        (Period('2020'), Period('2020-12'))
        """
        s = str(text).strip()
        for pattern, freq in _PATTERNS:
            m = pattern.match(s)
            if m:
                year = int(m.group(1))
                sub = int(m.group(2)) - 1 if freq is not Frequency.ANNUAL else 0
                return cls(freq, year * (12 // freq.months) + sub)
        raise ValidationError(Problem("<period>", None, None, text, PERIOD_FORMAT, code="period"))

    @property
    def per_year(self) -> int:
        return 12 // self.freq.months

    @property
    def year(self) -> int:
        return self.index // self.per_year

    @property
    def sub(self) -> int:
        """1-based quarter or month number; 1 for a year."""
        return self.index % self.per_year + 1

    @property
    def start_month(self) -> int:
        """Months since year 0 at the period's start; the common axis for mixed frequencies."""
        return self.index * self.freq.months

    @property
    def end_month(self) -> int:
        """Months since year 0 at the period's end (exclusive)."""
        return self.start_month + self.freq.months

    @property
    def start(self) -> date:
        m = self.start_month
        return date(m // 12, m % 12 + 1, 1)

    @property
    def end(self) -> date:
        """Last day of the period."""
        m = self.end_month
        return date(m // 12, m % 12 + 1, 1) - timedelta(days=1)

    def __add__(self, n: int) -> Period:
        return Period(self.freq, self.index + n)

    def __sub__(self, other: int | Period) -> Period | int:
        if isinstance(other, Period):
            if other.freq is not self.freq:
                raise ValueError(f"cannot subtract {other} from {self}: different frequencies")
            return self.index - other.index
        return Period(self.freq, self.index - other)

    def __contains__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return False
        return self.start_month <= other.start_month and other.end_month <= self.end_month

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return (self.start_month, -self.freq.months) < (other.start_month, -other.freq.months)

    def __str__(self) -> str:
        if self.freq is Frequency.ANNUAL:
            return f"{self.year:04d}"
        if self.freq is Frequency.QUARTERLY:
            return f"{self.year:04d}-Q{self.sub}"
        return f"{self.year:04d}-{self.sub:02d}"

    def __repr__(self) -> str:
        return f"Period('{self}')"
