"""The periods side of coverage: which periods of each indicator are expected by a day, which have a value,
which came late, and how long after its end a period's first value was recorded (rules:
:mod:`natije.results.coverage`).

Months are counted as :func:`natije.results.asof.month_index` does (``period_start``/``period_end``, the end
exclusive); the expected periods of all indicators are made at once (``int_ranges`` exploded), not in a loop.
"""

from __future__ import annotations

import polars as pl

from natije.results.achievement import period_label

GAP_MISSING, GAP_LATE = "missing", "late"


def start_month(text: pl.Expr) -> pl.Expr:
    """First month (as ``month_index``) of SDMX period text: ``2022`` → 2022-01, ``2022-Q2`` → 2022-04."""
    rest = text.str.slice(5)
    within = (
        pl.when(rest.str.starts_with("Q"))
        .then((rest.str.slice(1).cast(pl.Int32, strict=False) - 1) * 3)
        .otherwise(rest.cast(pl.Int32, strict=False) - 1)
    )
    return text.str.slice(0, 4).cast(pl.Int32, strict=False) * 12 + within.fill_null(0)


def month_date(month: pl.Expr) -> pl.Expr:
    """The first day of month index ``month``."""
    return pl.date(month // 12, month % 12 + 1, 1)


def lag_days(end: pl.Expr, recorded: pl.Expr) -> pl.Expr:
    """Days from the last day of a period ending (exclusive) at month ``end`` to the day ``recorded``."""
    last_day = month_date(end) - pl.duration(days=1)
    return (recorded.dt.date() - last_day).dt.total_days()


def expected_periods(spans: pl.DataFrame, now: int, lag: int) -> pl.DataFrame:
    """Every expected period of each indicator of ``spans`` (indicator, freq_months, start, stop: first month,
    exclusive bound on period starts, either null): the periods from ``start`` that end ``lag`` months or more
    before month ``now``, none starting at or after ``stop``. Columns: indicator, freq_months, period,
    period_start, period_end, due (the first day a value is late)."""
    f, start = pl.col("freq_months"), pl.col("start")
    start = start - start % f  # a baseline or program year aligned to the indicator's own periods
    due_count = (now - lag - start).floordiv(f)
    span_count = (pl.col("stop") - start + f - 1).floordiv(f)
    count = pl.min_horizontal(due_count, span_count).clip(lower_bound=0).fill_null(0)
    k = pl.int_ranges(0, count, dtype=pl.Int32)
    return (
        spans.select("indicator", "freq_months", start.alias("start"), k.alias("k"))
        .explode("k")
        .drop_nulls("k")
        .select(
            "indicator",
            "freq_months",
            period_start=(pl.col("start") + pl.col("k") * f).cast(pl.Int32),
            period_end=(pl.col("start") + (pl.col("k") + 1) * f).cast(pl.Int32),
        )
        .with_columns(
            period_label(pl.col("period_end"), f).alias("period"),
            month_date(pl.col("period_end") + lag).alias("due"),
        )
    )


def first_recorded(values: pl.DataFrame) -> pl.DataFrame:
    """Per indicator and period of ``values``: when its first value was recorded (``first``)."""
    return values.group_by("indicator", "period_start", "period_end").agg(
        pl.col("first_recorded").min().alias("first")
    )


def period_counts(expected: pl.DataFrame, national: pl.DataFrame, regional: pl.DataFrame) -> pl.DataFrame:
    """Per indicator: periods expected, reported (national; regional: by at least one region), missing and
    late, and the latest of them missing or late (``latest_gap``, ``latest_gap_kind``)."""
    key = ["indicator", "period_start", "period_end"]
    marked = (
        expected.join(first_recorded(national), on=key, how="left")
        .join(first_recorded(regional).rename({"first": "first_regional"}), on=key, how="left")
        .with_columns(
            pl.col("first").is_null().alias("missing"),
            (pl.col("first").dt.date() >= pl.col("due")).fill_null(False).alias("late"),
        )
    )
    gap = pl.col("missing") | pl.col("late")
    kind = pl.when(pl.col("missing")).then(pl.lit(GAP_MISSING)).otherwise(pl.lit(GAP_LATE))
    return (
        marked.sort("period_start")
        .group_by("indicator")
        .agg(
            pl.len().cast(pl.Int32).alias("periods_expected"),
            pl.col("first").is_not_null().sum().cast(pl.Int32).alias("periods_reported"),
            pl.col("first_regional").is_not_null().sum().cast(pl.Int32).alias("periods_reported_regional"),
            pl.col("missing").sum().cast(pl.Int32).alias("periods_missing"),
            pl.col("late").sum().cast(pl.Int32).alias("periods_late"),
            pl.col("period").first().alias("start_period"),
            pl.col("period").last().alias("due_period"),
            pl.col("period").filter(gap).last().alias("latest_gap"),
            kind.filter(gap).last().alias("latest_gap_kind"),
        )
    )


def median_lags(values: pl.DataFrame, name: str) -> pl.DataFrame:
    """Per indicator: the median over its periods of the days from a period's last day to the recording of
    its first value among ``values`` (column ``name``)."""
    return (
        first_recorded(values)
        .with_columns(lag_days(pl.col("period_end"), pl.col("first")).alias("lag"))
        .group_by("indicator")
        .agg(pl.col("lag").median().alias(name))
    )
