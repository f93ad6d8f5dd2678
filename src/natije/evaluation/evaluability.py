"""Which impact designs one indicator's data allow, and what data would make a credible one possible.

An impact estimate needs a comparison: units the program reached against units it did not (yet) reach, over
periods before and after it reached them. :func:`panel_facts` counts what one indicator's regional panel
holds (units, periods, the regions valid when the program started, the program's start and, when known, the
period the program reached each region: its roll-out cohorts; unknown, every region is taken to be reached
at the program's start). :func:`assess` applies the rules, each written once and registered by method:

- ``cs`` (staggered difference-in-differences, Callaway–Sant'Anna): two cohorts or more, or one cohort and
  units not reached;
- ``did``: units reached and units not reached;
- ``sc``, ``sdid``: units reached all in one period (a block) and units not reached (the donors);
- ``its``: one series (the national one, or the units reached) with periods before and after;

each with the periods before the program the method fits on (:data:`MIN_PRE_PERIODS`: the thresholds the
evaluation guard refuses a design by, kept here once). The verdict is ``credible`` when a design with a
comparison group is feasible with :data:`CREDIBLE_PRE_PERIODS` periods before, ``weak`` when a design is
feasible but none so, ``none`` otherwise; short of credible, the needs say what data would make one (codes
with counts, :data:`NEEDS`; worded by the service layer).

Examples
--------
One region reached in 2020, two not reached, three years of values:

>>> cells = pl.DataFrame({"territory": [u for u in "ABC" for _ in "123"], "period": [2018, 2019, 2020] * 3})
>>> facts = panel_facts(cells, frequency="A", start=2020, regions=["A", "B", "C"], cohorts={"A": 2020})
>>> result = assess("X", facts)
>>> result.verdict, result.method, result.feasible
('credible', 'sdid', ('sdid', 'sc', 'did', 'cs'))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import polars as pl

SINGLE_SERIES = frozenset({"its"})
"""Methods that estimate from the covered units alone (a forecast of the series without the program)."""
NEEDS_NEVER_COVERED = frozenset({"sc", "sdid"})
"""Methods whose comparison units must never be covered in the window (the donors)."""
MIN_PRE_PERIODS = {"sc": 2, "sdid": 2, "its": 3}
"""Periods before the program starts that a method needs (weights or a model are fitted on them)."""
COMPARISON = ("cs", "did", "sdid", "sc")
"""Methods with a comparison group; the other (``its``) compares a series with its own forecast."""


def min_pre_periods(method: str) -> int:
    """Periods before the program that ``method`` needs: :data:`MIN_PRE_PERIODS`, else one."""
    return MIN_PRE_PERIODS.get(method, 1)


# one period before the start is the reference; a second is what a pre-trend test or a pre-fit compares with
CREDIBLE_PRE_PERIODS = max(2, *(min_pre_periods(m) for m in COMPARISON))
VERDICTS = ("credible", "weak", "none")
NEEDS = ("regional_values", "rollout_dates", "comparison_units", "pre_periods", "post_periods")


@dataclass(frozen=True)
class PanelFacts:
    """What one indicator's data hold for an evaluation, periods as indices of their frequency (the year).

    ``units`` count the territories of the balanced regional panel, ``regions`` those valid at the start.
    ``treated``, ``untreated`` and ``cohorts`` (the distinct first periods of the treated) are of the panel's
    units, or of the regions when there is no panel (fewer than two units: what a panel of them would hold).
    ``pre_periods``: the most periods any treated unit has before the program reached it (before the
    program's start when none is treated); ``post_periods``: the most from its first period on.
    ``series_*``: the same of the national series, around the program's start. ``rollout_known``: whether
    the cohorts were given (else every unit is taken to be reached at ``start``).
    """

    frequency: str
    start: int
    units: int
    regions: int
    treated: int
    untreated: int
    pre_periods: int
    post_periods: int
    cohorts: tuple[int, ...]
    series_pre_periods: int
    series_post_periods: int
    rollout_known: bool


@dataclass(frozen=True)
class Need:
    """Data that would make a credible design possible: a code of :data:`NEEDS` and how many, if counted."""

    code: str
    count: int | None = None


@dataclass(frozen=True)
class Evaluability:
    """The verdict on one indicator, its best feasible method, every feasible one (best first), the facts
    and the needs."""

    indicator: str
    verdict: str
    method: str | None
    feasible: tuple[str, ...]
    facts: PanelFacts
    needs: tuple[Need, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly mapping."""
        facts = {**asdict(self.facts), "cohorts": list(self.facts.cohorts)}
        needs = [{"code": n.code, "count": n.count} for n in self.needs]
        return {**asdict(self), "feasible": list(self.feasible), "facts": facts, "needs": needs}


Rule = Callable[[PanelFacts], bool]
RULES: dict[str, Rule] = {}


def rule(method: str) -> Callable[[Rule], Rule]:
    """Register the rule that says whether ``method`` is feasible on the facts."""

    def add(fn: Rule) -> Rule:
        RULES[method] = fn
        return fn

    return add


@rule("cs")
def _staggered(f: PanelFacts) -> bool:
    # units reached later compare with those reached earlier until they are reached themselves
    compared = len(f.cohorts) >= 2 or f.untreated > 0
    return f.treated > 0 and compared and f.pre_periods >= min_pre_periods("cs")


@rule("did")
def _did(f: PanelFacts) -> bool:
    return f.treated > 0 and f.untreated > 0 and f.pre_periods >= min_pre_periods("did")


@rule("sc")
def _sc(f: PanelFacts) -> bool:
    return _block(f, "sc")


@rule("sdid")
def _sdid(f: PanelFacts) -> bool:
    return _block(f, "sdid")


def _block(f: PanelFacts, method: str) -> bool:
    return len(f.cohorts) == 1 and f.untreated > 0 and f.pre_periods >= min_pre_periods(method)


@rule("its")
def _its(f: PanelFacts) -> bool:
    needed = min_pre_periods("its")
    national = f.series_pre_periods >= needed and f.series_post_periods > 0
    return national or (f.treated > 0 and f.pre_periods >= needed)


def preference(f: PanelFacts) -> tuple[str, ...]:
    """Methods best first: staggered timing wants ``cs`` (one two-way comparison mixes the cohorts' effects);
    fewer units reached than not wants the synthetic methods (weights chosen among many donors, where a
    clustered error with few treated clusters is unreliable); otherwise ``did``. ``its`` is always last."""
    if len(f.cohorts) >= 2:
        return ("cs", "did", "sdid", "sc", "its")
    if f.treated < f.untreated:
        return ("sdid", "sc", "did", "cs", "its")
    return ("did", "cs", "sdid", "sc", "its")


def _timing(
    units: Sequence[str], periods: Sequence[int], start: int, cohorts: Mapping[str, int | None] | None
) -> list[int]:
    """First treated periods of the units reached within the window (all of them before the last period)."""
    last = periods[-1] if periods else None
    firsts = [start if cohorts is None else cohorts.get(u) for u in units]
    return [f for f in firsts if f is not None and (last is None or f <= last)]


def _before_after(periods: Iterable[int], start: int) -> tuple[int, int]:
    seen = set(periods)
    return sum(p < start for p in seen), sum(p >= start for p in seen)


def panel_facts(
    cells: pl.DataFrame,
    *,
    frequency: str,
    start: int,
    regions: Sequence[str],
    cohorts: Mapping[str, int | None] | None = None,
    series: Iterable[int] = (),
) -> PanelFacts:
    """Count what an evaluation of one indicator could run on.

    Parameters
    ----------
    cells : polars.DataFrame
        ``territory, period``: the regional panel's cells (the balanced panel an evaluation runs on; of an
        unbalanced one only the periods every unit has count).
    frequency : str
        ``A``, ``Q`` or ``M``; ``start``, the cohorts and ``series`` are period indices of it.
    start : int
        The program's first period.
    regions : sequence of str
        Codes of the regions valid when the program started.
    cohorts : mapping, optional
        Territory → first period the program reached it (``None`` or absent: never). ``None``: the roll-out
        is unknown, every unit is taken to be reached at ``start``.
    series : iterable of int
        Periods of the national series.
    """
    cells = cells.select("territory", "period").unique()
    units = sorted(cells["territory"].unique().to_list())
    panel = len(units) >= 2
    full = cells.group_by("period").len().filter(pl.col("len") == len(units))["period"]
    periods = sorted(int(p) for p in full) if panel else []
    # without a panel, the regions are the units a panel would have; their roll-out still says who compares
    members = units if panel else list(regions)
    firsts = _timing(members, periods, start, cohorts)
    if firsts:
        pre = sum(p < max(firsts) for p in periods)
        post = sum(p >= min(firsts) for p in periods)
    else:
        pre, post = _before_after(periods, start)
    series_pre, series_post = _before_after(series, start)
    return PanelFacts(
        frequency=frequency,
        start=start,
        units=len(units),
        regions=len(regions),
        treated=len(firsts),
        untreated=len(members) - len(firsts),
        pre_periods=pre,
        post_periods=post,
        cohorts=tuple(sorted(set(firsts))),
        series_pre_periods=series_pre,
        series_post_periods=series_post,
        rollout_known=cohorts is not None,
    )


def _needs(f: PanelFacts) -> tuple[Need, ...]:
    """What data would make a credible design: the gaps between the facts and the rules, in NEEDS order."""
    out: list[Need] = []
    if f.units < 2:
        out.append(Need("regional_values", max(f.regions - f.units, 0) or None))
    if not f.rollout_known:
        out.append(Need("rollout_dates"))
    if not (f.untreated > 0 or len(f.cohorts) >= 2):
        out.append(Need("comparison_units"))
    # the periods a regional panel would cover are, for lack of one, those the national series covers
    panel = f.units >= 2
    pre, post = (f.pre_periods, f.post_periods) if panel else (f.series_pre_periods, f.series_post_periods)
    if pre < CREDIBLE_PRE_PERIODS:
        out.append(Need("pre_periods", CREDIBLE_PRE_PERIODS - pre))
    if post < 1:
        out.append(Need("post_periods", 1))
    return tuple(out)


def assess(indicator: str, facts: PanelFacts) -> Evaluability:
    """Apply :data:`RULES` to the facts: the verdict, the best feasible method and, short of credible, the
    needs."""
    feasible = tuple(m for m in preference(facts) if RULES[m](facts))
    compared = [m for m in feasible if m in COMPARISON]
    if compared and facts.pre_periods >= CREDIBLE_PRE_PERIODS:
        verdict = "credible"
    else:
        verdict = "weak" if feasible else "none"
    needs = () if verdict == "credible" else _needs(facts)
    return Evaluability(indicator, verdict, feasible[0] if feasible else None, feasible, facts, needs)
