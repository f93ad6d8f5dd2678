"""Rebuild the bad-input corpus: one package folder per error type,
each the good test package with ONE defect.

Run from the repository root: ``.venv/bin/python tests/data/bad/_build.py``. Every case folder holds an
``expected.json`` naming the single problem the import must report (file, row, column, problem code and a
fragment of the "expected" text). The good package is ``tests/data/ingest/good`` (hand-written test data).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent
GOOD = ROOT.parent / "ingest" / "good"
ROW = 10  # an appended observation row: header is row 1, the good file has 8 data rows (rows 2-9)


def case(
    name: str,
    expected: dict,
    *,
    append: str | None = None,
    files: dict[str, bytes | str] | None = None,
    replace: tuple[str, str, str] | None = None,
) -> None:
    """Copy the good package to ``name`` and apply one defect."""
    target = ROOT / name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(GOOD, target)
    if append is not None:
        with open(target / "observations.csv", "a", encoding="utf-8") as fh:
            fh.write(append + "\n")
    if replace is not None:
        member, old, new = replace
        text = (target / member).read_text(encoding="utf-8")
        assert old in text, (name, old)
        if expected.get("row") == "auto":
            expected["row"] = text[: text.index(old)].count("\n") + 1 + expected.pop("row_offset", 0)
        (target / member).write_text(text.replace(old, new, 1), encoding="utf-8")
    for member, content in (files or {}).items():
        path = target / member
        if content is None:
            path.unlink()
        else:
            path.write_bytes(content if isinstance(content, bytes) else content.encode())
    expected.setdefault("file", f"{name}/observations.csv")
    (target / "expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


def _xlsx(rows: list[list[object]]) -> bytes:
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _zip(extra: dict[str, str]) -> bytes:
    """The good package zipped in a folder ``pkg/``, plus ``extra`` entries named exactly as given."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in sorted(GOOD.iterdir()):
            info = zipfile.ZipInfo(f"pkg/{f.name}", date_time=(2024, 1, 1, 0, 0, 0))
            zf.writestr(info, f.read_bytes())
        for name, text in extra.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), text)
    return buf.getvalue()


def obs(name: str, line: str, column: str, code: str, fragment: str) -> None:
    case(name, {"row": ROW, "column": column, "code": code, "expected": fragment}, append=line)


