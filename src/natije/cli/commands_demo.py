"""``natije demo``: load the Kazakhstan demo into the store and show what it answers."""

from __future__ import annotations

import click

from natije.cli.app import app, lang_of, open_store
from natije.cli.commands_ingest import _progress, _summary
from natije.cli.commands_results import render_scorecards
from natije.cli.render import console
from natije.locale import t


@app.command()
@click.option("--no-serve", is_flag=True, help="Load the demo and print the scorecards, then exit.")
@click.pass_context
def demo(ctx: click.Context, no_serve: bool) -> None:
    """Load the Kazakhstan digitalization demo, print a scorecard per program and demo accounts (a reporter
    and an approver of one agency, an auditor, each with a new password) and serve the web app.

    \f
    Raises ValidationError if the shipped data fail validation (a packaging bug).
    """
    from natije.cli.commands_users import listing
    from natije.services.accounts import local_operator
    from natije.services.demo import demo_accounts, load_demo

    lang = lang_of(ctx)
    store = open_store(ctx)
    with _progress(lang) as progress:
        report = load_demo(store, progress=progress)
    console().print(_summary(report, lang))
    render_scorecards(store, lang)  # each scorecard with an illustrative value shown adds the footnote itself
    accounts = demo_accounts(store, by=local_operator())
    click.echo()
    click.echo(t("demo.accounts", lang))
    rows = [(a.login, t(f"role.{a.role}", lang), a.agency or "", a.password) for a in accounts]
    columns = ("login", "role", "agency", "password")
    listing("table", lang, ("accounts.col", columns), rows, "accounts.no_users", list)
    if not no_serve:
        from natije.cli.commands_serve import run_server

        obj = ctx.find_root().obj
        run_server(obj.db if obj else None, lang)
