"""``natije evaluation run|list|show|rerun``: impact evaluations of a program's indicator,
stored and re-run."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from natije.cli import render
from natije.cli.app import Commands, app, as_of_option, format_option, lang_of, open_store, territory_option
from natije.cli.evaluation_output import (
    csv_records,
    draws_progress,
    headline_row,
    num,
    print_panel,
    print_result,
)
from natije.cli.output import emit
from natije.cli.render import print_table
from natije.locale import t

if TYPE_CHECKING:
    from natije.services.evaluation import StoredEvaluation
    from natije.services.evaluation_budget import BudgetImpact
    from natije.services.stores import Store


@app.group("evaluation", cls=Commands, no_args_is_help=True)
def registry() -> None:
    """Stored impact evaluations of program indicators: run, list, show, rerun."""


FORMAT = format_option("table", "json")
RESULT_FORMAT = format_option("table", "json", "csv")
K = "evaluation.registry."


def _ctx(ctx: click.Context) -> tuple[Store, str]:
    from natije.services.catalog import require_programs

    store = open_store(ctx)
    # a store from before the evaluations table: "run natije init"; one without programs: how to fill it
    require_programs(store)
    return store, lang_of(ctx)


def _print(rec: StoredEvaluation, lang: str, budget: BudgetImpact | None = None) -> None:
    from rich.markup import escape

    from natije.services.evaluation_words import method_name

    console, r = render.console(), rec.result
    heads = [
        t(K + "col." + c, lang)
        for c in ("id", "estimate", "se", "ci", "p_value", "data_hash", "created_at", "label")
    ]
    row = [
        "" if rec.id is None else str(rec.id),
        *headline_row(r, lang),
        rec.data_hash[:12],
        rec.created_at.strftime("%Y-%m-%d %H:%M"),
        rec.label or "",
    ]
    print_table(
        console,
        heads,
        [row],
        title=f"{rec.program} · {_indicator(r, rec.indicator, lang)} · {method_name(r, lang)}",
        right=range(1, 5),
    )
    print_panel(console, (r.get("diagnostics") or {}).get("panel") or {}, lang)
    print_result(console, r, lang, assumptions=False)
    if budget is not None:
        console.print(
            escape(
                t(
                    K + "per_bn",
                    lang,
                    first=budget.first_year,
                    last=budget.last_year,
                    amount=num(budget.executed_kzt / 1e9, lang),
                    lines=budget.lines,
                    value=num(budget.per_bn, lang),
                    low=num(budget.ci_per_bn[0], lang),
                    high=num(budget.ci_per_bn[1], lang),
                )
            )
        )


def _indicator(r: Mapping[str, Any], code: str, lang: str) -> str:
    """The indicator's name in ``lang`` with its code, as the panel notes recorded it (else the code)."""
    names = ((r.get("diagnostics") or {}).get("panel") or {}).get("indicator", {}).get("names", {})
    return f"{names[lang]} ({code})" if names.get(lang) else code


def _emit(rec: StoredEvaluation, fmt: str, lang: str, store: Store) -> None:
    from natije.services.evaluation_budget import impact_per_budget

    def budget() -> BudgetImpact | None:
        return impact_per_budget(store, rec.id) if rec.id is not None else None

    def as_json() -> dict[str, Any]:
        impact = budget()
        return {**rec.to_dict(), "budget": impact.to_dict() if impact else None}

    def as_table() -> None:
        _print(rec, lang, budget())
        click.echo(t(K + "saved", lang, id=rec.id) if rec.id is not None else t(K + "not_saved", lang))

    emit(fmt, table=as_table, json=as_json, csv=lambda: csv_records(rec.result))


