"""Vectorised checks of observation (and revision) batches against what the import may refer to.

One call checks one batch with a few joins and column expressions — no Python loop over rows — and
returns the batch normalised for the store (canonical period, ``period_start``, value converted to the
indicator's unit, source filled from the indicator, timestamps parsed). Problems go to the log, each naming
file, row, column, value and what was expected.

Examples
--------
>>> clean = check_batch(batch, known, "pkg/observations.csv", log)     # doctest: +SKIP
>>> clean.columns[:5]                                                     # doctest: +SKIP
['indicator', 'territory', 'period', 'period_start', 'value']
"""

from __future__ import annotations

from functools import lru_cache

import polars as pl

from natije.domain.observations import ObservationStatus
from natije.domain.periods import PERIOD_FORMAT
from natije.ingest.known import Known, unit_frame
from natije.ingest.periods_vec import FREQUENCY_WORD, month_to_date, parse_periods
from natije.ingest.problems import ProblemLog

NUMBER_EXPECTED = "a number such as 12.5 (decimal point; no spaces, '%' or thousands separators)"
TIME_EXPECTED = "an ISO date such as 2024-06-30 (or date and time 2024-06-30T12:00:00)"
_TIME_FORMATS = ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f")


@lru_cache(maxsize=1)
def _units() -> pl.DataFrame:
    return unit_frame()


def parse_times(column: str) -> pl.Expr:
    """ISO dates or date-times as naive ``Datetime("us")``; unparseable text becomes null."""
    col = pl.col(column)
    return pl.coalesce(*(col.str.strptime(pl.Datetime("us"), f, strict=False) for f in _TIME_FORMATS))


def _report(log: ProblemLog, label: str, frame: pl.DataFrame, mask: pl.Expr, column: str, expected: str | pl.Expr,
            code: str, value: str | None = None) -> None:
    failing = frame.filter(mask)
    if failing.height == 0:
        return
    if isinstance(expected, str):
        log.add_rows(label, failing, column, expected, code, value_column=value)
        return
    # expected text that depends on the row (e.g. the indicator's span): group so each text is built once
    failing = failing.with_columns(expected.alias("_expected"))
    for (text,), part in failing.group_by("_expected", maintain_order=True):
        log.add_rows(label, part, column, str(text), code, value_column=value)


def check_batch(batch: pl.DataFrame, known: Known, label: str, log: ProblemLog,
                time_column: str = "as_of") -> pl.DataFrame:
    """Check one batch; return it normalised (rows with problems are kept but will never be written).

    ``time_column`` is ``as_of`` for observations and ``recorded_at`` (required) for revisions.
    """
    required = ["indicator", "territory", "period", "value"] + (["recorded_at"] if time_column == "recorded_at" else [])
    for col in required:
        _report(log, label, batch, pl.col(col).is_null(), col, f"a {col} (the cell is empty)", "missing")

    periods = parse_periods(batch["period"].drop_nulls())
    b = (
        batch.join(known.indicator_frame, left_on="indicator", right_on="code", how="left", maintain_order="left")
        .join(known.territory_frame, left_on="territory", right_on="code", how="left", maintain_order="left")
        .join(periods, on="period", how="left", maintain_order="left")
    )
    known_ind = pl.col("ind_loose").is_not_null()
    known_terr = pl.col("territory").is_in(known.territory_frame["code"].implode())
    _report(log, label, b, pl.col("indicator").is_not_null() & ~known_ind, "indicator",
            "an indicator declared in program.yaml or already in the store", "unknown_indicator")
    _report(log, label, b, pl.col("territory").is_not_null() & ~known_terr, "territory",
            "a territory code (KATO) from territories.csv or already in the store", "unknown_territory")
    parsed = pl.col("freq").is_not_null()
    _report(log, label, b, pl.col("period").is_not_null() & ~parsed, "period", PERIOD_FORMAT, "period")
    wrong_freq = known_ind & parsed & (pl.col("freq") != pl.col("ind_freq"))
    _report(log, label, b, wrong_freq, "period",
            pl.format("{} (indicator {} has frequency {})",
                      pl.col("ind_freq").replace_strict(FREQUENCY_WORD, default="?"), pl.col("indicator"),
                      pl.col("ind_freq")), "frequency")
    outside = known_ind & parsed & ~wrong_freq & (
        (pl.col("end_month") <= pl.col("span_start")).fill_null(False)
        | (pl.col("start_month") >= pl.col("span_end")).fill_null(False))
    _report(log, label, b, outside, "period",
            pl.format("a period within the span {} declared by indicator {}", pl.col("span_text"), pl.col("indicator")),
            "outside_span")
    p_start, p_end = month_to_date(pl.col("start_month")), month_to_date(pl.col("end_month"))
    invalid_terr = known_terr & parsed & ~(
        (pl.col("valid_from").is_null() | (pl.col("valid_from") < p_end))
        & (pl.col("valid_to").is_null() | (p_start < pl.col("valid_to"))))
    _report(log, label, b, invalid_terr, "territory",
            pl.format("a territory that existed in {} ({} was valid {} to {})", pl.col("period"), pl.col("territory"),
                      pl.col("valid_from").cast(pl.String).fill_null("…"),
                      pl.col("valid_to").cast(pl.String).fill_null("…")),
            "territory_not_valid")

    b = _check_value_and_unit(b, label, log, known_ind)
    b = _check_source(b, known, label, log, known_ind)
    if "status" in b.columns:
        statuses = [s.value for s in ObservationStatus]
        _report(log, label, b, pl.col("status").is_not_null() & ~pl.col("status").is_in(statuses), "status",
                "one of " + ", ".join(statuses), "status")
    if time_column in b.columns:
        b = b.with_columns(parse_times(time_column).alias("_time"))
        _report(log, label, b, pl.col(time_column).is_not_null() & pl.col("_time").is_null(), time_column,
                TIME_EXPECTED, "date")
        b = b.with_columns(pl.col("_time").alias(time_column))
    extra = [c for c in ("reason", "author", "note", "status") if c in b.columns]
    return b.select(
        "indicator", "territory", "period", pl.col("start_month").cast(pl.Int32).alias("period_start"),
        pl.col("_value").alias("value"), pl.col("source").cast(pl.String), *(pl.col(c).cast(pl.String) for c in extra),
        time_column, "row",
    )


