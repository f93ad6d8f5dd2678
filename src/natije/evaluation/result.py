"""The frozen outcome of an evaluation: headline estimate, effects by period/event time/group, checks."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import polars as pl

from natije.evaluation import texts
from natije.evaluation.design import EvaluationDesign, _jsonable


def _num(x: Any) -> float | None:
    """JSON-safe float: NaN and infinities become None."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


@dataclass(frozen=True)
class Effect:
    """One disaggregated effect (a period, an event time, a cohort or a calendar period)."""

    label: Any
    kind: str
    estimate: float
    se: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the effect as a JSON-friendly mapping."""
        return {
            "label": _jsonable(self.label),
            "kind": self.kind,
            "estimate": _num(self.estimate),
            "se": _num(self.se),
            "ci_low": _num(self.ci_low),
            "ci_high": _num(self.ci_high),
        }


def _freeze(m: Mapping[Any, Any] | None) -> Mapping[Any, Any] | None:
    return None if m is None else MappingProxyType(dict(m))


@dataclass(frozen=True)
class EvaluationResult:
    """What an estimator returns.

    Attributes
    ----------
    estimate, se : float
        Headline effect and its standard error (``se`` may be NaN when the method gives none).
    ci : (float, float)
        Confidence interval at level ``1 - design.alpha``.
    p_value : float
        Two-sided p-value of "no effect".
    unit_weights, time_weights : mapping or None
        Unit -> weight and period -> weight (synthetic methods); None otherwise.
    effects : tuple of Effect
        Disaggregated effects.
    diagnostics : mapping
        Results of the checks that go with the method's assumptions (pre-trend test, placebo, pre-fit...).
    assumption_keys : tuple of str
        The identifying assumptions, as keys of ``evaluation.assumption.*`` (words in any language).
    assumptions : tuple of str
        The identifying assumptions in words, in the language of the call (from ``assumption_keys`` when not
        given).
    interpretation : str
        What the estimate means, in words (language of the call).
    method : str
        Registered estimator name.
    design : EvaluationDesign
        The frozen request.
    """

    estimate: float
    se: float
    ci: tuple[float, float]
    p_value: float
    method: str
    design: EvaluationDesign
    effects: tuple[Effect, ...] = ()
    unit_weights: Mapping[Any, float] | None = None
    time_weights: Mapping[Any, float] | None = None
    diagnostics: Mapping[str, Any] = field(default_factory=dict)
    assumption_keys: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()
    interpretation: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "estimate", float(self.estimate))
        object.__setattr__(self, "se", float(self.se) if self.se is not None else math.nan)
        object.__setattr__(self, "ci", (float(self.ci[0]), float(self.ci[1])))
        object.__setattr__(self, "p_value", float(self.p_value) if self.p_value is not None else math.nan)
        object.__setattr__(self, "effects", tuple(self.effects))
        object.__setattr__(self, "unit_weights", _freeze(self.unit_weights))
        object.__setattr__(self, "time_weights", _freeze(self.time_weights))
        object.__setattr__(self, "diagnostics", MappingProxyType(dict(self.diagnostics)))
        object.__setattr__(self, "assumption_keys", tuple(self.assumption_keys))
        words = self.assumptions or texts.assumptions(self.design, *self.assumption_keys)
        object.__setattr__(self, "assumptions", tuple(words))

    def to_dict(self) -> dict[str, Any]:
        """Return the result as a JSON-safe mapping (NaN -> None, numpy -> Python)."""

        def weights(m: Mapping[Any, float] | None) -> list[dict[str, Any]] | None:
            if m is None:
                return None
            return [{"label": _jsonable(k), "weight": _num(v)} for k, v in m.items()]

        return {
            "method": self.method,
            "estimate": _num(self.estimate),
            "se": _num(self.se),
            "ci": [_num(self.ci[0]), _num(self.ci[1])],
            "p_value": _num(self.p_value),
            "unit_weights": weights(self.unit_weights),
            "time_weights": weights(self.time_weights),
            "effects": [e.to_dict() for e in self.effects],
            "diagnostics": _json_tree(self.diagnostics),
            "assumption_keys": list(self.assumption_keys),
            "assumptions": list(self.assumptions),
            "interpretation": self.interpretation,
            "design": self.design.to_dict(),
        }

    def effects_frame(self) -> pl.DataFrame:
        """Effects as a tidy polars DataFrame (label as text, one row per effect)."""
        rows = [e.to_dict() for e in self.effects]
        schema = {
            "label": pl.Utf8,
            "kind": pl.Utf8,
            "estimate": pl.Float64,
            "se": pl.Float64,
            "ci_low": pl.Float64,
            "ci_high": pl.Float64,
        }
        for r in rows:
            r["label"] = str(r["label"])
        return pl.DataFrame(rows, schema=schema)


def _json_tree(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _json_tree(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return [_json_tree(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [_json_tree(v) for v in value]
    if isinstance(value, (float, np.floating)):
        return _num(value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    return _jsonable(value)
