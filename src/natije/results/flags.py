"""Moved goalposts: flags, each with its evidence (docs/results-rules.md).

``target_eased``     a later version of a target is easier to reach (lower for increase, higher for decrease).
``target_tightened`` a later version of a target is harder to reach (higher for increase, lower for decrease).
``baseline_changed`` a later version of a baseline differs from the one before.
``dropped_from_portfolio``  a concept of the chain that no program in force carries any more
                            (once per concept).
``indicator_renamed``  a predecessor's concept continues here under a new code or name.
``no_milestones``    only one target period for a program spanning three or more years.
``stale``            the period after the last value ended more than ``stale_grace_months`` before ``as_of``
                     (while the program is in force and the territory exists).
``revised_after_deadline``  a value of the target period or before was revised after the target period ended.
``budget_moved_after_year``  a budget amount changed by a decision taken after its year ended
                             (budget_flags.py).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from natije.results.achievement import indicator_rules, period_label
from natije.results.asof import as_date, filter_as_of, month_index, present_day
from natije.results.budget_flags import FLAG as BUDGET_FLAG
from natije.results.budget_flags import SEVERITY as BUDGET_SEVERITY
from natije.results.budget_flags import budget_flags
from natije.results.frames import FLAG_SCHEMA as SCHEMA
from natije.results.frames import ProgramFrames
from natije.results.lineage import chain, in_force_until, lineage
from natije.results.ratios import ratio_parts
from natije.results.series import maybe_duplicated
from natije.results.thresholds import DEFAULT, Thresholds

SEVERITY = {
    "target_eased": 3,
    "baseline_changed": 2,
    "revised_after_deadline": 2,
    "stale": 2,
    "dropped_from_portfolio": 2,
    "target_tightened": 1,
    "no_milestones": 1,
    "indicator_renamed": 1,
    BUDGET_FLAG: BUDGET_SEVERITY,
}
KEY = ["indicator", "territory", "kind", "period"]


def _fmt(e: pl.Expr) -> pl.Expr:
    return e.round(4).cast(pl.String)


def _args(**parts: pl.Expr) -> pl.Expr:
    """The evidence's pieces as a JSON object, so each interface can word it in its own language."""
    return (
        pl.struct([e.cast(pl.String).alias(k) for k, e in parts.items()]).struct.json_encode().alias("args")
    )


def version_flags(commitments: pl.DataFrame, indicators: pl.DataFrame) -> pl.DataFrame:
    """``target_eased``, ``target_tightened`` and ``baseline_changed`` from consecutive commitment versions.

    Whether a changed target is easier or harder depends on the indicator's direction: a higher unemployment
    target is easier to reach. A changed target of a ``maintain`` indicator is neither and is not flagged.
    """
    # keys whose hash repeats are the only candidates (exactly settled by the grouping below)
    repeated = maybe_duplicated(commitments, KEY)
    if repeated is None:
        return pl.DataFrame(schema=SCHEMA)
    commitments = commitments.filter(repeated)
    multi = commitments.group_by(KEY).len().filter(pl.col("len") > 1).drop("len")
    c = (
        commitments.join(multi, on=KEY, how="semi", nulls_equal=True)
        .sort("decided_on", "version")
        .join(indicator_rules(indicators).select("indicator", "direction"), on="indicator", how="left")
        .with_columns(
            pl.col("value").shift(1).over(KEY).alias("old"),
            pl.col("decided_on").shift(1).over(KEY).alias("old_day"),
        )
    )
    d, v, old = pl.col("direction"), pl.col("value"), pl.col("old")
    target = (pl.col("kind") == "target") & (d.fill_null("increase") != "maintain")
    easier = pl.when(d == "decrease").then(v > old).otherwise(v < old)
    harder = pl.when(d == "decrease").then(v < old).otherwise(v > old)
    changed = (pl.col("kind") == "baseline") & (v != old)
    c = c.filter((target & (easier | harder)) | changed).with_columns(
        pl.when(pl.col("kind") != "target")
        .then(pl.lit("baseline_changed"))
        .when(easier)
        .then(pl.lit("target_eased"))
        .otherwise(pl.lit("target_tightened"))
        .alias("flag")
    )
    word = (
        pl.when(pl.col("flag") == "target_eased")
        .then(pl.lit("target made easier"))
        .when(pl.col("flag") == "target_tightened")
        .then(pl.lit("target made harder"))
        .otherwise(pl.col("kind"))
    )
    return c.select(
        "flag",
        pl.col("flag").replace_strict(SEVERITY, return_dtype=pl.Int32).alias("severity"),
        "indicator",
        "territory",
        "period",
        pl.col("old").alias("old_value"),
        pl.col("value").alias("new_value"),
        pl.col("decided_on").alias("day"),
        pl.format(
            "{} for {}: {} (decided {}) → {} (decided {}, {})",
            word,
            pl.col("period"),
            _fmt(old),
            pl.col("old_day").cast(pl.String),
            _fmt(v),
            pl.col("decided_on").cast(pl.String),
            pl.col("document").fill_null("?"),
        ).alias("evidence"),
        _args(
            period=pl.col("period"),
            old=_fmt(old),
            old_day=pl.col("old_day"),
            new=_fmt(v),
            day=pl.col("decided_on"),
            document=pl.col("document").fill_null("?"),
        ),
    )


