"""The shapes of the API's answers, for the OpenAPI document and for tests that hold answers to them.

Strict: a boolean is not a number, a number is not text. Routes build plain dicts from the services; these
models describe them (the tests validate real answers against them).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

Names = dict[str, str]


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


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


class Programs(Strict):
    items: list[Program]


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
    status: str
    illustrative: bool


class Results(Strict):
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


class Flags(Strict):
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


class Territories(Strict):
    items: list[Territory]


class Problem(BaseModel):
    """RFC 9457 problem details; a validation problem adds ``errors``."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
