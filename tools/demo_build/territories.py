"""Territories (KATO) valid over time, the 2018 and 2022 reforms, and population by region.

Regions come from the geokz GeoJSON files (17 regions of 2018, 20 of 2024). A region whose KATO code survives
a reform keeps one row valid throughout; the reform is recorded in ``territory_changes.csv`` with the shares
of the old region's population that went to each unit (BNS population at the start of the reform year).
"""

from __future__ import annotations

import json
from pathlib import Path

from demo_build.readers import population_by_region

COUNTRY = "000000000"
SOUTH_KAZAKHSTAN = "510000000"  # pre-2018 KATO code; not in the shared files (see ATTRIBUTION.md)
REFORM_2018 = "2018-06-19"
REFORM_2022 = "2022-06-08"
SPLITS = {  # reform day -> {old code: [codes after the reform]}
    REFORM_2018: {SOUTH_KAZAKHSTAN: ["610000000", "790000000"]},
    REFORM_2022: {
        "630000000": ["630000000", "100000000"],
        "190000000": ["190000000", "330000000"],
        "350000000": ["350000000", "620000000"],
    },
}
NAME_FIXES = {  # official forms where geokz differs: (kk, ru, en)
    "100000000": ("Абай облысы", "область Абай", "Abai Region"),
    "330000000": ("Жетісу облысы", "область Жетісу", "Zhetysu Region"),
    "620000000": ("Ұлытау облысы", "область Ұлытау", "Ulytau Region"),
    "350000000": ("Қарағанды облысы", "Карагандинская область", "Karaganda Region"),
}
CITY_NAMES = {
    "710000000": ("Астана қаласы", "город Астана", "Astana"),
    "750000000": ("Алматы қаласы", "город Алматы", "Almaty"),
    "790000000": ("Шымкент қаласы", "город Шымкент", "Shymkent"),
}
BNS_NAMES = {
    "Акмолинская": "110000000",
    "Актюбинская": "150000000",
    "Алматинская": "190000000",
    "Атырауская": "230000000",
    "Западно-Казахстанская": "270000000",
    "Жамбылская": "310000000",
    "Карагандинская": "350000000",
    "Костанайская": "390000000",
    "Кызылординская": "430000000",
    "Мангистауская": "470000000",
    "Павлодарская": "550000000",
    "Северо-Казахстанская": "590000000",
    "Туркестанская 1": "610000000",
    "Восточно-Казахстанская": "630000000",
    "г. Астана": "710000000",
    "г. Алматы": "750000000",
    "г. Шымкент": "790000000",
    "Абай": "100000000",
    "Жетісу": "330000000",
    "Ұлытау": "620000000",
    "Республика Казахстан": COUNTRY,
}
HEADER = [
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
]


def _kazakh(text: str) -> str:
    # geokz writes the Kazakh letter і with a Latin i in a few names
    return text.replace("i", "і").replace("I", "І")


def region_names(props: dict[str, str]) -> tuple[str, str, str]:
    """A geokz region's names (kk, ru, en) in their official forms, as ``territories.csv`` writes them."""
    code = props["KATO"]
    if code in CITY_NAMES:
        return CITY_NAMES[code]
    if code in NAME_FIXES:
        return NAME_FIXES[code]
    return _kazakh(props["ADM1_KK"]) + " облысы", props["ADM1_RU"] + " область", props["ADM1_EN"] + " Region"


def _features(shared: Path, year: int) -> dict[str, dict[str, str]]:
    data = json.loads((shared / "geo" / f"kaz_adm1_{year}.geojson").read_text(encoding="utf-8"))
    return {f["properties"]["KATO"]: f["properties"] for f in data["features"]}


def territory_rows(shared: Path) -> list[dict[str, str]]:
    """Rows of ``territories.csv``: the country, the pre-2018 South Kazakhstan region and the 20 regions."""
    old, new = _features(shared, 2018), _features(shared, 2024)
    if len(old) != 17 or len(new) != 20 or not set(old) <= set(new):
        raise ValueError("expected 17 regions (2018) contained in 20 regions (2024)")
    born = {
        code: day
        for day, splits in SPLITS.items()
        for src, targets in splits.items()
        for code in targets
        if code != src
    }
    rows = [
        {
            "code": COUNTRY,
            "level": "country",
            "iso_code": "KZ",
            "name_kk": "Қазақстан Республикасы",
            "name_ru": "Республика Казахстан",
            "name_en": "Republic of Kazakhstan",
        },
        {
            "code": SOUTH_KAZAKHSTAN,
            "level": "region",
            "parent": COUNTRY,
            "valid_to": REFORM_2018,
            "successors": ";".join(SPLITS[REFORM_2018][SOUTH_KAZAKHSTAN]),
            "name_kk": "Оңтүстік Қазақстан облысы",
            "name_ru": "Южно-Казахстанская область",
            "name_en": "South Kazakhstan Region",
        },
    ]
    for code in sorted(new):
        props = new[code]
        kk, ru, en = region_names(props)
        rows.append(
            {
                "code": code,
                "level": "region",
                "parent": COUNTRY,
                "valid_from": born.get(code, ""),
                "iso_code": props["ISO_3166_2"],
                "name_kk": kk,
                "name_ru": ru,
                "name_en": en,
            }
        )
    return [{key: row.get(key, "") for key in HEADER} for row in rows]


def population_rows(shared: Path) -> list[dict[str, str]]:
    """``POPULATION`` observations by KATO code; South Kazakhstan before 2018 = Turkestan
    region + Shymkent."""
    cells: dict[tuple[str, int], int] = {}
    notes: dict[tuple[str, int], str] = {}
    for name, year, value in population_by_region(shared):
        code = BNS_NAMES[name]
        if code in SPLITS[REFORM_2018][SOUTH_KAZAKHSTAN] and year < 2018:
            code = SOUTH_KAZAKHSTAN
            if name == "г. Шымкент" or (name == "Туркестанская 1" and year == 2017):
                notes[(code, year)] = "sum of Turkestan region and Shymkent as published by BNS for 2017"
        cells[(code, year)] = cells.get((code, year), 0) + value
    return [
        {
            "indicator": "POPULATION",
            "territory": code,
            "period": str(year),
            "value": str(value),
            "unit": "count",
            "source": "bns_population",
            "note": notes.get((code, year), ""),
            "as_of": "",
        }
        for (code, year), value in sorted(cells.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    ]


def change_rows(population: list[dict[str, str]]) -> list[dict[str, str]]:
    """Rows of ``territory_changes.csv``: each split with the population share of every successor."""
    pop = {(r["territory"], int(r["period"])): int(r["value"]) for r in population}
    rows = []
    for day, splits in SPLITS.items():
        year = int(day[:4])
        for source, targets in splits.items():
            values = [pop[(t, year)] for t in targets]
            shares = [round(v / sum(values), 4) for v in values]
            shares[-1] = round(1 - sum(shares[:-1]), 4)
            for target, share in zip(targets, shares):
                rows.append(
                    {
                        "day": day,
                        "kind": "split",
                        "source": source,
                        "target": target,
                        "share": f"{share:.4f}",
                        "basis": "population",
                    }
                )  # at the start of the reform year, BNS, new borders
    return rows


def split_shares(changes: list[dict[str, str]]) -> dict[str, dict[str, float]]:
    """``{old code: {successor: share}}`` from the change rows."""
    out: dict[str, dict[str, float]] = {}
    for row in changes:
        out.setdefault(row["source"], {})[row["target"]] = float(row["share"])
    return out
