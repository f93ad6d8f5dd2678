"""Which observations the results table, the flags and the scorecard read, so that a store loads only those.

* **Whole series** of the indicators with a target (every version decided by ``as_of``, any territory): their
  actuals, baselines, roll-ups, forecasts and ``revised_after_deadline`` flags read every value. Only the
  program's own indicators count when it has any (the engine drops its predecessors' targets then). Ratio
  indicators of the program come whole too, and the parts of every ratio taken whole, transitively: a ratio is
  derived and rolled up from its parts.
* **The last observation** of each series of the program's other indicators that ends before ``stale_before``
  (a month index): the ``stale`` flag reads only where each series ends, and no series ending later can be
  stale under the thresholds given (the flag's own first cut, :func:`natije.results.flags.stale_flags`).
  Nothing of them once the program has ended on ``as_of`` (nothing is stale then).
* Nothing else: lineage and the other flags read indicators and commitments only, and the weights of roll-ups
  are read apart.

Stored values are never null nor infinite (the store refuses them), so a series' last observation is also its
last usable point, the one :func:`natije.results.forecast.measure_and_fit` reports.

>>> import polars as pl
>>> from natije.results.frames import ProgramFrames
>>> f = ProgramFrames.build(program="P", indicators=pl.DataFrame({"code": ["P.A", "P.B"], "program": "P"}),
...                         commitments=pl.DataFrame({"indicator": ["P.A"], "kind": ["target"]}))
>>> series_needs(f, date(2025, 1, 1))
SeriesNeeds(whole=('P.A',), last=('P.B',), stale_before=24282)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from natije.results.achievement import indicator_rules
from natije.results.asof import month_index, present_day
from natije.results.flags import program_end
from natije.results.frames import ProgramFrames
from natije.results.thresholds import DEFAULT, Thresholds


@dataclass(frozen=True)
class SeriesNeeds:
    """Indicator codes whose series are read whole, and those of which only the last point of each series that
    ends before month ``stale_before`` is read."""

    whole: tuple[str, ...]
    last: tuple[str, ...]
    stale_before: int


def series_needs(
    frames: ProgramFrames, today: date | None = None, thresholds: Thresholds = DEFAULT
) -> SeriesNeeds:
    """What :func:`natije.results.engine.results_with_flags` (with ``thresholds``) reads of the observations
    of ``frames`` (indicators, commitments and programs as known on ``today``, default: the frames' ``as_of``,
    else today)."""
    day = today or frames.as_of or present_day(frames)
    own = set(frames.indicators.filter(pl.col("program") == frames.program)["code"].to_list())
    targeted = set(frames.commitments.filter(pl.col("kind") == "target")["indicator"].drop_nulls().to_list())
    whole = targeted & own if own else targeted
    ratios = frames.indicators.filter(
        pl.col("ratio_numerator").is_not_null() & pl.col("ratio_denominator").is_not_null()
    )
    parts = {
        r[0]: (r[1], r[2]) for r in ratios.select("code", "ratio_numerator", "ratio_denominator").iter_rows()
    }
    todo = list(whole | (own & set(parts)))
    while todo:
        code = todo.pop()
        whole.add(code)
        todo.extend(p for p in parts.get(code, ()) if p not in whole)
    ended = program_end(frames.programs, frames.program)
    last = set() if ended is not None and ended <= day else own - whole
    rules = indicator_rules(frames.indicators.filter(pl.col("program") == frames.program))
    shortest = int(rules["freq_months"].min()) if rules.height else 0  # type: ignore[arg-type]
    stale_before = month_index(day) - shortest - thresholds.stale_grace_months
    return SeriesNeeds(tuple(sorted(whole)), tuple(sorted(last)), stale_before)
