"""Roll-ups across territories (docs/results-rules.md).

* **Ratio indicators** (declared numerator and denominator): ``scale · Σ numerator / Σ denominator`` over the
  members that report both — never an average of percentages.
* **Counts and money** (additive units): the sum.
* **Other rates, shares and indices**: the mean weighted by ``weights`` (population) of the same period; members
  without a weight are left out, and when no member has one, equal weights are used.
* **Ranks**: not aggregated.
* Rolling up one territory returns its own value (identity) under every rule.
* A territory counts only for periods in which it was valid (``valid_from``/``valid_to``), so a region and its
  successor are never added twice.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl

from natije.domain import units
from natije.domain.periods import Period
from natije.results.achievement import indicator_rules
from natije.results.frames import conform
from natije.results.loops import Cells, SeriesRows, sum_cells
from natije.results.ratios import ratio_of_sums, ratio_parts
from natije.results.series import Runs

GROUP = ["indicator", "into", "period"]


def roll_up(
    observations: pl.DataFrame, indicators: pl.DataFrame, weights: pl.DataFrame, groups: pl.DataFrame | None
) -> pl.DataFrame:
    """Aggregate observations of member territories into the territory ``into`` of ``groups``.

    Parameters
    ----------
    observations : polars.DataFrame
        indicator, territory, period, period_start, period_end, value (and optionally illustrative).
    indicators, weights : polars.DataFrame
        Frames of :class:`~natije.results.frames.ProgramFrames`.
    groups : polars.DataFrame or None
        ``territory`` (member) → ``into`` (aggregate code); a member may belong to several aggregates.
        ``None`` when ``observations`` already carry ``into``.

    Returns
    -------
    polars.DataFrame
        indicator, territory (= into), period, period_start, period_end, value, method, members, illustrative.
    """
    rules = _rules(indicators)
    ranks = rules.filter(pl.col("rank"))["indicator"].implode()
    o = observations if groups is None else observations.join(groups.select("territory", "into"), on="territory")
    if "illustrative" not in o.columns:
        o = o.with_columns(pl.lit(False).alias("illustrative"))
    if len(ranks[0]):
        o = o.filter(~pl.col("indicator").is_in(ranks))
    w = None if "w" in o.columns else weight_values(o, weights)  # "w": the caller looked the weights up
    if "w" in o.columns:
        lazy = o.lazy()
    elif w is not None:
        lazy = o.lazy().with_columns(w)
    else:
        table = weights.select("territory", "period", pl.col("weight").alias("w")).unique(["territory", "period"])
        lazy = o.lazy().join(table.lazy(), on=["territory", "period"], how="left")
    v, wt = pl.col("value"), pl.col("w")
    has = v.is_not_null() & wt.is_not_null()
    # grouped by integer codes (categorical indicator and aggregate, period bounds): no hashing of text per row;
    # one period string has one pair of bounds, so its label rides along as the group's first
    bounds = ["period_start", "period_end"]
    keys = ["_g"] if "_g" in o.columns else [
        pl.col("indicator").cast(pl.Categorical).alias("_i"), pl.col("into").cast(pl.Categorical).alias("_t"), *bounds]
    agg = lazy.group_by(keys).agg(
        pl.col("indicator").first(), pl.col("into").first(), pl.col("period").first(),
        *(pl.col(b).first() for b in bounds if "_g" in o.columns),
        v.sum().alias("_sum"), (v * wt).sum().alias("_wv"), (wt * has).sum().alias("_w"),
        has.sum().alias("_nw"), v.count().alias("_n"),
        pl.len().alias("members"), pl.col("illustrative").any().alias("illustrative"),
    ).drop("_i", "_t", "_g", strict=False).collect()
    return _finish(agg, o, rules)


def _rules(indicators: pl.DataFrame) -> pl.DataFrame:
    """:func:`~natije.results.achievement.indicator_rules` plus ``rank`` (rank indicators are not rolled up)."""
    return indicator_rules(indicators).with_columns(
        pl.col("unit").map_elements(lambda u: (units.resolve(u or "") or units.Unit("", "")).dimension == "rank",
                                    return_dtype=pl.Boolean).fill_null(False).alias("rank")
    )


def _finish(agg: pl.DataFrame, o: pl.DataFrame | None, rules: pl.DataFrame) -> pl.DataFrame:
    """Each cell's value from its sums (``_sum``, ``_wv``, ``_w``, ``_nw``, ``_n``) by the indicator's rule."""
    additive = rules.filter(pl.col("additive"))["indicator"].implode()
    agg = agg.with_columns(
        pl.col("indicator").is_in(additive).alias("additive"), (pl.col("_sum") / pl.col("_n")).alias("_mean"))
    # members without a weight drop out of a weighted mean; with no weight at all, equal weights
    agg = agg.with_columns(
        pl.when(pl.col("additive")).then(pl.col("_sum")).when(pl.col("_nw") > 0).then(pl.col("_wv") / pl.col("_w"))
        .otherwise(pl.col("_mean")).alias("value"),
        pl.when(pl.col("additive")).then(pl.lit("sum")).otherwise(pl.lit("weighted_mean")).alias("method"),
    )
    if o is not None:
        agg = ratio_of_sums(agg, o, rules)
    return agg.select(
        "indicator", pl.col("into").alias("territory"), "period", "period_start", "period_end", "value", "method",
        "members", "illustrative",
    )


def territory_index(codes: list[str]) -> pl.Expr:
    """Each row's position of ``territory`` in ``codes`` (null when absent), via an enum cast: no string hashing."""
    return pl.col("territory").cast(pl.Enum(codes), strict=False).to_physical().cast(pl.Int64)


