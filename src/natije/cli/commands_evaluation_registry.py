"""``natije evaluation run|list|show|rerun``: impact evaluations of a program's indicator, stored and re-run."""
# ruff: noqa: B008  (typer declares options as call defaults)

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from natije.cli import render
from natije.cli.app import app, check_format, lang_of, open_store
from natije.locale import t
from natije.services import evaluation as service
from natije.services.evaluation_budget import BudgetImpact, impact_per_budget
from natije.store.evaluations import StoredEvaluation

registry = typer.Typer(help="Stored impact evaluations of program indicators: run, list, show, rerun.",
                       no_args_is_help=True)
app.add_typer(registry, name="evaluation")

FORMAT = typer.Option("table", "--format", help="Output format: table or json.")
K = "evaluation.registry."


def _ctx(ctx: typer.Context) -> tuple[Any, str]:
    store = open_store(ctx)
    store.ensure_ready()  # a store from before the evaluations table: "run natije init", not a traceback
    return store, lang_of(ctx)




def _n(x: Any) -> str:
    return "" if x is None else f"{x:.4g}" if isinstance(x, float) else str(x)


def _print(rec: StoredEvaluation, lang: str, budget: BudgetImpact | None = None) -> None:
    console, r = Console(), rec.result
    head = Table(title=f"{rec.program} · {rec.indicator} · {rec.method}")
    for col in ("id", "estimate", "se", "ci", "p_value", "data_hash", "created_at", "label"):
        head.add_column(t(K + "col." + col, lang))
    ci = r.get("ci") or [None, None]
    head.add_row(_n(rec.id), _n(r.get("estimate")), _n(r.get("se")), f"{_n(ci[0])} … {_n(ci[1])}",
                 _n(r.get("p_value")), rec.data_hash[:12], rec.created_at.strftime("%Y-%m-%d %H:%M"), rec.label or "")
    console.print(head)
    panel = r.get("diagnostics", {}).get("panel", {})
    if panel:
        console.print(t(K + "panel", lang, units=panel["units"], level=panel["level"], first=panel["periods"][0],
                        last=panel["periods"][1]))
        if panel.get("dropped_units"):
            console.print(t(K + "dropped", lang, units=", ".join(panel["dropped_units"])))
        if panel.get("illustrative_rows"):
            console.print(t("msg.illustrative_note", lang))
    console.print(r.get("interpretation", ""))
    if budget is not None:
        console.print(t(K + "per_bn", lang, first=budget.first_year, last=budget.last_year,
                        amount=_n(budget.executed_kzt / 1e9), lines=budget.lines, value=_n(budget.per_bn),
                        low=_n(budget.ci_per_bn[0]), high=_n(budget.ci_per_bn[1])))


def _emit(rec: StoredEvaluation, fmt: str, lang: str, store: Any) -> None:
    budget = impact_per_budget(store, rec.id) if rec.id is not None else None
    if fmt == "json":
        typer.echo(json.dumps({**rec.to_dict(), "budget": budget.to_dict() if budget else None},
                              ensure_ascii=False, indent=1))
        return
    _print(rec, lang, budget)
    typer.echo(t(K + "saved", lang, id=rec.id) if rec.id is not None else t(K + "not_saved", lang))


@registry.command("run")
def run(ctx: typer.Context, program: str, indicator: str,
        method: str = typer.Option(..., "--method", help="did, event-study, cs, sc, sdid or its."),
        treated: str = typer.Option(None, "--treated", help="Treated territory codes, comma separated."),
        start: str = typer.Option(None, "--start", help="First treated period (with --treated), e.g. 2019."),
        cohort_file: Path = typer.Option(None, "--cohort-file", help="CSV: territory,first_period (0 = never)."),
        control: str = typer.Option("never", "--control", help="Comparison units: never or not-yet."),
        estimation: str = typer.Option("dr", "--estimation", help="dr, ipw or reg (method cs)."),
        aggregation: str = typer.Option("simple", "--aggregation", help="simple, dynamic, group or calendar."),
        inference: str = typer.Option(None, "--inference", help="analytic, bootstrap, placebo, jackknife, simulation."),
        n_boot: int = typer.Option(1000, "--n-boot", help="Bootstrap / placebo / simulation draws."),
        territories: str = typer.Option(None, "--territories", help="Use only these territory codes."),
        as_of: str = typer.Option(None, "--as-of", help="Use the values known on this date (YYYY-MM-DD)."),
        seed: int = typer.Option(0, "--seed", help="Seed of every random step."),
        label: str = typer.Option(None, "--label", help="A short name for the stored evaluation."),
        save: bool = typer.Option(True, "--save/--no-save", help="Store the evaluation (default) or not."),
        fmt: str = FORMAT) -> None:
    """Evaluate a program's impact on an indicator with territories as units, and store it."""
    check_format(fmt, ("table", "json"))
    store, lang = _ctx(ctx)
    cohort = service.read_cohort_file(cohort_file) if cohort_file else None
    rec = service.evaluate_indicator(store, program, indicator, method=method, treated=treated, start=start,
                                     cohort=cohort, territories=territories.split(",") if territories else None,
                                     as_of=as_of, seed=seed, control=control, estimation=estimation,
                                     aggregation=aggregation, inference=inference, n_boot=n_boot, save=save,
                                     label=label, lang=lang)
    _emit(rec, fmt, lang, store)


@registry.command("list")
def list_(ctx: typer.Context, program: str = typer.Argument(None, help="Only this program."),
          fmt: str = FORMAT) -> None:
    """List stored evaluations, newest first."""
    check_format(fmt, ("table", "json"))
    store, lang = _ctx(ctx)
    records = service.history(store, program)
    if fmt == "json":
        typer.echo(json.dumps([r.to_dict() for r in records], ensure_ascii=False, indent=1))
        return
    if not records:
        typer.echo(t(K + "none", lang))
        return
    heads = [t(K + "col." + col, lang) for col in ("id", "program", "indicator", "method", "estimate", "data_hash",
                                                    "created_at", "label")]
    rows = [[str(r.id), r.program, r.indicator, r.method, render.number(r.estimate, lang), r.data_hash[:12],
             f"{render.day(r.created_at.date(), lang)} {r.created_at:%H:%M}", r.label or ""] for r in records]
    render.print_table(Console(), heads, rows, t(K + "title", lang), right=(0, 4))


@registry.command("show")
def show(ctx: typer.Context, evaluation_id: int, fmt: str = FORMAT) -> None:
    """Show one stored evaluation with its impact per bn KZT executed.

    \f
    Raises NotFound.
    """
    check_format(fmt, ("table", "json"))
    store, lang = _ctx(ctx)
    _emit(service.get(store, evaluation_id), fmt, lang, store)


@registry.command("rerun")
def rerun(ctx: typer.Context, evaluation_id: int,
          save: bool = typer.Option(False, "--save/--no-save", help="Store the new run too."),
          fmt: str = FORMAT) -> None:
    """Re-run a stored evaluation on the current data and compare.

    \f
    Raises NotFound.
    """
    check_format(fmt, ("table", "json"))
    store, lang = _ctx(ctx)
    cmp = service.rerun(store, evaluation_id, save=save)
    if fmt == "json":
        typer.echo(json.dumps(cmp.to_dict(), ensure_ascii=False, indent=1))
        return
    key = "data_changed" if cmp.data_changed else "data_same"
    typer.echo(t(K + key, lang, id=evaluation_id, old=_n(cmp.old_estimate), new=_n(cmp.new_estimate)))
