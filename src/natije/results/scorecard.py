"""Per-program scorecard: targets by status, money spent against results achieved, the worst flags.

:class:`Scorecard` is a plain record: a scorecard read back from a stored snapshot
(:mod:`natije.services.snapshots`) needs this module without the engine, so :func:`scorecard` imports the
engine when it runs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    from natije.results.frames import ProgramFrames


@dataclass(frozen=True)
class Scorecard:
    """The answer for one program at a glance (rendering lives in the CLI)."""

    program: str
    names: dict[str, str]
    as_of: str | None
    by_status: dict[str, int]
    targets: int
    approved: float | None
    executed: float | None
    spent_share: float | None
    achieved_share: float | None
    currency: str | None
    money_by_currency: tuple[dict[str, Any], ...] = ()
    worst_flags: tuple[dict[str, Any], ...] = ()
    illustrative: bool = False
    dropped: tuple[str, ...] = ()
    rows: tuple[dict[str, Any], ...] = field(default=(), repr=False)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["worst_flags"] = list(self.worst_flags)
        d["dropped"] = list(self.dropped)
        d["money_by_currency"] = list(self.money_by_currency)
        d["rows"] = list(self.rows)
        return d


def scorecard(
    frames: ProgramFrames,
    as_of: date | str | None = None,
    top: int = 5,
    results: pl.DataFrame | None = None,
    flag_frame: pl.DataFrame | None = None,
) -> Scorecard:
    """Build the scorecard of ``frames.program`` from its results (national rows) and flags.

    ``worst_flags`` are the program's own; ``dropped`` lists the last indicators of concepts its lineage chain
    dropped from the portfolio (see :func:`natije.results.lineage.lineage`).
    """
    from natije.results.asof import as_date, present_day
    from natije.results.budget import spent_vs_achieved
    from natije.results.engine import national_codes, results_table, results_with_flags
    from natije.results.flags import flags as compute_flags
    from natije.results.status import count_by_status

    if results is None and flag_frame is None:
        res, fl = results_with_flags(frames, as_of=as_of)
    else:
        res = results if results is not None else results_table(frames, as_of=as_of)
        fl = flag_frame if flag_frame is not None else compute_flags(frames, as_of=as_of)
    # the program's own flags rank as its worst; concepts the chain dropped are listed apart (not its fault)
    chain_wide = pl.col("flag") == "dropped_from_portfolio"
    own_flags, chain_flags = fl.filter(~chain_wide), fl.filter(chain_wide)
    national = national_codes(frames.territories)
    nat = res.filter(
        pl.col("territory").is_in(national)
        & pl.col("indicator").is_in(
            frames.indicators.filter(pl.col("program") == frames.program)["code"].implode()
        )
    )
    day = as_date(
        as_of
    )  # budget versions decided later are not known yet (the store may have loaded them all)
    budgets = frames.budgets.filter(pl.col("program") == frames.program)
    if day is not None:
        budgets = budgets.filter(pl.col("decided_on").is_null() | (pl.col("decided_on") <= day))
    money = spent_vs_achieved(budgets, nat)
    prog = frames.programs.filter(pl.col("code") == frames.program)
    names = {
        lang: (prog[f"name_{lang}"][0] if prog.height else None) or frames.program
        for lang in ("kk", "ru", "en")
    }
    labels = frames.indicators.select(pl.col("code").alias("indicator"), "name_kk", "name_ru", "name_en")
    rows = (
        nat.select(
            "indicator",
            "period",
            "actual",
            "actual_period",
            "target",
            "unit",
            "achievement",
            "p_meet",
            "status",
            "illustrative",
        )
        .with_columns(pl.col("status").cast(pl.String))
        .join(labels, on="indicator", how="left", maintain_order="left")
    )
    return Scorecard(
        program=frames.program,
        names=names,
        as_of=str(as_of or frames.as_of or present_day(frames)),
        by_status=count_by_status(nat),
        targets=nat.height,
        currency=money["currency"],
        approved=money["approved"],
        executed=money["executed"],
        spent_share=money["spent_share"],
        achieved_share=money["achieved_share"],
        money_by_currency=tuple(money["by_currency"]),
        worst_flags=tuple(own_flags.head(top).with_columns(pl.col("day").cast(pl.String)).to_dicts()),
        dropped=tuple(chain_flags["indicator"].to_list()),
        illustrative=bool(nat["illustrative"].any()) if nat.height else False,
        rows=tuple(rows.to_dicts()),
    )
