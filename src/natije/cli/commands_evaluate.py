"""``natije evaluate``: impact evaluation of a panel file with one of the registered methods."""
# ruff: noqa: B008  (typer declares options as call defaults)

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from natije.cli import render
from natije.cli.app import app, format_option, lang_of
from natije.cli.evaluation_output import csv_records, draws_progress, print_headline, print_result
from natije.cli.output import emit
from natije.locale import t


def _split(text: str | None) -> tuple[str, ...] | None:
    return None if not text else tuple(s.strip() for s in text.split(",") if s.strip())


def _print_table(r: dict[str, Any], lang: str) -> None:
    from natije.services.evaluation_words import method_name

    console = render.console()
    print_headline(
        console,
        r,
        lang,
        t("evaluation.output.title", lang, method=method_name(r, lang), outcome=r["design"]["outcome"]),
    )
    print_result(console, r, lang)


@app.command("evaluate")
def evaluate_command(
    ctx: typer.Context,
    data: Path = typer.Option(
        ..., "--data", help="Panel file: .csv, .parquet or .xlsx, one row per unit and period."
    ),
    unit: str = typer.Option(
        None,
        "--unit",
        help="Column naming the unit (e.g. territory); none for a single series (--method its).",
    ),
    time: str = typer.Option(..., "--time", help="Column naming the period."),
    outcome: str = typer.Option(..., "--outcome", help="Column holding the outcome."),
    method: str = typer.Option(..., "--method", help="did, event-study, cs, sc, sdid or its."),
    treated: str = typer.Option(None, "--treated", help="Treated unit(s), comma separated (with --start)."),
    start: str = typer.Option(None, "--start", help="First treated period (with --treated)."),
    cohort: str = typer.Option(
        None, "--cohort", help="Column with each unit's first treated period (0/empty=never)."
    ),
    control: str = typer.Option("never", "--control", help="Comparison units: never or not-yet."),
    estimation: str = typer.Option("dr", "--estimation", help="dr, ipw or reg (method cs)."),
    covariates: str = typer.Option(None, "--covariates", help="Covariate columns, comma separated."),
    aggregation: str = typer.Option("simple", "--aggregation", help="simple, dynamic, group or calendar."),
    inference: str = typer.Option(
        None, "--inference", help="analytic, bootstrap, placebo, jackknife, simulation."
    ),
    n_boot: int = typer.Option(1000, "--n-boot", help="Bootstrap / placebo / simulation draws."),
    alpha: float = typer.Option(0.05, "--alpha", help="1 - confidence level."),
    seed: int = typer.Option(0, "--seed", help="Seed of every random step."),
    executor: str = typer.Option("serial", "--executor", help="serial, processes or dask://HOST:PORT."),
    fmt: str = format_option("table", "json", "csv"),
) -> None:
    """Estimate the impact of an intervention on a panel.

    \f
    Raises ValidationError, InsufficientData (a design too small) or EstimationError.
    """
    from natije.services.evaluation_run import read_panel_file, run_evaluation

    lang = lang_of(ctx)
    with draws_progress(lang, fmt) as progress:
        result = run_evaluation(
            read_panel_file(data),
            unit=unit,
            time=time,
            outcome=outcome,
            method=method,
            treated=_split(treated),
            start=start,
            cohort=cohort,
            control=control,
            estimation=estimation,
            covariates=_split(covariates) or (),
            aggregation=aggregation,
            inference=inference,
            n_boot=n_boot,
            alpha=alpha,
            seed=seed,
            executor=executor,
            progress=progress,
            lang=lang,
        ).to_dict()
    emit(fmt, table=lambda: _print_table(result, lang), json=lambda: result, csv=lambda: csv_records(result))
