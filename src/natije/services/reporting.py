"""The inquiry report of one program: was its result analysed, what came of it, what was its impact.

:func:`report` freezes the request (:class:`ReportRequest`), gathers every part from the other services —
results, flags and scorecard, targets' versions, budget and cost per unit of result, lineage, stored
evaluations in words, the data's coverage and what could still be evaluated — and writes the document with the
renderer of the asked format (:mod:`natije.reports.render`). Nothing in it is generated text: every sentence
is a catalog template with the store's numbers filled in, so the same store and ``as_of`` give the same bytes.

Examples
--------
>>> from datetime import date
>>> from natije.services.demo import load_demo
>>> from natije.store import Store
>>> store = Store.open("sqlite://")
>>> _ = load_demo(store)
>>> md = report(store, ReportRequest("AI2023", lang="en", format="md", as_of=date(2026, 1, 31))).decode()
>>> md.splitlines()[0]
'# National project "Affordable Internet" (AI2023)'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from natije.locale import t
from natije.reports.content import EvaluationPart, IndicatorPart, ReportContent, ReportRequest

__all__ = ["ReportRequest", "assemble", "report"]
from natije.services import catalog, evaluation, figures, indicators, monitoring
from natije.services.coverage import coverage_of
from natije.services.evaluability import program_evaluability
from natije.services.evaluability_words import describe_evaluability
from natije.services.evaluation_words import describe
from natije.store import Store


def _versions(series: indicators.IndicatorSeries) -> list[dict[str, Any]]:
    """Each version of each national target, with the days it was in force (to the next version's
    decision)."""
    targets = series.national_commitments().filter(pl.col("kind") == "target").sort("period", "version")
    rows = targets.to_dicts()
    for row, after in zip(rows, [*rows[1:], {}], strict=False):
        row["until"] = after["decided_on"] if after.get("period") == row["period"] else None
        row["first"] = row["version"] == 1
    return rows


def source_text(source: Any, lang: str) -> str:
    """A source as a note names it: its title, its address, and its kind unless it is official."""
    if source is None:
        return "—"
    text = source.title + (f", {source.url}" if source.url else "")
    kind = source.kind.value
    return text if kind == "official" else f"{text} ({t('source_kind.' + kind, lang)})"


def _with_notes(
    rows: list[dict[str, Any]], name: str, sources: dict[str, str], known: dict[str, Any], lang: str
) -> None:
    """Give each target row the notes its target and its actual link to (what set it, where it comes from)."""
    for row in rows:
        row["target_note"] = t(
            "report.note.target",
            lang,
            indicator=name,
            period=row["period"],
            version=row.get("target_version") or row.get("version"),
            document=row.get("target_document") or row.get("document") or "—",
        )
        row["forecast_note"] = t("report.note.forecast", lang, indicator=name)
        period = row.get("actual_period") or row["period"]
        row["actual_note"] = t(
            "report.note.actual",
            lang,
            indicator=name,
            period=period,
            source=source_text(known.get(sources.get(period, "")), lang),
        )


def _predecessors(
    store: Store, request: ReportRequest, program: _Program, indicator: Any
) -> list[dict[str, Any]]:
    """What the earlier programs of the chain held for the same concept as ``indicator`` (lineage's concept
    rows): each one's national targets in force on the report's day (the last version of each period) and its
    last national value up to that program's last year."""
    row = next((r for r in program.lineage if _cell_code(r, request.program) == indicator.code), None)
    chain = program.chain
    earlier = chain[: chain.index(request.program)] if request.program in chain else ()
    found = []
    for before in earlier:
        code = _cell_code(row, before)
        if code is None:
            continue
        series = program.series(code)
        targets = series.national_commitments().filter(pl.col("kind") == "target").sort("period", "version")
        end = program.ends.get(before, 9999)
        values = series.national_series().filter(
            pl.col("value").is_not_null() & (pl.col("period").str.slice(0, 4).cast(pl.Int32) <= end)
        )
        found.append(
            {
                "program": before,
                "code": code,
                "name": series.names.get(request.lang) or code,
                "unit": series.unit,
                "targets": list({t["period"]: t for t in targets.to_dicts()}.values()),
                "last": values.row(-1, named=True) if values.height else None,
                "url": request.link(f"indicators/{code}"),
            }
        )
    return found


def _cell_code(row: dict[str, Any] | None, program: str) -> str | None:
    cell = (row or {}).get("cells", {}).get(program)
    return None if cell is None else cell["indicator"]


