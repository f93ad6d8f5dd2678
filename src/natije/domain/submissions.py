"""Values an agency submits and an approver decides on: the states, the submitted row, the decision rules.

A submitted value waits (``pending``) until an approver of its agency approves it (``approved``: merged into
the published observations) or returns it with a reason (``returned``). Submitting the same indicator,
territory and period again replaces a pending or returned row (``superseded``). Pure: no store, no I/O.

Examples
--------
>>> decision_problems("pending", approve=False, reason="")[0].code
'reason_required'
>>> decision_problems("pending", approve=True, reason=None, corrects_published=False)
[]
>>> decision_problems("approved", approve=True, reason=None)[0].code
'not_pending'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from natije.errors import Expected, Problem

STATES = ("pending", "approved", "returned", "superseded")
"""Every state of a submitted value, in the order it can reach them."""

OPEN_STATES = ("pending", "returned")
"""States a new submission of the same indicator, territory and period supersedes."""

CHANNELS = ("form", "xlsx", "api")
"""How values arrive: typed in a form, uploaded in the XLSX template, or posted to the API."""

REASON_MAX = 2000
"""The longest reason an approver may give (characters)."""


@dataclass(frozen=True)
class SubmittedRow:
    """One submitted value with its decision (codes, not store ids)."""

    id: int
    submission_id: int
    agency: str
    indicator: str
    territory: str
    period: str
    value: float
    note: str | None
    source: str | None
    state: str
    submitted_by: str
    submitted_at: datetime
    channel: str
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None
    observation_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (times as ISO text)."""
        out = asdict(self)
        for k in ("submitted_at", "decided_at"):
            out[k] = out[k].isoformat() if out[k] is not None else None
        return out


@dataclass(frozen=True)
class RowResult:
    """What a submission did with one of its rows: its row number, state and submitted value's id."""

    row: int
    state: str
    value_id: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def clean_reason(reason: str | None) -> str | None:
    """``reason`` stripped; ``None`` when empty."""
    text = (reason or "").strip()
    return text or None


def decision_problems(
    state: str,
    *,
    approve: bool,
    reason: str | None,
    corrects_published: bool = False,
    value_id: int | None = None,
) -> list[Problem]:
    """Why a decision on a value in ``state`` cannot be taken (empty: it can).

    Only a pending value is decided; returning one needs a reason; approving one that changes a published
    value (a correction) needs a reason too, which its revision records. A reason is at most
    :data:`REASON_MAX` characters.
    """
    problems = []
    where = "value_id"
    if state != "pending":
        problems.append(
            Problem(
                "decision",
                None,
                where,
                value_id,
                Expected("expected.value_pending", state=state),
                "not_pending",
            )
        )
    text = clean_reason(reason)
    if text is None and (not approve or corrects_published):
        key = "expected.return_reason" if not approve else "expected.correction_reason"
        problems.append(Problem("decision", None, "reason", value_id, Expected(key), "reason_required"))
    if text is not None and len(text) > REASON_MAX:
        problems.append(
            Problem(
                "decision",
                None,
                "reason",
                len(text),
                Expected("expected.reason_length", max=REASON_MAX),
                "reason",
            )
        )
    return problems


__all__ = [
    "CHANNELS",
    "OPEN_STATES",
    "REASON_MAX",
    "STATES",
    "RowResult",
    "SubmittedRow",
    "clean_reason",
    "decision_problems",
]
