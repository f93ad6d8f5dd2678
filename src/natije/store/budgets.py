"""Budget lines: every version of every line of a program, never updated (new versions only).

A line is identified by program, goal, line code, funding, currency, linked indicators, year and stage
(:attr:`natije.domain.budgets.BudgetLine.key`). Writing a package stores each entry that is not yet a stored
version of its line as the line's next version, so re-importing a package changes nothing and a changed
amount keeps the earlier one beside it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from natije.domain.budgets import BudgetLine, BudgetStage, Funding
from natije.store import tables as T
from natije.store.commitments import known_indicators
from natije.store.staging import code_ids

#: The key columns of ``budget_lines`` (besides program_id), in the order of :func:`stored_key`.
KEY_COLUMNS = ("goal", "line", "funding", "currency", "indicators", "year", "stage")


def indicators_key(codes: Iterable[str]) -> str:
    """The stored form of a line's linked indicators: sorted codes joined by ';' ('' for none)."""
    return ";".join(sorted(codes))


def stored_key(b: BudgetLine) -> tuple[Any, ...]:
    """A line's key as its columns hold it ('' for none)."""
    return (
        b.goal or "",
        b.line or "",
        b.funding.value if b.funding else "",
        b.currency,
        indicators_key(b.indicators),
        b.year,
        b.stage.value,
    )


def write_budgets(conn: Connection, program_id: int, lines: Iterable[BudgetLine], now: datetime) -> int:
    """Store each budget entry not yet stored as the next version of its line; return the new versions.

    An entry equal to a stored version of its line (same amount and decision date) is skipped. Entries are
    taken in decision order (undated first), so versions number amounts in the order they were decided.
    """
    items = sorted(lines, key=lambda b: (b.decided_on or date.min, b.version))
    if not items:
        return 0
    ids = code_ids(conn, "indicators")
    known_indicators(ids, (code for b in items for code in b.indicators), "budgets")
    t = T.budget_lines
    versions: dict[tuple[Any, ...], list[tuple[float, date | None, int]]] = {}
    for r in conn.execute(select(t).where(t.c.program_id == program_id)).mappings():
        versions.setdefault(tuple(r[c] for c in KEY_COLUMNS), []).append(
            (r["amount"], r["decided_on"], r["version"])
        )
    new: list[dict[str, Any]] = []
    links: dict[tuple[Any, ...], list[int]] = {}
    for b in items:
        key = stored_key(b)
        stored = versions.setdefault(key, [])
        if any(a == b.amount and d == b.decided_on for a, d, _ in stored):
            continue
        version = max((n for *_, n in stored), default=0) + 1
        stored.append((b.amount, b.decided_on, version))
        new.append(
            dict(
                zip(KEY_COLUMNS, key),
                program_id=program_id,
                version=version,
                amount=b.amount,
                source=b.source,
                decided_on=b.decided_on,
                document=b.document,
                recorded_at=now,
            )
        )
        if b.indicators:
            links[(*key, version)] = sorted({ids[code] for code in b.indicators})
    if new:
        conn.execute(insert(t), new)  # one statement for all lines; their ids are read back for the links
    if links:
        line_ids = {
            tuple(r[c] for c in (*KEY_COLUMNS, "version")): r["id"]
            for r in conn.execute(
                select(t.c.id, *(t.c[c] for c in KEY_COLUMNS), t.c.version).where(
                    t.c.program_id == program_id
                )
            ).mappings()
        }
        conn.execute(
            insert(T.budget_indicators),
            [{"budget_line_id": line_ids[k], "indicator_id": i} for k, found in links.items() for i in found],
        )
    return len(new)


def budget_of(r: Any, program: str) -> BudgetLine:
    """The :class:`BudgetLine` version a ``budget_lines`` row holds."""
    return BudgetLine(
        program,
        r["year"],
        BudgetStage(r["stage"]),
        r["amount"],
        r["currency"],
        r["goal"] or None,
        tuple(r["indicators"].split(";")) if r["indicators"] else (),
        r["source"],
        r["line"] or None,
        Funding(r["funding"]) if r["funding"] else None,
        r["decided_on"],
        r["document"],
        r["version"],
    )


def read_budgets(conn: Connection, program_id: int, program: str) -> tuple[BudgetLine, ...]:
    """Every version of every budget line of a program, by year, goal, line, funding,
    currency, stage, version."""
    t = T.budget_lines
    rows = conn.execute(
        select(t)
        .where(t.c.program_id == program_id)
        .order_by(
            t.c.year, t.c.goal, t.c.line, t.c.funding, t.c.currency, t.c.indicators, t.c.stage, t.c.version
        )
    ).mappings()
    return tuple(budget_of(r, program) for r in rows)
