"""``natije evaluate``: impact evaluation of a panel file with one of the registered methods."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

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
@click.option(
    "--data",
    type=click.Path(path_type=Path),
    required=True,
    help="Panel file: .csv, .parquet or .xlsx, one row per unit and period.",
)
@click.option(
    "--unit", help="Column naming the unit (e.g. territory); none for a single series (--method its)."
)
@click.option("--time", required=True, help="Column naming the period.")
@click.option("--outcome", required=True, help="Column holding the outcome.")
@click.option("--method", required=True, help="did, event-study, cs, sc, sdid or its.")
@click.option("--treated", help="Treated unit(s), comma separated (with --start).")
@click.option("--start", help="First treated period (with --treated).")
@click.option("--cohort", help="Column with each unit's first treated period (0/empty=never).")
@click.option("--control", default="never", help="Comparison units: never or not-yet.")
@click.option("--estimation", default="dr", help="dr, ipw or reg (method cs).")
@click.option("--covariates", help="Covariate columns, comma separated.")
@click.option("--aggregation", default="simple", help="simple, dynamic, group or calendar.")
@click.option("--inference", help="analytic, bootstrap, placebo, jackknife, simulation.")
@click.option("--n-boot", default=1000, help="Bootstrap / placebo / simulation draws.")
@click.option("--alpha", default=0.05, help="1 - confidence level.")
@click.option("--seed", default=0, help="Seed of every random step.")
@click.option("--executor", default="serial", help="serial, processes or dask://HOST:PORT.")
@format_option("table", "json", "csv")
@click.pass_context
def evaluate_command(
    ctx: click.Context,
    data: Path,
    unit: str | None,
    time: str,
    outcome: str,
    method: str,
    treated: str | None,
    start: str | None,
    cohort: str | None,
    control: str,
    estimation: str,
    covariates: str | None,
    aggregation: str,
    inference: str | None,
    n_boot: int,
    alpha: float,
    seed: int,
    executor: str,
    fmt: str,
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
