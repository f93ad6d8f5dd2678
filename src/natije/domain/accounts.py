"""User accounts and API tokens: what they are and the rules a new one, or a change of rights, must meet.

A request is frozen and checked once (:class:`NewUser`, :class:`Grant`, :class:`NewToken`); every problem is
reported at once as a :class:`~natije.errors.ValidationError`. Whether an agency exists is the store's to say
(the services check it); everything else is decided here.

Examples
--------
>>> NewUser("Aigerim.S", "Aigerim S.", "reporter", "MDAI").login
'aigerim.s'
>>> NewUser("x", "", "reporter", None)
Traceback (most recent call last):
...
natije.errors.ValidationError: 3 problem(s) found
  - login: got 'x', expected a login of 2 to 64 characters: small Latin letters, digits, '.', '_', '-', '@'
  - display_name: got '', expected a name of 1 to 200 characters, without control characters
  - agency: got None, expected an agency code: role 'reporter' acts for one agency
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from natije.domain.access import AGENCY_ROLES, TOKEN_ACTIONS, TOKEN_ROLES, USER_ROLES, Principal, reach
from natije.errors import Expected, Problem, ValidationError, choice

LOGIN = re.compile(r"[a-z0-9][a-z0-9._@-]{1,63}")
PASSWORD_MIN, PASSWORD_MAX = 12, 256
"""Passwords: at least 12 characters (NIST SP 800-63B asks 8 at least, more for a single factor), no rule
on which characters, at most 256 (hashing a longer text is work an attacker could ask for)."""
NAME_MAX = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def normal_login(text: str) -> str:
    """A login as stored: surrounding spaces dropped, letters made small (``Aigerim`` and ``aigerim`` are one
    account)."""
    return text.strip().casefold()


def login_problems(login: str) -> list[Problem]:
    """The problem of a login that breaks the rule (empty when it is a valid login)."""
    if LOGIN.fullmatch(login):
        return []
    return [Problem("login", None, None, login, Expected("expected.login"), code="login")]


def password_problems(password: str, login: str) -> list[Problem]:
    """The problems of a new password: its length, and never the login itself. The password is not shown."""
    hidden = "*" * min(len(password), 8)
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        expected = Expected("expected.password_length", low=PASSWORD_MIN, high=PASSWORD_MAX)
        return [Problem("password", None, None, hidden, expected, code="password")]
    if normal_login(password) == login:
        expected = Expected("expected.password_not_login")
        return [Problem("password", None, None, hidden, expected, code="password")]
    return []


def _role_problems(role: str, agency: str | None, roles: tuple[str, ...]) -> list[Problem]:
    if role not in roles:
        return [Problem("role", None, None, role, choice(*roles), code="role")]
    if role in AGENCY_ROLES and not agency:
        expected = Expected("expected.agency_for_role", role=role)
        return [Problem("agency", None, None, agency, expected, code="agency")]
    return []


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise ValidationError(problems)


@dataclass(frozen=True)
class NewUser:
    """A user to add: login (made small), the name people see, role and agency (needed by agency roles)."""

    login: str
    display_name: str
    role: str
    agency: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "login", normal_login(self.login))
        object.__setattr__(self, "display_name", self.display_name.strip())
        object.__setattr__(self, "agency", (self.agency or "").strip() or None)
        problems = login_problems(self.login)
        if not self.display_name or len(self.display_name) > NAME_MAX or _CONTROL.search(self.display_name):
            expected = Expected("expected.display_name", high=NAME_MAX)
            problems.append(Problem("display_name", None, None, self.display_name, expected, code="name"))
        _raise(problems + _role_problems(self.role, self.agency, USER_ROLES))


@dataclass(frozen=True)
class Grant:
    """A change of a user's rights: the new role and agency (``None``: the agency the user has)."""

    login: str
    role: str
    agency: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "login", normal_login(self.login))
        object.__setattr__(self, "agency", (self.agency or "").strip() or None)
        if self.role not in USER_ROLES:
            _raise([Problem("role", None, None, self.role, choice(*USER_ROLES), code="role")])

    def applied_to(self, user: User) -> tuple[str, str | None]:
        """The role and agency ``user`` has after this grant (ValidationError: an agency role without one)."""
        agency = self.agency or user.agency
        _raise(_role_problems(self.role, agency, USER_ROLES))
        return self.role, agency


@dataclass(frozen=True)
class User:
    """A user account as stored (never its password hash)."""

    login: str
    display_name: str
    role: str
    agency: str | None
    created_at: datetime
    created_by: str | None
    password_set_at: datetime
    disabled_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.disabled_at is None

    def principal(self) -> Principal:
        """The user as the permission table sees them."""
        return Principal(self.role, self.agency, self.login)

    def to_dict(self) -> dict[str, Any]:
        return {
            "login": self.login,
            "display_name": self.display_name,
            "role": self.role,
            "agency": self.agency,
            "active": self.active,
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
            "password_set_at": self.password_set_at.isoformat(),
            "disabled_at": self.disabled_at.isoformat() if self.disabled_at else None,
        }


@dataclass(frozen=True)
class NewToken:
    """An API token to make: what it is for (``name``), the role it acts in, its agency, the actions it may do
    (empty: every action the role may do that a token may hold) and when it expires (naive UTC)."""

    name: str
    role: str
    agency: str | None
    expires_at: datetime
    actions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", self.name.strip())
        object.__setattr__(self, "agency", (self.agency or "").strip() or None)
        problems = _role_problems(self.role, self.agency, TOKEN_ROLES)
        if not self.name or len(self.name) > NAME_MAX or _CONTROL.search(self.name):
            expected = Expected("expected.display_name", high=NAME_MAX)
            problems.append(Problem("name", None, None, self.name, expected, code="name"))
        if problems:
            _raise(problems)
        may = tuple(a for a in TOKEN_ACTIONS if reach(self.role, a) is not None)
        _raise(
            [
                Problem("action", None, None, a, choice(*may), code="action")
                for a in self.actions
                if a not in may
            ]
        )
        actions = tuple(sorted(set(self.actions), key=TOKEN_ACTIONS.index)) if self.actions else may
        object.__setattr__(self, "actions", actions)


@dataclass(frozen=True)
class ApiToken:
    """An API token as stored: never the token, nor its hash."""

    id: str
    name: str
    role: str
    agency: str | None
    actions: tuple[str, ...]
    expires_at: datetime
    created_at: datetime
    created_by: str | None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = field(default=None, compare=False)

    def status(self, now: datetime) -> str:
        """``revoked``, ``expired`` (at ``now``, naive UTC) or ``active``."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if now >= self.expires_at else "active"

    def principal(self) -> Principal:
        """The token as the permission table sees it: its role and agency, narrowed to its actions."""
        return Principal(self.role, self.agency, f"token:{self.id}", frozenset(self.actions))

    def to_dict(self) -> dict[str, Any]:
        def when(moment: datetime | None) -> str | None:
            return moment.isoformat() if moment else None

        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "agency": self.agency,
            "actions": list(self.actions),
            "expires_at": self.expires_at.isoformat(),
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
            "revoked_at": when(self.revoked_at),
            "last_used_at": when(self.last_used_at),
        }