def _check_value_and_unit(b: pl.DataFrame, label: str, log: ProblemLog, known_ind: pl.Expr) -> pl.DataFrame:
    if b.schema["value"] == pl.String:
        b = b.with_columns(pl.col("value").cast(pl.Float64, strict=False).alias("_value"))
    else:
        b = b.with_columns(pl.col("value").cast(pl.Float64).alias("_value"))
    bad = pl.col("value").is_not_null() & (pl.col("_value").is_null() | ~pl.col("_value").is_finite())
    _report(log, label, b, bad, "value", NUMBER_EXPECTED, "not_a_number")
    if "unit" not in b.columns or b["unit"].null_count() == b.height:
        return b
    b = b.with_columns(pl.col("unit").str.to_lowercase().alias("unit_key")).join(
        _units(), on="unit_key", how="left", maintain_order="left")
    given = pl.col("unit").is_not_null()
    _report(log, label, b, given & pl.col("unit_dimension").is_null(), "unit",
            "a unit natije knows (%, count, thousand, KZT, mn KZT, bn KZT, USD, …)", "unit")
    clash = given & known_ind & pl.col("unit_dimension").is_not_null() & (
        pl.col("unit_dimension") != pl.col("ind_dimension"))
    _report(log, label, b, clash, "unit",
            pl.format("a unit compatible with '{}', the unit of indicator {}", pl.col("ind_unit"), pl.col("indicator")),
            "unit_mismatch")
    factor = pl.when(given & ~clash).then(pl.col("unit_scale") / pl.col("ind_scale")).otherwise(1.0)
    return b.with_columns((pl.col("_value") * factor.fill_null(1.0)).alias("_value"))


def _check_source(b: pl.DataFrame, known: Known, label: str, log: ProblemLog, known_ind: pl.Expr) -> pl.DataFrame:
    b = b.with_columns(pl.coalesce("source", "ind_source").alias("_source"))
    _report(log, label, b, known_ind & ~pl.col("ind_loose") & pl.col("_source").is_null(), "source",
            "a source code (in column 'source', or a 'source' on the indicator in program.yaml)", "missing_source")
    unknown = pl.col("_source").is_not_null() & ~pl.col("_source").is_in(known.source_frame["code"].implode())
    _report(log, label, b, unknown, "source", "a source declared in program.yaml or already in the store",
            "unknown_source", value="_source")
    return b.with_columns(pl.col("_source").alias("source"))
