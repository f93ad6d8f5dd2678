"""Cross-check the built packages against the press-facts file and write ``ATTRIBUTION.md``."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import yaml

from demo_build.readers import secondary_facts

# (fact_type, indicator text in kaz_program_facts_secondary.csv, year) -> (package, indicator, expected value)
FACT_CHECKS = {
    ("reported", "digital literacy (pop. 6-74)", "2018"): ("DK2018", "DK2018.DIGITAL_LITERACY", 79.6),
    ("reported", "digital literacy (pop. 6-74)", "2019"): ("DK2018", "DK2018.DIGITAL_LITERACY", 82.1),
    ("reported", "digital literacy (pop. 6-74)", "2021"): ("DK2018", "DK2018.DIGITAL_LITERACY", 87.3),
    ("reported", "digital literacy (pop. 6-74)", "2023"): ("DK2018", "DK2018.DIGITAL_LITERACY", 90.2),
    ("reported", "EGDI rank", "2020"): ("DK2018", "DK2018.EGDI_RANK", 29),
    ("target", "digital literacy of population", "2022"): ("DK2018", "DK2018.DIGITAL_LITERACY", 83),
    ("target", "share of public services in electronic form", "2022"): (
        "DK2018",
        "DK2018.PUBLIC_SERVICES_ONLINE",
        80,
    ),
    ("target", "share of e-commerce in total retail trade", "2022"): (
        "DK2018",
        "DK2018.ECOMMERCE_SHARE",
        2.6,
    ),
    ("target", "jobs created through digitalization", "2022"): ("DK2018", "DK2018.JOBS", 300000),
    ("target", "rural settlements with fiber", "2027"): ("AI2023", "AI2023.VILLAGES_FIBRE_SHARE", 90),
}


def _package(out: Path, code: str) -> tuple[dict, list[dict[str, str]]]:
    folder = out / "programs" / code
    doc = yaml.safe_load((folder / "program.yaml").read_text(encoding="utf-8"))
    with (folder / "observations.csv").open(encoding="utf-8", newline="") as handle:
        return doc, list(csv.DictReader(handle))


def check_facts(shared: Path, out: Path) -> None:
    """Raise ``ValueError`` when a shipped value disagrees with ``kaz_program_facts_secondary.csv``."""
    seen = set()
    for fact in secondary_facts(shared):
        key = (fact["fact_type"], fact["indicator"], fact["year"])
        if key not in FACT_CHECKS:
            continue
        code, indicator, expected = FACT_CHECKS[key]
        if float(fact["value"]) != expected:
            raise ValueError(f"facts file changed: {key} is {fact['value']}, the demo ships {expected}")
        doc, rows = _package(out, code)
        if fact["fact_type"] == "target":
            found = [
                c["value"]
                for c in doc["commitments"]
                if c["indicator"] == indicator and c["kind"] == "target" and c["period"] == fact["year"]
            ]
        else:
            found = [
                float(r["value"])
                for r in rows
                if r["indicator"] == indicator
                and r["period"] == fact["year"]
                and r["territory"] == "000000000"
            ]
        if expected not in found:
            raise ValueError(
                f"{indicator} {fact['year']}: expected {expected} from the facts file, found {found}"
            )
        seen.add(key)
    if seen != set(FACT_CHECKS):
        raise ValueError(f"facts not found in the facts file: {sorted(set(FACT_CHECKS) - seen)}")


def _source_kinds(out: Path) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for path in out.rglob("program.yaml"):
        for source in yaml.safe_load(path.read_text(encoding="utf-8")).get("sources", []):
            kinds[source["code"]] = source["kind"]
    return kinds


def _rows_by_source(out: Path) -> dict[str, Counter]:
    counts: dict[str, Counter] = {}
    for path in sorted(out.rglob("observations.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            counts[str(path.relative_to(out))] = Counter(r["source"] for r in csv.DictReader(handle))
    return counts


def write(target: Path, out: Path) -> None:
    """Write the attribution file for every shipped file under ``out``."""
    template = (Path(__file__).parent / "specs" / "ATTRIBUTION.template.md").read_text(encoding="utf-8")
    catalogue = yaml.safe_load((Path(__file__).parent / "specs" / "sources.yaml").read_text(encoding="utf-8"))
    used = _source_kinds(out)
    source_lines = [
        f"| `{s['code']}` | {s['kind']} | {s['title']} | {s.get('url', '—')} | {s['licence']} |"
        for s in catalogue
        if s["code"] in used
    ]
    count_lines = []
    for path, counter in _rows_by_source(out).items():
        parts = ", ".join(f"`{code}` {n}" for code, n in sorted(counter.items()))
        illustrative = sum(n for code, n in counter.items() if used.get(code) == "illustrative")
        count_lines.append(f"| `data/{path}` | {sum(counter.values())} | {illustrative} | {parts} |")
    text = template.replace("{{SOURCES}}", "\n".join(source_lines)).replace(
        "{{COUNTS}}", "\n".join(count_lines)
    )
    target.write_text(text, encoding="utf-8", newline="\n")
