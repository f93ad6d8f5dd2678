"""The long panel an evaluation runs on: one indicator's observations by territory and period, harmonised.

Territories are the units and periods the time axis (``period`` = the period's index in its frequency,
so the year itself for annual data). Values of units abolished by a reform are carried into today's units
with the store's territory changes (:func:`natije.domain.territories.backcast_weights`): additive values
(counts, money) are split by the change's shares, rates are inherited by every successor (and averaged
with the shares as weights when units merged). A change applies to an observation when the reform day
falls after the period's last day. The panel is then balanced: periods seen for fewer than half of the
units are dropped, then units missing any remaining period. Everything done is reported in ``notes``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from natije.domain.periods import Frequency, Period
from natije.domain.territories import TerritoryChange, backcast_weights
from natije.domain.units import resolve
from natije.errors import Expected, InsufficientData, Problem, Text, ValidationError, choice

HARMONISE = ("backcast", "none")
HASH_VERSION = b"natije-panel/1\n"


@dataclass(frozen=True)
class IndicatorPanel:
    """A balanced long panel ``territory, period, value`` with the period labels and what was done to it."""

    frame: pl.DataFrame
    frequency: Frequency
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def data_hash(self) -> str:
        """:func:`snapshot_hash` of the frame."""
        return snapshot_hash(self.frame)

    def index_of(self, period: str | int) -> int:
        """Index on the time axis of an SDMX period (``"2019"``, ``"2019-Q3"``); ValidationError otherwise."""
        p = Period.parse(period)
        if p.freq is not self.frequency:
            raise ValidationError(
                Problem(
                    "design",
                    None,
                    "period",
                    str(period),
                    Expected("expected.frequency_of", freq=self.frequency.value),
                ),
                "wrong period",
            )
        return p.index

    def label(self, index: int) -> str:
        """SDMX text of a time-axis index."""
        return str(Period(self.frequency, int(index)))


def snapshot_hash(frame: pl.DataFrame) -> str:
    """SHA-256 of the canonical panel bytes.

    The bytes are ``natije-panel/1\\n``, the territory codes sorted by (territory, period) joined by
    ``\\n``, a NUL, the periods as little-endian int64, then the values as little-endian float64 (``-0.0``
    written as ``0.0``). Identical data give the same hash on every backend and platform.
    """
    f = frame.sort("territory", "period")
    h = hashlib.sha256(HASH_VERSION)
    h.update("\n".join(f["territory"].to_list()).encode("utf-8") + b"\0")
    h.update(f["period"].to_numpy().astype("<i8").tobytes())
    h.update((f["value"].to_numpy().astype("<f8") + 0.0).tobytes())
    return h.hexdigest()


def is_additive(unit: str, ratio: bool) -> bool:
    """Whether values of this unit add up across territories (counts, money) rather than average (rates)."""
    u = resolve(unit)
    return not ratio and u is not None and (u.dimension == "count" or u.dimension.startswith("money"))


def _month(day: Any) -> int:
    return int(day.year) * 12 + int(day.month) - 1


def _crosswalk(obs: pl.DataFrame, changes: Sequence[TerritoryChange]) -> pl.DataFrame:
    """``period_end, territory, target, share, moved`` for every (period end, code) in ``obs``."""
    rows: list[dict[str, Any]] = []
    # one backcast per distinct period end (at most T of them), never one per observation
    for end, codes in obs.group_by("period_end").agg(pl.col("territory").unique()).iter_rows():
        applicable = [c for c in changes if _month(c.day) >= end]
        for old, targets in backcast_weights(applicable, codes).items():
            moved = len(targets) > 1 or old not in targets
            rows += [
                {"period_end": end, "territory": old, "target": new, "share": float(share), "moved": moved}
                for new, share in targets.items()
            ]
    schema = {
        "period_end": pl.Int32,
        "territory": pl.String,
        "target": pl.String,
        "share": pl.Float64,
        "moved": pl.Boolean,
    }
    return pl.DataFrame(rows, schema=schema)


def _harmonise(obs: pl.DataFrame, changes: Sequence[TerritoryChange], additive: bool) -> pl.DataFrame:
    walk = _crosswalk(obs, changes)
    joined = obs.join(walk, on=["period_end", "territory"], how="left")
    # a unit observed under its own code in a period wins over values carried from abolished units
    joined = joined.with_columns((~pl.col("moved")).any().over("target", "period").alias("_direct"))
    joined = joined.filter(~pl.col("_direct") | ~pl.col("moved"))
    weighted = (pl.col("value") * pl.col("share")).sum()
    value = weighted if additive else weighted / pl.col("share").sum()
    return (
        joined.group_by("target", "period")
        .agg(
            value.alias("value"),
            pl.col("moved").any().alias("moved"),
            pl.col("territory").filter(pl.col("moved")).unique().alias("sources"),
        )
        .rename({"target": "territory"})
    )


def _carried(frame: pl.DataFrame, freq: Frequency) -> dict[str, dict[str, Any]]:
    """For each unit given values of abolished units: those units and the first and last period carried."""
    moved = frame.filter(pl.col("moved")).explode("sources")
    out: dict[str, dict[str, Any]] = {}
    for code, sources, first, last in (
        moved.group_by("territory")
        .agg(
            pl.col("sources").unique().sort(),
            pl.col("period").min().alias("a"),
            pl.col("period").max().alias("b"),
        )
        .sort("territory")
        .iter_rows()
    ):
        out[code] = {
            "from": [s for s in sources if s is not None],
            "first": str(Period(freq, int(first))),
            "last": str(Period(freq, int(last))),
        }
    return out


def _names(territories: pl.DataFrame, codes: Iterable[str]) -> dict[str, dict[str, str]]:
    """``{code: {kk, ru, en}}`` names of ``codes`` (the code itself where the store has no name)."""
    wanted = sorted(set(codes))
    cols = [f"name_{lang}" for lang in ("kk", "ru", "en")]
    if not wanted or not set(cols) <= set(territories.columns):
        return {c: {} for c in wanted}
    rows = territories.filter(pl.col("code").is_in(wanted)).select("code", *cols).iter_rows()
    found = {
        code: {lang: name for lang, name in zip(("kk", "ru", "en"), names) if name} for code, *names in rows
    }
    return {c: found.get(c, {}) for c in wanted}


def _balance(frame: pl.DataFrame, notes: dict[str, Any]) -> pl.DataFrame:
    units = frame["territory"].n_unique()
    per_period = frame.group_by("period").len()
    keep = per_period.filter(pl.col("len") * 2 >= units)["period"].to_list()
    notes["dropped_periods"] = sorted(
        int(p) for p in per_period.filter(~pl.col("period").is_in(keep))["period"]
    )
    frame = frame.filter(pl.col("period").is_in(keep))
    counts = frame.group_by("territory").len()
    full = counts.filter(pl.col("len") == len(keep))["territory"].to_list()
    notes["dropped_units"] = {
        t: int(n) for t, n in counts.filter(pl.col("len") < len(keep)).sort("territory").iter_rows()
    }
    notes["restricted_to_balanced"] = bool(notes["dropped_units"] or notes["dropped_periods"])
    return frame.filter(pl.col("territory").is_in(full))


def build_indicator_panel(
    observations: pl.DataFrame,
    territories: pl.DataFrame,
    changes: Iterable[TerritoryChange],
    *,
    indicator: str,
    frequency: str,
    unit: str,
    ratio: bool = False,
    level: str = "region",
    harmonise: str = "backcast",
    only: Sequence[str] | None = None,
    name_also: Iterable[str] = (),
) -> IndicatorPanel:
    """Build the balanced panel of ``indicator`` over the territories of ``level``.

    Parameters
    ----------
    observations : polars.DataFrame
        ``indicator, territory, period, period_start, period_end, value`` (``ProgramFrames.observations``).
    territories : polars.DataFrame
        ``code, level`` of every territory.
    changes : iterable of TerritoryChange
        The store's territory reforms (used when ``harmonise='backcast'``).
    indicator, frequency, unit, ratio
        The indicator's code, frequency (``A``/``Q``/``M``), unit and whether it is a ratio.
    level : str
        Territory level of the units (``region`` by default).
    harmonise : {'backcast', 'none'}
        Carry abolished units into today's units, or use the units as observed.
    only : sequence of str, optional
        Keep only these territories (after harmonisation).
    name_also : iterable of str
        Further territory codes whose names ``notes['territory_names']`` should hold (e.g. a cohort's).

    Raises
    ------
    ValidationError
        Unknown ``harmonise``.
    InsufficientData
        Fewer than two units or two periods remain.
    """
    if harmonise not in HARMONISE:
        raise ValidationError(
            Problem("design", None, "harmonise", harmonise, choice(*HARMONISE)), "bad option"
        )
    freq = Frequency(frequency)
    changes = list(changes)
    at_level = territories.filter(pl.col("level") == level)["code"].to_list()
    obs = observations.filter(
        (pl.col("indicator") == indicator)
        & (pl.col("period_end") - pl.col("period_start") == freq.months)
        & pl.col("territory").is_in(at_level)
    )
    # an estimate from generated (demo) rows must say so wherever it is shown
    illustrative = int(obs["illustrative"].sum()) if "illustrative" in obs.columns else 0
    obs = obs.select(
        "territory",
        "period_end",
        "value",
        (pl.col("period_start") // freq.months).cast(pl.Int64).alias("period"),
    )
    additive = is_additive(unit, ratio)
    notes: dict[str, Any] = {
        "level": level,
        "harmonise": harmonise,
        "additive": additive,
        "frequency": freq.value,
        "illustrative_rows": illustrative,
    }
    carried: dict[str, dict[str, Any]] = {}
    if harmonise == "backcast":
        frame = _harmonise(obs, changes, additive)
        notes["backcast_units"] = sorted(set(frame.filter(pl.col("moved"))["territory"].to_list()))
        carried = _carried(frame, freq)
        frame = frame.drop("moved", "sources")
    else:
        frame = obs.drop("period_end")
    frame = frame.filter(pl.col("territory").is_in(at_level))
    if only is not None:
        frame = frame.filter(pl.col("territory").is_in(list(only)))
    frame = _balance(frame, notes).select("territory", "period", pl.col("value").cast(pl.Float64))
    frame = frame.sort("territory", "period")
    n_units, times = frame["territory"].n_unique(), frame["period"].unique().sort()
    if n_units < 2 or times.len() < 2:
        raise InsufficientData(
            Text(
                "error.panel_too_small", indicator=indicator, units=n_units, level=level, periods=times.len()
            ),
            indicator=indicator,
            level=level,
        )
    notes["dropped_periods"] = [str(Period(freq, i)) for i in notes["dropped_periods"]]
    notes.update(
        units=n_units,
        periods=[str(Period(freq, int(times[0]))), str(Period(freq, int(times[-1])))],
        n_periods=times.len(),
    )
    kept = set(frame["territory"].unique().to_list())
    notes["carried"] = {code: c for code, c in carried.items() if code in kept}
    mentioned = [
        *kept,
        *name_also,
        *notes["dropped_units"],
        *notes["carried"],
        *(s for c in notes["carried"].values() for s in c["from"]),
    ]
    notes["territory_names"] = _names(territories, mentioned)
    return IndicatorPanel(frame, freq, notes)
