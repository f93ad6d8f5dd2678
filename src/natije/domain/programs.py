"""Agencies, programs and the tree of goals and tasks under a program."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from natije.domain.names import Names


@dataclass(frozen=True, slots=True)
class Agency:
    """A state body (ministry, committee, akimat) identified by a short code."""

    code: str
    names: Names


class ProgramKind(str, Enum):
    STATE_PROGRAM = "state_program"
    NATIONAL_PROJECT = "national_project"
    CONCEPT = "concept"
    SECTORAL_PROGRAM = "sectoral_program"
    PROJECT = "project"


class ProgramStatus(str, Enum):
    DRAFT = "draft"
    IN_FORCE = "in_force"
    EXPIRED = "expired"
    REPEALED = "repealed"


@dataclass(frozen=True, slots=True)
class Goal:
    """A goal or task; ``parent`` is ``None`` for a goal directly under the program."""

    code: str
    names: Names
    parent: str | None = None
    kind: str = "goal"  # goal | task


@dataclass(frozen=True, slots=True)
class Program:
    """A program document: what it is, when it runs, who owns it, what came before it."""

    code: str
    names: Names
    kind: ProgramKind
    start_year: int
    end_year: int
    status: ProgramStatus
    owner: str | None = None
    legal_act: str | Names | None = None  # one text for every language, or a text per language
    repealed_on: date | None = None
    predecessors: tuple[str, ...] = ()
    goals: tuple[Goal, ...] = ()
    description: Names | None = None

    def __post_init__(self) -> None:
        if self.end_year < self.start_year:
            raise ValueError(
                f"program {self.code}: end year {self.end_year} before start year {self.start_year}"
            )
        if self.status is ProgramStatus.REPEALED and self.repealed_on is None:
            raise ValueError(f"program {self.code}: status 'repealed' needs a repeal date")
        codes = {g.code for g in self.goals}
        for goal in self.goals:
            if goal.parent is not None and goal.parent not in codes:
                raise ValueError(f"program {self.code}: goal {goal.code} has unknown parent {goal.parent}")

    def legal_act_in(self, lang: str) -> str | None:
        """The legal act in ``lang`` (a text given once serves every language)."""
        return self.legal_act.get(lang) if isinstance(self.legal_act, Names) else self.legal_act

    def children(self, parent: str | None) -> list[Goal]:
        """Goals directly under ``parent`` (``None`` = top level), in declared order."""
        return [g for g in self.goals if g.parent == parent]


def known_from(start_year: int, first_decided: date | None) -> date:
    """The first day anything about a program was known: the day its first baseline or target was decided,
    or 1 January of its ``start_year`` when that comes first (a program runs from its start year whether or
    not its promises carry dates).

    Values of its indicators recorded earlier do not count: statistics on internet use existed before any
    program promised to raise them.

    >>> known_from(2018, date(2017, 12, 12)), known_from(2021, date(2022, 5, 4)), known_from(2013, None)
    (datetime.date(2017, 12, 12), datetime.date(2021, 1, 1), datetime.date(2013, 1, 1))
    """
    start = date(start_year, 1, 1)
    return min(start, first_decided) if first_decided is not None else start
