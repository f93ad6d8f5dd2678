"""The shapes of the API's answers, for the OpenAPI document and for tests that hold answers to them.

Strict: a boolean is not a number, a number is not text. Routes build plain dicts from the services; these
models describe them (the tests validate real answers against them).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Names = dict[str, str]
Status = Literal["achieved", "on_track", "at_risk", "off_track", "missed", "insufficient_data", "no_data"]


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class Page(Strict):
    """A list: ``items`` in a stable order, ``next`` the URL of the following page (``null`` on the last)."""

    next: str | None


class Program(Strict):
    code: str
    names: Names
    kind: str
    status: str
    start_year: int
    end_year: int
    owner: str | None
    legal_act: str | Names | None
    repealed_on: str | None
    predecessors: list[str]
    successors: list[str]


class Programs(Page):
    as_of: str | None
    items: list[Program]


class LineageLink(Strict):
    code: str
    in_store: bool


class Goal(Strict):
    code: str
    names: Names
    parent: str | None
    kind: str


class IndicatorDefinition(Strict):
    code: str
    names: Names
    unit: str | None
    direction: str
    kind: str
    level: str
    frequency: str
    goal: str | None
    span: list[str | None]
    agency: str | None
    source: str | None


class Commitment(Strict):
    indicator: str
    kind: str
    period: str
    territory: str | None
    version: int
    value: float | None
    decided_on: str
    document: str | None


class BudgetVersion(Strict):
    year: int
    goal: str | None
    line: str | None
    funding: str | None
    currency: str
    indicators: list[str]
    stage: str
    version: int
    amount: float | None
    decided_on: str | None
    document: str | None
    source: str | None


class ProgramDetail(Program):
    lineage: list[LineageLink]
    goals: list[Goal]
    indicators: list[IndicatorDefinition]
    commitments: list[Commitment]
    budgets: list[BudgetVersion]


class Indicator(IndicatorDefinition):
    program: str


class Indicators(Page):
    items: list[Indicator]


class IndicatorDetail(Indicator):
    commitments: list[Commitment]


class Observation(Strict):
    indicator: str
    territory: str
    period: str
    value: float | None
    illustrative: bool
    source: str | None


class Observations(Page):
    as_of: str | None
    items: list[Observation]


class ResultRow(Strict):
    indicator: str
    territory: str
    period: str
    baseline: float | None
    baseline_period: str | None
    target: float | None
    target_version: int | None
    target_decided_on: str | None
    target_document: str | None
    actual: float | None
    actual_period: str | None
    direction: str
    kind: str
    unit: str | None
    met: bool | None
    gap_closed: float | None
    ratio: float | None
    achievement: float | None
    pace: float | None
    forecast_value: float | None
    forecast_low: float | None
    forecast_high: float | None
    p_meet: float | None
    forecast_reason: str | None
    status: Status
    illustrative: bool


class Results(Page):
    program: str
    as_of: str | None
    basis: str
    items: list[ResultRow]


class Flag(Strict):
    flag: str
    severity: int
    indicator: str | None
    territory: str | None
    period: str | None
    old_value: float | None
    new_value: float | None
    day: str | None
    evidence: str
    args: str | None


class Flags(Page):
    program: str
    as_of: str | None
    items: list[Flag]


class Territory(Strict):
    code: str
    level: str
    parent: str | None
    names: Names
    valid_from: str | None
    valid_to: str | None
    successors: list[str]


class Territories(Page):
    items: list[Territory]


class LineageRow(Strict):
    concept: str
    program: str | None
    indicator: str | None
    name: str | None
    name_en: str | None
    target_period: str | None
    target: float | None
    status: str
    dropped_from: str | None
    dropped_indicator: str | None
    story: str | None


class Lineage(Page):
    program: str
    as_of: str | None
    items: list[LineageRow]


class EvaluationRecord(Strict):
    id: int
    program: str
    indicator: str
    method: str
    design: dict[str, Any]
    data_hash: str
    created_at: str
    engine_version: str | None
    author: str | None
    label: str | None


class EvaluationSummary(EvaluationRecord):
    estimate: float | None


class Evaluations(Page):
    items: list[EvaluationSummary]


class Effect(Strict):
    label: int | str
    kind: str
    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None


class Weight(Strict):
    label: int | str
    weight: float | None


class EvaluationResult(Strict):
    method: str
    estimate: float | None
    se: float | None
    ci: list[float | None]
    p_value: float | None
    unit_weights: list[Weight] | None
    time_weights: list[Weight] | None
    effects: list[Effect]
    diagnostics: dict[str, Any]
    assumptions: list[str]
    assumption_keys: list[str] | None = None  # catalog keys of the assumptions (absent in older results)
    interpretation: str
    design: dict[str, Any]


class Evaluation(EvaluationRecord):
    result: EvaluationResult


class Problem(BaseModel):
    """RFC 9457 problem details; a validation problem adds ``errors``."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[dict[str, Any]] | None = None


