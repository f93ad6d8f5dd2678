"""``natije evaluation run|list|show|rerun``: impact evaluations of a program's indicator,
stored and re-run."""
# ruff: noqa: B008  (typer declares options as call defaults)

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from natije.cli import render
from natije.cli.app import app, as_of_option, format_option, lang_of, open_store, territory_option
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

registry = typer.Typer(
    help="Stored impact evaluations of program indicators: run, list, show, rerun.", no_args_is_help=True
)
app.add_typer(registry, name="evaluation")

FORMAT = format_option("table", "json")
RESULT_FORMAT = format_option("table", "json", "csv")
K = "evaluation.registry."


def _ctx(ctx: typer.Context) -> tuple[Store, str]:
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
        typer.echo(t(K + "saved", lang, id=rec.id) if rec.id is not None else t(K + "not_saved", lang))

    emit(fmt, table=as_table, json=as_json, csv=lambda: csv_records(rec.result))


@registry.command("run")
def run(
    ctx: typer.Context,
    program: str,
    indicator: str,
    method: str = typer.Option(..., "--method", help="did, event-study, cs, sc, sdid or its."),
    treated: str = territory_option("--treated", "Treated territory codes, comma separated.", many=True),
    start: str = typer.Option(None, "--start", help="First treated period (with --treated), e.g. 2019."),
    cohort_file: Path = typer.Option(None, "--cohort-file", help="CSV: territory,first_period (0 = never)."),
    control: str = typer.Option("never", "--control", help="Comparison units: never or not-yet."),
    estimation: str = typer.Option("dr", "--estimation", help="dr, ipw or reg (method cs)."),
    aggregation: str = typer.Option("simple", "--aggregation", help="simple, dynamic, group or calendar."),
    inference: str = typer.Option(
        None, "--inference", help="analytic, bootstrap, placebo, jackknife, simulation."
    ),
    n_boot: int = typer.Option(1000, "--n-boot", help="Bootstrap / placebo / simulation draws."),
    territories: str = territory_option("--territories", "Use only these territory codes.", many=True),
    as_of: str = as_of_option("Use the values known on this date (YYYY-MM-DD)."),
    seed: int = typer.Option(0, "--seed", help="Seed of every random step."),
    label: str = typer.Option(None, "--label", help="A short name for the stored evaluation."),
    save: bool = typer.Option(True, "--save/--no-save", help="Store the evaluation (default) or not."),
    fmt: str = RESULT_FORMAT,
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
def list_(
    ctx: typer.Context, program: str = typer.Argument(None, help="Only this program."), fmt: str = FORMAT
) -> None:
    """List stored evaluations, newest first."""
    from natije.services import evaluation as service

    store, lang = _ctx(ctx)
    records = service.history(store, program)
    emit(fmt, table=lambda: print_history(records, lang), json=lambda: [r.to_dict() for r in records])


def print_history(records: list[StoredEvaluation], lang: str) -> None:
    """Stored evaluations as a table for people, or the line saying there are none."""
    if not records:
        typer.echo(t(K + "none", lang))
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
def show(ctx: typer.Context, evaluation_id: int, fmt: str = RESULT_FORMAT) -> None:
    """Show one stored evaluation with its impact per bn KZT executed.

    \f
    Raises NotFound.
    """
    from natije.services import evaluation as service

    store, lang = _ctx(ctx)
    _emit(service.get(store, evaluation_id), fmt, lang, store)


@registry.command("rerun")
def rerun(
    ctx: typer.Context,
    evaluation_id: int,
    save: bool = typer.Option(False, "--save/--no-save", help="Store the new run too."),
    fmt: str = FORMAT,
) -> None:
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
        table=lambda: typer.echo(
            t(
                K + key,
                lang,
                id=evaluation_id,
                old=num(cmp.old_estimate, lang),
                new=num(cmp.new_estimate, lang),
            )
        ),
    )
