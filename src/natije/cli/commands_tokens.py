"""``natije tokens create|list|revoke``: API tokens for agencies' systems (``Authorization: Bearer``).

``create`` prints the token alone on standard output, once (``natije tokens create … > token.txt`` keeps
only the token); what it is and the warning that it is not shown again go to standard error.
"""

from __future__ import annotations

from datetime import UTC, datetime

import click

from natije.cli.app import Commands, app, format_option, lang_of, open_store, parse_day
from natije.cli.commands_users import listing, when
from natije.cli.output import emit
from natije.locale import t


@app.group("tokens", cls=Commands, no_args_is_help=True)
def tokens() -> None:
    """API tokens for agencies' systems: create (shown once), list, revoke."""


def _expiry(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    day = parse_day("--expires", value)
    return None if day is None else datetime(day.year, day.month, day.day)


@tokens.command("create")
@click.option("--name", required=True, help="What the token is for (the system that holds it).")
@click.option(
    "--role", default="reporter", help="The role it acts in: reporter, approver, analyst or auditor."
)
@click.option("--agency", help="The agency it acts for (needed by the reporter and approver roles).")
@click.option(
    "--action",
    "actions",
    multiple=True,
    help="An action it may do (repeatable; default: every action of its role a token may hold).",
)
@click.option(
    "--expires",
    callback=_expiry,
    help="The day it stops working (YYYY-MM-DD, from 00:00 UTC; default: in 90 days).",
)
@format_option("table", "json")
@click.pass_context
def create(
    ctx: click.Context,
    name: str,
    role: str,
    agency: str | None,
    actions: tuple[str, ...],
    expires: datetime | None,
    fmt: str,
) -> None:
    """Create a token for an agency's system and print it, this once."""
    from natije.services.accounts import local_operator
    from natije.services.tokens import NewToken, create_token, default_expiry

    lang = lang_of(ctx)
    request = NewToken(name, role, agency, expires or default_expiry(), actions)
    made = create_token(open_store(ctx), request, by=local_operator())
    token = made.token

    def show() -> None:
        click.echo(made.text)
        role_name = t(f"role.{token.role}", lang)
        about = t("tokens.created", lang, id=token.id, role=role_name, agency=token.agency or "—")
        click.echo(about + "\n" + t("tokens.shown_once", lang, expires=when(token.expires_at)), err=True)

    emit(fmt, table=show, json=made.to_dict)


@tokens.command("list")
@click.option("--all", "everything", is_flag=True, help="Also the revoked and expired tokens.")
@format_option("table", "json", "csv")
@click.pass_context
def list_(ctx: click.Context, everything: bool, fmt: str) -> None:
    """List the tokens in force (never the tokens themselves): id, name, role, agency, actions, expiry."""
    from natije.services.accounts import local_operator
    from natije.services.tokens import list_tokens

    lang, now = lang_of(ctx), datetime.now(UTC).replace(tzinfo=None)
    found = list_tokens(open_store(ctx), by=local_operator(), everything=everything, now=now)
    columns = (
        "id",
        "name",
        "role",
        "agency",
        "actions",
        "status",
        "expires_at",
        "created_at",
        "last_used_at",
    )
    people = fmt == "table"
    rows = [
        (
            k.id,
            k.name,
            t(f"role.{k.role}", lang) if people else k.role,
            k.agency or "",
            ", ".join(k.actions) if people else ";".join(k.actions),
            t(f"tokens.status.{k.status(now)}", lang) if people else k.status(now),
            when(k.expires_at),
            when(k.created_at),
            when(k.last_used_at),
        )
        for k in found
    ]
    records = [{**k.to_dict(), "status": k.status(now)} for k in found]
    listing(fmt, lang, ("tokens.col", columns), rows, "tokens.none", lambda: records)


@tokens.command("revoke")
@click.argument("token_id")
@click.pass_context
def revoke(ctx: click.Context, token_id: str) -> None:
    """Revoke a token (by its id, or the token itself): it is refused from now on."""
    from natije.services.accounts import local_operator
    from natije.services.tokens import revoke_token

    token = revoke_token(open_store(ctx), token_id, by=local_operator())
    click.echo(t("tokens.revoked", lang_of(ctx), id=token.id, at=when(token.revoked_at)))
