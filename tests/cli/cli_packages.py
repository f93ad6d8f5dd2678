"""Helpers shared by the CLI tests: small program packages that share one agency, source and district."""

from __future__ import annotations

from pathlib import Path

from postgres_db import POSTGRES

PROGRAM_YAML = """format: natije-program/1
agencies:
  - code: SHARED
    names: {{kk: Ортақ министрлік, ru: Общее министерство, en: Shared ministry}}
sources:
  - {{code: shared_stat, title: Shared statistics office, kind: official}}
program:
  code: {code}
  names: {{kk: {code} бағдарламасы, ru: Программа {code}, en: Program {code}}}
  kind: state_program
  start_year: 2019
  end_year: 2023
  status: in_force
  owner: SHARED
indicators:
  - code: {code}.USERS
    names: {{kk: Пайдаланушылар, ru: Пользователи, en: Users}}
    level: outcome
    unit: "%"
    direction: increase
    kind: stock
    frequency: A
    span: {{from: 2015, to: 2023}}
    agency: SHARED
    source: shared_stat
commitments:
  - {{indicator: {code}.USERS, kind: baseline, period: 2018, value: 50, decided_on: 2018-12-20, \
document: Decree}}
  - {{indicator: {code}.USERS, kind: target, period: 2023, value: 80, decided_on: 2018-12-20, \
document: Decree}}
"""

# one national row and one for a region that exists only since the 2018 reform (built-in territories)
OBSERVATIONS = "indicator,territory,period,value,as_of\n" + "".join(
    f"{{code}}.USERS,{territory},{year},{50 + 5 * (year - 2018)},{year + 1}-03-01\n"
    for year in range(2018, 2023)
    for territory in ("000000000", "790000000")
)


# a district the built-in territories do not have, declared by every package that passes ``district=True``
DISTRICT = "791010000"
TERRITORIES_CSV = (
    "code,level,parent,valid_from,valid_to,successors,iso_code,name_kk,name_ru,name_en\n"
    f"{DISTRICT},district,790000000,2018-06-19,,,,Ортақ аудан,Общий район,Shared district\n"
)


def write_program(folder: Path, code: str, *, district: bool = False) -> Path:
    """A package of program ``code``: agency, source and territories are shared with every other such package.

    Without ``district`` it holds only the program (the store's built-in territories serve); with it, it also
    declares :data:`DISTRICT` and reports values for it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "program.yaml").write_text(PROGRAM_YAML.format(code=code), encoding="utf-8")
    rows = OBSERVATIONS.replace("{code}", code)
    if district:
        (folder / "territories.csv").write_text(TERRITORIES_CSV, encoding="utf-8")
        rows += "".join(
            f"{code}.USERS,{DISTRICT},{year},{40 + year - 2018},{year + 1}-03-01\n"
            for year in range(2019, 2023)
        )
    (folder / "observations.csv").write_text(rows, encoding="utf-8")
    return folder


postgres = POSTGRES
