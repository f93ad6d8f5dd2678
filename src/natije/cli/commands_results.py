"""``natije results``, ``natije flags``, ``natije lineage``, ``natije scorecard`` and the demo's scorecards."""


from __future__ import annotations

import json
from typing import Any

import polars as pl
import typer
from rich.console import Console
from rich.table import Table

from natije.cli.app import (
    app,
    as_of_option,
    choice_option,
    format_option,
    lang_of,
    open_store,
    territory_option,
)
from natije.locale import t
from natije.results.scorecard import Scorecard
from natije.services import monitoring

FORMATS = ("table", "json", "csv")
AS_OF = as_of_option()
FORMAT = format_option("table", "json", "csv")








def evidence(flag: str, args: str | None, lang: str, fallback: str = "") -> str:
    """A flag's evidence worded in ``lang`` from its JSON ``args`` (the English text when they do not fit)."""
    try:
        params = json.loads(args or "{}")
        if params.get(f"name_{lang}"):  # the indicator's name in the reader's language, where the flag has it
            params["name"] = params[f"name_{lang}"]
        return t(f"evidence.{flag}", lang, **params)
    except (KeyError, ValueError):
        return fallback


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        # whole numbers keep every digit (300,000 jobs; 2,606 villages), others three significant figures
        return f"{v:,.0f}" if v.is_integer() or abs(v) >= 1000 else f"{v:.3g}"
    return str(v)


def _with_unit(v: Any, unit: str | None) -> str:
    text = _fmt(v)
    if not text or not unit or unit in ("count", "rank", "index", "ratio"):
        return text
    return f"{text} %" if unit == "%" else f"{text} {unit}"


def print_frame(frame: pl.DataFrame, fmt: str, lang: str, title: str = "") -> None:
    """Print a frame as a rich table (headers translated where a ``word.*`` key exists), JSON or CSV."""
    if fmt == "json":
        typer.echo(json.dumps(frame.to_dicts(), ensure_ascii=False, default=str, indent=1))
    elif fmt == "csv":
        typer.echo(frame.with_columns(pl.col(pl.Enum).cast(pl.String)).write_csv(), nl=False)
    else:
        table = Table(title=title)
        for col in frame.columns:
            table.add_column(t(f"word.{col}", lang) if t(f"word.{col}", lang) != f"word.{col}" else col)
        for row in frame.iter_rows():
            table.add_row(*(_fmt(v) for v in row))
        Console().print(table)


@app.command("results")
def results(ctx: typer.Context, program: str, as_of: str = AS_OF,
            territory: str = territory_option("--territory", "KATO code of one territory, 'national' (default) or "
                                              "'all'.", "national", words=("national", "all")),
            basis: str = choice_option("--basis", ("current", "first"), "current",
                                       "current (in force) or first (as first promised)."),
            fmt: str = FORMAT) -> None:
    """Targets against actuals: achievement, forecast, chance to meet, status. Raises NotFound."""
    store = open_store(ctx)
    if fmt == "json":
        rows = monitoring.program_results_json(store, program, as_of, territory, basis)
        typer.echo(json.dumps(rows, ensure_ascii=False, default=str, indent=1))
        return
    table = monitoring.program_results(store, program, as_of, territory, basis)
    lang = lang_of(ctx)
    if fmt == "table":
        pct = [pl.when(pl.col(c).is_not_null()).then(pl.format("{}%", (pl.col(c) * 100).round(0).cast(pl.Int64)))
               .alias(c) for c in ("achievement", "p_meet")]
        table = table.with_columns(
            pl.col("indicator").str.replace(f"^{program}\\.", ""),
            pl.when(pl.col("illustrative")).then(pl.format("{} *", pl.col("actual").round(3)))
            .otherwise(pl.col("actual").round(3).cast(pl.String)).alias("actual"),
            pl.col("forecast_value").round(3).alias("forecast"), *pct,
            pl.col("status").cast(pl.String).map_elements(lambda s: t(f"status.{s}", lang), pl.String),
        ).select("indicator", "territory", "period", "baseline", "target", "actual", "achievement", "forecast",
                 "p_meet", "status")
    print_frame(table, fmt, lang, program)
    if fmt == "table":
        Console().print(t("msg.illustrative_note", lang))


