"""EvaluationDesign: validated once, frozen, JSON-friendly."""

from __future__ import annotations

import dataclasses

import pytest

from natije.errors import ValidationError
from natije.evaluation import EvaluationDesign


def test_defaults_and_freezing() -> None:
    d = EvaluationDesign("county", "year", "lemp", "cs", cohort="first.treat", covariates="lpop")
    assert d.control == "never" and d.estimation == "dr" and d.covariates == ("lpop",)
    assert d.staggered
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.alpha = 0.1  # type: ignore[misc]
    with pytest.raises(TypeError):
        d.options["x"] = 1  # type: ignore[index]


@pytest.mark.parametrize(
    ("kwargs", "column"),
    [
        ({"control": "sometimes"}, "control"),
        ({"estimation": "ml"}, "estimation"),
        ({"aggregation": "weekly"}, "aggregation"),
        ({"inference": "vibes"}, "inference"),
        ({"alpha": 1.5}, "alpha"),
        ({"n_boot": 0}, "n_boot"),
        ({"seed": -1}, "seed"),
        ({"executor": "cloud"}, "executor"),
        ({"treated": ("a",)}, "start"),
        ({"start": 2000}, "treated"),
        ({"treated": ("a",), "start": 1, "cohort": "g"}, "cohort"),
        ({"covariates": ("y",)}, "covariates"),
    ],
)
def test_each_bad_field_is_named(kwargs: dict[str, object], column: str) -> None:
    with pytest.raises(ValidationError) as exc:
        EvaluationDesign("u", "t", "y", "did", **kwargs)  # type: ignore[arg-type]
    assert column in [p.column for p in exc.value.problems]


def test_all_problems_reported_at_once() -> None:
    with pytest.raises(ValidationError) as exc:
        EvaluationDesign("u", "t", "y", "cs", control="x", estimation="y", alpha=0)
    assert {p.column for p in exc.value.problems} == {"control", "estimation", "alpha"}


def test_to_dict_is_json_safe() -> None:
    import json

    d = EvaluationDesign("u", "t", "y", "did", treated=["a", "b"], start=3, options={"lang": "kk"})
    out = json.loads(json.dumps(d.to_dict()))
    assert out["treated"] == ["a", "b"] and out["options"] == {"lang": "kk"}


def test_from_mapping_splits_design_fields_from_method_options() -> None:
    values = {"unit": "u", "time": "t", "outcome": "y", "method": "cs", "cohort": "g", "control": "not-yet"}
    design, options = EvaluationDesign.from_mapping({**values, "seed": 4, "weights": "mammen", "lang": "ru"})
    assert (design.control, design.seed, design.cohort) == ("not-yet", 4, "g")
    assert options == {"weights": "mammen", "lang": "ru"} == dict(design.options)


def test_from_mapping_reports_the_design_problems() -> None:
    with pytest.raises(ValidationError) as exc:
        EvaluationDesign.from_mapping({"unit": "u", "time": "t", "outcome": "y", "method": "cs", "alpha": 2})
    assert [p.column for p in exc.value.problems] == ["alpha"]
