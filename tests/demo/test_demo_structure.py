"""The shipped demo packages have the documented shape: files, columns, codes, names, sources, spans."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from natije.demo import PROGRAMS, data_root, demo_paths
from natije.domain import units
from natije.domain.periods import Period

OBSERVATION_COLUMNS = ["indicator", "territory", "period", "value", "unit", "source", "note", "as_of"]
LANGS = ("kk", "ru", "en")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_demo_paths_lists_reference_then_programs_in_lineage_order(demo):
    paths = demo_paths()
    assert [p.name for p in paths] == ["reference", *PROGRAMS]
    assert all((p / "program.yaml").is_file() and (p / "observations.csv").is_file() for p in paths)
    seen: set[str] = set()
    for code in PROGRAMS:
        assert set(demo[code].doc["program"]["predecessors"]) <= seen, code
        seen.add(code)
    assert "program" not in demo["reference"].doc


def test_every_file_is_utf8_with_the_documented_columns(demo):
    for package in demo.values():
        header = (package.path / "observations.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header.split(",") == OBSERVATION_COLUMNS
    ref = demo["reference"].path
    assert read_csv(ref / "territories.csv")[0].keys() == {
        "code",
        "level",
        "parent",
        "valid_from",
        "valid_to",
        "successors",
        "iso_code",
        "name_kk",
        "name_ru",
        "name_en",
    }
    assert list(read_csv(ref / "territory_changes.csv")[0]) == [
        "day",
        "kind",
        "source",
        "target",
        "share",
        "basis",
    ]


def test_kato_codes_and_names_in_three_languages(territories):
    assert territories["000000000"]["level"] == "country"
    for code, row in territories.items():
        assert len(code) == 9 and code.isdigit(), code
        assert all(row[f"name_{lang}"].strip() for lang in LANGS), code
        assert "i" not in row["name_kk"], f"Latin i in Kazakh name of {code}"
    valid_2020 = [c for c, r in territories.items() if r["level"] == "region" and _valid(r, date(2020, 1, 1))]
    valid_2024 = [c for c, r in territories.items() if r["level"] == "region" and _valid(r, date(2024, 1, 1))]
    assert len(valid_2020) == 17 and len(valid_2024) == 20


def _valid(row: dict[str, str], day: date) -> bool:
    start = date.fromisoformat(row["valid_from"]) if row["valid_from"] else date.min
    end = date.fromisoformat(row["valid_to"]) if row["valid_to"] else date.max
    return start <= day < end


def _names_complete(names: dict[str, str]) -> bool:
    return all(isinstance(names.get(lang), str) and names[lang].strip() for lang in LANGS)


def test_programs_goals_indicators_agencies_are_named_in_kk_ru_en(demo):
    for package in demo.values():
        doc = package.doc
        items = doc.get("agencies", []) + doc.get("indicators", [])
        if "program" in doc:
            items.append(doc["program"])
            stack = list(doc["program"].get("goals", []))
            while stack:
                goal = stack.pop()
                items.append(goal)
                stack.extend(goal.get("tasks", []))
        for item in items:
            assert _names_complete(item["names"]), item.get("code")


def test_every_row_names_a_declared_source_of_a_known_kind(demo):
    for package in demo.values():
        sources = package.sources()
        assert all(
            s["kind"] in ("official", "secondary", "illustrative") and s["licence"] for s in sources.values()
        )
        missing = {r["source"] for r in package.rows} - set(sources)
        assert not missing, (package.code, missing)
        for ind in package.doc.get("indicators", []):
            assert ind["source"] in sources, ind["code"]
        for line in package.doc.get("budgets", []):
            assert line["source"] in sources


def test_generated_rows_and_only_they_carry_the_illustrative_source(demo):
    for package in demo.values():
        kinds = {code: s["kind"] for code, s in package.sources().items()}
        for row in package.rows:
            generated = row["note"].startswith("ILLUSTRATIVE")
            assert generated == (kinds[row["source"]] == "illustrative"), row
            if kinds[row["source"]] == "illustrative":
                assert row["territory"] != "000000000", "national values are never generated"


def test_observations_fit_their_indicator_span_unit_and_territory(demo, territories):
    for package in demo.values():
        indicators = package.indicators()
        keys = set()
        for row in package.rows:
            ind = indicators[row["indicator"]]
            period = Period.parse(row["period"])
            span = Period.parse(ind["span"]["from"]), Period.parse(ind["span"]["to"])
            assert span[0] <= period <= span[1], row
            assert units.conversion_factor(row["unit"], ind["unit"]) > 0, row  # raises across dimensions
            float(row["value"])
            known = date.fromisoformat(row["as_of"])
            assert date(period.year, 1, 1) <= known <= date(2026, 7, 1), row
            terr = territories[row["territory"]]
            assert any(_valid(terr, date(period.year, m, 1)) for m in range(1, 13)), row
            key = (row["indicator"], row["territory"], row["period"])
            assert key not in keys, key
            keys.add(key)


def test_commitments_reference_declared_indicators_with_dates_and_documents(demo):
    for code in PROGRAMS:
        package = demo[code]
        for c in package.doc["commitments"]:
            assert c["indicator"] in package.indicators()
            assert c["kind"] in ("baseline", "target") and isinstance(c["decided_on"], date) and c["document"]


def test_territory_change_shares_sum_to_one():
    rows = read_csv(data_root() / "reference" / "territory_changes.csv")
    totals: dict[tuple[str, str], float] = {}
    for r in rows:
        totals[(r["day"], r["source"])] = totals.get((r["day"], r["source"]), 0.0) + float(r["share"])
    assert set(totals) == {
        ("2018-06-19", "510000000"),
        ("2022-06-08", "630000000"),
        ("2022-06-08", "190000000"),
        ("2022-06-08", "350000000"),
    }
    assert all(abs(t - 1) < 1e-9 for t in totals.values())


@pytest.mark.parametrize("year,expected", [(2018, 17), (2024, 20)])
def test_boundaries_have_one_feature_per_region(year, expected, territories):
    data = json.loads(
        (data_root() / "reference" / "geo" / f"regions_{year}.geojson").read_text(encoding="utf-8")
    )
    codes = {f["properties"]["code"] for f in data["features"]}
    assert len(codes) == expected and codes <= set(territories)
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in data["features"])


def test_shipped_data_stays_lean_and_is_attributed():
    files = [p for p in data_root().rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 3_000_000
    text = (data_root().parent / "ATTRIBUTION.md").read_text(encoding="utf-8")
    for name in (
        "territories.csv",
        "territory_changes.csv",
        "observations.csv",
        "program.yaml",
        "regions_2018",
        "regions_2024",
        "demo_illustrative",
    ):
        assert name in text
    used = set()
    for path in demo_paths():
        used |= {r["source"] for r in read_csv(Path(path) / "observations.csv")}
    assert all(f"`{code}`" in text for code in used)


def test_illustrative_values_are_named_with_the_catalog_term(demo):
    # one word for an illustrative value everywhere: the demo's names use the catalogs' word.illustrative
    from natije.locale import t

    marked = 0
    for package in demo.values():
        text = (package.path / "program.yaml").read_text(encoding="utf-8")
        assert "иллюстр" not in text.lower(), package.path
        for indicator in package.doc.get("indicators", []):
            names = indicator["names"]
            if t("word.illustrative", "en") in names["en"].lower():
                marked += 1
                for lang in ("kk", "ru"):
                    assert t("word.illustrative", lang) in names[lang], (indicator["code"], lang)
    assert marked >= 1
