"""Lineage of promises across a program and its predecessors: new, carried over, repeated later, dropped.

Matching rule (docs/results-rules.md): two indicators of programs in one chain express the same *concept* when
(1) one declares ``continues`` = the other's code, or (2) their codes share the suffix after the program
prefix (``DK2018.DIGITAL_LITERACY`` ~ ``TB2021.DIGITAL_LITERACY``), or (3) their English names are equal once
lower-cased with digits, punctuation and extra spaces removed. Matches are transitive.

For each program in the chain (ordered by start year) and each concept it holds, the promise is its latest
target period in force (national or territory-less target). Status against the concept's latest earlier
holder: ``new`` (none), ``repeated_later`` (it had an earlier target period), ``carried_over`` (same or no
later deadline). A concept whose holders in the chain have all ended, and that no program in force carries —
neither of the chain nor one succeeding a holder (``ProgramFrames.successors``) — is
``dropped_from_portfolio``: once, for the chain, not charged to a narrower successor.
"""

from __future__ import annotations

import re
from datetime import date

import polars as pl

from natije.locale import t
from natije.results.achievement import commitments_in_force
from natije.results.asof import present_day
from natije.results.frames import ProgramFrames


def chain(programs: pl.DataFrame, code: str) -> list[str]:
    """``code`` and its predecessors (transitively), ordered by start year then code."""
    preds = {r["code"]: list(r["predecessors"] or []) for r in programs.iter_rows(named=True)}
    start = {r["code"]: r["start_year"] or 0 for r in programs.iter_rows(named=True)}
    seen, todo = [], [code]
    while todo:
        c = todo.pop()
        if c in seen:
            continue
        seen.append(c)
        todo.extend(preds.get(c, []))
    return sorted(seen, key=lambda c: (start.get(c, 0), c))


def normalise(name: str | None) -> str:
    """English name reduced for matching: lower case, letters only, single spaces."""
    return " ".join(re.sub(r"[^a-z]+", " ", (name or "").lower()).split())


def concepts(indicators: pl.DataFrame) -> pl.DataFrame:
    """indicator → concept (the smallest code of its matched group), by the rule above."""
    rows = (
        indicators.select(
            "code", "program", "name_en", *(["continues"] if "continues" in indicators.columns else [])
        )
        .unique("code")
        .sort("code")
        .to_dicts()
    )
    parent = {r["code"]: r["code"] for r in rows}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    by_key: dict[tuple[str, str], str] = {}
    for r in rows:
        code, prog = r["code"], r.get("program") or ""
        if r.get("continues") in parent:
            union(code, r["continues"])
        suffix = code[len(prog) + 1 :] if prog and code.startswith(prog + ".") else code.split(".", 1)[-1]
        for key in (("s", suffix), ("n", normalise(r.get("name_en")))):
            if key[1]:
                other = by_key.setdefault(key, code)
                union(code, other)
    return pl.DataFrame(
        {"indicator": list(parent), "concept": [find(c) for c in parent]},
        schema={"indicator": pl.String, "concept": pl.String},
    )


def in_force_until(programs: pl.DataFrame) -> dict[str, tuple[date | None, date | None]]:
    """Per program code: the first day it is in force (1 January of its start year) and the first day it no
    longer is (its repeal date, else 1 January after its end year); ``None`` where unknown."""
    out: dict[str, tuple[date | None, date | None]] = {}
    for r in programs.iter_rows(named=True):
        start = date(int(r["start_year"]), 1, 1) if r.get("start_year") is not None else None
        repealed = r.get("repealed_on")
        end = (
            repealed
            if repealed is not None
            else (date(int(r["end_year"]) + 1, 1, 1) if r.get("end_year") is not None else None)
        )
        out[r["code"]] = (start, end)
    return out


def lineage(frames: ProgramFrames, lang: str = "en", stories: bool = True) -> pl.DataFrame:
    """One row per concept × program of the chain, with status and the story of its deadlines.

    Returns columns concept, program, indicator, name (in ``lang``), name_en, target_period, target, status,
    dropped_from, dropped_indicator, story (null when ``stories`` is false: the flags need only the statuses).
    A concept dropped from the portfolio has one row of its own (program null, status
    ``dropped_from_portfolio``, ``dropped_from`` and ``dropped_indicator`` its last holder).
    """
    progs = chain(frames.programs, frames.program) if frames.programs.height else [frames.program]
    ind = frames.indicators.filter(pl.col("program").is_in(progs))
    conc = concepts(ind)
    # national targets only (filtered on key columns first: the version chosen per key is the same)
    national = (pl.col("kind") == "target") & (
        pl.col("territory").is_null() | pl.col("territory").str.contains("^0+$")
    )
    tg = (
        commitments_in_force(frames.commitments.filter(national), frames.as_of)
        .sort("period_end")
        .group_by("indicator")
        .agg(pl.col("period").last(), pl.col("value").last().alias("target"))
    )
    held = (
        ind.select(
            pl.col("code").alias("indicator"),
            "program",
            "name_en",
            pl.coalesce(f"name_{lang}" if f"name_{lang}" in ind.columns else "name_en", "name_en").alias(
                "name"
            ),
        )
        .join(conc, on="indicator")
        .join(tg, on="indicator", how="left")
        .rename({"period": "target_period"})
    )
    order = {p: i for i, p in enumerate(progs)}
    rows: list[dict] = []
    last: dict[str, dict] = {}  # per concept, its latest holder so far
    holders: dict[str, set[str]] = {}
    for prog in progs:
        here = {r["concept"]: r for r in held.filter(pl.col("program") == prog).iter_rows(named=True)}
        for concept, r in here.items():
            before = last.get(concept)
            if before is None:
                status = "new"
            elif (
                r["target_period"]
                and before["target_period"]
                and r["target_period"] > before["target_period"]
            ):
                status = "repeated_later"
            else:
                status = "carried_over"
            rows.append({**r, "status": status})
            last[concept] = r
            holders.setdefault(concept, set()).add(prog)
    rows.extend(_dropped(last, holders, frames, carried_later(frames, ind)))
    schema = {
        "concept": pl.String,
        "program": pl.String,
        "indicator": pl.String,
        "name": pl.String,
        "name_en": pl.String,
        "target_period": pl.String,
        "target": pl.Float64,
        "status": pl.String,
        "dropped_from": pl.String,
        "dropped_indicator": pl.String,
    }
    out = pl.DataFrame([{k: r.get(k) for k in schema} for r in rows], schema=schema)
    out = out.with_columns(pl.col("program").replace_strict(order, default=len(progs)).alias("_o")).sort(
        "concept", "_o"
    )
    told = {c: _story(g, lang) for (c,), g in out.group_by("concept")} if out.height and stories else {}
    return out.with_columns(
        pl.col("concept").replace_strict(told, default=None, return_dtype=pl.String).alias("story")
    ).drop("_o")


