"""``continues``: an indicator carrying on an indicator of one of its program's predecessors (lineage).

Unlike a predecessor program, which may be imported later, the continued indicator must be known when the
successor is imported (declared in the same import or already in the store), and it must belong to a program
of the chain — else lineage could not use it, and a mistyped code would pass unnoticed.
"""

from __future__ import annotations

from natije.errors import Expected
from natije.ingest.known import Known
from natije.ingest.problems import ProblemLog
from natije.ingest.program_yaml import ParsedProgram
from natije.ingest.yaml_source import Path, dotted


def check_continues(
    parsed: ParsedProgram,
    path: Path,
    code: str,
    program: str | None,
    known: Known,
    indicators: set[str],
    log: ProblemLog,
) -> None:
    """``continues`` must name an indicator of one of ``program``'s predecessors (transitively)."""
    if code in known.loose.get("indicators", frozenset()) and code not in known.indicators:
        return  # declared with problems of its own, already reported: its program is not judged
    ancestors = known.ancestors(program)
    if code in indicators and known.indicator_program.get(code) in ancestors:
        return
    expected = (
        Expected("expected.predecessor_indicator", programs=", ".join(ancestors))
        if ancestors
        else Expected("expected.predecessors_none")
    )
    log.add(
        parsed.label,
        parsed.line(path),
        dotted(path),
        code,
        expected,
        "unknown_indicator" if code not in indicators else "continues",
    )
