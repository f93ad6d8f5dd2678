"""Agencies submit values, approvers approve or return them; only approved values are published.

Every path (form, XLSX, API) hands :func:`submit` a frame with the ``observations.csv`` columns, checked by
the same vectorised checks as ``natije import`` (:func:`natije.ingest.validate.check_batch` against the
store's catalog) plus the submitter's own agency: every problem comes back at once and nothing is stored. A
submission stores its values ``pending`` (in ``submitted_values``, never in ``observations``); :func:`decide`
approves them, merging them into the published observations through the import's own merge in one transaction
with their new state (a changed published value becomes a revision with the reason, the approver its author),
refreshing the stored results and signing the log; or returns them with a reason. Permissions come from
:mod:`natije.domain.access` alone.

Examples
--------
>>> import polars as pl
>>> from natije.domain.access import Principal
>>> from natije.services.demo import load_demo
>>> from natije.store import Store
>>> store = Store.open("sqlite://"); _ = load_demo(store)
>>> clerk = Principal("reporter", agency="MTC", name="aigerim")
>>> rows = pl.DataFrame({"indicator": ["IK2020.FIXED_BROADBAND"], "territory": ["000000000"],
...                      "period": ["2025"], "value": ["21.5"]})
>>> answer = submit(store, clerk, rows, "api", idempotency_key="k1")
>>> [r.state for r in answer.rows], submit(store, clerk, rows, "api", idempotency_key="k1") == answer
(['pending'], True)
>>> boss = Principal("approver", agency="MTC", name="bolat")
>>> decide(store, boss, [answer.rows[0].value_id], approve=True, reason=None).state
'approved'
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import polars as pl
from sqlalchemy.exc import IntegrityError

from natije.domain.access import Principal, allowed, require
from natije.domain.indicators import Indicator
from natije.domain.submissions import CHANNELS, RowResult, SubmittedRow, clean_reason, decision_problems
from natije.domain.territories import Territory, TerritoryLevel
from natije.errors import Expected, NotFound, Problem, Text, ValidationError, choice
from natije.ingest.duplicates import report_duplicates
from natije.ingest.known import Known
from natije.ingest.problems import ProblemLog
from natije.ingest.readers import OBSERVATIONS
from natije.ingest.validate import check_batch
from natije.services import monitoring, snapshots
from natije.services.ledger_keys import checkpoint_in, signing_key
from natije.services.supply import AgencyDue, agency_due
from natije.services.xlsx_template import TemplateIndicator, TemplateSpec, TemplateTerritory
from natije.store import Store
from natije.store import submissions as rows_store
from natije.store.catalog import lookup_catalog
from natije.store.imports import record_import
from natije.store.ledger_log import log_for
from natije.store.observations import merge_observations

__all__ = [
    "AgencyDue",
    "Decision",
    "Desk",
    "PendingChange",
    "RowResult",
    "Submission",
    "SubmissionAnswer",
    "SubmittedRow",
    "ValueHistory",
    "decide",
    "desk",
    "due",
    "history",
    "pending",
    "pending_changes",
    "returned",
    "submission",
    "submit",
    "template_spec",
]

LABEL = "rows"
"""The ``file`` a submission's problems name: the rows of the request."""

KEY_MAX = 255


@dataclass(frozen=True)
class SubmissionAnswer:
    """What a submission stored: its id and, per row, the row number, state and submitted value's id.

    ``replayed`` is True when this is the stored answer to an earlier request with the same idempotency key.
    """

    submission: int
    rows: tuple[RowResult, ...]
    replayed: bool = field(default=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {"submission": self.submission, "rows": [r.to_dict() for r in self.rows]}

    @classmethod
    def from_dict(cls, data: dict[str, Any], replayed: bool = False) -> SubmissionAnswer:
        rows = tuple(RowResult(int(r["row"]), str(r["state"]), int(r["value_id"])) for r in data["rows"])
        return cls(int(data["submission"]), rows, replayed)


@dataclass(frozen=True)
class Decision:
    """What a decision did: the new ``state`` of the values, their ids, the reason, and (for an approval) how
    many observations it added and revised."""

    state: str
    value_ids: tuple[int, ...]
    reason: str | None
    inserted: int = 0
    revised: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "value_ids": list(self.value_ids)}


