"""Roll-ups across territories (docs/results-rules.md).

* **Ratio indicators** (declared numerator and denominator): ``scale · Σ numerator / Σ denominator`` over the
  members that report both — never an average of percentages.
* **Counts and money** (additive units): the sum.
* **Other rates, shares and indices**: the mean weighted by ``weights`` (population) of the same period;
  members without a weight are left out, and when no member has one, equal weights are used.
* **Ranks**: not aggregated.
* Rolling up one territory returns its own value (identity) under every rule.
* A territory counts only for periods in which it was valid (``valid_from``/``valid_to``), so a region and its
  successor are never added twice.

One way for every shape of territories: each member series is joined to the aggregates it belongs to, and one
pass over those entries (:func:`natije.results.loops.sum_cells`) sums every indicator × aggregate ×
period cell.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from natije.domain import units
from natije.domain.periods import Period
from natije.results.achievement import indicator_rules
from natije.results.frames import conform
from natije.results.loops import Cells, CellSums, SeriesRows, sum_cells
from natije.results.ratios import ratio_of_sums, ratio_parts
from natije.results.series import KEY, Runs, series_runs

COLUMNS = ["indicator", "territory", "period", "period_start", "period_end", "value", "illustrative"]
"""The columns of the observations that a roll-up reads."""
NO_DATE = 2**40
"""Validity bound of a member without a start or end date (months)."""


def roll_up(
    observations: pl.DataFrame, indicators: pl.DataFrame, weights: pl.DataFrame, groups: pl.DataFrame
) -> pl.DataFrame:
    """Aggregate observations of member territories into the territory ``into`` of ``groups``.

    Parameters
    ----------
    observations : polars.DataFrame
        indicator, territory, period, period_start, period_end, value (and optionally illustrative).
    indicators, weights : polars.DataFrame
        Frames of :class:`~natije.results.frames.ProgramFrames`.
    groups : polars.DataFrame
        ``territory`` (member) → ``into`` (aggregate code); a member may belong to several aggregates, and
        counts only while it is valid when ``_vf``/``_vt`` (months, as :func:`parent_groups` gives them) are
        present.

    Returns
    -------
    polars.DataFrame
        indicator, territory (= into), period, period_start, period_end, value, method, members, illustrative.
    """
    return _roll_up(
        series_runs(_with_illustrative(observations).select(COLUMNS)), _rules(indicators), weights, groups
    )


def _roll_up(runs: Runs, rules: pl.DataFrame, weights: pl.DataFrame, groups: pl.DataFrame) -> pl.DataFrame:
    """:func:`roll_up` of rows in series order (``runs``): the sums of every indicator × aggregate × period
    cell in one pass over the member series (:func:`natije.results.loops.sum_cells`), then each cell's value
    by its indicator's rule (:func:`_finish`)."""
    rows = runs.frame
    if (
        rows["period_start"].null_count() or rows["period_end"].null_count()
    ):  # a row out of time counts nowhere
        return _roll_up(
            series_runs(
                rows.filter(pl.col("period_start").is_not_null() & pl.col("period_end").is_not_null())
            ),
            rules,
            weights,
            groups,
        )
    dated = "_vf" in groups.columns
    ps, pe = rows["period_start"].cast(pl.Int32).to_numpy(), rows["period_end"].cast(pl.Int32).to_numpy()
    length = pe - ps
    lo, width = (int(ps.min()), int(length.max()) + 1) if rows.height else (0, 1)
    length += (ps - np.int32(lo)) * np.int32(width)  # now a small code of each row's (start, length)
    present = np.bincount(length, minlength=(int(ps.max()) - lo + 1) * width if rows.height else 0) > 0
    period_slot = np.cumsum(present) - 1  # each period present, numbered in order
    n_periods = int(present.sum())
    table, weight_codes = _weight_table(weights, lo, width, present, period_slot)
    # one entry per member series × aggregate it belongs to, in series order; what depends on the member only
    # (its aggregate's number, its row of weights) is coded once per member, not per series
    parents = groups["into"].unique().sort()
    members = groups.select(
        "territory",
        "into",
        *(["_vf", "_vt"] if dated else []),
        pl.col("into").cast(pl.Enum(parents.to_list())).to_physical().cast(pl.Int64).alias("_p"),
        pl.Series("_w", territory_index(weight_codes, groups, missing=len(weight_codes))),
    )
    inds, ind_code = _indicator_codes(runs.keys)
    ranks = rules.filter(pl.col("rank"))["indicator"]
    entries = (
        runs.keys.with_row_index("_s")
        .with_columns(pl.Series("_i", ind_code))
        .join(members, on="territory", maintain_order="left")
    )
    if len(ranks):
        entries = entries.filter(~pl.col("indicator").is_in(ranks.implode()))
    if entries.height == 0 or rows.height == 0:
        return _finish(_cells(rows, None, pl.Series("into", [], pl.String), 1), None, rules)
    # each indicator × aggregate with members, numbered in order
    pair = entries["_i"].to_numpy() * len(parents) + entries["_p"].to_numpy()
    used_pairs = np.zeros(len(inds) * len(parents), np.bool_)
    used_pairs[pair] = True
    pair_slot = np.cumsum(used_pairs) - 1
    valid_from, valid_to = (
        entries[c].fill_null(bound).cast(pl.Int64).to_numpy()
        if dated
        else np.full(entries.height, bound, np.int64)
        for c, bound in (("_vf", -NO_DATE), ("_vt", NO_DATE))
    )
    value = rows["value"].cast(pl.Float64)
    gaps = value.null_count() > 0
    sums = sum_cells(
        SeriesRows(
            np.ascontiguousarray(runs.starts, dtype=np.int64),
            ps,
            pe,
            (value.fill_null(0.0) if gaps else value).to_numpy(),
            value.is_null().to_numpy() if gaps else np.zeros(rows.height, np.bool_),
        ),
        rows["illustrative"].fill_null(False).to_numpy(),
        Cells(
            entries["_s"].cast(pl.Int64).to_numpy(),
            valid_from,
            valid_to,
            pair_slot[pair].astype(np.int64) * n_periods,
            entries["_w"].to_numpy() * n_periods,
            lo,
            width,
            period_slot.astype(np.int64),
            int(used_pairs.sum()) * n_periods,
            table,
        ),
    )
    into = parents.gather(pl.Series(np.flatnonzero(used_pairs) % len(parents)))
    ratio_rows = _ratio_members(rows, rules, groups) if ratio_parts(rules).height else None
    return _finish(_cells(rows, sums, into, n_periods), ratio_rows, rules)