def milestone_flags(frames: ProgramFrames) -> pl.DataFrame:
    """Indicators of the program whose targets all fall in one period although the program runs ≥ 3 years."""
    span = frames.programs.filter(pl.col("code") == frames.program).select("start_year", "end_year")
    if span.height == 0 or span["start_year"][0] is None:
        return pl.DataFrame(schema=SCHEMA)
    years = int(span["end_year"][0]) - int(span["start_year"][0]) + 1
    own = frames.indicators.filter(pl.col("program") == frames.program)["code"]
    tg = frames.commitments.filter((pl.col("kind") == "target") & pl.col("indicator").is_in(own.implode()))
    if years < 3:
        return pl.DataFrame(schema=SCHEMA)
    # one target period ⇔ its earliest and latest end coincide (integers: no text grouped)
    per = tg.group_by("indicator").agg(
        pl.col("period_end").min().alias("_lo"),
        pl.col("period_end").max().alias("_hi"),
        pl.col("period").first(),
    )
    return per.filter(pl.col("_lo") == pl.col("_hi")).select(
        pl.lit("no_milestones").alias("flag"),
        pl.lit(SEVERITY["no_milestones"], pl.Int32).alias("severity"),
        "indicator",
        pl.lit(None, pl.String).alias("territory"),
        "period",
        pl.lit(None, pl.Float64).alias("old_value"),
        pl.lit(None, pl.Float64).alias("new_value"),
        pl.lit(None, pl.Date).alias("day"),
        pl.format("only target: {}; program runs {} years", pl.col("period"), pl.lit(years)).alias(
            "evidence"
        ),
        _args(period=pl.col("period"), years=pl.lit(years)),
    )


def program_end(programs: pl.DataFrame, code: str) -> date | None:
    """The first day program ``code`` is no longer in force: its repeal date, else 1 January after its end
    year (``None`` when unknown)."""
    row = programs.filter(pl.col("code") == code)
    if row.height == 0:
        return None
    repealed = row["repealed_on"][0] if "repealed_on" in row.columns else None
    end_year = row["end_year"][0]
    if repealed is not None:
        return repealed if isinstance(repealed, date) else date.fromisoformat(str(repealed)[:10])
    return date(int(end_year) + 1, 1, 1) if end_year is not None else None