@dataclass(frozen=True)
class ValueHistory:
    """One value's history: the published revisions (everyone who may read it) and, for who may read the
    full history, every submission of it (returned and superseded ones too; ``None`` otherwise)."""

    indicator: str
    territory: str
    period: str
    published: tuple[dict[str, Any], ...]
    submitted: tuple[SubmittedRow, ...] | None

    def to_dict(self) -> dict[str, Any]:
        published = [
            {**p, "recorded_at": p["recorded_at"].isoformat() if p["recorded_at"] else None}
            for p in self.published
        ]
        submitted = None if self.submitted is None else [s.to_dict() for s in self.submitted]
        return {
            "indicator": self.indicator,
            "territory": self.territory,
            "period": self.period,
            "published": published,
            "submitted": submitted,
        }


@dataclass(frozen=True)
class Submission:
    """One submission as it stands: who sent it, when, by which channel, and its values' current states."""

    id: int
    agency: str
    channel: str
    submitted_by: str
    submitted_at: datetime
    row_count: int
    values: tuple[SubmittedRow, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            **{k: v for k, v in self.__dict__.items() if k != "values"},
            "submitted_at": self.submitted_at.isoformat(),
            "values": [v.to_dict() for v in self.values],
        }


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _frame(rows: pl.DataFrame) -> pl.DataFrame:
    """``rows`` with every observations.csv column as text (missing optional ones null) and a ``row`` number
    (as given, else the spreadsheet's: the header is row 1)."""
    missing = [c for c in OBSERVATIONS.required if c not in rows.columns]
    if missing:
        required = ", ".join(OBSERVATIONS.required)
        expected = Expected("expected.column_required", column=missing[0], required=required)
        raise ValidationError(Problem(LABEL, None, missing[0], None, expected, "missing_column"))
    unknown = [c for c in rows.columns if c not in (*OBSERVATIONS.columns, "row")]
    if unknown:
        expected = Expected("expected.only_columns", columns=", ".join(OBSERVATIONS.columns))
        raise ValidationError(Problem(LABEL, None, unknown[0], unknown[0], expected, "unknown_column"))
    if rows.height == 0:
        raise ValidationError(Problem(LABEL, None, None, 0, Expected("expected.rows_given"), "empty"))
    numbered = rows if "row" in rows.columns else rows.with_row_index("row", offset=2)
    return numbered.select(
        *(
            pl.col(c).cast(pl.String) if c in rows.columns else pl.lit(None, pl.String).alias(c)
            for c in OBSERVATIONS.columns
        ),
        pl.col("row").cast(pl.Int64),
    )


def _digest(agency: str, frame: pl.DataFrame) -> str:
    """SHA-256 of the canonical request: the agency and the rows' text, in order."""
    body = {"agency": agency, "rows": frame.rows()}
    return hashlib.sha256(json.dumps(body, ensure_ascii=False).encode()).hexdigest()