def weight_values(rows: pl.DataFrame, weights: pl.DataFrame, starts: np.ndarray | None = None) -> pl.Series | None:
    """Each row's weight of its (territory, period), null when none is known (``None``: too sparse, join).

    The few weights are laid out in a dense territory × period table and looked up by position: far cheaper on
    millions of rows than a join on two text keys. Periods are keyed by start month and length, as the rows'
    ``period_start``/``period_end`` give them. ``starts``: rows are in series order (territories looked up once
    per series).
    """
    table = _weight_table(weights)
    if table is None or isinstance(table, pl.Series):
        return None if table is None else pl.Series("w", [None] * rows.height, dtype=pl.Float64)
    codes, first, span, dense = table
    if starts is None:
        base = territory_positions(rows, codes)
        sid = None
    else:
        base = territory_positions(rows.select("territory").gather(pl.Series(starts)), codes)
        sid = np.repeat(np.arange(len(starts), dtype=np.int32), np.diff(np.append(starts, rows.height)))
    base = np.where(base >= 0, base * span * 3, -(2 ** 40))
    slot = rows.select(_slot(first, span).fill_null(-(2 ** 40))).to_series().to_numpy()
    key = (base if sid is None else base[sid]) + slot
    return pl.Series("w", dense[np.where(key >= 0, key, -1)]).fill_nan(None)  # -1: the table's NaN slot


def _slot(first: int, span: int) -> pl.Expr:
    """Period position in the weight table: start month since ``first`` × 3 + length (year, quarter, month)."""
    length = pl.col("period_end") - pl.col("period_start")
    kind = pl.when(length == 12).then(0).when(length == 3).then(1).when(length == 1).then(2)
    pos = pl.col("period_start").cast(pl.Int64) - first
    return pl.when((pos >= 0) & (pos < span)).then(pos * 3 + kind)


def _weight_table(weights: pl.DataFrame) -> tuple[list[str], int, int, np.ndarray] | pl.Series | None:
    """Codes, first start month, span and the dense table of weights (an empty Series: no weight; None: too
    sparse to lay out)."""
    w = weights.filter(pl.col("weight").is_not_null()).unique(["territory", "period"], keep="last")
    if w.height == 0:
        return pl.Series([], dtype=pl.Float64)
    bounds = {p: (Period.parse(p).start_month, Period.parse(p).end_month) for p in w["period"].unique().to_list()}
    codes = w["territory"].unique().sort().to_list()
    first, last = min(b[0] for b in bounds.values()), max(b[0] for b in bounds.values())
    span = last - first + 1
    if len(codes) * span * 3 > 20_000_000:
        return None
    w = w.with_columns(
        pl.col("period").replace_strict({k: v[0] for k, v in bounds.items()}, return_dtype=pl.Int64)
        .alias("period_start"),
        pl.col("period").replace_strict({k: v[1] for k, v in bounds.items()}, return_dtype=pl.Int64)
        .alias("period_end"))
    at = (territory_positions(w, codes) * span * 3) + w.select(_slot(first, span).fill_null(-(2 ** 40))) \
        .to_series().to_numpy()
    dense = np.full(len(codes) * span * 3 + 1, np.nan)  # the last slot: rows without a weight
    dense[at[at >= 0]] = w["weight"].to_numpy()[at >= 0]
    return codes, first, span, dense


