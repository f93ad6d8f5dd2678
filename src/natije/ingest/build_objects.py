"""Turn schema-valid ``program.yaml`` data into domain objects, checking the domain rules on the way.

Items the schema already rejected are skipped (their problems are logged); everything else is built and
checked: known units, parseable periods and dates, spans in order, unique codes, goals that exist, one
commitment entry per key and decision date. Commitment and budget versions are numbered per key in decision
order.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from natije.domain import units
from natije.domain.budgets import BudgetLine, BudgetStage, Funding
from natije.domain.commitments import Commitment, CommitmentKind
from natije.domain.indicators import Direction, Indicator, IndicatorKind, IndicatorLevel, Ratio
from natije.domain.names import Names
from natije.domain.observations import Source, SourceKind
from natije.domain.package import ProgramPackage
from natije.domain.periods import PERIOD_FORMAT, Frequency, Period
from natije.domain.programs import Agency, Goal, Program, ProgramKind, ProgramStatus
from natije.errors import Expected, ValidationError
from natije.ingest.problems import ProblemLog
from natije.ingest.yaml_source import Path, YamlDocument, dotted

DATE_EXPECTED = Expected("expected.date_example", example="2017-12-12")


class Builder:
    """Builds one package; problems go to ``log`` with the YAML line of the field."""

    def __init__(
        self,
        doc: YamlDocument,
        label: str,
        log: ProblemLog,
        bad: set[Path],
        bad_fields: set[Path] | None = None,
    ) -> None:
        self.doc, self.label, self.log, self.bad = doc, label, log, bad
        self.bad_fields = bad_fields or set()
        self.origins: dict[str, list[Path]] = {}

    # -- helpers -------------------------------------------------------------------------------------
    def problem(self, path: Path, value: Any, expected: str, code: str = "rule") -> None:
        self.log.add(self.label, self.doc.line(path), dotted(path), value, expected, code)

    def skip(self, path: Path) -> bool:
        return any(b[: len(path)] == path or path[: len(b)] == b for b in self.bad)

    def period(self, path: Path, value: Any) -> Period | None:
        try:
            return Period.parse(value)
        except ValidationError:
            self.problem(path, value, PERIOD_FORMAT, "period")
            return None

    def day(self, path: Path, value: Any) -> date | None:
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.problem(path, value, DATE_EXPECTED, "date")
            return None

    def unique(self, section: str, codes: list[tuple[Path, str]]) -> None:
        seen: set[str] = set()
        for path, code in codes:
            if code in seen:
                self.problem(path, code, Expected("expected.code_once", section=section), "duplicate_code")
            seen.add(code)

    def soft_checks(self, path: Path, item: dict[str, Any]) -> None:
        """Field checks for an item the schema rejected elsewhere, so one run still reports them."""
        fields = {"unit": "unit", "decided_on": "date", "period": "period", "repealed_on": "date"}
        for name, kind in fields.items():
            value = item.get(name)
            if value is None or path + (name,) in self.bad_fields or not isinstance(value, (str, int)):
                continue
            if kind == "unit" and units.resolve(str(value)) is None:
                self.problem(
                    path + (name,),
                    value,
                    Expected("expected.unit_such_as", units=", ".join(units.known_units())),
                    "unit",
                )
            elif kind == "date":
                self.day(path + (name,), value)
            elif kind == "period" and path[0] == "commitments":
                self.period(path + (name,), value)

    def items(self, data: dict[str, Any], section: str) -> list[tuple[Path, dict[str, Any]]]:
        out = []
        for i, item in enumerate(data.get(section) or []):
            path: Path = (section, i)
            if not self.skip(path) and isinstance(item, dict):
                out.append((path, item))
            elif isinstance(item, dict):
                self.soft_checks(path, item)
        self.unique(section[:-1], [(p + ("code",), it["code"]) for p, it in out if "code" in it])
        return out

    # -- sections ------------------------------------------------------------------------------------
    def build(self, data: dict[str, Any]) -> tuple[ProgramPackage, dict[str, list[Path]]]:
        agencies = [
            Agency(it["code"], Names.from_mapping(it["names"])) for _, it in self.items(data, "agencies")
        ]
        sources = [self.source(it) for _, it in self.items(data, "sources")]
        program = self.program(data["program"]) if isinstance(data.get("program"), dict) else None
        # a program with problems of its own: its goals are unknown, so goal references are not judged
        goals = {g.code for g in program.goals} if program else (None if "program" in data else set())
        indicators, self.origins["indicators"] = self.collect(
            data, "indicators", lambda p, it: self.indicator(p, it, goals)
        )
        commitments, self.origins["commitments"] = self.collect(data, "commitments", self.commitment)
        budgets, self.origins["budgets"] = self.collect(
            data, "budgets", lambda p, it: self.budget(p, it, program, goals), codes=False
        )
        package = ProgramPackage(
            program=program,
            agencies=tuple(agencies),
            sources=tuple(sources),
            indicators=tuple(indicators),
            commitments=self.number_versions(commitments),
            budgets=self.number_budget_versions(budgets),
        )
        return package, self.origins

    def collect(
        self, data: dict[str, Any], section: str, make: Any, codes: bool = True
    ) -> tuple[list, list[Path]]:
        objects, paths = [], []
        entries = (
            self.items(data, section)
            if codes
            else [
                ((section, i), it)
                for i, it in enumerate(data.get(section) or [])
                if not self.skip((section, i)) and isinstance(it, dict)
            ]
        )
        if not codes:
            for i, it in enumerate(data.get(section) or []):
                if self.skip((section, i)) and isinstance(it, dict):
                    self.soft_checks((section, i), it)
        for path, item in entries:
            obj = make(path, item)
            if obj is not None:
                objects.append(obj)
                paths.append(path)
        return objects, paths

    def source(self, it: dict[str, Any]) -> Source:
        names = Names.from_mapping(it["names"]) if "names" in it else None
        return Source(
            it["code"],
            it["title"],
            SourceKind(it.get("kind", "official")),
            it.get("url"),
            it.get("publisher"),
            it.get("licence"),
            names,
        )

    def program(self, it: dict[str, Any]) -> Program | None:
        if self.skip(("program",)):
            self.soft_checks(("program",), it)
            return None
        goals: list[Goal] = []
        where: list[tuple[Path, str]] = []

        def walk(entries: list[dict[str, Any]], parent: str | None, path: Path) -> None:
            for i, g in enumerate(entries):
                goals.append(
                    Goal(
                        g["code"],
                        Names.from_mapping(g["names"]),
                        parent,
                        "goal" if parent is None else "task",
                    )
                )
                where.append((path + (i, "code"), g["code"]))
                walk(g.get("tasks") or [], g["code"], path + (i, "tasks"))

        walk(it.get("goals") or [], None, ("program", "goals"))
        self.unique("goal", where)
        if len({c for _, c in where}) < len(where):
            return None
        repealed = self.day(("program", "repealed_on"), it["repealed_on"]) if "repealed_on" in it else None
        if it["end_year"] < it["start_year"]:
            self.problem(
                ("program", "end_year"), it["end_year"], Expected("expected.end_year", start=it["start_year"])
            )
            return None
        try:
            return Program(
                code=it["code"],
                names=Names.from_mapping(it["names"]),
                kind=ProgramKind(it["kind"]),
                start_year=it["start_year"],
                end_year=it["end_year"],
                status=ProgramStatus(it["status"]),
                owner=it.get("owner"),
                legal_act=_legal_act(it.get("legal_act")),
                repealed_on=repealed,
                predecessors=tuple(it.get("predecessors") or ()),
                goals=tuple(goals),
                description=Names.from_mapping(it["description"]) if "description" in it else None,
            )
        except ValueError as exc:
            self.problem(("program",), it["code"], str(exc))
            return None

    def indicator(self, path: Path, it: dict[str, Any], goals: set[str] | None) -> Indicator | None:
        ok = True
        unit = units.resolve(it["unit"])
        if unit is None:
            self.problem(
                path + ("unit",),
                it["unit"],
                Expected("expected.unit_such_as", units=", ".join(units.known_units())),
                "unit",
            )
            ok = False
        span = it.get("span") or {}
        start = self.period(path + ("span", "from"), span["from"]) if "from" in span else None
        end = self.period(path + ("span", "to"), span["to"]) if "to" in span else None
        if ("from" in span and start is None) or ("to" in span and end is None):
            ok = False
        elif start is not None and end is not None and end.end_month <= start.start_month:
            self.problem(
                path + ("span", "to"), span["to"], Expected("expected.span_order", start=start), "span"
            )
            ok = False
        if "goal" in it and goals is not None and it["goal"] not in goals:
            self.problem(
                path + ("goal",),
                it["goal"],
                Expected("expected.goal") if goals else Expected("expected.no_goal"),
                "unknown_goal",
            )
            ok = False
        value_range = self.value_range(path + ("range",), it.get("range"))
        if not ok or unit is None or value_range is False:
            return None
        ratio = it.get("ratio")
        return Indicator(
            code=it["code"],
            names=Names.from_mapping(it["names"]),
            unit=unit.code,
            continues=it.get("continues"),
            direction=Direction(it["direction"]),
            kind=IndicatorKind(it.get("kind", "stock")),
            level=IndicatorLevel(it.get("level", "outcome")),
            frequency=Frequency(it.get("frequency", "A")),
            span_from=start,
            span_to=end,
            goal=it.get("goal"),
            agency=it.get("agency"),
            source=it.get("source"),
            ratio=Ratio(ratio["numerator"], ratio["denominator"], float(ratio.get("scale", 100)))
            if ratio
            else None,
            tolerance=float(it["tolerance"]) if "tolerance" in it else None,
            definition=Names.from_mapping(it["definition"]) if "definition" in it else None,
            value_range=value_range if isinstance(value_range, tuple) else None,
        )

    def value_range(self, path: Path, given: list[float | None] | None) -> tuple[float, float] | None | bool:
        """A declared ``range`` as (low, high) with open sides infinite;
        ``False`` (after a problem) if low > high."""
        if given is None:
            return None
        inf = float("inf")
        low = -inf if given[0] is None else float(given[0])
        high = inf if given[1] is None else float(given[1])
        if low > high:
            self.problem(path, list(given), Expected("expected.range_order"), "range")
            return False
        return low, high

    def commitment(self, path: Path, it: dict[str, Any]) -> Commitment | None:
        period = self.period(path + ("period",), it["period"])
        decided = self.day(path + ("decided_on",), it["decided_on"])
        if period is None or decided is None:
            return None
        return Commitment(
            it["indicator"],
            CommitmentKind(it["kind"]),
            period,
            float(it["value"]),
            decided,
            it["document"],
            it.get("territory"),
            1,
            it.get("note"),
        )

    def number_versions(self, commitments: list[Commitment]) -> tuple[Commitment, ...]:
        """Number versions per key in decision order, ties in file order; a repeated entry is a problem.

        Two entries for one key and day with different values are two versions (a promise corrected on the
        day it was made: ``natije export`` writes them in version order); the same value twice is a mistake.
        """
        paths = self.origins["commitments"]
        order = sorted(
            range(len(commitments)), key=lambda i: (str(commitments[i].key), commitments[i].decided_on, i)
        )
        out: dict[int, Commitment] = {}
        last: dict[tuple, int] = {}
        for i in order:
            c = commitments[i]
            prev = last.get(c.key)
            if prev is not None and (commitments[prev].decided_on, commitments[prev].value) == (
                c.decided_on,
                c.value,
            ):
                self.problem(
                    paths[i],
                    c.value,
                    Expected("expected.commitment_once", line=self.doc.line(paths[prev])),
                    "duplicate_commitment",
                )
                continue
            version = 1 if prev is None else out[prev].version + 1
            out[i] = Commitment(
                c.indicator, c.kind, c.period, c.value, c.decided_on, c.document, c.territory, version, c.note
            )
            last[c.key] = i
        keep = sorted(out)
        self.origins["commitments"] = [paths[i] for i in keep]
        return tuple(out[i] for i in keep)

    def budget(
        self, path: Path, it: dict[str, Any], program: Program | None, goals: set[str] | None
    ) -> BudgetLine | None:
        if program is None:
            if not self.skip(("program",)):
                self.problem(path, it.get("year"), Expected("expected.budget_program"), "budget")
            return None
        if "goal" in it and goals is not None and it["goal"] not in goals:
            self.problem(path + ("goal",), it["goal"], Expected("expected.goal"), "unknown_goal")
            return None
        decided = None
        if "decided_on" in it:
            decided = self.day(path + ("decided_on",), it["decided_on"])
            if decided is None:
                return None
        return BudgetLine(
            program.code,
            it["year"],
            BudgetStage(it["stage"]),
            float(it["amount"]),
            it.get("currency", "KZT"),
            it.get("goal"),
            tuple(sorted(it.get("indicators") or ())),
            it.get("source"),
            it.get("line"),
            Funding(it["funding"]) if "funding" in it else None,
            decided,
            it.get("document"),
        )

    def number_budget_versions(self, lines: list[BudgetLine]) -> tuple[BudgetLine, ...]:
        """Entries of one line are its versions, numbered in decision order
        (undated first, ties in file order).

        The same amount twice on the same decision date is a mistake and is reported.
        """
        paths = self.origins["budgets"]
        order = sorted(
            range(len(lines)), key=lambda i: (str(lines[i].key), lines[i].decided_on or date.min, i)
        )
        out: dict[int, BudgetLine] = {}
        last: dict[tuple, int] = {}
        for i in order:
            b = lines[i]
            prev = last.get(b.key)
            if prev is not None and (lines[prev].decided_on, lines[prev].amount) == (b.decided_on, b.amount):
                self.problem(
                    paths[i],
                    b.amount,
                    Expected("expected.budget_once", line=self.doc.line(paths[prev])),
                    "duplicate_budget",
                )
                continue
            out[i] = replace(b, version=1 if prev is None else out[prev].version + 1)
            last[b.key] = i
        keep = sorted(out)
        self.origins["budgets"] = [paths[i] for i in keep]
        return tuple(out[i] for i in keep)


def _legal_act(given: str | dict[str, Any] | None) -> str | Names | None:
    """``legal_act`` as written: one text (kept as given), or a text per language."""
    return Names.from_mapping(given) if isinstance(given, dict) else given