def _checked(store: Store, frame: pl.DataFrame, agency: str) -> pl.DataFrame:
    """The rows checked as ``natije import`` checks observations, plus their indicators' agency; every problem
    at once, or the rows normalised for the store."""
    with store.connect() as conn:
        known = Known.merge(lookup_catalog(conn), [])
    log = ProblemLog()
    clean = check_batch(frame.drop("status", "as_of"), known, LABEL, log)
    owner = pl.DataFrame(
        {"indicator": list(known.indicators), "_agency": [i.agency for i in known.indicators.values()]},
        schema={"indicator": pl.String, "_agency": pl.String},
    )
    other = clean.join(owner, on="indicator", how="inner").filter(pl.col("_agency").ne_missing(agency))
    log.add_rows(
        LABEL, other, "indicator", Expected("expected.own_agency_indicator", agency=agency), "agency"
    )
    repeated = clean.filter(pl.col("_key").is_not_null() & pl.col("_key").is_duplicated())
    if repeated.height:
        keys = ("indicator", "territory", "period")
        report_duplicates([repeated.select(*keys, "row", file=pl.lit(LABEL))], keys, log)
    log.raise_if_any()
    return clean.select("indicator", "territory", "period", "period_start", "value", "source", "note", "row")


def _replay(found: tuple[str, dict[str, Any]] | None, digest: str, key: str) -> SubmissionAnswer | None:
    """The stored answer for a retried key; ValidationError when the key came with another body."""
    if found is None:
        return None
    stored, answer = found
    if stored != digest:
        expected = Expected("expected.idempotency_same_body")
        raise ValidationError(Problem("Idempotency-Key", None, None, key, expected, "idempotency_conflict"))
    return SubmissionAnswer.from_dict(answer, replayed=True)


def submit(
    store: Store,
    principal: Principal,
    rows: pl.DataFrame,
    channel: str,
    idempotency_key: str | None = None,
    *,
    now: datetime | None = None,
) -> SubmissionAnswer:
    """Submit ``rows`` (observations.csv columns, as text or numbers) for ``principal``'s agency, pending.

    A ``row`` column, when given, numbers the rows in problems and answers (else 2, 3, …: a spreadsheet's
    rows under its header). ``unit`` converts a value to its indicator's unit as an import does; ``status``
    and ``as_of`` are not taken: a submitted value is pending, and known from when it is approved.

    The same ``idempotency_key`` from the same principal with the same rows returns the first answer
    (``replayed``) and stores nothing again, also when both requests arrive at once.

    Raises
    ------
    PermissionDenied
        When ``principal`` may not submit for an agency (a reporter of its own).
    ValidationError
        Listing every problem of the rows (row, column, value, expected); also for an unknown ``channel`` or
        an idempotency key already used with other rows. Nothing is stored.
    """
    agency = principal.agency or ""
    require(principal, "submit", principal.agency)
    if channel not in CHANNELS:
        raise ValidationError(Problem("channel", None, None, channel, choice(*CHANNELS), "channel"))
    key = idempotency_key or None
    if key is not None and len(key) > KEY_MAX:
        expected = Expected("expected.key_length", max=KEY_MAX)
        raise ValidationError(Problem("Idempotency-Key", None, None, key[:40], expected, "idempotency_key"))
    actor = principal.name or f"{principal.role}:{agency}"
    frame = _frame(rows)
    digest = _digest(agency, frame)
    if key is not None:
        with store.connect() as conn:
            replayed = _replay(rows_store.find_by_key(conn, actor, key), digest, key)
        if replayed is not None:
            return replayed
    clean = _checked(store, frame, agency)
    try:
        with store.transaction() as conn:
            log_for(conn, actor)
            if key is not None:  # under the write lock: a racing request with this key has committed by now
                replayed = _replay(rows_store.find_by_key(conn, actor, key), digest, key)
                if replayed is not None:
                    return replayed
            sid, ids = rows_store.insert_submission(
                conn,
                agency=agency,
                channel=channel,
                actor=actor,
                key=key,
                digest=digest,
                at=now or _now(),
                rows=clean,
            )
            answer = SubmissionAnswer(sid, tuple(RowResult(r, "pending", i) for r, i in ids))
            rows_store.finish_submission(conn, sid, answer.to_dict())
    except IntegrityError:
        if key is None:
            raise
        with store.connect() as conn:  # the same key stored by a racing request: its answer is ours
            replayed = _replay(rows_store.find_by_key(conn, actor, key), digest, key)
        if replayed is None:
            raise
        return replayed
    return answer


