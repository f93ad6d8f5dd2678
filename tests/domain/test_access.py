"""The permission table in the code is the one docs/access.md documents: every role × action × agency (own,
another, none), and a token's actions only ever narrow its role."""

from __future__ import annotations

import re
from itertools import product
from pathlib import Path

import pytest

from natije.domain.access import (
    ACTIONS,
    AGENCY_ROLES,
    PUBLIC,
    ROLES,
    TOKEN_ACTIONS,
    Principal,
    allowed,
    granted,
    require,
)
from natije.errors import PermissionDenied

DOC = (Path(__file__).resolve().parents[2] / "docs" / "access.md").read_text(encoding="utf-8")
OWN, OTHER = "MDAI", "MF"


def documented() -> dict[tuple[str, str], str]:
    """The table of docs/access.md as {(role, action): "any" | "own" | "—"}."""
    start = DOC.index("## The permission table")
    section = DOC[start : DOC.index("\n## ", start + 1)]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    head = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert head[0] == "action"
    table = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        action = re.fullmatch(r"`(\w+)`", cells[0])
        assert action is not None, line
        for role, cell in zip(head[1:], cells[1:], strict=True):
            table[role, action.group(1)] = cell
    return table


TABLE = documented()


def test_the_documented_table_names_every_role_and_action_once() -> None:
    assert set(TABLE) == set(product(ROLES, ACTIONS))
    assert set(TABLE.values()) == {"any", "own", "—"}


def _expected(cell: str, agency: str | None) -> bool:
    return cell == "any" or (cell == "own" and agency == OWN)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("agency", [OWN, OTHER, None], ids=["own", "other", "none"])
def test_every_cell_of_the_table(role: str, action: str, agency: str | None) -> None:
    principal = Principal(role, agency=OWN, name="someone")
    want = _expected(TABLE[role, action], agency)
    assert allowed(principal, action, agency) is want
    if want:
        require(principal, action, agency)
    else:
        with pytest.raises(PermissionDenied) as info:
            require(principal, action, agency)
        assert info.value.fields["action"] == action and info.value.message_in("ru") != info.value.message


@pytest.mark.parametrize(("role", "action"), sorted(TABLE))
def test_an_agency_role_without_an_agency_reaches_only_what_is_any(role: str, action: str) -> None:
    nobody = Principal(role)
    for agency in (OWN, OTHER, None):
        assert allowed(nobody, action, agency) is (TABLE[role, action] == "any")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("scope", [frozenset(), frozenset({"read_published"}), frozenset(TOKEN_ACTIONS)])
def test_scopes_narrow_and_never_widen(role: str, scope: frozenset[str]) -> None:
    token = Principal(role, agency=OWN, name="token:abc", scopes=scope)
    for action, agency in product(ACTIONS, (OWN, OTHER, None)):
        expected = action in scope and _expected(TABLE[role, action], agency)
        assert allowed(token, action, agency) is expected, (action, agency)


def test_the_public_reads_published_data_only() -> None:
    assert [a for a in ACTIONS if allowed(PUBLIC, a, OWN) or allowed(PUBLIC, a)] == ["read_published"]
    assert granted("public") == ("read_published",)


def test_agency_roles_are_the_ones_with_an_own_cell() -> None:
    assert AGENCY_ROLES == {"reporter", "approver"}
    assert "manage_users" not in TOKEN_ACTIONS and "manage_tokens" not in TOKEN_ACTIONS


def test_nobody_but_its_agency_submits_or_approves() -> None:
    for role in ROLES:
        for action in ("submit", "approve"):
            assert not allowed(Principal(role, agency=OWN), action, OTHER)
    assert not allowed(Principal("admin"), "submit", OWN) and not allowed(Principal("admin"), "approve", OWN)


def test_unknown_names_are_errors_not_refusals() -> None:
    with pytest.raises(ValueError):
        Principal("superuser")
    with pytest.raises(ValueError):
        allowed(PUBLIC, "delete_everything")
    with pytest.raises(ValueError):
        Principal("analyst", scopes=frozenset({"delete_everything"}))