@registry.command("run")
@click.argument("program")
@click.argument("indicator")
@click.option("--method", required=True, help="did, event-study, cs, sc, sdid or its.")
@territory_option("--treated", "Treated territory codes, comma separated.", many=True)
@click.option("--start", help="First treated period (with --treated), e.g. 2019.")
@click.option(
    "--cohort-file",
    type=click.Path(path_type=Path),
    help="CSV: territory,first_period (0 = never).",
)
@click.option("--control", default="never", help="Comparison units: never or not-yet.")
@click.option("--estimation", default="dr", help="dr, ipw or reg (method cs).")
@click.option("--aggregation", default="simple", help="simple, dynamic, group or calendar.")
@click.option("--inference", help="analytic, bootstrap, placebo, jackknife, simulation.")
@click.option("--n-boot", default=1000, help="Bootstrap / placebo / simulation draws.")
@territory_option("--territories", "Use only these territory codes.", many=True)
@as_of_option("Use the values known on this date (YYYY-MM-DD).")
@click.option("--seed", default=0, help="Seed of every random step.")
@click.option("--label", help="A short name for the stored evaluation.")
@click.option("--save/--no-save", "save", default=True, help="Store the evaluation (default) or not.")
@RESULT_FORMAT
@click.pass_context
def run(
    ctx: click.Context,
    program: str,
    indicator: str,
    method: str,
    treated: str | None,
    start: str | None,
    cohort_file: Path | None,
    control: str,
    estimation: str,
    aggregation: str,
    inference: str | None,
    n_boot: int,
    territories: str | None,
    as_of: str | None,
    seed: int,
    label: str | None,
    save: bool,
    fmt: str,
) -> None:
    """Evaluate a program's impact on an indicator with territories as units, and store it."""
    from natije.services import evaluation as service

    store, lang = _ctx(ctx)
    cohort = service.read_cohort_file(cohort_file) if cohort_file else None
    with draws_progress(lang, fmt) as progress:
        rec = service.evaluate_indicator(
            store,
            program,
            indicator,
            method=method,
            treated=treated,
            start=start,
            cohort=cohort,
            territories=territories.split(",") if territories else None,
            as_of=as_of,
            seed=seed,
            control=control,
            estimation=estimation,
            aggregation=aggregation,
            inference=inference,
            n_boot=n_boot,
            save=save,
            label=label,
            progress=progress,
            lang=lang,
        )
    _emit(rec, fmt, lang, store)


@registry.command("list")
@click.argument("program", required=False, help="Only this program.")
@FORMAT
@click.pass_context
def list_(ctx: click.Context, program: str | None, fmt: str) -> None:
    """List stored evaluations, newest first."""
    from natije.services import evaluation as service

    store, lang = _ctx(ctx)
    records = service.history(store, program)
    emit(fmt, table=lambda: print_history(records, lang), json=lambda: [r.to_dict() for r in records])


def print_history(records: list[StoredEvaluation], lang: str) -> None:
    """Stored evaluations as a table for people, or the line saying there are none."""
    if not records:
        click.echo(t(K + "none", lang))
        return
    heads = [
        t(K + "col." + col, lang)
        for col in ("id", "program", "indicator", "method", "estimate", "data_hash", "created_at", "label")
    ]
    rows = [
        [
            str(r.id),
            r.program,
            r.indicator,
            r.method,
            render.number(r.estimate, lang),
            r.data_hash[:12],
            f"{render.day(r.created_at.date(), lang)} {r.created_at:%H:%M}",
            r.label or "",
        ]
        for r in records
    ]
    render.print_table(render.console(), heads, rows, t(K + "title", lang), right=(0, 4))


@registry.command("show")
@click.argument("evaluation_id", type=int)
@RESULT_FORMAT
@click.pass_context
def show(ctx: click.Context, evaluation_id: int, fmt: str) -> None:
    """Show one stored evaluation with its impact per bn KZT executed.

    \f
    Raises NotFound.
    """
    from natije.services import evaluation as service

    store, lang = _ctx(ctx)
    _emit(service.get(store, evaluation_id), fmt, lang, store)


@registry.command("rerun")
@click.argument("evaluation_id", type=int)
@click.option("--save/--no-save", "save", default=False, help="Store the new run too.")
@FORMAT
@click.pass_context
def rerun(ctx: click.Context, evaluation_id: int, save: bool, fmt: str) -> None:
    """Re-run a stored evaluation on the current data and compare.

    \f
    Raises NotFound.
    """
    from natije.services import evaluation as service

    store, lang = _ctx(ctx)
    with draws_progress(lang, fmt) as progress:
        cmp = service.rerun(store, evaluation_id, save=save, progress=progress)
    key = "data_changed" if cmp.data_changed else "data_same"
    emit(
        fmt,
        json=cmp.to_dict,
        table=lambda: click.echo(
            t(
                K + key,
                lang,
                id=evaluation_id,
                old=num(cmp.old_estimate, lang),
                new=num(cmp.new_estimate, lang),
            )
        ),
    )