def carried_later(frames: ProgramFrames, indicators: pl.DataFrame) -> dict[str, set[str]]:
    """Per indicator of the chain (``indicators``), the programs of the chain that a successor in force on the
    day judged (``frames.as_of``, else today; a draft never is) continues it from: a successor carries the
    concept of a chain indicator when one of its indicators matches it by the rule above, and continues it
    from the programs of the chain it descends from. Empty where no successor in force matches."""
    day = frames.as_of or present_day(frames)
    succ = frames.successors
    # a draft was never adopted: it carries nothing on any day, whatever years it names
    adopted = succ.filter(pl.col("status").fill_null("") != "draft")
    spans = in_force_until(
        adopted.select(pl.col("program").alias("code"), "start_year", "end_year", "repealed_on").unique(
            "code"
        )
    )
    live = [p for p, (s, e) in spans.items() if (s is None or s <= day) and (e is None or day < e)]
    later = succ.filter(pl.col("program").is_in(live))
    if later.height == 0:
        return {}
    cols = {"code": pl.String, "program": pl.String, "name_en": pl.String, "continues": pl.String}
    both = pl.concat(
        [
            indicators.select(
                pl.col(c).cast(d) if c in indicators.columns else pl.lit(None, d).alias(c)
                for c, d in cols.items()
            ),
            later.select(*cols),
        ]
    )
    root = dict(concepts(both).iter_rows())  # the wider grouping: successors' indicators may join groups
    family = pl.concat(
        [
            frames.programs.select("code", "predecessors", "start_year"),
            succ.select(pl.col("program").alias("code"), "predecessors", "start_year").unique("code"),
        ]
    )
    above = {prog: chain(family, prog) for prog in later["program"].unique()}
    from_: dict[str, set[str]] = {}
    for code, prog in later.select("code", "program").iter_rows():
        from_.setdefault(root[code], set()).update(above[prog])
    return {code: from_.get(root[code], set()) for code in indicators["code"]}


def _dropped(
    last: dict[str, dict], holders: dict[str, set[str]], frames: ProgramFrames, later: dict[str, set[str]]
) -> list[dict]:
    """Concepts dropped from the portfolio: every program of the chain that held them has ended by
    ``frames.as_of`` (today when none), and no successor in force continues them from one of those holders
    (``later``: :func:`carried_later`). A concept the program asked for holds is not judged so here: it is
    charged, when dropped, to the programs that come after it."""
    day = frames.as_of or present_day(frames)
    spans = in_force_until(frames.programs) if frames.programs.height else {}

    def ended(code: str) -> bool:
        end = spans.get(code, (None, None))[1]
        return end is not None and end <= day

    out = []
    for concept, r in last.items():
        held_by = holders[concept]
        if frames.program in held_by or not all(ended(p) for p in held_by):
            continue
        if later.get(r["indicator"], set()) & held_by:
            continue
        holder = r["program"]
        out.append(
            {
                **r,
                "program": None,
                "indicator": None,
                "target_period": None,
                "target": None,
                "status": "dropped_from_portfolio",
                "dropped_from": holder,
                "dropped_indicator": r["indicator"],
            }
        )
    return out


def _story(group: pl.DataFrame, lang: str) -> str:
    """ "promised for 2020 (IK2020), promised again for 2022 (DK2018), not tracked after DK2018"."""
    parts, first = [], True
    for r in group.sort("_o").iter_rows(named=True):
        if r["status"] == "dropped_from_portfolio":
            parts.append(t("lineage.dropped_after", lang, program=r["dropped_from"]))
        elif r["target_period"]:
            key = "lineage.promised" if first else "lineage.promised_again"
            parts.append(t(key, lang, period=r["target_period"], program=r["program"]))
            first = False
    return ", ".join(parts)
