"""EvaluationResult: frozen, JSON-safe to_dict(), tidy effects_frame()."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from natije.evaluation import Effect, EvaluationDesign, EvaluationResult

DESIGN = EvaluationDesign("u", "t", "y", "did", treated=("a",), start=2)
floats = st.floats(allow_nan=True, allow_infinity=True)


@given(
    est=floats,
    se=floats,
    lo=floats,
    hi=floats,
    labels=st.lists(st.integers(-5, 5) | st.text(max_size=4), max_size=5),
)
def test_to_dict_is_strict_json(est: float, se: float, lo: float, hi: float, labels: list[object]) -> None:
    effects = [Effect(lab, "event_time", est, se, lo, hi) for lab in labels]
    r = EvaluationResult(
        estimate=est,
        se=se,
        ci=(lo, hi),
        p_value=0.5,
        method="did",
        design=DESIGN,
        effects=effects,
        diagnostics={"arr": np.array([est, 1.0]), "nested": {"x": np.float64(se)}},
        unit_weights={"a": np.float64(0.5)},
    )
    text = json.dumps(r.to_dict(), allow_nan=False)
    back = json.loads(text)
    assert back["estimate"] == (est if math.isfinite(est) else None)
    assert [e["label"] for e in back["effects"]] == labels
    assert back["unit_weights"] == [{"label": "a", "weight": 0.5}]
    frame = r.effects_frame()
    assert frame.height == len(labels) and frame.columns[:3] == ["label", "kind", "estimate"]


def test_result_is_frozen() -> None:
    r = EvaluationResult(estimate=1, se=0.1, ci=(0.8, 1.2), p_value=0.01, method="did", design=DESIGN)
    with pytest.raises(AttributeError):
        r.estimate = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        r.diagnostics["x"] = 1  # type: ignore[index]
    assert r.effects_frame().height == 0