def decide(
    store: Store,
    principal: Principal,
    value_ids: Sequence[int],
    approve: bool,
    reason: str | None,
    *,
    now: datetime | None = None,
) -> Decision:
    """Approve (publish) or return the pending submitted values ``value_ids``, all or none.

    An approval merges the values into the published observations in the same transaction as their new state;
    a value that changes a published one becomes a new revision with ``reason`` (required then) and the
    approver as its author. The stored results of the programs concerned are refreshed and the log signed
    (when the store has a key). A return needs a ``reason``.

    Raises
    ------
    NotFound
        When a value id does not exist.
    PermissionDenied
        When ``principal`` may not approve for the agency of one of the values.
    ValidationError
        When a value is not pending, a reason is missing or too long, or two values share a key.
    """
    ids = sorted({int(i) for i in value_ids})
    if not ids:
        raise ValidationError(
            Problem("decision", None, "value_id", None, Expected("expected.rows_given"), "empty")
        )
    text = clean_reason(reason)
    at = now or _now()
    actor = principal.name or principal.role
    key = signing_key(store)
    with store.transaction() as conn:
        log_for(conn, actor)
        found = rows_store.keyed_rows(conn, ids)
        missing = sorted(set(ids) - {r.id for r, *_ in found})
        if missing:
            raise NotFound(Text("error.submitted_value_not_found", id=missing[0]), value_id=missing[0])
        for agency in sorted({r.agency for r, *_ in found}):
            require(principal, "approve", agency)
        published = rows_store.observation_ids(conn, [(i, t, r.period) for r, i, t, _ in found])
        current = rows_store.observation_values(conn, list(published.values()))
        problems: list[Problem] = []
        for r, i, t, _ in found:
            oid = published.get((i, t, r.period))
            corrects = oid is not None and current.get(oid) != r.value
            problems += decision_problems(
                r.state, approve=approve, reason=text, corrects_published=corrects, value_id=r.id
            )
        if approve:
            problems += _repeated_keys([(r, i, t) for r, i, t, _ in found])
        if problems:
            raise ValidationError(problems)
        if not approve:
            rows_store.decide_values(conn, ids, state="returned", by=actor, at=at, reason=text)
            if key is not None:
                checkpoint_in(conn, key)
            return Decision("returned", tuple(ids), text)
        frame = pl.DataFrame(
            {
                "indicator": [r.indicator for r, *_ in found],
                "territory": [r.territory for r, *_ in found],
                "period": [r.period for r, *_ in found],
                "period_start": [p for *_, p in found],
                "value": [r.value for r, *_ in found],
                "source": [r.source for r, *_ in found],
                "note": [r.note for r, *_ in found],
                "as_of": [at] * len(found),
                "status": ["published"] * len(found),
            },
            schema_overrides={"source": pl.String, "note": pl.String, "as_of": pl.Datetime("us")},
        )
        merged = merge_observations(conn, [frame], reason=text or "", author=actor, now=at)
        links = rows_store.observation_ids(conn, [(i, t, r.period) for r, i, t, _ in found])
        observations = {r.id: links[(i, t, r.period)] for r, i, t, _ in found}
        rows_store.decide_values(
            conn, ids, state="approved", by=actor, at=at, reason=text, observations=observations
        )
        programs = {
            p for _, p in rows_store.indicator_agencies(conn, [r.indicator for r, *_ in found]).values()
        }
        if merged.inserted or merged.revised:
            _record_publication(conn, programs, ids, actor, at, merged.inserted, merged.revised)
            snapshots.refresh(conn, programs, monitoring.today())
        if key is not None:
            checkpoint_in(conn, key)
    return Decision("approved", tuple(ids), text, merged.inserted, merged.revised)


