"""``natije users add|list|disable|enable|grant|password|events``: accounts, their rights and their record.

Whoever runs these holds the database, so they act as an administrator, named ``cli:USER`` in the log and in
the record (:func:`natije.services.accounts.local_operator`). A password is typed twice at a hidden prompt or
read from the first line of standard input (``--password-stdin``), never taken as an argument.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from natije.cli.app import Commands, app, format_option, lang_of, open_store
from natije.cli.output import emit
from natije.errors import Expected, Problem, ValidationError
from natije.locale import t

if TYPE_CHECKING:
    from natije.domain.accounts import User

LIST_FORMAT = format_option("table", "json", "csv")
PASSWORD_STDIN = click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of standard input."
)
ROLE = click.option("--role", required=True, help="The role: reporter, approver, analyst, auditor or admin.")
AGENCY = click.option("--agency", help="The agency's code (needed by the reporter and approver roles).")


@app.group("users", cls=Commands, no_args_is_help=True)
def users() -> None:
    """User accounts: add, list, disable, enable, change rights or password, see the record."""


def when(moment: datetime | None) -> str:
    """A stored time (UTC) as people read it: ``YYYY-MM-DD HH:MM``; empty for none."""
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M")


def read_password(ctx: click.Context, from_stdin: bool) -> str:
    """The new password: the first line of standard input, or typed twice at a hidden prompt."""
    lang = lang_of(ctx)
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = click.prompt(t("accounts.password_prompt", lang), hide_input=True)
    again = click.prompt(t("accounts.password_again", lang), hide_input=True)
    if first != again:
        expected = Expected("expected.password_repeated")
        raise ValidationError(Problem("password", None, None, "********", expected, code="password"))
    return str(first)


def _done(ctx: click.Context, key: str, user: User) -> None:
    lang = lang_of(ctx)
    role = t(f"role.{user.role}", lang)
    click.echo(t(key, lang, login=user.login, role=role, agency=user.agency or "—"))


@users.command("add")
@click.argument("login")
@click.option("--name", "display_name", required=True, help="The name people see.")
@ROLE
@AGENCY
@PASSWORD_STDIN
@click.pass_context
def add(
    ctx: click.Context, login: str, display_name: str, role: str, agency: str | None, password_stdin: bool
) -> None:
    """Add a user with a role (and an agency for reporters and approvers); asks for the password."""
    from natije.services.accounts import NewUser, add_user, local_operator

    request = NewUser(login, display_name, role, agency)
    user = add_user(open_store(ctx), request, read_password(ctx, password_stdin), by=local_operator())
    _done(ctx, "accounts.user_added", user)


@users.command("list")
@LIST_FORMAT
@click.pass_context
def list_(ctx: click.Context, fmt: str) -> None:
    """List the users: login, name, role, agency, whether active, when added and when the password was set."""
    from natije.services.accounts import list_users, local_operator

    lang = lang_of(ctx)
    found = list_users(open_store(ctx), by=local_operator())
    columns = ("login", "display_name", "role", "agency", "status", "created_at", "password_set_at")
    people = fmt == "table"
    rows = [
        (
            u.login,
            u.display_name,
            t(f"role.{u.role}", lang) if people else u.role,
            u.agency or "",
            t("accounts.active" if u.active else "accounts.disabled", lang)
            if people
            else str(u.active).lower(),
            when(u.created_at),
            when(u.password_set_at),
        )
        for u in found
    ]
    listing(
        fmt, lang, ("accounts.col", columns), rows, "accounts.no_users", lambda: [u.to_dict() for u in found]
    )


def listing(
    fmt: str,
    lang: str,
    heads: tuple[str, tuple[str, ...]],
    rows: Sequence[Sequence[str]],
    empty: str,
    records: Callable[[], Any],
) -> None:
    """A list in ``fmt``: for people a table headed by the catalog's ``<prefix>.<column>`` words (or the line
    ``empty`` when there are no rows), ``records()`` as JSON, or CSV headed by the column names."""
    from natije.cli.render import console, print_table

    prefix, columns = heads
    headers = [t(f"{prefix}.{c}", lang) if fmt == "table" else c for c in columns]

    def table() -> None:
        if rows:
            print_table(console(highlight=False), headers, rows)
        else:
            click.echo(t(empty, lang))

    emit(fmt, table=table, json=records, csv=lambda: (headers, rows))


@users.command("disable")
@click.argument("login")
@click.pass_context
def disable(ctx: click.Context, login: str) -> None:
    """Disable a user: they can no longer sign in; the account and its history stay."""
    from natije.services.accounts import disable_user, local_operator

    _done(ctx, "accounts.user_disabled", disable_user(open_store(ctx), login, by=local_operator()))


@users.command("enable")
@click.argument("login")
@click.pass_context
def enable(ctx: click.Context, login: str) -> None:
    """Let a disabled user sign in again."""
    from natije.services.accounts import enable_user, local_operator

    _done(ctx, "accounts.user_enabled", enable_user(open_store(ctx), login, by=local_operator()))


@users.command("grant")
@click.argument("login")
@ROLE
@AGENCY
@click.pass_context
def grant(ctx: click.Context, login: str, role: str, agency: str | None) -> None:
    """Give a user a new role (and agency); the change is logged and recorded."""
    from natije.services.accounts import Grant, local_operator
    from natije.services.accounts import grant as give

    _done(
        ctx, "accounts.user_granted", give(open_store(ctx), Grant(login, role, agency), by=local_operator())
    )


@users.command("password")
@click.argument("login")
@PASSWORD_STDIN
@click.pass_context
def password(ctx: click.Context, login: str, password_stdin: bool) -> None:
    """Set a user's password; asks for it."""
    from natije.services.accounts import local_operator, set_password

    secret = read_password(ctx, password_stdin)
    _done(ctx, "accounts.password_set", set_password(open_store(ctx), login, secret, by=local_operator()))


@users.command("events")
@click.option("--login", help="Only the events of this account.")
@click.option("--limit", type=click.IntRange(1, 100_000), default=100, help="How many of the newest events.")
@LIST_FORMAT
@click.pass_context
def events(ctx: click.Context, login: str | None, limit: int, fmt: str) -> None:
    """List the newest logins, failed logins and changes of rights, newest first."""
    import json

    from natije.services.accounts import auth_events, local_operator

    lang = lang_of(ctx)
    found = auth_events(open_store(ctx), by=local_operator(), login=login, limit=limit)
    columns = ("at", "kind", "actor", "login", "token", "address", "detail")
    people = fmt == "table"
    rows = [
        (
            when(e.at),
            t(f"auth_event.{e.kind}", lang) if people else e.kind,
            e.actor or "",
            e.login or "",
            e.token or "",
            e.address or "",
            json.dumps(e.detail, ensure_ascii=False, sort_keys=True) if e.detail else "",
        )
        for e in found
    ]
    listing(
        fmt, lang, ("accounts.col", columns), rows, "accounts.no_events", lambda: [e.to_dict() for e in found]
    )
