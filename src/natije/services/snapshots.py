"""A program's view on one day — results of every territory, flags, scorecard, budget — computed or stored.

:func:`compute` runs the results engine. The present view (no ``as_of``, targets in force) is also stored, as
a row of ``result_snapshots`` (:mod:`natije.store.snapshots`) keyed by the program, the day it was judged on,
the store version and the natije version: an import computes it for the programs it changes inside its own
transaction (:func:`refresh`), and a reader that finds none for today computes and keeps it (:func:`keep`).
Reading it back (:func:`read`) needs Polars and the store only, neither NumPy nor the engine.

Frames are stored as Arrow IPC streams, which give back the same dtypes (enums and dates too), nulls and
values; the scorecard as JSON, with dates tagged and its tuples restored, so it too comes back equal.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import polars as pl
from sqlalchemy import Connection

from natije import __version__
from natije.errors import NatijeError
from natije.results.scorecard import Scorecard
from natije.store import snapshots as stored
from natije.store.session import CANNOT_WRITE
from natije.store.successors import descendants

if TYPE_CHECKING:
    from natije.store import Store

log = logging.getLogger(__name__)

WAIT_MS = 200
"""How long a reader waits for another writer (an import) before it leaves a snapshot unwritten."""


@dataclass(frozen=True)
class ProgramSnapshot:
    """Everything the pages show about one program on one day, from one load of its frames.

    ``results`` holds every territory's rows (national rows are those whose territory is in ``national``);
    ``scorecard`` is judged on the same ``basis`` as ``results``; ``as_of`` is ``None`` for the present view.
    """

    code: str
    as_of: date | None
    basis: str
    results: pl.DataFrame
    flags: pl.DataFrame
    scorecard: Scorecard
    national: tuple[str, ...]
    budget: pl.DataFrame  # by year and currency: planned, approved, executed, rate (versions known on as_of)


def compute(
    conn: Connection, code: str, as_of: date | str | None, basis: str, today: date
) -> ProgramSnapshot:
    """Run the engine on the frames of ``code`` read through ``conn`` (an import's transaction sees its own
    writes); without ``as_of`` every answer is judged on ``today``. Raises NotFound, ValidationError."""
    from natije.results.asof import as_date
    from natije.results.budget import execution
    from natije.results.engine import national_codes, results_with_flags
    from natije.results.scorecard import scorecard
    from natije.store.frames import load_program_frames

    day = as_date(as_of)
    frames = load_program_frames(conn, code, as_of=day, observations="results", today=today)
    table, flag_frame = results_with_flags(frames, as_of=day, basis=basis)
    card = scorecard(frames, as_of=as_of, results=table, flag_frame=flag_frame)
    budgets = known_budgets(frames.budgets, code, day)
    return ProgramSnapshot(
        code,
        day,
        basis,
        table,
        flag_frame,
        card,
        tuple(national_codes(frames.territories)),
        execution(budgets, by=("year",)),
    )


def known_budgets(budgets: pl.DataFrame, code: str, day: date | None) -> pl.DataFrame:
    """The budget versions of program ``code`` known on ``day`` (amounts decided later were not known yet)."""
    mine = budgets.filter(pl.col("program") == code)
    if day is None:
        return mine
    return mine.filter(pl.col("decided_on").is_null() | (pl.col("decided_on") <= day))


def read(conn: Connection, code: str, today: date, version: str) -> ProgramSnapshot | None:
    """The stored present view of ``code`` judged on ``today`` at store version ``version``, or ``None``."""
    row = stored.read_snapshot(conn, _key(code, today, version))
    if row is None:
        return None
    return ProgramSnapshot(
        code,
        None,
        "current",
        _frame(row.results),
        _frame(row.flags),
        _card(row.scorecard),
        tuple(json.loads(row.national)),
        _frame(row.budget),
    )


def keep(store: Store, snapshot: ProgramSnapshot, today: date, version: str) -> bool:
    """Store the present view a reader computed (and drop the program's snapshots it supersedes); ``False``
    when the store cannot be written now — read-only, or another writer held it longer than
    :data:`WAIT_MS` — and the answer is served without being kept."""
    row = encode(snapshot, today, version)
    try:
        with store.skippable_transaction(WAIT_MS) as conn:
            stored.write_snapshots(conn, [row])
            stored.drop_older_snapshots(conn, row.key)
    except CANNOT_WRITE as exc:
        log.info("result snapshot of %s not kept: %s", snapshot.code, exc.orig)
        return False
    return True


def refresh(conn: Connection, changed: Iterable[str | None], today: date) -> list[str]:
    """Inside an import's transaction, once it has written: replace every stored snapshot by the present views
    of the programs whose answers the import can have changed — those in ``changed``, their successors, and
    the programs that succeed their predecessors (whose dropped concepts a successor may carry), or every
    program when ``changed`` holds ``None`` (a package without a program: territories, weights) —
    at the version the import leaves. Returns their codes. A program the engine cannot answer for gets no
    snapshot (its readers get the engine's error)."""
    from natije.store.reads import list_programs

    codes = affected({p.code: tuple(p.predecessors) for p in list_programs(conn)}, set(changed))
    version = stored.store_version(conn)
    stored.drop_all_snapshots(conn)
    rows, kept = [], []
    for code in codes:
        try:
            snapshot = compute(conn, code, None, "current", today)
        except NatijeError:
            continue
        rows.append(encode(snapshot, today, version))
        kept.append(code)
    stored.write_snapshots(conn, rows)
    return kept


def affected(predecessors: dict[str, Sequence[str]], changed: set[str | None]) -> list[str]:
    """The programs (of ``predecessors``: code → its predecessors) whose frames read what changed: every
    program that the changed programs or their predecessors lead to (a program's frames hold its chain and the
    programs after any of its chain: ``ProgramFrames.successors``), or all of them when ``None`` (shared data)
    changed.

    >>> affected({"A": (), "B": ("A",), "C": ("B",), "D": (), "E": ("D",)}, {"B"})
    ['A', 'B', 'C']
    """
    if None in changed:
        return sorted(predecessors)
    out = {c for c in changed if c in predecessors}
    todo = list(out)
    while todo:  # upwards first: the changed programs' predecessors, transitively
        for p in predecessors.get(todo.pop(), ()):
            if p in predecessors and p not in out:
                out.add(p)
                todo.append(p)
    return sorted(out.union(descendants(predecessors, out)))


def encode(snapshot: ProgramSnapshot, today: date, version: str) -> stored.SnapshotRow:
    """The row that stores ``snapshot`` (a present view judged on ``today``) at store version ``version``."""
    return stored.SnapshotRow(
        _key(snapshot.code, today, version),
        _ipc(snapshot.results),
        _ipc(snapshot.flags),
        _ipc(snapshot.budget),
        json.dumps(snapshot.scorecard.to_dict(), ensure_ascii=False, default=_tag),
        json.dumps(list(snapshot.national)),
    )


def _key(code: str, today: date, version: str) -> stored.SnapshotKey:
    return stored.SnapshotKey(code, today, version, __version__)


def _ipc(frame: pl.DataFrame) -> bytes:
    out = io.BytesIO()
    frame.write_ipc_stream(out, compression="zstd")
    return out.getvalue()


def _frame(data: bytes) -> pl.DataFrame:
    # the stream format is read directly; the file format would go through a query plan (ten times slower)
    return pl.read_ipc_stream(io.BytesIO(data))


_DATE, _DATETIME = "$date", "$datetime"
_TUPLES = ("money_by_currency", "worst_flags", "dropped", "rows")  # the Scorecard fields that are tuples


def _tag(value: object) -> dict[str, str]:
    """Dates and datetimes as one-key objects JSON cannot confuse with a scorecard's own dicts."""
    if isinstance(value, datetime):
        return {_DATETIME: value.isoformat()}
    if isinstance(value, date):
        return {_DATE: value.isoformat()}
    raise TypeError(f"a scorecard value of type {type(value).__name__} cannot be stored")


def _untag(obj: dict[str, Any]) -> Any:
    if len(obj) == 1 and _DATETIME in obj:
        return datetime.fromisoformat(obj[_DATETIME])
    if len(obj) == 1 and _DATE in obj:
        return date.fromisoformat(obj[_DATE])
    return obj


def _card(text: str) -> Scorecard:
    data: dict[str, Any] = json.loads(text, object_hook=_untag)
    for name in _TUPLES:
        data[name] = tuple(data[name])
    return Scorecard(**data)
