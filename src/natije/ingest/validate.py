"""Vectorised checks of observation (and revision) batches against what the import may refer to.

One call checks one batch with a few joins and column expressions — no Python loop over rows — and
returns the batch normalised for the store (canonical period, ``period_start``, value converted to the
indicator's unit, source filled from the indicator, timestamps parsed). Problems go to the log, each naming
file, row, column, value and what was expected.

Examples
--------
The demo's DK2018 observations, checked against what its reference package and program.yaml declare:

>>> from natije.demo import demo_paths
>>> from natije.ingest.plan import prepare
>>> from natije.ingest.problems import ProblemLog
>>> from natije.ingest.readers import OBSERVATIONS, read_table
>>> plan = prepare([p for p in demo_paths() if p.name in ("reference", "DK2018")], catalog=None)
>>> log = ProblemLog()
>>> batch = next(read_table(plan.packages[1].files, "observations.csv", OBSERVATIONS, log))
>>> clean = check_batch(batch, plan.known, "DK2018/observations.csv", log)
>>> clean.columns[:5], log.total
(['indicator', 'territory', 'period', 'period_start', 'value'], 0)
>>> _ = check_batch(batch.head(1).with_columns(territory=pl.lit("nowhere")), plan.known, "x.csv", log)
>>> [(p.row, p.column, p.code) for p in log.items]
[(2, 'territory', 'unknown_territory')]
>>> plan.close()
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import polars as pl

from natije.domain.observations import ObservationStatus
from natije.domain.periods import PERIOD_FORMAT
from natije.errors import Expected
from natije.ingest.kato import NUMBER_LIKE_CODE
from natije.ingest.known import Known, unit_frame
from natije.ingest.periods_vec import month_to_date, parse_periods
from natije.ingest.problems import ProblemLog

NUMBER_EXPECTED = Expected("expected.number")
TIME_EXPECTED = Expected("expected.datetime")
_FREQ_CODE = {"A": 1, "Q": 2, "M": 3}
_MONTHS = 120_000  # above the start month of any year up to 9999
_TIME_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
)


@lru_cache(maxsize=1)
def _units() -> pl.DataFrame:
    return unit_frame()


def parse_times(column: str) -> pl.Expr:
    """ISO dates or date-times as naive ``Datetime("us")``; unparseable text becomes null."""
    col = pl.col(column)
    return pl.coalesce(*(col.str.strptime(pl.Datetime("us"), f, strict=False) for f in _TIME_FORMATS))


class Keyed:
    """An expected-text that depends on the row: a message key (fixed or per row) and one
    expression a parameter."""

    def __init__(self, key: str | pl.Expr, **params: pl.Expr) -> None:
        self.key = pl.lit(key) if isinstance(key, str) else key
        self.params = params


class _Checks:
    """Problem masks of one batch, evaluated together in a single pass and reported only where they fire."""

    def __init__(self) -> None:
        self.items: list[tuple[pl.Expr, str, Expected | Keyed, str, str | None]] = []

    def add(
        self, mask: pl.Expr, column: str, expected: Expected | Keyed, code: str, value: str | None = None
    ) -> None:
        self.items.append((mask, column, expected, code, value))

    def report(self, b: pl.DataFrame, label: str, log: ProblemLog) -> None:
        if not self.items:
            return
        flags = b.select(m.fill_null(False).alias(f"_m{i}") for i, (m, *_rest) in enumerate(self.items))
        counts = flags.sum().row(0)
        for i, n in enumerate(counts):
            if not n:
                continue
            _mask, column, expected, code, value = self.items[i]
            failing = b.filter(flags[f"_m{i}"])
            if isinstance(expected, Expected):
                log.add_rows(label, failing, column, expected, code, value_column=value)
                continue
            # expected text that depends on the row (e.g. the indicator's span):
            # each distinct key and parameters once
            names = list(expected.params)
            failing = failing.with_columns(
                expected.key.alias("_key"),
                *(e.cast(pl.String).alias(f"_p_{n}") for n, e in expected.params.items()),
            )
            for (key, *args), part in failing.group_by(
                ["_key", *(f"_p_{n}" for n in names)], maintain_order=True
            ):
                log.add_rows(
                    label,
                    part,
                    column,
                    Expected(str(key), **dict(zip(names, args))),
                    code,
                    value_column=value,
                )


def check_batch(
    batch: pl.DataFrame, known: Known, label: str, log: ProblemLog, time_column: str = "as_of"
) -> pl.DataFrame:
    """Check one batch; return it normalised (rows with problems are kept but will never be written).

    ``time_column`` is ``as_of`` for observations and ``recorded_at`` (required) for revisions.
    """
    checks = _Checks()
    required = ["indicator", "territory", "period", "value"] + (
        ["recorded_at"] if time_column == "recorded_at" else []
    )
    for col in required:
        checks.add(pl.col(col).is_null(), col, Expected("expected.cell_empty", column=col), "missing")
    b = _derive(batch, known, time_column)
    known_ind = pl.col("ind_loose").is_not_null()
    known_terr = pl.col("valid_known")
    checks.add(
        pl.col("indicator").is_not_null() & ~known_ind,
        "indicator",
        Expected("expected.known_indicator"),
        "unknown_indicator",
    )
    as_number = pl.col("territory").str.contains(NUMBER_LIKE_CODE)
    checks.add(
        pl.col("territory").is_not_null() & ~known_terr & ~as_number,
        "territory",
        Expected("expected.known_territory"),
        "unknown_territory",
    )
    checks.add(
        pl.col("territory").is_not_null() & ~known_terr & as_number,
        "territory",
        Keyed(
            pl.when(pl.col("_kato_guess").is_null())
            .then(pl.lit("expected.kato_as_number"))
            .otherwise(pl.lit("expected.kato_as_number_guess")),
            code=pl.col("_kato_guess"),
        ),
        "kato_as_number",
    )
    parsed = pl.col("freq").is_not_null()
    checks.add(pl.col("period").is_not_null() & ~parsed, "period", PERIOD_FORMAT, "period")
    wrong_freq = (known_ind & parsed & (pl.col("freq") != pl.col("ind_freq"))).fill_null(False)
    checks.add(
        wrong_freq,
        "period",
        Keyed(pl.format("expected.frequency_{}", pl.col("ind_freq")), indicator=pl.col("indicator")),
        "frequency",
    )
    outside = (
        known_ind
        & parsed
        & ~wrong_freq
        & (
            (pl.col("end_month") <= pl.col("span_start")).fill_null(False)
            | (pl.col("start_month") >= pl.col("span_end")).fill_null(False)
        )
    )
    checks.add(
        outside,
        "period",
        Keyed("expected.period_in_span", span=pl.col("span_text"), indicator=pl.col("indicator")),
        "outside_span",
    )
    p_start, p_end = month_to_date(pl.col("start_month")), month_to_date(pl.col("end_month"))
    invalid_terr = (
        known_terr
        & parsed
        & ~(
            (pl.col("valid_from").is_null() | (pl.col("valid_from") < p_end))
            & (pl.col("valid_to").is_null() | (p_start < pl.col("valid_to")))
        )
    )
    checks.add(
        invalid_terr,
        "territory",
        Keyed(
            "expected.territory_valid",
            period=pl.col("period"),
            territory=pl.col("territory"),
            valid_from=pl.col("valid_from").cast(pl.String).fill_null("…"),
            valid_to=pl.col("valid_to").cast(pl.String).fill_null("…"),
        ),
        "territory_not_valid",
    )
    checks.add(
        pl.col("value").is_not_null() & (pl.col("_value").is_null() | ~pl.col("_value").is_finite()),
        "value",
        NUMBER_EXPECTED,
        "not_a_number",
    )
    factor = pl.lit(1.0)
    if "unit_dimension" in b.columns:
        given = pl.col("unit").is_not_null()
        checks.add(
            given & pl.col("unit_dimension").is_null(), "unit", Expected("expected.known_unit"), "unit"
        )
        clash = (
            given
            & known_ind
            & pl.col("unit_dimension").is_not_null()
            & (pl.col("unit_dimension") != pl.col("ind_dimension"))
        ).fill_null(False)
        checks.add(
            clash,
            "unit",
            Keyed("expected.unit_compatible", unit=pl.col("ind_unit"), indicator=pl.col("indicator")),
            "unit_mismatch",
        )
        factor = (
            pl.when(given & ~clash)
            .then(pl.col("unit_scale") / pl.col("ind_scale"))
            .otherwise(1.0)
            .fill_null(1.0)
        )
    _check_range(checks, known_ind & ~pl.col("ind_loose"), pl.col("_value") * factor)
    checks.add(
        known_ind & ~pl.col("ind_loose") & pl.col("_source").is_null(),
        "source",
        Expected("expected.source_given"),
        "missing_source",
    )
    checks.add(
        pl.col("_source").is_not_null() & ~pl.col("_source").is_in(known.source_frame["code"].implode()),
        "source",
        Expected("expected.known_source"),
        "unknown_source",
        "_source",
    )
    if "status" in b.columns:
        statuses = [s.value for s in ObservationStatus]
        checks.add(
            pl.col("status").is_not_null() & ~pl.col("status").is_in(statuses),
            "status",
            Expected("expected.one_of", values=", ".join(statuses)),
            "status",
        )
    if "_time" in b.columns:
        checks.add(
            pl.col(time_column).is_not_null() & pl.col("_time").is_null(), time_column, TIME_EXPECTED, "date"
        )
        latest = latest_known()
        checks.add(
            pl.col("_time") > latest,
            time_column,
            Expected("expected.not_in_future", today=latest.date().isoformat()),
            "future",
        )
    checks.report(b, label, log)
    extra = [c for c in ("reason", "author", "note", "status") if c in b.columns]
    time = pl.col("_time") if "_time" in b.columns else pl.lit(None, dtype=pl.Datetime("us"))
    # an exact integer key of (indicator, territory, period) for the duplicate check:
    # cheaper than hashing text
    terr_n = known.territory_frame.height + 1
    key = (
        (pl.col("_ind_idx").cast(pl.UInt64) * terr_n + pl.col("_terr_idx").cast(pl.UInt64)) * 4
        + pl.col("freq").replace_strict(_FREQ_CODE, default=None, return_dtype=pl.UInt64)
    ) * _MONTHS
    key = key + pl.col("start_month").cast(pl.UInt64)
    return b.select(
        "indicator",
        "territory",
        "period",
        pl.col("start_month").cast(pl.Int32).alias("period_start"),
        (pl.col("_value") * factor).alias("value"),
        pl.col("_source").cast(pl.String).alias("source"),
        *(pl.col(c).cast(pl.String) for c in extra),
        time.alias(time_column),
        "row",
        *([key.alias("_key")] if time_column == "as_of" else []),
    )


def latest_known() -> dt.datetime:
    """The latest moment a value can have been known: now, on the clock of the easternmost time zone (UTC+14).

    A date is "in the future" only when it is after today everywhere, so an agency in Almaty (UTC+5) may date
    a value today even while it is still yesterday in UTC.
    """
    return dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=14)


def _bound_text(bound: pl.Expr) -> pl.Expr:
    """A range bound as text: ``100`` rather than ``100.0``."""
    whole = bound.round(0) == bound
    return (
        pl.when(whole)
        .then(bound.cast(pl.Int64, strict=False).cast(pl.String))
        .otherwise(bound.cast(pl.String))
    )


def _check_range(checks: _Checks, checked: pl.Expr, value: pl.Expr) -> None:
    """A value outside its indicator's allowed range: declared ``range``,
    else what its unit allows (0–100 %)."""
    low, high = pl.col("range_low"), pl.col("range_high")
    outside = checked & value.is_finite() & ((value < low) | (value > high))
    key = (
        pl.when(high.is_infinite())
        .then(pl.lit("expected.value_at_least"))
        .when(low.is_infinite())
        .then(pl.lit("expected.value_at_most"))
        .otherwise(pl.lit("expected.value_in_range"))
    )
    checks.add(
        outside,
        "value",
        Keyed(
            key,
            low=_bound_text(low),
            high=_bound_text(high),
            unit=pl.col("ind_unit"),
            indicator=pl.col("indicator"),
        ),
        "out_of_range",
    )


def _derive(batch: pl.DataFrame, known: Known, time_column: str) -> pl.DataFrame:
    """Join the lookups and compute parsed columns once: ``_value``, ``_source``, ``_time``, unit scale."""
    periods = parse_periods(batch["period"].drop_nulls())
    territories = known.territory_frame.with_columns(pl.lit(True).alias("valid_known"))
    b = (
        batch.join(
            known.indicator_frame.with_row_index("_ind_idx"),
            left_on="indicator",
            right_on="code",
            how="left",
            maintain_order="left",
        )
        .join(
            territories.with_row_index("_terr_idx"),
            left_on="territory",
            right_on="code",
            how="left",
            maintain_order="left",
        )
        .join(periods, on="period", how="left", maintain_order="left")
    )
    value = (
        pl.col("value").cast(pl.Float64, strict=False)
        if b.schema["value"] == pl.String
        else (pl.col("value").cast(pl.Float64))
    )
    number = pl.col("territory").str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)
    guess = pl.when((number >= 0) & (number < 1e9) & (number.round(0) == number)).then(
        number.cast(pl.Int64, strict=False).cast(pl.String).str.zfill(9)
    )
    derived = [
        value.alias("_value"),
        pl.col("valid_known").fill_null(False),
        guess.alias("_kato_guess"),
        pl.coalesce("source", "ind_source").alias("_source"),
    ]
    if time_column in b.columns and b[time_column].null_count() < b.height:
        derived.append(parse_times(time_column).alias("_time"))
    b = b.with_columns(derived)
    if "unit" in b.columns and b["unit"].null_count() < b.height:
        b = b.with_columns(pl.col("unit").str.to_lowercase().alias("unit_key")).join(
            _units(), on="unit_key", how="left", maintain_order="left"
        )
    return b
