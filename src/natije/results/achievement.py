"""Direction-aware achievement of targets per indicator × territory × period.

Rules (docs/results-rules.md):

* **Which promise.** ``basis="current"``: the version of each target and baseline in force on ``as_of``
  (latest ``decided_on``, then highest version); ``basis="first"``: the first version ever decided ("as first
  promised").
* **Territory.** A commitment without territory is national; it also applies to every territory observed for a
  non-additive indicator (shares, rates, indices) that has no commitment of its own.
* **Kind.** ``periodic``: the value of the target period itself; ``cumulative``: the running sum of period
  values up to the target period; ``stock``: the last value at or before the target period.
* **Achievement.** ``gap_closed = (actual − baseline) / (target − baseline)`` (the same formula mirrors itself
  for ``decrease``); ``ratio = actual / target`` for increase, ``target / actual`` for decrease; ``maintain``:
  1 inside the tolerance band, shrinking with the distance outside it. ``achievement`` is ``gap_closed`` when
  a baseline is known and the target lies on the better side of it, else ``ratio``.

This module builds the target rows and their actuals; the achievement of each row is
:func:`natije.results.rules.score_one`, applied with the forecast and the status in one pass
(:func:`natije.results.status.judge`).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from natije.domain import units
from natije.results.baselines import BASE_COLS, baseline_position, territory_baselines
from natije.results.columns import direction_code
from natije.results.forecast import measure_and_fit
from natije.results.frames import ProgramFrames, conform
from natije.results.series import Runs, maybe_duplicated
from natije.results.thresholds import DEFAULT

KEY = ["indicator", "territory"]
ADDITIVE = {"count", "money_KZT", "money_USD"}


def is_additive(unit: str | None) -> bool:
    """Whether values in ``unit`` add up across territories and periods (counts and money)."""
    u = units.resolve(unit or "")
    return u is not None and u.dimension in ADDITIVE


def national_codes(territories: pl.DataFrame) -> list[str]:
    """Codes of country-level territories (the demo's ``000000000`` when none is declared)."""
    codes = territories.filter(pl.col("level") == "country")["code"].to_list()
    return codes or ["000000000"]


def indicator_rules(indicators: pl.DataFrame) -> pl.DataFrame:
    """Per indicator: direction, kind, frequency months, tolerance, additivity and ratio parts."""
    return (
        conform("indicators", indicators)
        .select(
            pl.col("code").alias("indicator"),
            pl.col("direction").fill_null("increase"),
            pl.col("kind").fill_null("stock"),
            pl.col("frequency")
            .replace_strict({"A": 12, "Q": 3, "M": 1}, default=12, return_dtype=pl.Int32)
            .alias("freq_months"),
            "tolerance",
            "unit",
            "ratio_numerator",
            "ratio_denominator",
            "ratio_scale",
            pl.col("unit")
            .map_elements(is_additive, return_dtype=pl.Boolean)
            .fill_null(False)
            .alias("additive"),
        )
        .unique("indicator", keep="last")
    )


def commitments_in_force(
    commitments: pl.DataFrame, as_of: date | None = None, basis: str = "current"
) -> pl.DataFrame:
    """One version per (indicator, territory, kind, period): in force on ``as_of``, or first promised."""
    c = commitments if as_of is None else commitments.filter(pl.col("decided_on") <= as_of)
    if basis not in ("current", "first"):
        raise ValueError(f"basis {basis!r}: expected 'current' or 'first'")
    keys = ["indicator", "territory", "kind", "period"]
    if maybe_duplicated(c, keys) is None:
        return c  # one version per key (the common case): nothing to choose
    c = c.sort("decided_on", "version", nulls_last=False)
    return c.unique(
        ["indicator", "territory", "kind", "period"],
        keep="last" if basis == "current" else "first",
        maintain_order=True,
    )


def series_of(rows: pl.DataFrame, series: pl.DataFrame) -> pl.DataFrame:
    """``rows`` (indicator, territory, …) with ``_s``,
    the position of their series in ``series`` (null: none).

    Both keys are coded as integers over the rows' own indicators and territories (sorted, so codes keep the
    text order); series in key order — as the engine's own series are, up to a short tail — are then found by
    binary search, the tail by a join. A left join of the two text keys costs several times more.
    """
    inds, terrs = rows["indicator"].unique().sort(), rows["territory"].drop_nulls().unique().sort()
    if rows.height == 0 or series.height == 0 or len(inds) * (len(terrs) + 1) >= 2**62:
        return rows.join(series, on=KEY, how="left")

    def code(frame: pl.DataFrame) -> np.ndarray:
        i = pl.col("indicator").cast(pl.Enum(inds.to_list()), strict=False).to_physical().cast(pl.Int64)
        t = pl.col("territory").cast(pl.Enum(terrs.to_list()), strict=False).to_physical().cast(pl.Int64)
        return frame.select((i * (len(terrs) + 1) + t).fill_null(-1)).to_series().to_numpy()

    keys, wanted = code(series), code(rows)
    # the sorted prefix of the series' codes (codes of series that no row names are -1 and do not count)
    known = np.flatnonzero(keys >= 0)
    step = np.flatnonzero(np.diff(keys[known]) <= 0)
    head = known if len(step) == 0 else known[: step[0] + 1]
    sorted_keys = keys[head]
    at = np.minimum(np.searchsorted(sorted_keys, wanted), max(len(sorted_keys) - 1, 0))
    hit = (
        (wanted >= 0) & (len(sorted_keys) > 0) & (sorted_keys[at] == wanted)
        if len(sorted_keys)
        else np.zeros(len(wanted), dtype=np.bool_)
    )
    s = (
        series["_s"].gather(pl.Series(head[at]))
        if len(sorted_keys)
        else pl.Series("_s", [None] * rows.height, dtype=pl.UInt32)
    )
    found = rows.with_columns(pl.when(pl.Series(hit)).then(s).otherwise(None).alias("_s"))
    rest_start = head[-1] + 1 if len(head) else 0
    if len(step) == 0 and not (keys[rest_start:] >= 0).any():
        return found
    # the unsorted tail (e.g. roll-up series appended): a join, on the rows not found yet
    tail = series.slice(rest_start)
    missing = found.filter(pl.col("_s").is_null()).drop("_s").with_row_index("_r")
    joined = missing.join(tail, on=KEY, how="left").unique("_r", keep="first", maintain_order=True).drop("_r")
    return pl.concat([found.filter(pl.col("_s").is_not_null()), joined.select(found.columns)])


def target_pairs(
    targets: pl.DataFrame, rules: pl.DataFrame, observed: pl.DataFrame, national: list[str]
) -> pl.DataFrame:
    """Which territory each target commitment applies to, as positions: one row per target row to build.

    ``targets`` has ``_c`` (its row number), indicator, territory, kind, period; ``observed`` has ``_s`` (its
    row number) and the series' indicator and territory. A commitment with a territory applies there; a
    national (territory-less) one applies to the country and, for a non-additive indicator (shares, rates,
    indices), to every territory observed; an explicit commitment wins over an implied one for the same
    indicator, territory, kind and period. Returns ``_c``, ``_s`` (null: no series there) and ``territory``;
    the rows themselves are then gathered by position from both sides, with no join on the wide frames.
    """
    keys = ["indicator", "territory", "kind", "period"]
    series = observed.select("_s", *KEY)
    explicit = targets.filter(pl.col("territory").is_not_null())
    explicit_rows = series_of(explicit.select("_c", *KEY), series)
    nat = targets.filter(pl.col("territory").is_null())
    nations = pl.DataFrame({"territory": national}, schema={"territory": pl.String})
    home = series.filter(pl.col("territory").is_in(nations["territory"].implode()))  # few: the side to hash
    at_home = nat.select("_c", "indicator").join(nations, how="cross").join(home, on=KEY, how="left")
    shared = rules.filter(~pl.col("additive"))["indicator"].implode()
    nat_shared = nat.filter(pl.col("indicator").is_in(shared)).select("_c", "indicator")
    # rows in series order, so that reading each row's series later walks memory forwards
    everywhere = (
        series.filter(~pl.col("territory").is_in(nations["territory"].implode())).join(
            nat_shared, on="indicator", maintain_order="left"
        )
        if nat_shared.height
        else at_home.clear()
    )
    cols = ["_c", "_s", "territory"]
    implied = pl.concat([at_home.select(cols), everywhere.select(cols)], rechunk=False)
    # an explicit commitment wins; only indicators that have both kinds of commitment need the check
    both = nat.join(explicit.select("indicator").unique(), on="indicator", how="semi")["indicator"].unique()
    if len(both):
        info = targets.select("_c", "indicator", "kind", "period")
        tagged = implied.join(info, on="_c")
        clash = pl.col("indicator").is_in(both.implode())
        implied = pl.concat(
            [
                tagged.filter(~clash),
                tagged.filter(clash).join(explicit.select(keys), on=keys, how="anti", nulls_equal=True),
            ]
        ).select(cols)
    return pl.concat([explicit_rows.select(cols), implied]).rechunk()


def measures(observations: pl.DataFrame, rules: pl.DataFrame, runs: Runs | None = None) -> pl.DataFrame:
    """Observations with ``measure``: the running sum for cumulative indicators (a null adds nothing), the
    value otherwise. Rows come back in series order (sorted only when they are not; ``runs`` from
    :func:`natije.results.series.series_runs` says they are). See :func:`measure_and_fit`, which also fits
    the series in the same pass."""
    return measure_and_fit(observations, cumulative_codes(rules), DEFAULT, runs)[0]


def cumulative_codes(rules: pl.DataFrame) -> pl.Series:
    """Codes of the indicators of cumulative kind (their measure is a running sum)."""
    return rules.filter(pl.col("kind") == "cumulative")["indicator"]


def period_label(end: pl.Expr, months: pl.Expr) -> pl.Expr:
    """SDMX label of the period of ``months`` length ending (exclusive) at month index ``end``."""
    start = end - months
    year = (start // 12).cast(pl.String)
    sub = start % 12
    return (
        pl.when(months == 12)
        .then(year)
        .when(months == 3)
        .then(pl.format("{}-Q{}", year, (sub // 3 + 1).cast(pl.String)))
        .otherwise(pl.format("{}-{}", year, (sub + 1).cast(pl.String).str.zfill(2)))
    )


def _labels(frame: pl.DataFrame, end: str, months: str) -> pl.Expr:
    """:func:`period_label` of each row, formatted once per distinct (end, months) pair
    (few) and looked up."""
    code = pl.col(end).cast(pl.Int64) * 64 + pl.col(months).cast(pl.Int64)
    pairs = frame.select(code.unique().alias("c")).drop_nulls()
    names = pairs.select(period_label(pl.col("c") // 64, pl.col("c") % 64)).to_series()
    return code.replace_strict(pairs["c"], names, default=None, return_dtype=pl.String)


def target_rows(
    frames: ProgramFrames,
    as_of: date | None,
    basis: str,
    national: list[str],
    observed: pl.DataFrame | None = None,
    carry: list[str] | None = None,
    meas: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Targets in force with their baseline: one row per indicator × territory × target period.

    ``observed`` lists the series that exist, one row per (indicator, territory), computed from the
    observations if omitted; ``_s`` is each row's position in it (null: no series there), and its columns
    named in ``carry`` (default: all but the key) are copied onto the rows. ``meas`` (observations with
    ``measure``, :func:`measures`) gives a territory without a baseline of its own its value in the national
    baseline's period; computed from the observations if omitted.
    """
    rules = indicator_rules(frames.indicators)
    observed = frames.observations.select(KEY).unique() if observed is None else observed
    meas = measures(frames.observations, rules) if meas is None else meas
    c = commitments_in_force(frames.commitments, as_of, basis)
    carried = [col for col in observed.columns if col not in KEY] if carry is None else carry
    baselines = c.filter(pl.col("kind") == "baseline").select(
        *KEY,
        pl.col("period").alias("baseline_period"),
        pl.col("period_start").alias("baseline_start"),
        pl.col("period_end").alias("baseline_end"),
        pl.col("value").alias("baseline"),
    )
    # what depends on the indicator only (its rules, its national baseline) stays in a small table, `info`,
    # gathered per row by the indicator's position `_i`; the commitments are spread over territories by
    # position (`_c`) — no join on the millions of target rows
    info = rules.select(
        "indicator",
        "direction",
        pl.col("kind").alias("_kind"),
        "freq_months",
        "tolerance",
        "unit",
        "additive",
    ).with_row_index("_i")
    tc = (
        c.filter(pl.col("kind") == "target")
        .select(
            "indicator",
            "territory",
            "kind",
            "period",
            "period_start",
            "period_end",
            "value",
            "version",
            "decided_on",
            "document",
            pl.col("indicator")
            .cast(pl.Enum(info["indicator"].to_list()), strict=False)
            .to_physical()
            .cast(pl.UInt32)
            .alias("_i"),
        )
        .rechunk()
        .with_row_index("_c")
    )  # one chunk: gathers by position stay cheap
    # a national baseline applies where national targets do: the country, and every territory of a
    # non-additive indicator (explicit territorial targets of counts take only a territory's own baseline)
    additive = info["additive"].fill_null(False).gather(tc["_i"]).fill_null(False)
    inherits = (
        tc.select(
            pl.col("territory").is_null()
            | pl.col("territory").is_in(pl.Series(national, dtype=pl.String).implode())
        ).to_series()
        | ~additive
    )
    national_base = baselines.filter(pl.col("territory").is_null()).drop("territory").rechunk()
    tc = tc.with_columns(baseline_position(tc, national_base).alias("_b"))
    tc = tc.with_columns(pl.when(inherits).then(pl.col("_b")).alias("_b"))
    pairs = target_pairs(tc, rules, observed.select(KEY).with_row_index("_s"), national)
    own_cols = tc.select(
        "indicator",
        "period",
        "period_start",
        "period_end",
        pl.col("value").alias("target"),
        pl.col("version").alias("target_version"),
        pl.col("decided_on").alias("target_decided_on"),
        pl.col("document").alias("target_document"),
        "_i",
        "_b",
    ).gather(pairs["_c"])
    # `_d` and `_pct` (direction code, unit in %) are what the judging loop reads: coded once per indicator
    by_indicator = info.select(
        "direction",
        pl.col("_kind").alias("kind"),
        "freq_months",
        "tolerance",
        "unit",
        direction_code().alias("_d"),
        (pl.col("unit") == "%").fill_null(False).alias("_pct"),
    ).gather(own_cols["_i"])
    base = national_base.select(BASE_COLS).gather(own_cols["_b"])
    rows = pl.concat(
        [own_cols.select("indicator", pairs["territory"], *own_cols.columns[1:8]), by_indicator, base],
        how="horizontal",
    )
    # each territory its own baseline: declared, else its value in the national baseline's period (see
    # natije.results.baselines); the national value only for the country itself
    rows = territory_baselines(
        rows.with_columns(pairs["_s"]), baselines.filter(pl.col("territory").is_not_null()), national, meas
    )
    pairs = rows.select("_s")  # the as-of join may reorder the rows
    rows = rows.drop("_s")
    gathered = observed.select(pl.col(carried).gather(pairs["_s"]))
    return rows.with_columns(pairs["_s"], *gathered.get_columns())


def attach_actuals(targets: pl.DataFrame, meas: pl.DataFrame, series: pl.DataFrame) -> pl.DataFrame:
    """The actual for each target: last measure at or before the target period (exact period if periodic).

    ``series`` is the fit of ``meas`` (:func:`natije.results.forecast.measure_and_fit`); its last point is
    already on ``targets`` when :func:`target_rows` carried it. Targets whose period ends at or after a
    series' last value take that last value from it (the common, forward-looking case; its label is derived
    from the indicator's frequency); only the others need an as-of join against every observation, and are
    marked ``_past`` (their series' first point is no baseline for the pace: it may be the actual itself).
    """
    t = targets if "last_end" in targets.columns else targets.join(series, on=KEY, how="left")
    fast = pl.col("last_end").is_null() | (pl.col("last_end") <= pl.col("period_end"))
    every = t.select(fast.all()).item()
    ahead = (t if every else t.filter(fast)).with_columns(
        _labels(t, "last_end", "freq_months").alias("actual_period"),
        pl.col("last_measure").alias("actual"),
        pl.col("last_illustrative").alias("illustrative"),
        pl.col("last_end").alias("actual_end"),
        pl.lit(False).alias("_past"),
    )
    past = t.clear() if every else t.filter(~fast)
    if past.height:
        m = meas.select(
            *KEY,
            pl.col("period").alias("actual_period"),
            pl.col("period_end").alias("_ae"),
            pl.col("measure").alias("actual"),
            "illustrative",
        ).sort("_ae")
        past = (
            past.sort("period_end")
            .join_asof(
                m, left_on="period_end", right_on="_ae", by=KEY, strategy="backward", check_sortedness=False
            )
            .rename({"_ae": "actual_end"})
            .with_columns(pl.lit(None, pl.Float64).alias("first_x"), pl.lit(True).alias("_past"))
        )
        ahead = pl.concat(
            [ahead, past.select(ahead.columns)]
        )  # the first point may be the actual: no first_x
    # a periodic target counts its own period only; where no actual is shown, neither is its period nor the
    # illustrative mark (the period and the mark describe the value beside them)
    wrong = (pl.col("kind") == "periodic") & (pl.col("actual_period") != pl.col("period"))
    shown = ahead.with_columns(pl.when(wrong).then(None).otherwise(pl.col("actual")).alias("actual"))
    none = pl.col("actual").is_null()
    return shown.with_columns(
        pl.when(none).then(None).otherwise(pl.col("actual_period")).alias("actual_period"),
        pl.when(none).then(None).otherwise(pl.col("actual_end")).alias("actual_end"),
        (pl.col("illustrative").fill_null(False) & ~none).alias("illustrative"),
    ).drop("last_end", "last_measure", "last_illustrative", "last_x", strict=False)