def territory_positions(rows: pl.DataFrame, codes: list[str], starts: np.ndarray | None = None) -> np.ndarray:
    """Each row's position of ``territory`` in ``codes`` (-1 when absent); looked up once per series when the
    rows are in series order (``starts``: each series' first row)."""
    if starts is None:
        return rows.select(territory_index(codes).fill_null(-1)).to_series().to_numpy()
    firsts = rows["territory"].gather(pl.Series(starts)).to_frame()
    per = firsts.select(territory_index(codes).fill_null(-1)).to_series().to_numpy()
    return np.repeat(per, np.diff(np.append(starts, rows.height)))


def parent_groups(territories: pl.DataFrame) -> pl.DataFrame:
    """Member → parent pairs from the territories frame (with validity months for filtering)."""
    t = conform("territories", territories).filter(pl.col("parent").is_not_null())
    return t.select(
        "territory" if "territory" in t.columns else pl.col("code").alias("territory"),
        pl.col("parent").alias("into"),
        (pl.col("valid_from").dt.year() * 12 + pl.col("valid_from").dt.month() - 1).alias("_vf"),
        (pl.col("valid_to").dt.year() * 12 + pl.col("valid_to").dt.month() - 1).alias("_vt"),
    )


def rollup_rows(
    observations: pl.DataFrame, indicators: pl.DataFrame, weights: pl.DataFrame, territories: pl.DataFrame,
    depth: int = 4, runs: Runs | None = None,
) -> pl.DataFrame:
    """Rolled-up values for each parent territory × indicator that the parent does not report itself.

    Columns as the observations plus ``method`` (sum, weighted_mean, ratio_of_sums) and ``source = "rollup"``.
    Values climb one level per round (district → region → country), each round recomputed from own values
    plus the previous round's aggregates, so nothing is counted twice. ``runs`` (from
    :func:`natije.results.series.series_runs` of ``observations``) says the observations are in series order,
    which lets the first round number each indicator without hashing its code.
    """
    groups = parent_groups(territories)
    empty = observations.clear().with_columns(pl.lit(None, pl.String).alias("method"),
                                              pl.lit(None, pl.String).alias("source"))
    if groups.height == 0 or observations.height == 0:
        return empty
    members = groups.select("territory").unique()
    parents = groups["into"].unique().implode()
    # a parent that reports an indicator itself keeps its own series whole: no roll-up mixed into it
    keys = runs.keys if runs is not None else observations.select("indicator", "territory")
    own_parents = keys.filter(pl.col("territory").is_in(parents)).unique()
    dated = groups["_vf"].null_count() < groups.height or groups["_vt"].null_count() < groups.height
    single = groups["territory"].n_unique() == groups.height
    new = empty
    for _ in range(depth):
        cells: pl.DataFrame | None = None
        source = pl.concat([observations, new.select(observations.columns)], rechunk=False) if new.height \
            else observations
        if dated or not single:
            valid = source.join(groups, on="territory")
            if dated:  # members count only while they existed
                valid = valid.filter(
                    (pl.col("_vf").is_null() | (pl.col("_vf") < pl.col("period_end")))
                    & (pl.col("_vt").is_null() | (pl.col("_vt") > pl.col("period_start")))
                )
            valid = valid.drop("_vf", "_vt")
        else:  # one parent per member and no validity dates: a lookup instead of a join
            first = runs if source is observations else None
            cells = _cells(source, groups, first, weights, indicators) if first is not None else None
            if cells is None:
                valid = _with_parent(source, groups, first, weights)
        rolled = roll_up(valid, indicators, weights, None) if cells is None else cells
        new = rolled.join(own_parents, on=["indicator", "territory"], how="anti").drop("members") \
            .with_columns(pl.lit("rollup").alias("source"))
        if new.join(members, on="territory").height == 0:
            break
    return new


