"""Catalog commands: ``natije init``, ``natije programs``, ``natije show PROGRAM``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from natije.cli import render
from natije.cli.app import app, as_of_option, format_option, lang_of, open_store
from natije.cli.output import emit
from natije.locale import t
from natije.locale.formats import money

if TYPE_CHECKING:
    from natije.domain.budgets import BudgetLine
    from natije.services.catalog import ProgramDetails

FORMAT = format_option("table", "json", "csv")


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], title: str = "") -> None:
    render.print_table(render.console(highlight=False), headers, rows, title)


@app.command("init")
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create the database (or migrate it to the newest schema).

    \f
    Raises ConfigurationError for a bad --db.
    """
    from natije.services import catalog

    url = catalog.initialise(open_store(ctx))
    click.echo(t("msg.initialised", lang_of(ctx), url=url))


@app.command("programs")
@as_of_option("Only the programs known on this date: adopted or running by then (YYYY-MM-DD).")
@FORMAT
@click.pass_context
def programs(ctx: click.Context, as_of: str | None, fmt: str) -> None:
    """List the programs in the registry with their status and predecessors."""
    from datetime import date

    from natije.services import catalog

    lang = lang_of(ctx)
    day = date.fromisoformat(as_of) if as_of else None
    items = catalog.list_programs(open_store(ctx), allow_empty=False, as_of=day)
    headers = [t(f"word.{w}", lang) for w in ("code", "name", "kind", "status", "years", "predecessors")]
    rows = [
        (
            p.code,
            p.names.get(lang) or p.names["ru"],
            t(f"program_kind.{p.kind}", lang),
            t(f"program_status.{p.status}", lang),
            f"{p.start_year}–{p.end_year}",
            ", ".join(p.predecessors),
        )
        for p in items
    ]  # years print without grouping: 2018, not 2 018
    emit(
        fmt,
        table=lambda: _table(headers, rows, t("word.programs", lang)),
        json=lambda: [p.to_dict() for p in items],
        csv=lambda: (headers, rows),
    )


@app.command("show")
@click.argument("program", help="Program code, e.g. DK2018.")
@FORMAT
@click.pass_context
def show(ctx: click.Context, program: str, fmt: str) -> None:
    """Show one program: goals, indicators, every version of its commitments, budgets and lineage.

    CSV output lists the commitments.

    \f
    Raises NotFound when no program has that code.
    """
    from natije.services import catalog

    lang = lang_of(ctx)
    details = catalog.show_program(open_store(ctx), program)
    headers = ["indicator", "kind", "period", "territory", "version", "value", "decided_on", "document"]
    emit(
        fmt,
        table=lambda: render_details(details, lang),
        json=details.to_dict,
        csv=lambda: (headers, [[c[h] for h in headers] for c in details.to_dict()["commitments"]]),
    )


def render_details(d: ProgramDetails, lang: str) -> None:
    """Print a program's details as headed tables in ``lang``."""
    p, s = d.program, d.summary
    w = {
        k: t(f"word.{k}", lang)
        for k in (
            "code",
            "name",
            "kind",
            "status",
            "years",
            "owner",
            "legal_act",
            "lineage",
            "goals",
            "indicators",
            "unit",
            "direction",
            "level",
            "period",
            "territory",
            "version",
            "value",
            "decided_on",
            "document",
            "commitments",
            "budget",
            "year",
            "stage",
            "amount",
            "repealed_on",
        )
    }
    owner = d.agencies.get(s.owner or "", {}).get(lang)
    console = render.console(highlight=False)
    console.print(f"[bold]{p.code}[/] — {p.names.get(lang)}")
    facts = [
        (w["kind"], t(f"program_kind.{s.kind}", lang)),
        (w["status"], t(f"program_status.{s.status}", lang)),
        (w["years"], f"{s.start_year}–{s.end_year}"),
        (w["repealed_on"], render.day(s.repealed_on, lang)),
        (w["owner"], f"{owner} ({s.owner})" if owner else s.owner),
        (w["legal_act"], p.legal_act_in(lang)),
        (
            w["lineage"],
            " → ".join(c if c in d.known else f"{c} ({t('msg.not_in_store', lang)})" for c in d.lineage),
        ),
    ]
    for label, value in facts:
        if value:
            console.print(f"  {render.cap(label)}: {value}", markup=False)
    if p.goals:
        _table(
            [w["code"], w["name"]],
            [(("  " if g.parent else "") + g.code, g.names.get(lang)) for g in p.goals],
            w["goals"],
        )
    _table(
        [w["code"], w["name"], w["unit"], w["direction"], w["level"]],
        [
            (
                i.code,
                i.names.get(lang),
                render.unit_name(i.unit, lang),
                t(f"direction.{i.direction.value}", lang),
                t(f"level.{i.level.value}", lang),
            )
            for i in d.indicators
        ],
        w["indicators"],
    )
    unit_of = {i.code: i.unit for i in d.indicators}
    if d.commitments:
        _table(
            [
                t("word.indicator", lang),
                w["kind"],
                w["period"],
                w["territory"],
                w["version"],
                w["value"],
                w["decided_on"],
                w["document"],
            ],
            [
                (
                    c.indicator,
                    t(f"word.{c.kind.value}", lang),
                    str(c.period),
                    render.territory(c.territory, d.territories, lang),
                    c.version,
                    render.value(c.value, unit_of.get(c.indicator), lang),
                    render.day(c.decided_on, lang),
                    c.document,
                )
                for c in d.commitments
            ],
            w["commitments"],
        )
    if d.budgets:
        render_budgets(d.budgets, lang)


def render_budgets(budgets: Sequence[BudgetLine], lang: str) -> None:
    """Print every budget version: year, goal, stage in lifecycle order,
    amount in ``lang``, version, decision.

    Columns no version fills (line code, funding, decision, document, indicators) are left out.
    """
    columns: dict[str, list[Any]] = {
        "year": [b.year for b in budgets],
        "goal": [b.goal or "" for b in budgets],
        "budget_line": [b.line or "" for b in budgets],
        "funding": [t(f"funding.{b.funding.value}", lang) if b.funding else "" for b in budgets],
        "stage": [t(f"budget_stage.{b.stage.value}", lang) for b in budgets],
        "amount": [money(b.amount, b.currency, lang) for b in budgets],
        "version": [b.version for b in budgets],
        "decided_on": [render.day(b.decided_on, lang) for b in budgets],
        "document": [b.document or "" for b in budgets],
        "indicators": [", ".join(b.indicators) for b in budgets],
    }
    shown = {w: v for w, v in columns.items() if w in ("year", "stage", "amount", "version") or any(v)}
    _table([t(f"word.{w}", lang) for w in shown], list(zip(*shown.values())), t("word.budget", lang))
