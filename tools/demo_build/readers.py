"""Readers for the files in ``shared/data/kz``: each returns Kazakhstan's series as ``{year: value-text}``.

Values keep the text the upstream file wrote (trailing ``.0`` dropped), so the demo never adds float noise.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

EGDI_FILES = {
    2010: ("egdi/unu_egdi-2010.csv", "country-code", "KAZ", "e-gov-rank", "e-gov-index"),
    2012: ("egdi/unu_egdi-2012.csv", "country-code", "KAZ", "e-gov-rank", "e-gov-index"),
    2014: ("egdi/unu_egdi-2014.csv", "country-code", "KAZ", "e-gov-rank", "e-gov-index"),
    2016: ("egdi/unu_egdi-2016.csv", "country-code", "KAZ", "e-gov-rank", "e-gov-index"),
    2018: ("egdi/unu_egdi-2018.csv", "country-code", "KAZ", "e-gov-rank", "e-gov-index"),
    2022: (
        "egdi/EGOV_DATA_2022.csv",
        "Country Name",
        "Kazakhstan",
        "E-Government Rank",
        "E-Government Index",
    ),
    2024: ("egdi/EGOV_DATA_2024.csv", "Country", "Kazakhstan", "Rank", "E_Index"),
}


# Dates by which the upstream snapshot certainly held a value (commit dates in shared/data/kz/SOURCES.txt).
SNAPSHOTS = {"wdi": date(2026, 7, 1), "owid_itu": date(2025, 8, 7), "bns_population": date(2023, 7, 21)}
EGDI_SNAPSHOTS = {2022: date(2024, 3, 16), 2024: date(2025, 6, 25)}
EGDI_OLD_SNAPSHOT = date(2019, 3, 13)
LATEST_SNAPSHOT = date(2026, 7, 1)  # newest upstream snapshot: no conventional date lies after it


def known_by(source: str, year: int) -> str:
    """Conventional ``as_of`` of an annual value without a dated statement.

    The release dates are not in the sources, so a value for year Y counts as known on 31 December of Y+1, or
    on the date of the snapshot that holds it if earlier (documented in ATTRIBUTION.md).
    """
    cap = SNAPSHOTS.get(source, LATEST_SNAPSHOT)
    if source == "un_egdi":
        cap = EGDI_SNAPSHOTS.get(year, EGDI_OLD_SNAPSHOT)
    return min(date(year + 1, 12, 31), cap).isoformat()


def number_text(text: str) -> str:
    """Normalise a numeric string: strip spaces, drop a trailing ``.0``;
    raise ``ValueError`` if not a number."""
    text = text.strip()
    value = float(text)
    if value.is_integer() and ("." in text or "e" in text.lower()):
        return str(int(value))
    return text


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def wdi_series(shared: Path, name: str) -> dict[int, str]:
    """Kazakhstan's values of one WDI indicator file ``wdi/<name>.csv`` (long format)."""
    out: dict[int, str] = {}
    for row in _rows(shared / "wdi" / f"{name}.csv"):
        if row["Country Code"] == "KAZ" and row["Value"].strip():
            out[int(row["Year"])] = number_text(row["Value"])
    return out


def owid_internet(shared: Path) -> dict[int, str]:
    """Internet users, % of population, from the Our World in Data export."""
    out: dict[int, str] = {}
    for row in _rows(shared / "owid_share-of-individuals-using-the-internet.csv"):
        if row["Code"] == "KAZ":
            out[int(row["Year"])] = number_text(row["Individuals using the Internet (% of population)"])
    return out


def ict_service_exports(shared: Path) -> dict[int, str]:
    """ICT service exports (BX.GSR.CCIS.CD, current US$), old WDI vintage."""
    return {
        int(row["year"]): number_text(row["bx_gsr_ccis_cd"])
        for row in _rows(shared / "kaz_ict_service_exports_wdi_opennumbers.csv")
        if row["economy"] == "kaz"
    }


def egdi(shared: Path, field: str) -> dict[int, str]:
    """UN EGDI ``rank`` or ``value`` for Kazakhstan, one per survey year with a data file."""
    out: dict[int, str] = {}
    for year, (path, key, name, rank_col, value_col) in EGDI_FILES.items():
        for row in _rows(shared / path):
            if row[key].strip() == name:
                out[year] = number_text(row[rank_col if field == "rank" else value_col])
    if len(out) != len(EGDI_FILES):
        raise ValueError(f"EGDI: Kazakhstan missing in some survey files ({sorted(out)})")
    return out


def population_by_region(shared: Path) -> list[tuple[str, int, int]]:
    """``(russian_name, year, population)`` rows of the BNS regional population file, names stripped."""
    return [
        (row["Область"].strip(), int(row["Год"]), int(float(row["Население"])))
        for row in _rows(shared / "regions" / "region_population_2000-2023_bns.csv")
    ]


def secondary_facts(shared: Path) -> list[dict[str, str]]:
    """The hand-compiled press facts (``kaz_program_facts_secondary.csv``)."""
    return _rows(shared / "kaz_program_facts_secondary.csv")