def _with_parent(rows: pl.DataFrame, groups: pl.DataFrame, runs: Runs | None,
                 weights: pl.DataFrame) -> pl.DataFrame:
    """Rows of members with ``into`` (their one parent) and ``_g``, an integer code of indicator × parent ×
    period that :func:`roll_up` groups by instead of the text keys. Rows in series order (``runs``) are
    numbered per series (indicator runs, parent, weight base) and get their weight ``w`` here too."""
    parents = groups["into"].unique().sort()
    parent_of = groups.select(pl.col("into").cast(pl.Enum(parents.to_list())).to_physical().cast(pl.Int64)) \
        .to_series().to_numpy()
    if rows["period_start"].null_count() or rows["period_end"].null_count() or runs is None:
        tix = territory_positions(rows, groups["territory"].to_list())
        names = parents.gather(pl.Series(parent_of[np.maximum(tix, 0)]))  # text keys: roll_up groups by them
        return rows.with_columns(names.alias("into")).filter(pl.Series(tix >= 0))
    starts, firsts = runs.starts, runs.keys
    tix = territory_positions(firsts, groups["territory"].to_list())
    run = (firsts["indicator"] != firsts["indicator"].shift()).fill_null(True).cum_sum().to_numpy()
    into = np.where(tix >= 0, parent_of[np.maximum(tix, 0)], 0)
    ps, pe = rows["period_start"].to_numpy(), rows["period_end"].to_numpy()
    lo, span, width = int(ps.min()), int(ps.max() - ps.min()) + 1, int((pe - ps).max()) + 1
    period = (ps - np.int32(lo)) * np.int32(width) + (pe - ps)  # a small code of (start, length)
    series_code = (run.astype(np.int64) * len(parents) + into) * (span * width)
    sid = np.repeat(np.arange(len(starts), dtype=np.int32), np.diff(np.append(starts, rows.height)))
    w = _series_weights(firsts, sid, period, lo, span, width, weights)
    out = rows.with_columns(
        pl.lit(parents[0]).alias("into") if len(parents) == 1 else parents.gather(pl.Series(into[sid])).alias("into"),
        pl.Series("_g", series_code[sid] + period), *([w] if w is not None else []))
    # rows of territories without a parent take no part
    return out if tix.min(initial=0) >= 0 else out.filter(pl.Series((tix >= 0)[sid]))