def stale_flags(
    frames: ProgramFrames, today: date, thresholds: Thresholds = DEFAULT, series: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Series of the program whose next value is overdue; indicators past their declared span are exempt.

    Only what is still watched on ``today`` can be stale: nothing of a program that has ended (its successors'
    indicators carry the watch), and nothing of a territory that no longer exists (``valid_to`` on or before
    ``today``). ``series`` (indicator, territory, last_end), e.g. from
    :func:`natije.results.forecast.measure_and_fit` of the program's own observations, saves a pass over the
    observations.
    """
    ended = program_end(frames.programs, frames.program)
    if ended is not None and ended <= today:
        return pl.DataFrame(schema=SCHEMA)
    now = month_index(today)
    rules = (
        indicator_rules(frames.indicators)
        .join(
            frames.indicators.select(pl.col("code").alias("indicator"), "program", "span_to"), on="indicator"
        )
        .filter(pl.col("program") == frames.program)
    )
    if series is None:
        series = frames.observations.group_by("indicator", "territory").agg(
            pl.col("period_end").max().alias("last_end")
        )
    if rules.height == 0:
        return pl.DataFrame(schema=SCHEMA)
    # only series that ended before the latest possible due date can be stale: filtered before the join
    latest = now - int(rules["freq_months"].min()) - thresholds.stale_grace_months  # type: ignore[arg-type]
    last = (
        series.select("indicator", "territory", "last_end")
        .filter(pl.col("last_end") < latest)
        .join(rules.select("indicator", "freq_months", "span_to"), on="indicator")
    )
    span_end = period_end_month(pl.col("span_to"))
    due = pl.col("last_end") + pl.col("freq_months") + thresholds.stale_grace_months
    stale = last.filter((due < now) & (span_end.is_null() | (pl.col("last_end") < span_end)))
    gone = frames.territories.filter(pl.col("valid_to").is_not_null() & (pl.col("valid_to") <= today))["code"]
    if len(gone):
        stale = stale.filter(~pl.col("territory").is_in(gone.implode()))
    # a ratio no one reports there (only derived from its parts) is not overdue itself: its parts are flagged
    derived = stale.filter(pl.col("indicator").is_in(ratio_parts(rules)["indicator"].implode()))
    if derived.height:
        reported = (
            frames.observations.filter(pl.col("indicator").is_in(derived["indicator"].unique().implode()))
            .select("indicator", "territory")
            .unique()
        )
        stale = pl.concat(
            [
                stale.join(derived, on=["indicator", "territory"], how="anti"),
                derived.join(reported, on=["indicator", "territory"], how="semi"),
            ]
        )
    return stale.with_columns(period_label(pl.col("last_end"), pl.col("freq_months")).alias("period")).select(
        pl.lit("stale").alias("flag"),
        pl.lit(SEVERITY["stale"], pl.Int32).alias("severity"),
        "indicator",
        "territory",
        "period",
        pl.lit(None, pl.Float64).alias("old_value"),
        pl.lit(None, pl.Float64).alias("new_value"),
        pl.lit(today).alias("day"),
        pl.format(
            "last value for {}; next was due {} months ago",
            pl.col("period"),
            (pl.lit(now) - due).cast(pl.String),
        ).alias("evidence"),
        _args(period=pl.col("period"), months=pl.lit(now) - due),
    )


def period_end_month(text: pl.Expr) -> pl.Expr:
    """End month (exclusive, as ``month_index``) of SDMX period text: ``2022`` → 2023-01, ``2022-Q2`` →
    2022-07, ``2022-03`` → 2022-04; null for null text."""
    year = text.str.slice(0, 4).cast(pl.Int32, strict=False) * 12
    rest = text.str.slice(5)
    quarter = rest.str.strip_prefix("Q").cast(pl.Int32, strict=False)
    return (
        pl.when(text.str.len_chars() == 4)
        .then(year + 12)
        .when(rest.str.starts_with("Q"))
        .then(year + quarter * 3)
        .otherwise(year + rest.cast(pl.Int32, strict=False))
    )


def revision_flags(frames: ProgramFrames) -> pl.DataFrame:
    """Revisions (after the first recording) made after the end of a target period they bear on."""
    if frames.revisions.height == 0:
        return pl.DataFrame(schema=SCHEMA)
    r = (
        frames.revisions.sort("recorded_at")
        .with_columns(pl.col("value").shift(1).over("indicator", "territory", "period").alias("old"))
        .filter(pl.col("old").is_not_null() & (pl.col("old") != pl.col("value")))
    )
    tg = (
        frames.commitments.filter(pl.col("kind") == "target")
        .select("indicator", pl.col("period").alias("target_period"), pl.col("period_end").alias("_te"))
        .unique()
    )
    obs_end = frames.observations.select("indicator", "territory", "period", "period_end")
    r = r.join(obs_end, on=["indicator", "territory", "period"]).join(tg, on="indicator")
    deadline = pl.date(pl.col("_te") // 12, pl.col("_te") % 12 + 1, 1)
    r = r.filter((pl.col("period_end") <= pl.col("_te")) & (pl.col("recorded_at").dt.date() >= deadline))
    r = r.sort("_te").group_by("indicator", "territory", "period", "recorded_at").first()
    return r.select(
        pl.lit("revised_after_deadline").alias("flag"),
        pl.lit(SEVERITY["revised_after_deadline"], pl.Int32).alias("severity"),
        "indicator",
        "territory",
        "period",
        pl.col("old").alias("old_value"),
        pl.col("value").alias("new_value"),
        pl.col("recorded_at").dt.date().alias("day"),
        pl.format(
            "{} value revised {} → {} on {}, after the {} target's deadline",
            pl.col("period"),
            _fmt(pl.col("old")),
            _fmt(pl.col("value")),
            pl.col("recorded_at").dt.date().cast(pl.String),
            pl.col("target_period"),
        ).alias("evidence"),
        _args(
            period=pl.col("period"),
            old=_fmt(pl.col("old")),
            new=_fmt(pl.col("value")),
            day=pl.col("recorded_at").dt.date(),
            target=pl.col("target_period"),
        ),
    )


def lineage_flags(frames: ProgramFrames) -> pl.DataFrame:
    """``dropped_from_portfolio`` (once per concept of the chain that no program in force carries any more)
    and ``indicator_renamed`` (the program's indicator continues a concept under another code or name)."""
    if frames.programs.height == 0 or len(chain(frames.programs, frames.program)) < 2:
        return pl.DataFrame(schema=SCHEMA)  # no predecessor: nothing can be dropped or renamed
    lin = lineage(frames, stories=False)
    here = lin.filter(pl.col("program") == frames.program)
    # names in every language, so the evidence can be worded in the reader's language
    names = frames.indicators.select(
        pl.col("code").alias("dropped_indicator"),
        *(pl.col(f"name_{lang}").alias(f"dropped_{lang}") for lang in ("kk", "ru")),
    )
    ends = {code: span[1] for code, span in in_force_until(frames.programs).items()}
    ended = pl.col("dropped_from").replace_strict(ends, default=None, return_dtype=pl.Date)
    dropped = (
        lin.filter(pl.col("status") == "dropped_from_portfolio")
        .join(names, on="dropped_indicator", how="left")
        .select(
            pl.lit("dropped_from_portfolio").alias("flag"),
            pl.col("dropped_indicator").alias("indicator"),
            ended.alias("day"),
            pl.format(
                "{} ({}) was last tracked by {}, not in force since {}; no program in force carries it",
                pl.col("dropped_indicator"),
                pl.col("name_en").fill_null(""),
                pl.col("dropped_from"),
                ended.cast(pl.String),
            ).alias("evidence"),
            _args(
                code=pl.col("dropped_indicator"),
                name=pl.col("name_en").fill_null(""),
                source=pl.col("dropped_from"),
                ended=ended,
                name_kk=pl.col("dropped_kk").fill_null(""),
                name_ru=pl.col("dropped_ru").fill_null(""),
            ),
        )
    )
    prev = lin.filter((pl.col("program") != frames.program) & pl.col("indicator").is_not_null())
    prev = prev.group_by("concept").agg(
        pl.col("indicator").last().alias("old"), pl.col("name_en").last().alias("old_name")
    )
    renamed = (
        here.join(prev, on="concept")
        .filter(
            (pl.col("indicator").str.split(".").list.last() != pl.col("old").str.split(".").list.last())
            | (pl.col("name_en").fill_null("") != pl.col("old_name").fill_null(""))
        )
        .select(
            pl.lit("indicator_renamed").alias("flag"),
            "indicator",
            pl.format(
                "{} «{}» → {} «{}»",
                pl.col("old"),
                pl.col("old_name").fill_null(""),
                pl.col("indicator"),
                pl.col("name_en").fill_null(""),
            ).alias("evidence"),
            _args(
                old=pl.col("old"),
                old_name=pl.col("old_name").fill_null(""),
                new=pl.col("indicator"),
                new_name=pl.col("name_en").fill_null(""),
            ),
        )
    )
    both = pl.concat([dropped, renamed], how="diagonal_relaxed")
    return both.with_columns(pl.col("flag").replace_strict(SEVERITY, return_dtype=pl.Int32).alias("severity"))


def flags(
    frames: ProgramFrames,
    as_of: date | str | None = None,
    thresholds: Thresholds = DEFAULT,
    series: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Every flag of the program known on ``as_of``, worst first. Columns: :data:`SCHEMA`.

    ``series`` (per own series: indicator, territory, last_end), when the caller has it, spares a pass.
    """
    day = as_date(as_of) or frames.as_of
    f = filter_as_of(frames, day)
    own = f.indicators.filter(pl.col("program") == f.program)["code"].implode()
    parts = [
        version_flags(f.commitments.filter(pl.col("indicator").is_in(own)), f.indicators),
        milestone_flags(f),
        stale_flags(f, day or present_day(f), thresholds, series),
        revision_flags(f).filter(pl.col("indicator").is_in(own)),
        lineage_flags(f) if f.programs.height else pl.DataFrame(schema=SCHEMA),
        budget_flags(f.budgets.filter(pl.col("program") == f.program)),
    ]
    out = pl.concat(
        [
            p.select(
                [pl.col(c).cast(t) if c in p.columns else pl.lit(None, t).alias(c) for c, t in SCHEMA.items()]
            )
            for p in parts
        ]
    )
    return out.sort(
        ["severity", "indicator", "territory", "period"],
        descending=[True, False, False, False],
        nulls_last=True,
    )
