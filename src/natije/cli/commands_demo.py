"""``natije demo``: load the Kazakhstan demo into the store and show what it answers."""

from __future__ import annotations

import click

from natije.cli.app import app, lang_of, open_store
from natije.cli.commands_ingest import _progress, _summary
from natije.cli.commands_results import render_scorecards
from natije.cli.render import console


@app.command()
@click.option("--no-serve", is_flag=True, help="Load the demo and print the scorecards, then exit.")
@click.pass_context
def demo(ctx: click.Context, no_serve: bool) -> None:
    """Load the Kazakhstan digitalization demo, print a scorecard per program and serve the web app.

    \f
    Raises ValidationError if the shipped data fail validation (a packaging bug).
    """
    from natije.services.demo import load_demo

    lang = lang_of(ctx)
    store = open_store(ctx)
    with _progress(lang) as progress:
        report = load_demo(store, progress=progress)
    console().print(_summary(report, lang))
    render_scorecards(store, lang)  # each scorecard with an illustrative value shown adds the footnote itself
    if not no_serve:
        from natije.cli.commands_serve import run_server

        obj = ctx.find_root().obj
        run_server(obj.db if obj else None, lang)