def _cells(rows: pl.DataFrame, groups: pl.DataFrame, runs: Runs, weights: pl.DataFrame,
           indicators: pl.DataFrame) -> pl.DataFrame | None:
    """:func:`roll_up` of rows in series order into their one parent, by summing a dense table of cells
    (indicator run × parent × period code) in one pass (:func:`natije.results.loops.sum_cells`).

    ``None`` when this does not apply — ratio indicators (their sums need the members' rows), null period
    bounds, weights too sparse to lay out, or a cell table far larger than the rows — and the grouped path
    must run instead.
    """
    rules = _rules(indicators)
    ratios = ratio_parts(rules)
    ps, pe = rows["period_start"], rows["period_end"]
    if ratios.height or ps.null_count() or pe.null_count() or rows.height == 0:
        return None
    parents = groups["into"].unique().sort()
    parent_of = groups.select(pl.col("into").cast(pl.Enum(parents.to_list())).to_physical().cast(pl.Int64)) \
        .to_series().to_numpy()
    starts, firsts = runs.starts, runs.keys
    locate = _locator(firsts, [*groups["territory"].to_list(), *weights["territory"].drop_nulls().to_list()])
    tix = locate(groups["territory"].to_list())
    ind = firsts["indicator"]
    run = (ind != ind.shift()).fill_null(True).cum_sum().to_numpy().astype(np.int64) - 1
    ranks = rules.filter(pl.col("rank"))["indicator"]
    if len(ranks):  # rank indicators are not rolled up
        tix = np.where(ind.is_in(ranks.implode()).to_numpy(), -1, tix)
    ps_np, pe_np = ps.cast(pl.Int32).to_numpy(), pe.cast(pl.Int32).to_numpy()
    length = pe_np - ps_np
    lo, width = int(ps_np.min()), int(length.max()) + 1
    span = int(ps_np.max()) - lo + 1
    n_periods = span * width
    n_cells = (int(run[-1]) + 1) * len(parents) * n_periods
    if length.min() < 0 or n_cells > max(4 * rows.height, 1 << 20):
        return None
    lookup = _weight_lookup(firsts, lo, span, width, weights, locate)
    if lookup is None:
        return None
    table, wbase, wslot = lookup
    into = np.where(tix >= 0, parent_of[np.maximum(tix, 0)], 0)
    series_cell = np.where(tix >= 0, (run * len(parents) + into) * n_periods, -1)
    value = rows["value"].cast(pl.Float64)
    missing = value.is_null().to_numpy() if value.null_count() else np.zeros(rows.height, np.bool_)
    ill = rows["illustrative"].fill_null(False).to_numpy() if "illustrative" in rows.columns \
        else np.zeros(rows.height, np.bool_)
    sums = sum_cells(
        SeriesRows(np.ascontiguousarray(starts, dtype=np.int64), ps_np, pe_np,
                   (value.fill_null(0.0) if value.null_count() else value).to_numpy(), missing),
        ill, Cells(series_cell, lo, width, n_cells, table, wbase, wslot))
    used = np.flatnonzero(sums.members)
    agg = rows.select("indicator", "period", "period_start", "period_end").gather(pl.Series(sums.first[used]))
    agg = agg.with_columns(
        parents.gather(pl.Series((used // n_periods) % len(parents))).alias("into"),
        pl.Series("_sum", sums.total[used]), pl.Series("_wv", sums.weighted[used]), pl.Series("_w", sums.weight[used]),
        pl.Series("_nw", sums.n_weighted[used], dtype=pl.UInt32), pl.Series("_n", sums.n[used], dtype=pl.UInt32),
        pl.Series("members", sums.members[used], dtype=pl.UInt32),
        pl.Series("illustrative", sums.illustrative[used]),
    )
    return _finish(agg, None, rules)


def _locator(firsts: pl.DataFrame, codes: list[str]) -> Callable[[list[str]], np.ndarray]:
    """Positions of each series' territory in any list drawn from ``codes``, with one text lookup in all."""
    every = sorted(set(codes))
    where = territory_positions(firsts, every)

    def locate(wanted: list[str]) -> np.ndarray:
        table = np.full(len(every) + 1, -1, dtype=np.int64)  # the last slot: territories in no list
        index = {c: i for i, c in enumerate(every)}
        for i, c in enumerate(wanted):
            table[index[c]] = i
        return table[where]

    return locate


def _weight_lookup(firsts: pl.DataFrame, lo: int, span: int, width: int, weights: pl.DataFrame,
                   locate: Callable[[list[str]], np.ndarray] | None = None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The weight table laid out for lookups by series and period code (``(start − lo) · width + length``):
    ``table[base[series] + slot[code]]`` is the weight of that series' territory in that period (NaN: none).
    ``None`` when the weights are too sparse to lay out."""
    found = _weight_table(weights)
    if found is None:
        return None
    if isinstance(found, pl.Series):  # no weight at all
        return np.full(1, np.nan), np.zeros(firsts.height, np.int64), np.zeros(span * width, np.int64)
    codes, first, w_span, dense = found
    # the table again with a NaN slot at the end of each territory's block and a NaN block at the end, so that
    # every lookup, known or not, is one valid position
    block = w_span * 3 + 1
    padded = np.full((len(codes) + 1) * block, np.nan)
    padded.reshape(-1, block)[:-1, :-1] = dense[:-1].reshape(len(codes), w_span * 3)
    base = territory_positions(firsts, codes) if locate is None else locate(codes)
    base = np.where(base >= 0, base, len(codes)).astype(np.int64) * block
    start, length = lo + np.arange(span * width) // width, np.arange(span * width) % width
    kind = np.select([length == 12, length == 3, length == 1], [0, 1, 2], -1)
    pos = start - first
    slot = np.where((pos >= 0) & (pos < w_span) & (kind >= 0), pos * 3 + kind, block - 1).astype(np.int64)
    return padded, base, slot


def _series_weights(firsts: pl.DataFrame, sid: np.ndarray, period: np.ndarray, lo: int, span: int, width: int,
                    weights: pl.DataFrame) -> pl.Series | None:
    """:func:`weight_values` for rows in series order, given each row's series (``sid``) and period code
    (``(start − lo) · width + length``): territories are looked up per series and periods per code."""
    lookup = _weight_lookup(firsts, lo, span, width, weights)
    if lookup is None:
        return None
    table, base, slot = lookup
    return pl.Series("w", table[base[sid] + slot[period]]).fill_nan(None)


def add_rollups(
    observations: pl.DataFrame, indicators: pl.DataFrame, weights: pl.DataFrame, territories: pl.DataFrame,
    depth: int = 4,
) -> pl.DataFrame:
    """Observations plus :func:`rollup_rows` (own rows have ``method = null``)."""
    new = rollup_rows(observations, indicators, weights, territories, depth)
    own = observations.with_columns(pl.lit(None, dtype=pl.String).alias("method"))
    return pl.concat([own, new], how="diagonal_relaxed", rechunk=False)