def rollup_rows(
    observations: pl.DataFrame,
    indicators: pl.DataFrame,
    weights: pl.DataFrame,
    territories: pl.DataFrame,
    depth: int = 4,
    runs: Runs | None = None,
) -> pl.DataFrame:
    """Rolled-up values for each parent territory × indicator that the parent does not report itself.

    Columns as the observations plus ``method`` (sum, weighted_mean, ratio_of_sums) and ``source = "rollup"``.
    Values climb one level per round (district → region → country), each round recomputed from own values
    plus the previous round's aggregates, so nothing is counted twice. ``runs`` (from
    :func:`natije.results.series.series_runs` of ``observations``) says the observations are in series order.
    """
    groups = parent_groups(territories)
    empty = observations.clear().with_columns(
        pl.lit(None, pl.String).alias("method"), pl.lit(None, pl.String).alias("source")
    )
    if groups.height == 0 or observations.height == 0:
        return empty
    rules = _rules(indicators)
    own = (
        Runs(runs.frame.select(COLUMNS), runs.starts, runs.keys)
        if runs is not None
        else series_runs(_with_illustrative(observations).select(COLUMNS))
    )
    members = groups.select("territory").unique()
    # a parent that reports an indicator itself keeps its own series whole: no roll-up mixed into it
    own_parents = own.keys.filter(pl.col("territory").is_in(groups["into"].unique().implode())).unique()
    new = empty
    for _ in range(depth):
        source = own if new.height == 0 else _appended(own, series_runs(new.select(COLUMNS)))
        new = (
            _roll_up(source, rules, weights, groups)
            .join(own_parents, on=KEY, how="anti")
            .drop("members")
            .with_columns(pl.lit("rollup").alias("source"))
        )
        if new.join(members, on="territory").height == 0:
            break
    return new


