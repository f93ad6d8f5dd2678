"""Assemble one package (``program.yaml`` content and observation rows) from a curated spec
and the shared data.

A spec (``specs/<CODE>.yaml``) holds what the sources say about a program — names, legal act, goals, targets
with the document that set them — and, per indicator, where its values come from (``data``). This module turns
the ``data`` entries into observation rows, keeps only years inside the indicator's span, declares exactly the
sources the package uses, and generates the budget lines the spec asks for.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from demo_build import outcomes, readers, territories, villages

COUNTRY = "000000000"


def _fact_rows(code: str, unit: str, facts: list[list[Any]]) -> list[dict[str, str]]:
    return [
        {
            "indicator": code,
            "territory": COUNTRY,
            "period": str(period),
            "value": readers.number_text(str(value)),
            "unit": unit,
            "source": source,
            "note": note or "",
            "as_of": str(as_of) if as_of else "",
        }
        for period, value, source, note, as_of in facts
    ]


def _series_rows(code: str, unit: str, source: str, series: dict[int, str]) -> list[dict[str, str]]:
    return [
        {
            "indicator": code,
            "territory": COUNTRY,
            "period": str(year),
            "value": value,
            "unit": unit,
            "source": source,
            "note": "",
            "as_of": "",
        }
        for year, value in sorted(series.items())
    ]


def data_rows(
    shared: Path,
    program: str,
    code: str,
    unit: str,
    entry: dict[str, Any],
    shares: dict[str, dict[str, float]],
) -> list[dict[str, str]]:
    """Observation rows for one ``data`` entry of an indicator."""
    if "facts" in entry:
        return _fact_rows(code, unit, entry["facts"])
    if "wdi" in entry:
        return _series_rows(code, unit, "wdi", readers.wdi_series(shared, entry["wdi"]))
    if "owid" in entry:
        return _series_rows(code, unit, "owid_itu", readers.owid_internet(shared))
    if "egdi" in entry:
        return _series_rows(code, unit, "un_egdi", readers.egdi(shared, entry["egdi"]))
    if "opennumbers" in entry:
        return _series_rows(code, unit, "wdi_ict_exports", readers.ict_service_exports(shared))
    if "population" in entry:
        return territories.population_rows(shared)
    if "outcome" in entry:
        return outcomes.observation_rows(program, shares)
    if "villages" in entry:
        return villages.observation_rows(program, entry["villages"], shares)
    raise ValueError(f"{code}: unknown data entry {entry}")


def in_span(row: dict[str, str], span: dict[str, str]) -> bool:
    """Whether the row's (annual) period lies inside the indicator's span."""
    year = int(row["period"][:4])
    return int(span["from"]) <= year <= int(span["to"])


def indicator_entries(spec: dict[str, Any], catalogue: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Full indicator declarations of a program spec (definitions looked up by suffix)."""
    program = spec["program"]
    out = []
    for item in spec["indicators"]:
        base = catalogue[item["suffix"]]
        entry: dict[str, Any] = {"code": f"{program['code']}.{item['suffix']}", "names": base["names"]}
        if item.get("goal"):
            entry["goal"] = item["goal"]
        entry.update(
            {
                "level": base["level"],
                "unit": base["unit"],
                "direction": base["direction"],
                "kind": base["kind"],
                "frequency": "A",
                "span": dict(item.get("span", spec["span"])),
                "agency": program["owner"],
                "source": base["source"],
            }
        )
        if item.get("ratio"):
            entry["ratio"] = item["ratio"]
        if item.get("continues"):
            entry["continues"] = item["continues"]
        out.append(entry)
    return out


def budget_lines(program: str, spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Budget lines: an illustrative yearly series,
    or a sourced multi-year total split into illustrative years."""
    lines: list[dict[str, Any]] = []
    if "illustrative" in spec:
        cfg = spec["illustrative"]
        rng = random.Random(cfg["seed"])
        for year in range(cfg["years"][0], cfg["years"][1] + 1):
            approved = round(cfg["approved_bn"] * rng.uniform(0.7, 1.3) * 10) * 10**8
            executed = round(approved * rng.uniform(0.82, 0.99) / 1e8) * 10**8
            for stage, amount in (("approved", approved), ("executed", executed)):
                lines.append(
                    {
                        "year": year,
                        "stage": stage,
                        "amount": amount,
                        "currency": "KZT",
                        "source": "demo_illustrative",
                    }
                )
    if "sourced_total" in spec:
        cfg = spec["sourced_total"]
        rng = random.Random(cfg["seed"])
        years = list(range(cfg["years"][0], cfg["years"][1] + 1))
        weights = [rng.uniform(0.6, 1.4) for _ in years]
        total = int(cfg["amount_bn"] * 1e9)
        planned = [int(total * w / sum(weights) / 1e8) * 10**8 for w in weights]
        planned[-1] = total - sum(planned[:-1])
        for year, amount in zip(years, planned):
            common = {
                "goal": cfg["goal"],
                "indicators": list(cfg["indicators"]),
                "source": "demo_illustrative",
            }
            lines.append({"year": year, "stage": "planned", "amount": amount, "currency": "KZT", **common})
            if year in cfg["executed_years"]:
                executed = round(amount * rng.uniform(0.8, 0.98) / 1e8) * 10**8
                lines.append(
                    {"year": year, "stage": "executed", "amount": executed, "currency": "KZT", **common}
                )
    return lines
