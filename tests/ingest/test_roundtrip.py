"""Property: export → import into an empty store → export gives byte-identical files (generated packages)."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from natije.domain.periods import Frequency, Period
from natije.services.ingestion import export_program, import_paths
from natije.store import Store

from .conftest import GOOD, empty, files_of

UNITS = ["%", "count", "KZT", "mn USD", "index", "per 100"]
TERRITORIES = ["000000000", "750000000"]
NAMES = {"kk": "Атауы", "ru": "Название", "en": "Name"}
notes = st.none() | st.text(st.sampled_from(list("abc ,\"'йқ\n;-")), min_size=1, max_size=12).filter(
    lambda s: s.strip() == s and s != ""
)
values = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)
# what each unit allows (a share in 0-100 %, a count or rate never negative); 3 below 100 leaves room for the
# "+ k" that makes corrected promises differ
ALLOWED = {
    "%": st.floats(min_value=0, max_value=97, allow_nan=False),
    "count": st.floats(min_value=0, max_value=1e12, allow_nan=False),
    "per 100": st.floats(min_value=0, max_value=1e12, allow_nan=False),
}
days = st.dates(min_value=date(2015, 1, 1), max_value=date(2024, 12, 31))


@st.composite
def indicator_specs(draw: Any, i: int) -> dict[str, Any]:
    freq = draw(st.sampled_from(list(Frequency)))
    y0 = draw(st.integers(2005, 2012))
    y1 = draw(st.integers(y0, y0 + 6))
    first = Period.parse(
        str(y0) if freq is Frequency.ANNUAL else f"{y0}-Q1" if freq is Frequency.QUARTERLY else f"{y0}-01"
    )
    last = Period.parse(
        str(y1) if freq is Frequency.ANNUAL else f"{y1}-Q4" if freq is Frequency.QUARTERLY else f"{y1}-12"
    )
    periods = [str(Period(freq, i)) for i in range(first.index, last.index + 1)]
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(TERRITORIES), st.sampled_from(periods)),
            min_size=1,
            max_size=8,
            unique=True,
        )
    )
    unit = draw(st.sampled_from(UNITS))
    unit_values = ALLOWED.get(unit, values)
    rows = [
        {
            "indicator": f"HP.I{i}",
            "territory": t,
            "period": p,
            "value": draw(unit_values),
            "source": draw(st.sampled_from([None, "stat", "demo"])),
            "note": draw(notes),
            "as_of": datetime.combine(draw(days), datetime.min.time())
            + timedelta(seconds=draw(st.integers(0, 86399))),
        }
        for t, p in keys
    ]
    decisions = draw(st.lists(days, max_size=3))  # the same day twice = a promise corrected that day
    commitments = [
        {
            "indicator": f"HP.I{i}",
            "kind": "target",
            "period": periods[-1],
            "value": draw(unit_values) + k,
            "decided_on": d.isoformat(),
            "document": f"Decree {k}",
        }
        for k, d in enumerate(decisions)
    ]
    indicator = {
        "code": f"HP.I{i}",
        "names": NAMES,
        "unit": unit,
        "direction": "increase",
        "frequency": freq.value,
        "span": {"from": str(first), "to": str(last)},
        "source": "stat",
    }
    return {"indicator": indicator, "rows": rows, "commitments": commitments}


@st.composite
def budget_lines(draw: Any, indicators: list[str]) -> list[dict[str, Any]]:
    """Several lines per year and stage (by funding, currency, line code, indicators), some with versions."""
    keys = draw(
        st.lists(
            st.tuples(
                st.integers(2010, 2012),
                st.sampled_from(["planned", "approved", "adjusted", "executed"]),
                st.sampled_from([None, "republican", "local"]),
                st.sampled_from(["KZT", "USD"]),
                st.sampled_from([None, "001-100"]),
                st.lists(st.sampled_from(indicators), max_size=2, unique=True),
            ),
            max_size=6,
            unique_by=lambda k: (k[:5], tuple(sorted(k[5]))),
        )
    )
    out = []
    for year, stage, funding, currency, line, linked in keys:
        # versions: an undated first amount or none, then amounts on distinct decision days
        dated = draw(st.lists(days, max_size=2, unique=True))
        undated = draw(st.booleans()) or not dated
        for day in [None, *dated] if undated else dated:
            entry = {
                "year": year,
                "stage": stage,
                "amount": draw(st.floats(0, 1e12, allow_nan=False)),
                "currency": currency,
                "funding": funding,
                "line": line,
                "indicators": linked,
                "decided_on": day.isoformat() if day else None,
                "document": f"Law {day}" if day else None,
                "source": draw(st.sampled_from([None, "stat"])),
            }
            out.append({k: v for k, v in entry.items() if v not in (None, [])})
    return out


def _line_key(b: dict[str, Any]) -> tuple:
    return (
        b["year"],
        b["stage"],
        b.get("funding"),
        b["currency"],
        b.get("line"),
        tuple(sorted(b.get("indicators", ()))),
    )


@st.composite
def packages(draw: Any) -> dict[str, Any]:
    specs = [draw(indicator_specs(i)) for i in range(draw(st.integers(1, 3)))]
    rows = [r for s in specs for r in s["rows"]]
    revised = draw(st.lists(st.sampled_from(range(len(rows))), max_size=3, unique=True))
    budgets = draw(budget_lines([s["indicator"]["code"] for s in specs]))
    # the later edition moves some amounts: new versions decided after every earlier one
    moved = (
        [
            dict(b, amount=b["amount"] + 1, decided_on="2025-02-01", document="Law 2025")
            for b in draw(st.lists(st.sampled_from(budgets), max_size=2, unique_by=_line_key))
        ]
        if budgets
        else []
    )
    return {
        "specs": specs,
        "rows": rows,
        "revised": revised,
        "revision_values": [draw(ALLOWED["%"]) for _ in revised],
        "budgets": budgets,
        "moved": moved,
    }


def _write(
    folder: Path, spec: dict[str, Any], rows: list[dict[str, Any]], budgets: list[dict[str, Any]]
) -> None:
    folder.mkdir(parents=True)
    shutil.copy(GOOD / "territories.csv", folder / "territories.csv")
    doc = {
        "format": "natije-program/1",
        "sources": [
            {"code": "stat", "title": "Statistics"},
            {"code": "demo", "title": "Demo", "kind": "illustrative"},
        ],
        "program": {
            "code": "HP",
            "names": NAMES,
            "kind": "project",
            "start_year": 2010,
            "end_year": 2020,
            "status": "in_force",
        },
        "indicators": [s["indicator"] for s in spec["specs"]],
        "commitments": [c for s in spec["specs"] for c in s["commitments"]],
        "budgets": budgets,
    }
    (folder / "program.yaml").write_text(
        yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    pl.DataFrame(rows).write_csv(folder / "observations.csv", datetime_format="%Y-%m-%dT%H:%M:%S")


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=packages())
def test_export_import_export_is_byte_identical(
    store: Store, tmp_path_factory: Any, spec: dict[str, Any]
) -> None:
    root = tmp_path_factory.mktemp("rt")
    empty(store)
    _write(root / "v1", spec, spec["rows"], spec["budgets"])
    import_paths(store, [root / "v1"])
    if spec["revised"]:  # a later edition of the package revises some values: history to carry over
        later = [dict(r) for r in spec["rows"]]
        for i, v in zip(spec["revised"], spec["revision_values"]):
            later[i]["value"], later[i]["as_of"] = v, later[i]["as_of"] + timedelta(days=400)
        _write(root / "v2", spec, later, spec["budgets"] + spec["moved"])
        import_paths(store, [root / "v2"])
    elif spec["moved"]:
        _write(root / "v2", spec, spec["rows"], spec["budgets"] + spec["moved"])
        import_paths(store, [root / "v2"])
    export_program(store, "HP", root / "e1")
    changed = any(spec["rows"][i]["value"] != v for i, v in zip(spec["revised"], spec["revision_values"]))
    assert (root / "e1" / "revisions.csv").exists() == changed
    exported = yaml.safe_load((root / "e1" / "program.yaml").read_text(encoding="utf-8")).get("budgets", [])
    assert len(exported) == len(spec["budgets"]) + len(spec["moved"])  # every line and version
    empty(store)
    import_paths(store, [root / "e1"])
    export_program(store, "HP", root / "e2")
    assert files_of(root / "e1") == files_of(root / "e2")