def build() -> None:
    for old in ROOT.iterdir():
        if old.is_dir():
            shutil.rmtree(old)
    good_obs = (GOOD / "observations.csv").read_text(encoding="utf-8")
    obs(
        "unknown_indicator",
        "TEST2020.NOPE,000000000,2019,1,,,,",
        "indicator",
        "unknown_indicator",
        "indicator declared",
    )
    obs(
        "unknown_territory",
        "TEST2020.INTERNET,999999999,2019,50,,,,",
        "territory",
        "unknown_territory",
        "KATO",
    )
    obs(
        "unit_mismatch",
        "TEST2020.INTERNET,000000000,2018,77,count,,,",
        "unit",
        "unit_mismatch",
        "compatible with '%'",
    )
    obs(
        "unknown_unit",
        "TEST2020.INTERNET,000000000,2018,77,parsecs,,,",
        "unit",
        "unit",
        "a unit natije knows",
    )
    obs("text_in_number", "TEST2020.INTERNET,000000000,2018,77 %,,,,", "value", "not_a_number", "a number")
    obs("missing_value", "TEST2020.INTERNET,000000000,2018,,,,,", "value", "missing", "empty")
    obs(
        "duplicate_key",
        "TEST2020.INTERNET,000000000,2017,78.5,,,,",
        "indicator",
        "duplicate_key",
        "first at duplicate_key/observations.csv row 3",
    )
    obs(
        "period_unparseable",
        "TEST2020.INTERNET,000000000,2018-13,77,,,,",
        "period",
        "period",
        "a quarter (2024-Q1)",
    )
    obs(
        "period_outside_span",
        "TEST2020.INTERNET,000000000,2005,60,,,,",
        "period",
        "outside_span",
        "2010–2022",
    )
    obs(
        "period_wrong_frequency",
        "TEST2020.VILLAGES,000000000,2019,200,,,,",
        "period",
        "frequency",
        "a quarter such as",
    )
    obs(
        "territory_not_valid",
        "TEST2020.INTERNET,511000000,2020,75,,,,",
        "territory",
        "territory_not_valid",
        "2018-06-19",
    )
    obs(
        "unknown_source",
        "TEST2020.INTERNET,000000000,2018,77,,wb,,",
        "source",
        "unknown_source",
        "a source declared",
    )
    obs("bad_as_of", "TEST2020.INTERNET,000000000,2018,77,,,,31.12.2018", "as_of", "date", "ISO date")
    obs(
        "share_above_100",
        "TEST2020.INTERNET,000000000,2018,104.5,,,,",
        "value",
        "out_of_range",
        "from 0 to 100 %",
    )
    obs(
        "negative_count",
        "TEST2020.VILLAGES,000000000,2019-Q3,-3,,,,",
        "value",
        "out_of_range",
        "at least 0 count",
    )
    obs(
        "as_of_in_future", "TEST2020.INTERNET,000000000,2018,77,,,,2999-01-01", "as_of", "future", "not after"
    )
    obs(
        "malformed_row",
        "TEST2020.INTERNET,000000000,2018",
        None,
        "malformed_row",
        "comma-separated fields: 8",
    )  # type: ignore[arg-type]
    cp1251 = good_obs.encode("utf-8").replace("после реформы".encode(), "после реформы".encode("cp1251"))
    case(
        "encoding_not_utf8",
        {"row": 5, "column": None, "code": "encoding", "expected": "Windows-1251"},
        files={"observations.csv": cp1251},
    )
    obs(
        "kato_as_number",
        "TEST2020.INTERNET,75000000,2019,88.6,,,,",
        "territory",
        "kato_as_number",
        "probably 075000000",
    )
    case(
        "xlsx_formula",
        {
            "file": "xlsx_formula/observations_2021.xlsx",
            "row": 3,
            "column": "value",
            "code": "formula",
            "expected": "not a formula",
        },
        files={
            "observations_2021.xlsx": _xlsx(
                [
                    ["indicator", "territory", "period", "value"],
                    ["TEST2020.INTERNET", "000000000", 2021, 80],
                    ["TEST2020.INTERNET", "750000000", 2021, "=D2+9"],
                ]
            )
        },
    )
    case(
        "empty_file",
        {"row": None, "column": None, "code": "empty", "expected": "header row"},
        files={"observations.csv": b""},
    )
    case(
        "missing_column",
        {"row": 1, "column": "value", "code": "missing_column", "expected": "required"},
        files={"observations.csv": "indicator,territory,period\nTEST2020.INTERNET,000000000,2018\n"},
    )
    case(
        "unknown_column",
        {"row": 1, "column": "comment", "code": "unknown_column", "expected": "only the columns"},
        files={
            "observations.csv": "indicator,territory,period,value,comment\n"
            "TEST2020.INTERNET,000000000,2018,77,x\n"
        },
    )
    y = "program.yaml"
    case(
        "yaml_bad_enum",
        {
            "file": f"yaml_bad_enum/{y}",
            "row": "auto",
            "column": "indicators[0].direction",
            "code": "schema",
            "expected": "one of increase, decrease, maintain",
        },
        replace=(y, "direction: increase\n    kind: stock", "direction: up\n    kind: stock"),
    )
    # the parser notices the unclosed '[' on the line after it
    case(
        "yaml_syntax",
        {
            "file": f"yaml_syntax/{y}",
            "row": "auto",
            "row_offset": 1,
            "column": None,
            "code": "yaml",
            "expected": "valid YAML",
        },
        replace=(y, "  start_year: 2018", "  start_year: [2018"),
    )
    case(
        "yaml_unknown_unit",
        {
            "file": f"yaml_unknown_unit/{y}",
            "row": "auto",
            "column": "indicators[2].unit",
            "code": "unit",
            "expected": "a unit such as",
        },
        replace=(y, "unit: mn KZT", "unit: mn tenge-ish"),
    )
    case(
        "yaml_unknown_reference",
        {
            "file": f"yaml_unknown_reference/{y}",
            "row": "auto",
            "column": "commitments[1].indicator",
            "code": "unknown_indicator",
            "expected": "an indicator declared",
        },
        replace=(
            y,
            "{indicator: TEST2020.INTERNET, kind: target",
            "{indicator: TEST2020.INTERNETS, kind: target",
        ),
    )
    case(
        "yaml_missing_field",
        {
            "file": f"yaml_missing_field/{y}",
            "row": "auto",
            "column": "program.status",
            "code": "schema",
            "expected": "a field 'status' (required)",
        },
        replace=(y, "program:\n", "program:\n"),
    )
    text = (ROOT / "yaml_missing_field" / y).read_text(encoding="utf-8").replace("  status: in_force\n", "")
    (ROOT / "yaml_missing_field" / y).write_text(text, encoding="utf-8")
    case(
        "territory_bad_level",
        {
            "file": "territory_bad_level/territories.csv",
            "row": 5,
            "column": "level",
            "code": "level",
            "expected": "one of country, region",
        },
        replace=("territories.csv", "750000000,region", "750000000,oblast"),
    )
    case(
        "duplicate_across_files",
        {
            "file": "duplicate_across_files/observations_2024.csv",
            "row": 2,
            "column": "indicator",
            "code": "duplicate_key",
            "expected": "first at duplicate_across_files/observations.csv row 6",
        },
        files={
            "observations_2024.csv": "indicator,territory,period,value\n"
            "TEST2020.INTERNET,750000000,2019,88.6\n"
        },
    )
    case(
        "revisions_bad_recorded_at",
        {
            "file": "revisions_bad_recorded_at/revisions.csv",
            "row": 3,
            "column": "recorded_at",
            "code": "date",
            "expected": "ISO date",
        },
        files={
            "revisions.csv": "indicator,territory,period,value,reason,author,recorded_at,source\n"
            "TEST2020.INTERNET,000000000,2017,77.0,first,bns,2018-03-01,stat\n"
            "TEST2020.INTERNET,000000000,2017,78.0,revised,bns,yesterday,stat\n"
        },
    )
    case(
        "zip_outside_folder",
        {
            "file": "package.zip",
            "row": None,
            "column": None,
            "code": "zip_unsafe",
            "expected": "no absolute paths",
        },
        files={
            "program.yaml": None,
            "territories.csv": None,
            "territory_changes.csv": None,
            "observations.csv": None,
            "package.zip": _zip({"../observations_2024.csv": "indicator\n"}),
        },
    )
    case(
        "not_a_package",
        {"file": "not_a_package", "row": None, "column": None, "code": "package", "expected": "program.yaml"},
        files={
            "program.yaml": None,
            "territories.csv": None,
            "territory_changes.csv": None,
            "observations.csv": None,
            "notes.txt": "nothing here\n",
        },
    )


if __name__ == "__main__":
    build()
