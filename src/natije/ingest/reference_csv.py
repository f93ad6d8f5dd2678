"""Reference tables of a package: ``territories.csv`` and ``territory_changes.csv`` into domain objects.

These files are small (a few thousand administrative units at most), so each is read whole and checked row
by row: codes, levels, ISO dates in order, parents and successors that exist, reform shares.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

import polars as pl

from natije.domain.names import Names
from natije.domain.territories import ChangeKind, Territory, TerritoryChange, TerritoryLevel
from natije.errors import Expected
from natije.ingest import kato
from natije.ingest.package import Package
from natije.ingest.problems import ProblemLog
from natije.ingest.readers import TERRITORIES, TERRITORY_CHANGES, TableSpec, read_table

CODE = re.compile(r"^[0-9]{1,12}$")
DATE_EXPECTED = Expected("expected.date_example", example="2018-06-19")


def _read_all(package: Package, member: str, spec: TableSpec, log: ProblemLog) -> pl.DataFrame | None:
    frames = list(read_table(package, member, spec, log))
    return pl.concat(frames) if frames else None


def _day(text: str | None, label: str, row: int, column: str, log: ProblemLog) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        log.add(label, row, column, text, DATE_EXPECTED, "date")
        return None


def read_territories(
    package: Package, log: ProblemLog, known_codes: Iterable[str] = (), declared: set[str] | None = None
) -> list[Territory] | None:
    """Parse ``territories.csv``; parents and successors may be in the file or in ``known_codes``.

    Every code the file names, valid or not, is added to ``declared``. ``None`` when the file is unreadable.
    """
    label = package.label("territories.csv")
    frame = _read_all(package, "territories.csv", TERRITORIES, log)
    if frame is None:
        return None
    if declared is not None:
        declared.update(c for c in frame["code"].to_list() if c)
    levels = [lv.value for lv in TerritoryLevel]
    out: list[tuple[int, Territory]] = []
    seen: dict[str, int] = {}
    for rec in frame.iter_rows(named=True):
        row, ok = rec["row"], True
        code = rec["code"]
        if code is not None and kato.looks_like_number(code):
            log.add(label, row, "code", code, kato.as_number_expected(code), "kato_as_number")
            ok = False
        elif code is None or not CODE.match(code):
            log.add(label, row, "code", code, Expected("expected.kato_code"), "code")
            ok = False
        elif code in seen:
            log.add(
                label, row, "code", code, Expected("expected.code_first_at", row=seen[code]), "duplicate_code"
            )
            ok = False
        else:
            seen[code] = row
        if rec["level"] not in levels:
            log.add(
                label,
                row,
                "level",
                rec["level"],
                Expected("expected.one_of", values=", ".join(levels)),
                "level",
            )
            ok = False
        for lang in ("kk", "ru", "en"):
            if rec[f"name_{lang}"] is None:
                log.add(label, row, f"name_{lang}", None, Expected("expected.name_empty"), "missing")
                ok = False
        start = _day(rec["valid_from"], label, row, "valid_from", log)
        end = _day(rec["valid_to"], label, row, "valid_to", log)
        if (rec["valid_from"] and start is None) or (rec["valid_to"] and end is None):
            ok = False
        elif start and end and end <= start:
            log.add(
                label,
                row,
                "valid_to",
                rec["valid_to"],
                Expected("expected.date_after", start=start),
                "date_order",
            )
            ok = False
        if ok:
            successors = tuple(s.strip() for s in (rec["successors"] or "").split(";") if s.strip())
            names = Names(rec["name_kk"], rec["name_ru"], rec["name_en"])
            out.append(
                (
                    row,
                    Territory(
                        code,
                        names,
                        TerritoryLevel(rec["level"]),
                        rec["parent"],
                        start,
                        end,
                        successors,
                        rec["iso_code"],
                    ),
                )
            )
    codes = set(seen) | set(known_codes)
    for row, t in out:
        if t.parent is not None and t.parent not in codes:
            log.add(label, row, "parent", t.parent, Expected("expected.parent_known"), "unknown_parent")
        for s in t.successors:
            if s not in codes:
                log.add(
                    label, row, "successors", s, Expected("expected.successors_known"), "unknown_territory"
                )
    return [t for _, t in out]


def read_changes(package: Package, log: ProblemLog, known_codes: Iterable[str]) -> list[TerritoryChange]:
    """Parse ``territory_changes.csv``: one row per (reform, target),
    grouped into :class:`TerritoryChange`."""
    label = package.label("territory_changes.csv")
    frame = _read_all(package, "territory_changes.csv", TERRITORY_CHANGES, log)
    if frame is None:
        return []
    codes = set(known_codes)
    kinds = [k.value for k in ChangeKind]
    groups: dict[tuple, dict[str, float]] = {}
    for rec in frame.iter_rows(named=True):
        row, ok = rec["row"], True
        day = _day(rec["day"], label, row, "day", log)
        if rec["day"] is None:
            log.add(label, row, "day", None, DATE_EXPECTED, "missing")
        if rec["kind"] not in kinds:
            log.add(
                label, row, "kind", rec["kind"], Expected("expected.one_of", values=", ".join(kinds)), "kind"
            )
            ok = False
        for col in ("source", "target"):
            if rec[col] not in codes:
                log.add(
                    label, row, col, rec[col], Expected("expected.territory_in_file"), "unknown_territory"
                )
                ok = False
        share = 1.0
        if rec["share"] is not None:
            try:
                share = float(rec["share"])
                if not 0 < share <= 1:
                    raise ValueError
            except ValueError:
                log.add(label, row, "share", rec["share"], Expected("expected.share"), "share")
                ok = False
        if ok and day is not None:
            key = (day, rec["kind"], rec["source"], rec["basis"] or "population")
            groups.setdefault(key, {})[rec["target"]] = share
    return [
        TerritoryChange(d, ChangeKind(k), s, shares, basis) for (d, k, s, basis), shares in groups.items()
    ]
