"""The shapes of the API's answers, for the OpenAPI document and for tests that hold answers to them.

Strict: a boolean is not a number, a number is not text. Routes build plain dicts from the services; these
models describe them (the tests validate real answers against them).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

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
