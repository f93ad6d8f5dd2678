"""``natije report``: the inquiry report of one program as HTML, Markdown or PDF."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from natije.cli.app import app, as_of_option, choice_option, lang_of, open_store
from natije.locale import LANGUAGES, t
from natije.reports.content import DEFAULT_BASE_URL


@app.command("report")
@click.argument("program", help="Program code, e.g. AI2023.")
@choice_option("--lang", LANGUAGES, None, "Language of the report: kk, ru or en (default: the interface's).")
@choice_option("--format", ("html", "pdf", "md"), "html", "html, pdf or md (Markdown).")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="File to write (default: standard output)."
)
@as_of_option("Judge the program on what was known on this date (YYYY-MM-DD).")
@choice_option("--basis", ("current", "first"), "current", "current (in force) or first (as first promised).")
@click.option(
    "--base-url",
    envvar="NATIJE_PUBLIC_URL",
    default=DEFAULT_BASE_URL,
    help="Address of the web app the report's numbers link to.",
)
@click.pass_context
def report(
    ctx: click.Context,
    program: str,
    lang: str | None,
    format: str,
    output: Path | None,
    as_of: str | None,
    basis: str,
    base_url: str,
) -> None:
    """Was it analysed, what came of it, what was its impact: one document per program.

    \f
    Raises NotFound, ValidationError.
    """
    from natije.services.reporting import ReportRequest
    from natije.services.reporting import report as write_report

    language = lang or lang_of(ctx)
    day = date.fromisoformat(as_of) if as_of else None
    request = ReportRequest(program, language, format, day, basis, base_url)
    document = write_report(open_store(ctx), request)
    if output is None:
        sys.stdout.buffer.write(document)
        sys.stdout.flush()
        return
    output.write_bytes(document)
    click.echo(t("msg.report_written", lang_of(ctx), path=str(output)), err=True)
