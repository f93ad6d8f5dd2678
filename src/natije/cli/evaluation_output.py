"""How an impact evaluation is shown: headline, effects by event time (or period, cohort),
notes; table or CSV.

Both ``natije evaluate`` and ``natije evaluation run|show`` print a result through these functions, from its
JSON-safe form (``EvaluationResult.to_dict()``, which is also what the store keeps); its words are written in
the interface language from the numbers, whatever language it was run in. Numbers are written the
way the interface language writes them (:func:`natije.locale.formats.number`), p-values as ``< 0.001`` or with
three decimals, periods as periods (``1970``, ``2019-Q3``), never as ``1970.0``.

rich is imported by the functions that print, so a JSON or CSV result never loads it.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from natije.cli import render
from natije.cli.render import print_table, territory
from natije.locale import t
from natije.locale.formats import fixed, number, p_text

if TYPE_CHECKING:
    from rich.console import Console

K = "evaluation.output."
CSV_COLUMNS = ("kind", "label", "estimate", "se", "ci_low", "ci_high", "p_value")
SIGNIFICANT = 4


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and not math.isfinite(x))


def num(x: Any, lang: str, digits: int | None = None) -> str:
    """``x`` with about four significant digits (or ``digits`` decimals) in the style of ``lang``;
    '' if missing.

    >>> num(3.20139, "en"), num(0.0412345, "ru"), num(12345.6, "en"), num(None, "en")
    ('3.201', '0,04123', '12,346', '')
    """
    if _missing(x):
        return "" if x is None or math.isnan(float(x)) else number(float(x), lang)  # ±∞
    x = float(x)
    return fixed(x, lang, decimals_for(x) if digits is None else digits)


def decimals_for(*values: Any) -> int:
    """Decimals that show the largest of ``values`` with about four significant digits (0 to 6)."""
    finite = [abs(float(v)) for v in values if not _missing(v) and float(v) != 0]
    if not finite:
        return 0
    return max(0, min(6, SIGNIFICANT - 1 - math.floor(math.log10(max(finite)))))


def period_text(value: Any) -> str:
    """A period label as people write it: ``1970`` (not ``1970.0``), ``2019-Q3``, ``-1`` for event times.

    >>> period_text(1970.0), period_text("2019-Q3"), period_text(-2), period_text(None)
    ('1970', '2019-Q3', '-2', '')
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def interval(low: Any, high: Any, lang: str, digits: int) -> str:
    """``low … high``, or '' when either end is missing."""
    if _missing(low) or _missing(high):
        return ""
    return f"{num(low, lang, digits)} … {num(high, lang, digits)}"


def headline_row(r: Mapping[str, Any], lang: str) -> list[str]:
    """Estimate, standard error, interval and p-value of a result, formatted for ``lang``."""
    ci = r.get("ci") or [None, None]
    digits = decimals_for(r.get("estimate"), r.get("se"))
    return [
        num(r.get("estimate"), lang, digits),
        num(r.get("se"), lang, max(digits, decimals_for(r.get("se")))),
        interval(ci[0], ci[1], lang, digits),
        p_text(r.get("p_value"), lang),
    ]


def print_headline(console: Console, r: Mapping[str, Any], lang: str, title: str) -> None:
    """The headline estimate as a one-row table (stacked when the terminal is too narrow)."""
    heads = [t("evaluation.registry.col." + c, lang) for c in ("estimate", "se", "ci", "p_value")]
    print_table(console, heads, [headline_row(r, lang)], title=title, right=range(4))


def effects_rows(r: Mapping[str, Any], lang: str) -> tuple[list[str], list[list[str]], str]:
    """Headers, rows and title of the effects by event time (or by period, cohort, calendar period)."""
    effects = list(r.get("effects") or [])
    kind = effects[0].get("kind", "period") if effects else "period"
    level = round(100 * (1 - float((r.get("design") or {}).get("alpha", 0.05))))
    heads = [
        t(K + "col." + kind, lang),
        t("evaluation.registry.col.estimate", lang),
        t("evaluation.registry.col.se", lang),
        t(K + "col.interval", lang, level=level),
    ]
    digits = decimals_for(*(e.get("estimate") for e in effects), *(e.get("se") for e in effects))
    rows = [
        [
            period_text(e.get("label")),
            num(e.get("estimate"), lang, digits),
            num(e.get("se"), lang, digits),
            interval(e.get("ci_low"), e.get("ci_high"), lang, digits),
        ]
        for e in effects
    ]
    return heads, rows, t(K + "effects." + kind, lang)