def _appended(first: Runs, then: Runs) -> Runs:
    """The rows of ``first`` and then those of ``then``, in runs (the series of the two are distinct)."""
    return Runs(
        pl.concat([first.frame, then.frame]),
        np.concatenate([first.starts, then.starts + first.frame.height]),
        pl.concat([first.keys, then.keys]),
    )


def _with_illustrative(rows: pl.DataFrame) -> pl.DataFrame:
    return rows if "illustrative" in rows.columns else rows.with_columns(pl.lit(False).alias("illustrative"))


def _cells(rows: pl.DataFrame, sums: CellSums | None, into: pl.Series, n_periods: int) -> pl.DataFrame:
    """The cells that have members, with their sums (``_sum``, ``_wv``, ``_w``, ``_nw``, ``_n``): indicator
    and period from each cell's first row, ``into`` from ``into`` (per indicator × aggregate)."""
    if sums is None:
        used = np.zeros(0, np.int64)
        sums = CellSums(
            *(
                np.zeros(0, dtype)
                for dtype in (
                    np.float64,
                    np.float64,
                    np.float64,
                    np.int64,
                    np.int64,
                    np.int64,
                    np.bool_,
                    np.int64,
                )
            )
        )
    else:
        used = np.flatnonzero(sums.members)
    agg = rows.select("indicator", "period", "period_start", "period_end").gather(pl.Series(sums.first[used]))
    return agg.with_columns(
        into.gather(pl.Series(used // n_periods)).alias("into"),
        pl.Series("_sum", sums.total[used]),
        pl.Series("_wv", sums.weighted[used]),
        pl.Series("_w", sums.weight[used]),
        pl.Series("_nw", sums.n_weighted[used], dtype=pl.UInt32),
        pl.Series("_n", sums.n[used], dtype=pl.UInt32),
        pl.Series("members", sums.members[used], dtype=pl.UInt32),
        pl.Series("illustrative", sums.illustrative[used], dtype=pl.Boolean),
    )


def _weight_table(
    weights: pl.DataFrame, lo: int, width: int, present: np.ndarray, period_slot: np.ndarray
) -> tuple[np.ndarray, list[str]]:
    """The weights laid out for lookups by territory and period, and the territories' codes:
    ``table[t · n + slot]`` is the weight of territory ``t`` in the period numbered ``slot`` (of ``n``
    present), NaN when none is known; row ``len(codes)`` is for territories without a weight. Weights are few:
    a dense table, and a position per member instead of a join on two text keys."""
    n_periods = int(present.sum())
    w = weights.filter(pl.col("weight").is_not_null()).unique(["territory", "period"], keep="last")
    codes = w["territory"].unique().sort().to_list()
    table = np.full((len(codes) + 1) * n_periods, np.nan)
    if w.height == 0:
        return table, codes
    bounds = {p: Period.parse(p) for p in w["period"].unique().to_list()}
    start, end = (
        w.select(
            pl.col("period").replace_strict(
                {p: getattr(b, side) for p, b in bounds.items()}, return_dtype=pl.Int64
            )
        )
        .to_series()
        .to_numpy()
        for side in ("start_month", "end_month")
    )
    start, length = start - lo, end - start
    code = start * width + length
    known = (start >= 0) & (length >= 0) & (length < width) & (code < len(present))
    known[known] = present[code[known]]
    table[territory_index(codes, w)[known] * n_periods + period_slot[code[known]]] = w["weight"].to_numpy()[
        known
    ]
    return table, codes


def _indicator_codes(keys: pl.DataFrame) -> tuple[pl.Series, np.ndarray]:
    """The indicators of the series ``keys`` (sorted) and each series' position among them, looked up once per
    run of series of one indicator."""
    ind = keys["indicator"]
    new = (ind != ind.shift()).fill_null(True)
    firsts = ind.filter(new)
    names = firsts.unique().sort()
    code = (
        firsts.to_frame()
        .select(pl.col("indicator").cast(pl.Enum(names.to_list())).to_physical().cast(pl.Int64))
        .to_series()
        .to_numpy()
    )
    return names, code[new.cum_sum().to_numpy() - 1]


def territory_index(codes: list[str], frame: pl.DataFrame, missing: int = -1) -> np.ndarray:
    """Each row's position of ``territory`` in ``codes`` (``missing`` when absent), via an enum cast: no
    string hashing."""
    index = pl.col("territory").cast(pl.Enum(codes), strict=False).to_physical().cast(pl.Int64)
    return frame.select(index.fill_null(missing)).to_series().to_numpy()


def _ratio_members(rows: pl.DataFrame, rules: pl.DataFrame, groups: pl.DataFrame) -> pl.DataFrame:
    """The rows of ratio indicators' parts, with the aggregate ``into`` each counts in (while valid)."""
    parts = ratio_parts(rules)
    used = pl.concat([parts["ratio_numerator"], parts["ratio_denominator"]]).unique().implode()
    members = rows.filter(pl.col("indicator").is_in(used)).join(groups, on="territory")
    if "_vf" not in groups.columns:
        return members
    return members.filter(
        (pl.col("_vf").is_null() | (pl.col("_vf") < pl.col("period_end")))
        & (pl.col("_vt").is_null() | (pl.col("_vt") > pl.col("period_start")))
    ).drop("_vf", "_vt")


def _rules(indicators: pl.DataFrame) -> pl.DataFrame:
    """:func:`~natije.results.achievement.indicator_rules` plus ``rank``
    (rank indicators are not rolled up)."""
    return indicator_rules(indicators).with_columns(
        pl.col("unit")
        .map_elements(
            lambda u: (units.resolve(u or "") or units.Unit("", "")).dimension == "rank",
            return_dtype=pl.Boolean,
        )
        .fill_null(False)
        .alias("rank")
    )


def _finish(agg: pl.DataFrame, o: pl.DataFrame | None, rules: pl.DataFrame) -> pl.DataFrame:
    """Each cell's value from its sums (``_sum``, ``_wv``, ``_w``, ``_nw``, ``_n``) by the
    indicator's rule."""
    additive = rules.filter(pl.col("additive"))["indicator"].implode()
    agg = agg.with_columns(
        pl.col("indicator").is_in(additive).alias("additive"), (pl.col("_sum") / pl.col("_n")).alias("_mean")
    )
    # members without a weight drop out of a weighted mean; with no weight at all, equal weights
    agg = agg.with_columns(
        pl.when(pl.col("additive"))
        .then(pl.col("_sum"))
        .when(pl.col("_nw") > 0)
        .then(pl.col("_wv") / pl.col("_w"))
        .otherwise(pl.col("_mean"))
        .alias("value"),
        pl.when(pl.col("additive")).then(pl.lit("sum")).otherwise(pl.lit("weighted_mean")).alias("method"),
    )
    if o is not None:
        agg = ratio_of_sums(agg, o, rules)
    return agg.select(
        "indicator",
        pl.col("into").alias("territory"),
        "period",
        "period_start",
        "period_end",
        "value",
        "method",
        "members",
        "illustrative",
    )


def parent_groups(territories: pl.DataFrame) -> pl.DataFrame:
    """Member → parent pairs from the territories frame (with validity months for filtering)."""
    t = conform("territories", territories).filter(pl.col("parent").is_not_null())
    return t.select(
        "territory" if "territory" in t.columns else pl.col("code").alias("territory"),
        pl.col("parent").alias("into"),
        (pl.col("valid_from").dt.year() * 12 + pl.col("valid_from").dt.month() - 1).alias("_vf"),
        (pl.col("valid_to").dt.year() * 12 + pl.col("valid_to").dt.month() - 1).alias("_vt"),
    )
