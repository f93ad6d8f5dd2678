"""Cross-references of ``program.yaml``: every code it names must be declared in the packages or the store.

Checked here, after all packages of an import are parsed, because a reference package imported in the same
run (territories, shared indicators such as ``POPULATION``) may supply what a program package refers to.
Predecessor programs are not required to exist yet: lineage may be imported in any order. An indicator's
``continues`` is the exception: it names one indicator of a predecessor, which must then be known.
"""

from __future__ import annotations

import math

from natije.domain.indicators import Indicator
from natije.errors import Expected
from natije.ingest.continues import check_continues
from natije.ingest.known import Known
from natije.ingest.problems import ProblemLog
from natije.ingest.program_yaml import ParsedProgram
from natije.ingest.yaml_source import Path, dotted


def _bound(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def range_expected(ind: Indicator) -> Expected:
    """What a value of ``ind`` must be: inside its declared range, else inside what its unit allows."""
    low, high = ind.allowed_range
    key = (
        "expected.value_at_least"
        if math.isinf(high)
        else "expected.value_at_most"
        if math.isinf(low)
        else "expected.value_in_range"
    )
    return Expected(key, low=_bound(low), high=_bound(high), unit=ind.unit, indicator=ind.code)


def check_references(parsed: ParsedProgram, known: Known, log: ProblemLog) -> None:
    """Log every code in ``parsed`` that names nothing ``known``."""
    pkg = parsed.package
    loose = known.loose
    indicators = set(known.indicators) | loose.get("indicators", frozenset())
    sources = set(known.sources) | loose.get("sources", frozenset())
    territories = set(known.territories) | loose.get("territories", frozenset())

    def need(path: Path, code: str | None, pool: object, what: str, kind: str) -> None:
        if code is not None and code not in pool:  # type: ignore[operator]
            log.add(
                parsed.label,
                parsed.line(path),
                dotted(path),
                code,
                Expected(f"expected.declared_{what}"),
                kind,
            )

    raw = parsed.doc.data.get("program") if isinstance(parsed.doc.data, dict) else None
    # a program with problems of its own still names its code: judge indicator ownership by that
    program_code = pkg.program.code if pkg.program else (raw.get("code") if isinstance(raw, dict) else None)
    if pkg.program is not None:
        need(("program", "owner"), pkg.program.owner, known.agencies, "agency", "unknown_agency")
    for ind, path in zip(pkg.indicators, parsed.origins.get("indicators", [])):
        need(path + ("agency",), ind.agency, known.agencies, "agency", "unknown_agency")
        need(path + ("source",), ind.source, sources, "source", "unknown_source")
        if ind.ratio is not None:
            need(
                path + ("ratio", "numerator"),
                ind.ratio.numerator,
                indicators,
                "indicator",
                "unknown_indicator",
            )
            need(
                path + ("ratio", "denominator"),
                ind.ratio.denominator,
                indicators,
                "indicator",
                "unknown_indicator",
            )
        if ind.continues is not None and (pkg.program is not None or raw is None):
            check_continues(
                parsed, path + ("continues",), ind.continues, program_code, known, indicators, log
            )
        owner = known.stored_owner.get(ind.code, program_code)
        if owner != program_code:
            log.add(
                parsed.label,
                parsed.line(path + ("code",)),
                dotted(path + ("code",)),
                ind.code,
                Expected("expected.indicator_owner", owner=owner)
                if owner
                else Expected("expected.indicator_owner_reference"),
                "indicator_owner",
            )
    for c, path in zip(pkg.commitments, parsed.origins.get("commitments", [])):
        need(path + ("indicator",), c.indicator, indicators, "indicator", "unknown_indicator")
        promised = known.indicators.get(c.indicator)
        if promised is not None and not promised.allowed_range[0] <= c.value <= promised.allowed_range[1]:
            log.add(
                parsed.label,
                parsed.line(path + ("value",)),
                dotted(path + ("value",)),
                c.value,
                range_expected(promised),
                "out_of_range",
            )
        need(path + ("territory",), c.territory, territories, "territory", "unknown_territory")
    for b, path in zip(pkg.budgets, parsed.origins.get("budgets", [])):
        need(path + ("source",), b.source, sources, "source", "unknown_source")
        for i, code in enumerate(b.indicators):
            need(path + ("indicators", i), code, indicators, "an indicator", "unknown_indicator")


def check_shared_indicators(programs: list[tuple[str | None, str, ParsedProgram]], log: ProblemLog) -> None:
    """Log an indicator code that two packages of one import declare for different programs.

    ``programs`` holds (program code, package name, parsed ``program.yaml``) in import order; the later
    declaration is the one reported, naming the package of the first.
    """
    first: dict[str, tuple[str | None, str]] = {}
    for code, name, parsed in programs:
        for ind, path in zip(parsed.package.indicators, parsed.origins.get("indicators", [])):
            owner = first.setdefault(ind.code, (code, name))
            if owner[0] != code:
                log.add(
                    parsed.label,
                    parsed.line(path + ("code",)),
                    dotted(path + ("code",)),
                    ind.code,
                    Expected("expected.indicator_once", other=owner[1]),
                    "indicator_owner",
                )