@dataclass(frozen=True)
class _Program:
    """What every indicator's part reads of its program: its frames (every observation, read once), the day's
    snapshot, the sources by code, coverage rows and evaluability by indicator, the lineage by concept, the
    chain of programs and each one's last year."""

    frames: Any
    snapshot: Any
    sources: dict[str, Any]
    coverage: dict[str, dict[str, Any]]
    assessed: dict[str, Any]
    lineage: list[dict[str, Any]]
    chain: tuple[str, ...]
    ends: dict[str, int]  # program → its last year

    def series(self, code: str) -> indicators.IndicatorSeries:
        """An indicator of the program or of a predecessor, from the program's frames (read once)."""
        return indicators.series_in(self.frames, code)


def _indicator_part(store: Store, request: ReportRequest, program: _Program, indicator: Any) -> IndicatorPart:
    snapshot, known = program.snapshot, program.sources
    rows = figures.national_rows(snapshot, indicator.code)
    series = program.series(indicator.code)
    chart = figures.series_of(series, request.lang, rows)
    national = series.national_series()
    sources = {r["period"]: r["source"] for r in national.iter_rows(named=True) if r["source"]}
    versions = _versions(series)
    name = indicator.names.to_dict().get(request.lang) or indicator.code
    _with_notes(rows, name, sources, known, request.lang)
    _with_notes(versions, name, sources, known, request.lang)
    return IndicatorPart(
        indicator=indicator,
        rows=rows,
        versions=versions,
        flags=snapshot.flags.filter(pl.col("indicator") == indicator.code).to_dicts(),
        chart=chart,
        sources=sources,
        url=request.link(f"indicators/{indicator.code}"),
        coverage=program.coverage.get(indicator.code),
        evaluability=program.assessed.get(indicator.code),
        predecessors=_predecessors(store, request, program, indicator),
    )


def _evaluation_part(record: Any, request: ReportRequest) -> EvaluationPart:
    return EvaluationPart(
        record,
        describe(record.result, request.lang),
        figures.effects_of(dict(record.result), request.lang),
        request.link(f"evaluations/{record.id}"),
    )


def assemble(store: Store, request: ReportRequest) -> ReportContent:
    """Every part of the report of ``request.program``; raises ``NotFound``, ``ValidationError``."""
    details = catalog.show_program(store, request.program)
    snapshot = monitoring.program_snapshot(store, request.program, request.as_of, request.basis)
    day = request.as_of or monitoring.today()
    frames = monitoring.load_frames(store, request.program, request.as_of, observations="all")
    coverage = coverage_of(frames)
    lineage = monitoring.program_lineage(store, request.program, request.as_of, lang=request.lang)
    program = _Program(
        frames,
        snapshot,
        {source.code: source for source in details.sources},
        {row["indicator"]: row for row in coverage.table.to_dicts()},
        {
            item.indicator: (item, describe_evaluability(item, request.lang))
            for item in program_evaluability(store, request.program, request.as_of)
        },
        monitoring.lineage_by_concept(lineage, details.lineage),
        details.lineage,
        {p.code: p.end_year for p in catalog.list_programs(store)},
    )
    parts = [_indicator_part(store, request, program, i) for i in details.indicators]
    records = [
        r
        for r in evaluation.history(store, request.program)
        if request.as_of is None or r.created_at.date() <= request.as_of
    ]
    return ReportContent(
        request=request,
        day=day,
        program=details,
        scorecard=snapshot.scorecard,
        indicators=parts,
        flags=snapshot.flags.to_dicts(),
        budget=snapshot.budget.sort("currency", "year").to_dicts(),
        budget_chart=figures.budget_of(snapshot, request.lang) if snapshot.budget.height else None,
        costs=monitoring.program_costs(store, request.program, request.as_of, request.basis).to_dicts(),
        lineage=program.lineage,
        evaluations=[_evaluation_part(r, request) for r in sorted(records, key=lambda r: r.id or 0)],
        sources=program.sources,
        coverage=coverage,
    )


def report(store: Store, request: ReportRequest) -> bytes:
    """The report of ``request.program`` in ``request.format``: UTF-8 HTML or Markdown, or PDF bytes.
    Raises ``NotFound`` (no such program), ``ValidationError`` (nothing known on ``as_of``)."""
    from natije.reports.render import render

    return render(assemble(store, request))