def print_result(console: Console, r: Mapping[str, Any], lang: str, *, assumptions: bool = True) -> None:
    """Effects table, notes, interpretation, diagnostics and (optionally) the assumptions of a result, every
    word in ``lang`` (:func:`natije.services.evaluation_words.describe`, as the web page)."""
    from rich.markup import escape

    from natije.services.evaluation_words import describe

    words = describe(r, lang)
    heads, rows, title = effects_rows(r, lang)
    if rows:
        print_table(console, heads, rows, title=title, right=range(4))
    for line in words.notes:
        console.print(escape(line))
    console.print(escape(words.interpretation))
    if words.checks:
        console.print(escape(t(K + "checks", lang)))
        for c in words.checks:
            console.print(escape(f"  - {c.label}: {c.value} — {c.verdict_text}"))
    if assumptions:
        for a in words.assumptions:
            console.print(escape(f"- {a.text}"))


def csv_records(r: Mapping[str, Any]) -> tuple[tuple[str, ...], list[list[Any]]]:
    """The headline (kind ``overall``) and every effect as CSV rows:
    kind,label,estimate,se,ci_low,ci_high,p_value.

    Plain machine numbers (full precision, ``.`` decimals); missing values are empty cells.
    """
    ci = r.get("ci") or [None, None]
    rows: list[Iterable[Any]] = [
        ("overall", "", r.get("estimate"), r.get("se"), ci[0], ci[1], r.get("p_value"))
    ]
    rows += [
        (
            e.get("kind"),
            period_text(e.get("label")),
            e.get("estimate"),
            e.get("se"),
            e.get("ci_low"),
            e.get("ci_high"),
            None,
        )
        for e in r.get("effects") or ()
    ]
    return CSV_COLUMNS, [["" if _missing(x) else x for x in row] for row in rows]


@contextmanager
def draws_progress(lang: str, fmt: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr for the random work of a run (bootstrap, placebo, simulation draws).

    Yields the callback to hand to the service, or ``None`` (no bar) when stderr is not a terminal or the
    output is for machines (``json``, ``csv``).
    """
    if fmt != "table" or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=render.console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(t(K + "progress", lang), total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def territory_lines(panel: Mapping[str, Any], lang: str) -> list[str]:
    """What the panel did to territories, each named (name and KATO code) with the reason.

    Units given values of units abolished by a reform (and from which), units left out to balance the panel
    (observed in how many periods), cohort codes not in the panel, and periods left out.
    """
    names = panel.get("territory_names") or {}
    lines = []
    for code, c in sorted((panel.get("carried") or {}).items()):
        # a unit that kept its code through a split or merger had other boundaries before the reform
        key = "carried_self" if c["from"] == [code] else "carried"
        lines.append(
            t(
                "evaluation.territory." + key,
                lang,
                territory=territory(code, names, lang),
                first=c["first"],
                last=c["last"],
                sources=", ".join(territory(s, names, lang) for s in c["from"]),
            )
        )
    for code, observed in sorted((panel.get("dropped_units") or {}).items()):
        lines.append(
            t(
                "evaluation.territory.left_out",
                lang,
                territory=territory(code, names, lang),
                observed=observed,
                periods=panel.get("n_periods", ""),
            )
        )
    for code in panel.get("cohort_unmatched") or ():
        lines.append(t("evaluation.territory.cohort_unmatched", lang, territory=territory(code, names, lang)))
    if panel.get("dropped_periods"):
        lines.append(
            t("evaluation.territory.dropped_periods", lang, periods=", ".join(panel["dropped_periods"]))
        )
    return lines


def print_panel(console: Console, panel: Mapping[str, Any], lang: str) -> None:
    """The panel an indicator's evaluation ran on: units and periods, then each territory it changed."""
    from rich.markup import escape

    if not panel:
        return
    key = "evaluation.unit_level." + str(panel["level"])
    level = t(key, lang) if t(key, lang) != key else panel["level"]
    console.print(
        escape(
            t(
                "evaluation.registry.panel",
                lang,
                units=panel["units"],
                level=level,
                first=panel["periods"][0],
                last=panel["periods"][1],
            )
        )
    )
    lines = territory_lines(panel, lang)
    if lines:
        console.print(escape(t("evaluation.territory.heading", lang)))
        for line in lines:
            console.print(escape(f"  - {line}"))
    if panel.get("illustrative_rows"):
        console.print(escape(t("msg.illustrative_note", lang)))
