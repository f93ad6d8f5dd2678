"""Who may do what: the roles, the actions and the one permission table that decides every access.

Every edge (pages, API, downloads, reports, the command line) and every service asks :func:`allowed` or
:func:`require`; nothing else decides. The table is documented, cell for cell, in docs/access.md (a test
checks every role × action × agency against it).

A cell is the *reach* of a role for an action: ``ANY`` (any agency's data, or data of no agency), ``OWN``
(only data of the principal's own agency: the agency must be named and be the principal's) or ``None``
(never). Submitting and approving are the acts of an agency's accountable people, so no role does them beyond
its own agency, and ``admin`` (no agency) does neither.

Examples
--------
>>> clerk = Principal("reporter", agency="MDAI", name="aigerim")
>>> allowed(clerk, "submit", "MDAI"), allowed(clerk, "submit", "MF"), allowed(clerk, "approve", "MDAI")
(True, False, False)
>>> allowed(PUBLIC, "read_published"), allowed(PUBLIC, "read_unpublished")
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from natije.errors import PermissionDenied, Text

ROLES = ("public", "reporter", "approver", "analyst", "auditor", "admin")
"""Every role, from the least to the most trusted: ``public`` is anyone who has not signed in."""

ACTIONS = (
    "read_published",
    "read_unpublished",
    "read_history",
    "read_audit",
    "submit",
    "approve",
    "import",
    "run_evaluation",
    "manage_users",
    "manage_tokens",
)
"""What a principal may be allowed to do:

- ``read_published``: published values, programs, targets, results, downloads and reports;
- ``read_unpublished``: values submitted or approved but not yet published;
- ``read_history``: the whole history of a value (every revision, returned ones too); everyone who may read a
  value sees its published history;
- ``read_audit``: the accounts, the API tokens and the record of logins and changes of rights;
- ``submit``: report values (form, spreadsheet, API);
- ``approve``: approve submitted values or return them with a reason;
- ``import``: import program packages (programs, targets, budgets);
- ``run_evaluation``: run and store impact evaluations;
- ``manage_users``: add, disable and enable users, change their role, agency or password;
- ``manage_tokens``: create and revoke API tokens.
"""

Reach = Literal["any", "own"] | None
ANY: Reach = "any"
OWN: Reach = "own"


def _row(*cells: Reach) -> dict[str, Reach]:
    return dict(zip(ROLES, cells, strict=True))


#                                public  reporter approver analyst auditor admin
TABLE: dict[str, dict[str, Reach]] = {
    "read_published": _row(ANY, ANY, ANY, ANY, ANY, ANY),
    "read_unpublished": _row(None, OWN, OWN, ANY, ANY, ANY),
    "read_history": _row(None, None, OWN, None, ANY, ANY),
    "read_audit": _row(None, None, None, None, ANY, ANY),
    "submit": _row(None, OWN, None, None, None, None),
    "approve": _row(None, None, OWN, None, None, None),
    "import": _row(None, None, None, None, None, ANY),
    "run_evaluation": _row(None, None, None, ANY, None, ANY),
    "manage_users": _row(None, None, None, None, None, ANY),
    "manage_tokens": _row(None, None, None, None, None, ANY),
}
"""The permission table: ``TABLE[action][role]`` is the role's reach for the action."""

AGENCY_ROLES = frozenset(role for role in ROLES if any(TABLE[a][role] == OWN for a in ACTIONS))
"""Roles whose rights reach only their own agency: a user or token of one of them must name its agency."""

USER_ROLES = ROLES[1:]
"""Roles a user account can have (``public`` is everyone who has not signed in)."""

TOKEN_ROLES = ("reporter", "approver", "analyst", "auditor")
"""Roles an API token can act in: an agency's system is never an administrator."""

TOKEN_ACTIONS = tuple(a for a in ACTIONS if a not in ("manage_users", "manage_tokens"))
"""Actions an API token may hold: a token never manages accounts or makes other tokens."""


@dataclass(frozen=True)
class Principal:
    """Who is asking: a role, the agency (for agency roles), a name for the record and, for an API token, the
    actions it was given (``scopes``; ``None``: everything the role may do).

    ``name`` is what the log and the record of logins write as the actor: a user's login, ``token:ID`` for
    an API token, ``cli:USER`` for someone running natije on the store's machine; ``None`` for the public.
    """

    role: str
    agency: str | None = None
    name: str | None = None
    scopes: frozenset[str] | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")
        if self.scopes is not None and not self.scopes <= set(ACTIONS):
            raise ValueError(f"unknown actions {sorted(self.scopes - set(ACTIONS))}")


PUBLIC = Principal("public")
"""Anyone who has not signed in."""


def reach(role: str, action: str) -> Reach:
    """The table's cell for ``role`` and ``action`` (``ValueError`` for a name the table does not know)."""
    if action not in TABLE:
        raise ValueError(f"unknown action {action!r}")
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    return TABLE[action][role]


def allowed(principal: Principal, action: str, agency: str | None = None) -> bool:
    """Whether ``principal`` may do ``action`` on data of ``agency`` (``None``: data of no agency, or of
    every agency at once, which an ``OWN`` reach never covers).

    A token's scopes only narrow what its role may do, never widen it.
    """
    cell = reach(principal.role, action)
    if principal.scopes is not None and action not in principal.scopes:
        return False
    if cell == ANY:
        return True
    if cell == OWN:
        return agency is not None and agency == principal.agency
    return False


def require(principal: Principal, action: str, agency: str | None = None) -> None:
    """Raise :class:`~natije.errors.PermissionDenied` unless :func:`allowed`."""
    if not allowed(principal, action, agency):
        raise PermissionDenied(
            Text("error.not_allowed", action=action, role=principal.role),
            action=action,
            role=principal.role,
            agency=agency,
        )


def granted(role: str) -> tuple[str, ...]:
    """The actions ``role`` may do on some agency's data (in the table's order)."""
    return tuple(a for a in ACTIONS if reach(role, a) is not None)


__all__ = [
    "ACTIONS",
    "AGENCY_ROLES",
    "ANY",
    "OWN",
    "PUBLIC",
    "ROLES",
    "TABLE",
    "TOKEN_ACTIONS",
    "TOKEN_ROLES",
    "USER_ROLES",
    "Principal",
    "allowed",
    "granted",
    "reach",
    "require",
]