class LedgerCheckpoint(Strict):
    """The log's latest signed checkpoint: ``note`` is the signed note (C2SP), the rest its fields."""

    note: str
    origin: str
    size: int
    root: str
    time: str


class LedgerKey(Strict):
    """The Ed25519 public key the checkpoints verify with, as the PEM of the ``.pub`` file."""

    origin: str
    public_key: str


class InclusionProofFile(Strict):
    """An inclusion proof file (docs/ledger.md), as ``natije proof`` prints it and ``verify.py`` reads it."""

    format: Literal["natije-inclusion-proof/1"]
    tree_size: int
    index: int
    entry: str
    hashes: list[str]


class ConsistencyProofFile(Strict):
    """A consistency proof file (docs/ledger.md): the tree of ``second_size`` extends ``first_size``."""

    format: Literal["natije-consistency-proof/1"]
    first_size: int
    second_size: int
    hashes: list[str]


# Reporting (web/api_submissions.py): what agencies send and what they and approvers read back


class SubmissionRow(BaseModel):
    """One value a submission reports, as a row of ``observations.csv``: codes as text, the value a number
    (text is read as ``natije import`` reads it). ``note``, ``source`` and ``unit`` (converted to the
    indicator's unit) may be left out."""

    model_config = ConfigDict(extra="forbid")

    indicator: str
    territory: str
    period: str
    value: float | str
    note: str | None = None
    source: str | None = None
    unit: str | None = None


class SubmissionRequest(BaseModel):
    """A batch of values for the principal's own agency, all stored or none (at most ``max_rows`` rows, 5,000
    by default). A problem names its row by its place in ``rows``, counting from 1."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "rows": [
                        {
                            "indicator": "IK2020.FIXED_BROADBAND",
                            "territory": "000000000",
                            "period": "2025",
                            "value": 21.5,
                            "note": "preliminary",
                            "source": "BNS",
                        }
                    ]
                }
            ]
        },
    )

    rows: list[SubmissionRow]


class RowResult(Strict):
    row: int
    state: str
    value_id: int


class SubmissionAnswer(Strict):
    """What a submission stored: its id and, per row (numbered from 1), the state and the submitted value's
    id. A retried ``Idempotency-Key`` gets this same answer again, with ``Idempotent-Replayed: true``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"submission": 7, "rows": [{"row": 1, "state": "pending", "value_id": 31}]}]
        }
    )

    submission: int
    rows: list[RowResult]


class SubmittedValue(Strict):
    """A submitted value and its decision: ``state`` is pending, approved, returned or superseded."""

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
    submitted_at: str
    channel: str
    decided_by: str | None
    decided_at: str | None
    reason: str | None
    observation_id: int | None


class Submission(Strict):
    """One submission with its values as they stand now."""

    id: int
    agency: str
    channel: str
    submitted_by: str
    submitted_at: str
    row_count: int
    values: list[SubmittedValue]


class SubmittedValues(Strict):
    """An agency's values in one state (pending, or returned and not submitted again), oldest first."""

    agency: str
    items: list[SubmittedValue]


class DuePeriod(Strict):
    indicator: str
    period: str
    period_start: int
    due: str
    state: str


class AgencyDue(Strict):
    """The periods an agency owes on ``day``: the first day each is late (``due``) and its state (published,
    pending, returned, overdue, due)."""

    agency: str
    day: str
    periods: list[DuePeriod]


class DecisionRequest(BaseModel):
    """Approve (publish) or return submitted values, all or none. A return needs a ``reason``, and so does an
    approval that changes a published value (its revision keeps it)."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={"examples": [{"value_ids": [31], "approve": False, "reason": "per 100 people"}]},
    )

    value_ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]]
    approve: bool
    reason: str | None = None


class Decision(Strict):
    """What a decision did: the values' new state, and for an approval the observations added and revised."""

    state: str
    value_ids: list[int]
    reason: str | None
    inserted: int
    revised: int


class Scorecard(Strict):
    """An agency's data supply: shares are null when there is nothing to divide by."""

    agency: str
    day: str
    periods_due: int
    periods_published: int
    completeness: float | None
    values_submitted: int
    timeliness: float | None
    values_decided: int
    share_returned: float | None
    values_published: int
    revision_rate: float | None
    share_api: float | None
    pending: int
    overdue: int


class Scorecards(Strict):
    items: list[Scorecard]


class PublishedRevision(Strict):
    value: float
    recorded_at: str | None
    source: str | None
    reason: str | None
    author: str | None


class ValueHistory(Strict):
    """One value's published revisions; ``submitted`` (every submission of it, returned ones too) only for who
    may read its full history, else null."""

    indicator: str
    territory: str
    period: str
    published: list[PublishedRevision]
    submitted: list[SubmittedValue] | None