@app.command("flags")
def flags(ctx: typer.Context, program: str, as_of: str = AS_OF, fmt: str = FORMAT) -> None:
    """Moved goalposts of a program, each with its evidence. Raises NotFound."""
    frame = monitoring.program_flags(open_store(ctx), program, as_of)
    lang = lang_of(ctx)
    if fmt == "table":
        worded = [evidence(f, a, lang, e) for f, a, e in frame.select("flag", "args", "evidence").iter_rows()]
        frame = frame.with_columns(pl.col("flag").map_elements(lambda f: t(f"flag.{f}", lang), pl.String),
                                   pl.Series("evidence", worded, dtype=pl.String)) \
            .select("flag", "indicator", "territory", "period", "evidence")
        if frame.height == 0:
            typer.echo(t("msg.no_flags", lang))
            return
    print_frame(frame, fmt, lang, program)


@app.command("lineage")
def lineage(ctx: typer.Context, program: str, as_of: str = AS_OF, fmt: str = FORMAT) -> None:
    """Promises across a program and its predecessors: carried over, repeated later, dropped. Raises NotFound."""
    lang = lang_of(ctx)
    frame = monitoring.program_lineage(open_store(ctx), program, as_of, lang)
    if fmt == "table":
        frame = frame.with_columns(pl.col("status").map_elements(lambda s: t(f"lineage_status.{s}", lang),
                                                                 pl.String))
    print_frame(frame, fmt, lang, program)


@app.command("scorecard")
def scorecard(ctx: typer.Context, as_of: str = AS_OF) -> None:
    """Print a scorecard per program: targets by status, budget spent vs results, worst flags."""
    print_scorecards(monitoring.scorecards(open_store(ctx), as_of), lang_of(ctx))


def render_scorecards(store: Any, lang: str = "kk", as_of: str | None = None) -> None:
    """Print every program's scorecard (the end of ``natije demo``)."""
    print_scorecards(monitoring.scorecards(store, as_of), lang)


def print_scorecards(cards: list[Scorecard], lang: str, console: Console | None = None) -> None:
    """Render scorecards as rich tables in ``lang``; illustrative values are starred."""
    console = console or Console()
    for card in cards:
        title = t("scorecard.title", lang, program=f"{card.program} — {card.names.get(lang) or card.program}")
        table = Table(title=title, caption=t("scorecard.as_of", lang, date=card.as_of), show_lines=True)
        table.add_column(t("word.indicator", lang), ratio=1, min_width=22, overflow="fold")
        for key in ("word.period", "word.actual", "word.target", "word.achievement", "word.p_meet"):
            table.add_column(t(key, lang), justify="right", max_width=11)
        table.add_column(t("word.status", lang), max_width=12)
        for r in card.rows:
            star = " *" if r["illustrative"] else ""
            pct = None if r["achievement"] is None else f"{r['achievement']:.0%}"
            p = None if r["p_meet"] is None else f"{r['p_meet']:.0%}"
            name = r.get(f"name_{lang}") or r["indicator"]
            table.add_row(f"{name}\n[dim]{r['indicator']}[/]", r["period"],
                          _with_unit(r["actual"], r.get("unit")) + star, _with_unit(r["target"], r.get("unit")),
                          _fmt(pct), _fmt(p), t(f"status.{r['status']}", lang))
        console.print(table if card.rows else f"[bold]{title}[/]: {t('msg.no_results', lang)}")
        counts = ", ".join(f"{t('status.' + s, lang)}: {n}" for s, n in card.by_status.items() if n)
        console.print(f"{t('word.indicators', lang)}: {counts or '—'}")
        spent = "—" if card.spent_share is None else f"{card.spent_share:.0%}"
        done = "—" if card.achieved_share is None else f"{card.achieved_share:.0%}"
        console.print(f"{t('scorecard.budget_spent', lang)}: {spent} · {t('scorecard.targets_achieved', lang)}: {done}")
        if card.worst_flags:
            console.print(f"{t('scorecard.worst_flags', lang)}:")
            for f in card.worst_flags:
                text = evidence(f["flag"], f.get("args"), lang, f["evidence"])
                console.print(f"  • {t('flag.' + f['flag'], lang)} — {f['indicator']}: {text}",
                              highlight=False, markup=False)
        if card.illustrative:
            console.print(t("msg.illustrative_note", lang))
        console.print()
