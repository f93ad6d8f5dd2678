"""Registry: methods by name, a clear error otherwise."""

from __future__ import annotations

import pytest

from natije.errors import EstimationError
from natije.evaluation import get_estimator, known_methods, register
from natije.evaluation.registry import Estimator


def test_builtins_are_registered() -> None:
    assert {"did", "event-study", "cs", "its"} <= set(known_methods())
    assert isinstance(get_estimator("cs"), Estimator)


def test_unknown_method_lists_known_names() -> None:
    with pytest.raises(EstimationError) as exc:
        get_estimator("magic")
    assert "magic" in exc.value.message and "cs" in exc.value.message and "event-study" in exc.value.message


def test_register_rejects_a_second_class_under_the_same_name() -> None:
    with pytest.raises(EstimationError, match="already registered"):

        @register("cs")
        class Other:
            def fit(self, panel, design, executor):  # type: ignore[no-untyped-def]
                raise NotImplementedError