def _record_publication(
    conn: Any,
    programs: set[str | None],
    ids: list[int],
    actor: str,
    at: datetime,
    inserted: int,
    revised: int,
) -> None:
    """An approval that changed published values joins the import log, as an import that changed something
    does: a row per program it touched. The store's version (the last row's id) moves with it, so cached
    pages, ETags and result snapshots keyed by it are renewed."""
    digest = hashlib.sha256(json.dumps(["approval", actor, at.isoformat(), ids]).encode()).hexdigest()
    summary = {"approval": {"by": actor, "value_ids": ids, "inserted": inserted, "revised": revised}}
    for program in sorted(programs, key=lambda p: (p is not None, p or "")):
        record_import(conn, package_hash=digest, program=program, summary=summary, now=at)


def _repeated_keys(found: list[tuple[SubmittedRow, int, int]]) -> list[Problem]:
    """Two values of the same indicator, territory and period cannot be published at once."""
    seen: dict[tuple[int, int, str], int] = {}
    problems = []
    for r, i, t in found:
        first = seen.setdefault((i, t, r.period), r.id)
        if first != r.id:
            expected = Expected("expected.one_value_per_key", first=first)
            problems.append(Problem("decision", None, "value_id", r.id, expected, "duplicate_key"))
    return problems


def pending(store: Store, principal: Principal, agency: str) -> list[SubmittedRow]:
    """The values of ``agency`` waiting for a decision, oldest first (PermissionDenied unless the principal
    may read ``agency``'s unpublished values)."""
    require(principal, "read_unpublished", agency)
    with store.connect() as conn:
        return rows_store.list_values(conn, agency=agency, states=("pending",))


def returned(store: Store, principal: Principal, agency: str) -> list[SubmittedRow]:
    """The values of ``agency`` returned and not submitted again, oldest first (as :func:`pending`)."""
    require(principal, "read_unpublished", agency)
    with store.connect() as conn:
        return rows_store.list_values(conn, agency=agency, states=("returned",))


def submission(store: Store, principal: Principal, submission_id: int) -> Submission:
    """The submission ``submission_id`` with its values' current states.

    Raises
    ------
    PermissionDenied
        When ``principal`` may read no unpublished values at all (asked before the submission is looked up),
        or not those of the submission's agency.
    NotFound
        When there is no such submission.
    """
    require(principal, "read_unpublished", principal.agency)
    with store.connect() as conn:
        found = rows_store.get_submission(conn, submission_id)
        if found is None:
            raise NotFound(Text("error.submission_not_found", id=submission_id), submission=submission_id)
        require(principal, "read_unpublished", found["agency"])
        values = rows_store.list_values(conn, submission=submission_id)
    return Submission(
        found["id"],
        found["agency"],
        found["channel"],
        found["actor"],
        found["submitted_at"],
        found["row_count"],
        tuple(values),
    )


def history(store: Store, principal: Principal, indicator: str, territory: str, period: str) -> ValueHistory:
    """The history of one value: its published revisions for anyone who may read published data, and every
    submission of it (returned ones too) for who may read the full history of its agency's values.

    Raises
    ------
    NotFound
        When no indicator has the code ``indicator``.
    PermissionDenied
        When ``principal`` may not read published data.
    """
    require(principal, "read_published")
    with store.connect() as conn:
        owners = rows_store.indicator_agencies(conn, [indicator])
        if indicator not in owners:
            raise NotFound(Text("error.indicator_not_found", indicator=indicator), indicator=indicator)
        agency = owners[indicator][0]
        published = tuple(rows_store.published_history(conn, indicator, territory, period))
        submitted = None
        if allowed(principal, "read_history", agency):
            found = rows_store.list_values(conn, indicator=indicator, territory=territory, period=period)
            submitted = tuple(found)
    return ValueHistory(indicator, territory, period, published, submitted)


due = agency_due
"""``due(store, principal, agency, today=None)``: the periods of ``agency``'s indicators that have ended by
``today``, each with its due day and state (published, pending, returned, overdue or due); see
:func:`natije.services.supply.agency_due`."""


