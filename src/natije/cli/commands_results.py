"""``natije results``, ``natije flags``, ``natije lineage``,
``natije scorecard`` and the demo's scorecards."""

from __future__ import annotations

import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

import click

from natije.cli import render
from natije.cli.app import (
    app,
    as_of_option,
    choice_option,
    format_option,
    lang_of,
    open_store,
    territory_option,
)
from natije.cli.output import emit
from natije.locale import t
from natije.locale.evidence import evidence

if TYPE_CHECKING:
    import polars as pl
    from rich.console import Console

    from natije.services.monitoring import Scorecard
    from natije.services.stores import Store

AS_OF = as_of_option()
FORMAT = format_option("table", "json", "csv")


def _cell(v: Any, lang: str) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return render.number(v, lang)
    if isinstance(v, datetime.date):
        return render.day(v, lang)
    return str(v)


def header(column: str, lang: str) -> str:
    """The column's header in ``lang`` (``word.<column>`` of the catalog)."""
    return t(f"word.{column}", lang)


def print_frame(
    frame: pl.DataFrame, lang: str, title: str = "", caption: str = "", right: tuple[str, ...] = ()
) -> None:
    """Print a frame as a table that fits the terminal (headers from ``word.*``, values in ``lang``)."""
    render.print_table(
        render.console(highlight=False),
        [header(c, lang) for c in frame.columns],
        [[_cell(v, lang) for v in row] for row in frame.iter_rows()],
        title,
        caption,
        [i for i, c in enumerate(frame.columns) if c in right],
    )


def judged(as_of: str | None, lang: str, basis: str = "current") -> str:
    """The line under every results table: the date the results were judged on (``as_of``, ISO) and the
    targets' basis."""
    from natije.services.monitoring import today

    day = render.day(as_of or today(), lang)
    return t("results.judged", lang, date=day, basis=t(f"basis.{basis}", lang))


@app.command("results")
@click.argument("program")
@AS_OF
@territory_option(
    "--territory",
    "KATO code of one territory, 'national' (default) or 'all'.",
    "national",
    words=("national", "all"),
)
@choice_option("--basis", ("current", "first"), "current", "current (in force) or first (as first promised).")
@FORMAT
@click.pass_context
def results(
    ctx: click.Context, program: str, as_of: str | None, territory: str, basis: str, fmt: str
) -> None:
    """Targets against actuals: achievement, forecast, chance to meet, status.

    \f
    Raises NotFound.
    """
    from natije.cli.json_output import results_rows
    from natije.services import monitoring

    store, lang = open_store(ctx), lang_of(ctx)
    table = partial(monitoring.program_results, store, program, as_of, territory, basis)
    emit(
        fmt,
        table=lambda: print_results(store, program, table(), lang=lang, as_of=as_of, basis=basis),
        json=lambda: results_rows(
            *monitoring.program_results_with_flags(store, program, as_of, territory, basis)
        ),
        csv=table,
    )


def print_results(
    store: Store, program: str, table: pl.DataFrame, *, lang: str, as_of: str | None, basis: str
) -> None:
    """The results table for people: values in their units, territories by name, status in words."""
    from natije.services import catalog

    places = catalog.territory_names(store)
    rows = [
        [
            r["indicator"].removeprefix(f"{program}."),
            render.territory(r["territory"], places, lang),
            r["period"],
            render.value(r["baseline"], r["unit"], lang),
            render.value(r["target"], r["unit"], lang),
            render.value(r["actual"], r["unit"], lang) + (" *" if r["illustrative"] else ""),
            r["actual_period"] or "",
            render.share(r["achievement"], lang),
            render.value(r["forecast_value"], r["unit"], lang),
            render.share(r["p_meet"], lang),
            t(f"status.{r['status']}", lang),
        ]
        for r in table.iter_rows(named=True)
    ]
    cols = (
        "indicator",
        "territory",
        "period",
        "baseline",
        "target",
        "actual",
        "actual_period",
        "achievement",
        "forecast",
        "p_meet",
        "status",
    )
    render.print_table(
        render.console(highlight=False),
        [header(c, lang) for c in cols],
        rows,
        t("results.title", lang, program=program),
        judged(as_of, lang, basis),
        right=range(3, 10),
    )
    if table.height and table["illustrative"].any():  # the footnote only under a starred value
        render.console(highlight=False).print(t("msg.illustrative_note", lang))


@app.command("flags")
@click.argument("program")
@AS_OF
@FORMAT
@click.pass_context
def flags(ctx: click.Context, program: str, as_of: str | None, fmt: str) -> None:
    """Moved goalposts of a program, each with its evidence.

    \f
    Raises NotFound.
    """
    from natije.services import monitoring

    store, lang = open_store(ctx), lang_of(ctx)
    frame = monitoring.program_flags(store, program, as_of)
    emit(
        fmt,
        table=lambda: print_flags(store, program, frame, lang=lang, as_of=as_of),
        json=frame.to_dicts,
        csv=lambda: frame,
    )


