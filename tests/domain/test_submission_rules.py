"""The decision rules of submitted values: only a pending value is decided; a return and a correction of a
published value need a reason, and a reason has a length limit."""

from __future__ import annotations

import pytest

from natije.domain.submissions import REASON_MAX, STATES, clean_reason, decision_problems


@pytest.mark.parametrize("state", [s for s in STATES if s != "pending"])
def test_only_a_pending_value_is_decided(state: str) -> None:
    for approve in (True, False):
        codes = [p.code for p in decision_problems(state, approve=approve, reason="why", value_id=7)]
        assert codes == ["not_pending"]


def test_a_return_needs_a_reason() -> None:
    for reason in (None, "", "   \n"):
        [problem] = decision_problems("pending", approve=False, reason=reason, value_id=7)
        assert (problem.code, problem.column, problem.value) == ("reason_required", "reason", 7)
        assert problem.expected_in("ru") == "причина возврата значения"
    assert decision_problems("pending", approve=False, reason="wrong unit") == []


def test_a_correction_of_a_published_value_needs_a_reason() -> None:
    assert decision_problems("pending", approve=True, reason=None) == []
    [problem] = decision_problems("pending", approve=True, reason=" ", corrects_published=True)
    assert problem.code == "reason_required"
    assert problem.expected_in("kk") == "себеп: бұл мәнді бекіту жарияланған мәнді өзгертеді"
    assert decision_problems("pending", approve=True, reason="revised by BNS", corrects_published=True) == []


def test_a_reason_has_a_length_limit() -> None:
    [problem] = decision_problems("pending", approve=False, reason="x" * (REASON_MAX + 1))
    assert problem.code == "reason" and problem.value == REASON_MAX + 1
    assert decision_problems("pending", approve=False, reason="x" * REASON_MAX) == []
    assert clean_reason("  a reason \n") == "a reason"