@dataclass(frozen=True)
class PendingChange:
    """A pending value beside the published value it would change (``None``: it would add a new one)."""

    value: SubmittedRow
    published: float | None


def pending_changes(store: Store, principal: Principal, agency: str) -> list[PendingChange]:
    """The values of ``agency`` waiting for a decision (as :func:`pending`), each with the published value of
    its indicator, territory and period that approving it would change."""
    require(principal, "read_unpublished", agency)
    with store.connect() as conn:
        waiting = rows_store.list_values(conn, agency=agency, states=("pending",))
        keys = {r.id: (i, t, r.period) for r, i, t, _ in rows_store.keyed_rows(conn, [r.id for r in waiting])}
        published = rows_store.observation_ids(conn, list(keys.values()))
        current = rows_store.observation_values(conn, list(published.values()))
    return [PendingChange(r, current.get(published.get(keys[r.id], -1))) for r in waiting]


@dataclass(frozen=True)
class Desk:
    """What an agency's reporter works from on ``day``: the periods it owes with their state (``due``, as
    :func:`due`), its indicators, the territories it may report for (the country first, then the regions in
    force), its values waiting for a decision and those returned with a reason."""

    agency: str
    day: date
    due: pl.DataFrame
    indicators: dict[str, Indicator]
    territories: tuple[Territory, ...]
    pending: tuple[SubmittedRow, ...]
    returned: tuple[SubmittedRow, ...]

    @property
    def open(self) -> pl.DataFrame:
        """The due periods without a published value (the ones a value is still wanted for)."""
        return self.due.filter(pl.col("state") != "published")


def desk(store: Store, principal: Principal, agency: str, today: date | None = None) -> Desk:
    """The :class:`Desk` of ``agency`` on ``today`` (default: monitoring's today); PermissionDenied and
    NotFound as :func:`due`."""
    owed = agency_due(store, principal, agency, today)
    with store.connect() as conn:
        catalog = lookup_catalog(conn)
        waiting = rows_store.list_values(conn, agency=agency, states=("pending",))
        back = rows_store.list_values(conn, agency=agency, states=("returned",))
    own = sorted(set(owed.table["indicator"].to_list()))
    indicators = {code: catalog.indicators[code] for code in own if code in catalog.indicators}
    places = [tr for tr in catalog.territories.values() if tr.valid_on(owed.day)]
    country = [tr for tr in places if tr.level == TerritoryLevel.COUNTRY]
    regions = sorted((tr for tr in places if tr.level == TerritoryLevel.REGION), key=lambda tr: tr.code)
    return Desk(agency, owed.day, owed.table, indicators, (*country, *regions), tuple(waiting), tuple(back))


def template_spec(
    store: Store, principal: Principal, agency: str, lang: str, today: date | None = None
) -> TemplateSpec:
    """The XLSX template of ``agency`` in ``lang``: its indicators with a period still owed (not published),
    those periods, the territories of its :class:`Desk`, and a pre-filled row per indicator and owed period
    for the country (PermissionDenied, NotFound as :func:`desk`)."""
    found = desk(store, principal, agency, today)
    owed = found.open
    periods: dict[str, list[str]] = {}
    for indicator, period in owed.select("indicator", "period").iter_rows():
        periods.setdefault(indicator, []).append(period)
    indicators = tuple(
        TemplateIndicator(code, ind.names, ind.unit, ind.frequency, tuple(periods[code]))
        for code, ind in found.indicators.items()
        if code in periods
    )
    territories = tuple(TemplateTerritory(tr.code, tr.names) for tr in found.territories)
    country = next((tr.code for tr in found.territories if tr.level == TerritoryLevel.COUNTRY), None)
    rows = tuple((i.code, country, p) for i in indicators for p in i.periods if country is not None)
    return TemplateSpec(agency, lang, indicators, territories, rows)
