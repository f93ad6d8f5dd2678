"""Impact per money spent: a stored evaluation's estimate per bn KZT executed on the
budget lines linked to it.

The money is the sum of the program's (and its predecessors') ``executed`` budget lines in KZT that name the
evaluated indicator, over the post period: from the year of the first treated period to the year of the last
period of the panel, each line at its version in force. Lines in other currencies are counted and reported,
never converted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from natije.domain.periods import Period
from natije.results.budget import in_force
from natije.services.evaluation import get
from natije.store import Store
from natije.store.frames import load_program_frames

BN = 1e9


@dataclass(frozen=True)
class BudgetImpact:
    """Estimate per bn KZT executed (``per_bn`` and ``ci_per_bn`` in the indicator's unit per bn KZT)."""

    evaluation_id: int
    indicator: str
    first_year: int
    last_year: int
    executed_kzt: float
    lines: int
    estimate: float | None
    per_bn: float | None
    ci_per_bn: tuple[float | None, float | None]
    other_currency_lines: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly mapping."""
        return {
            "evaluation_id": self.evaluation_id,
            "indicator": self.indicator,
            "first_year": self.first_year,
            "last_year": self.last_year,
            "executed_kzt": self.executed_kzt,
            "executed_bn_kzt": self.executed_kzt / BN,
            "lines": self.lines,
            "estimate": self.estimate,
            "per_bn_kzt": self.per_bn,
            "ci_per_bn_kzt": list(self.ci_per_bn),
            "other_currency_lines": self.other_currency_lines,
        }


def post_years(design: dict[str, Any], last_period: str) -> tuple[int, int]:
    """First and last calendar year of the post period of a stored design."""
    starts = (
        [design["start"]] if design.get("start") else [v for v in (design.get("cohort") or {}).values() if v]
    )
    first = min(Period.parse(s).year for s in starts) if starts else Period.parse(last_period).year
    return first, Period.parse(last_period).year


def impact_per_budget(store: Store, evaluation_id: int, *, stage: str = "executed") -> BudgetImpact | None:
    """The estimate of stored evaluation ``evaluation_id`` per bn KZT of linked ``stage`` budget lines.

    Returns ``None`` when no budget line of the program (or a predecessor) names the indicator. Raises
    :class:`NotFound` for an unknown evaluation.

    Examples
    --------
    >>> from natije.demo import fibre_cohorts_path
    >>> from natije.services.demo import load_demo
    >>> from natije.services.evaluation import evaluate_indicator, read_cohort_file
    >>> from natije.store import Store
    >>> store = Store.open("sqlite://")
    >>> _ = load_demo(store)
    >>> share = evaluate_indicator(store, "AI2023", "AI2023.VILLAGES_FIBRE_SHARE", method="cs",
    ...                            cohort=read_cohort_file(fibre_cohorts_path()), control="not-yet")
    >>> impact = impact_per_budget(store, share.id)
    >>> impact.lines, impact.executed_kzt / 1e9, round(impact.per_bn, 3)
    (2, 165.9, 0.155)
    """
    record = get(store, evaluation_id)
    with store.connect() as conn:
        budgets = in_force(load_program_frames(conn, record.program).budgets)
    linked = budgets.filter(pl.col("indicators").list.contains(record.indicator) & (pl.col("stage") == stage))
    if linked.height == 0:
        return None
    periods = record.result["diagnostics"]["panel"]["periods"]
    first, last = post_years(dict(record.design), periods[1])
    window = linked.filter(pl.col("year").is_between(first, last))
    kzt = window.filter(pl.col("currency") == "KZT")
    money = float(kzt["amount"].sum())
    est = record.result.get("estimate")
    ci = record.result.get("ci") or [None, None]

    def per(x: float | None) -> float | None:
        return None if x is None or money <= 0 else float(x) / (money / BN)

    return BudgetImpact(
        evaluation_id,
        record.indicator,
        first,
        last,
        money,
        kzt.height,
        est,
        per(est),
        (per(ci[0]), per(ci[1])),
        window.height - kzt.height,
    )