def print_flags(store: Store, program: str, frame: pl.DataFrame, *, lang: str, as_of: str | None) -> None:
    """A program's flags for people: each flag and territory named in ``lang``, its evidence worded."""
    import polars as pl

    from natije.services import catalog

    worded = [evidence(f, a, lang, e) for f, a, e in frame.select("flag", "args", "evidence").iter_rows()]
    places = catalog.territory_names(store)
    frame = frame.with_columns(
        pl.col("flag").map_elements(lambda f: t(f"flag.{f}", lang), pl.String),
        pl.col("territory").map_elements(lambda c: render.territory(c, places, lang), pl.String),
        pl.Series("evidence", worded, dtype=pl.String),
    ).select("flag", "indicator", "territory", "period", "evidence")
    if frame.height == 0:
        click.echo(t("msg.no_flags", lang))
        return
    print_frame(frame, lang, t("flags.title", lang, program=program), judged(as_of, lang))


@app.command("lineage")
@click.argument("program")
@AS_OF
@FORMAT
@click.pass_context
def lineage(ctx: click.Context, program: str, as_of: str | None, fmt: str) -> None:
    """Promises across a program and its predecessors: carried over, repeated later, dropped.

    \f
    Raises NotFound.
    """
    from natije.services import monitoring

    lang = lang_of(ctx)
    frame = monitoring.program_lineage(open_store(ctx), program, as_of, lang)
    emit(
        fmt,
        table=lambda: print_lineage(program, frame, lang=lang, as_of=as_of),
        json=frame.to_dicts,
        csv=lambda: frame,
    )


def print_lineage(program: str, frame: pl.DataFrame, *, lang: str, as_of: str | None) -> None:
    """A program's promises across its lineage for people: each status in ``lang``."""
    import polars as pl

    frame = frame.with_columns(
        pl.col("status").map_elements(lambda s: t(f"lineage_status.{s}", lang), pl.String)
    ).drop("name_en")
    print_frame(frame, lang, t("lineage.title", lang, program=program), judged(as_of, lang), ("target",))


@app.command("scorecard")
@AS_OF
@click.pass_context
def scorecard(ctx: click.Context, as_of: str | None) -> None:
    """Print a scorecard per program: targets by status, budget spent vs results, worst flags."""
    from natije.services import monitoring

    print_scorecards(monitoring.scorecards(open_store(ctx), as_of), lang_of(ctx))


def render_scorecards(store: Store, lang: str = "kk", as_of: str | None = None) -> None:
    """Print every program's scorecard (the end of ``natije demo``)."""
    from natije.services import monitoring

    print_scorecards(monitoring.scorecards(store, as_of), lang)


def print_scorecards(cards: list[Scorecard], lang: str, console: Console | None = None) -> None:
    """Render scorecards as tables in ``lang``; illustrative values are starred."""
    from rich.text import Text as Plain  # rich text, printed without markup

    console = console or render.console(highlight=False)
    heads = [
        t(k, lang)
        for k in (
            "word.indicator",
            "word.period",
            "word.actual",
            "word.target",
            "word.achievement",
            "word.p_meet",
            "word.status",
        )
    ]
    for card in cards:
        title = t("scorecard.title", lang, program=f"{card.program} — {card.names.get(lang) or card.program}")
        rows = [
            [
                f"{r.get(f'name_{lang}') or r['indicator']} ({r['indicator']})",
                r["period"],
                render.value(r["actual"], r.get("unit"), lang)
                + (" *" if r["illustrative"] else "")
                + (f" ({r['actual_period']})" if r.get("actual_period") and r["actual"] is not None else ""),
                render.value(r["target"], r.get("unit"), lang),
                render.share(r["achievement"], lang),
                render.share(r["p_meet"], lang),
                t(f"status.{r['status']}", lang),
            ]
            for r in card.rows
        ]
        if rows:
            render.print_table(console, heads, rows, title, judged(card.as_of, lang), right=range(2, 6))
        else:
            console.print(Plain(f"{render.cap(title)}. {t('msg.no_results', lang)}", style="bold"))
        counts = "; ".join(
            t("scorecard.status_count", lang, status=t(f"status.{s}", lang), count=n)
            for s, n in card.by_status.items()
            if n
        )
        console.print(Plain(render.cap(t("scorecard.by_status", lang, counts=counts or "—"))))
        spent = render.share(card.spent_share, lang) or "—"
        done = render.share(card.achieved_share, lang) or "—"
        console.print(Plain(render.cap(t("scorecard.money_vs_results", lang, spent=spent, achieved=done))))
        if card.worst_flags:
            console.print(Plain(render.cap(t("scorecard.worst_flags", lang)) + ":"))
            for f in card.worst_flags:
                text = evidence(f["flag"], f.get("args"), lang, f["evidence"])
                console.print(
                    Plain(f"  • {render.cap(t('flag.' + f['flag'], lang))} — {f['indicator']}: {text}")
                )
        if card.dropped:
            console.print(
                Plain(
                    render.cap(
                        t("scorecard.dropped", lang, count=len(card.dropped), codes=", ".join(card.dropped))
                    )
                )
            )
        if card.illustrative:
            console.print(t("msg.illustrative_note", lang))
        console.print()
