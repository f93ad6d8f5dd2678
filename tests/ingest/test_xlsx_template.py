"""The XLSX reporting template: written for one agency, filled with openpyxl, read back safely."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from collections.abc import Callable

import openpyxl
import polars as pl
import pytest

from natije.domain.names import Names
from natije.domain.periods import Frequency
from natije.errors import ValidationError
from natije.ingest import limits
from natije.ingest.limits import UploadLimits
from natije.ingest.problems import ProblemLog
from natije.ingest.readers import OBSERVATIONS
from natije.ingest.xlsx_template import (
    TemplateIndicator,
    TemplateSpec,
    TemplateTerritory,
    read_upload,
    write_template,
)
from natije.locale import t

BIRTHS = TemplateIndicator(
    "MZ.1", Names("Туу саны", "Число рождений", "Births"), "count", Frequency.ANNUAL, ("2023", "2024")
)
VISITS = TemplateIndicator(
    "MZ.2", Names("Қаралу", "Посещения", "Visits"), "thousand", Frequency.QUARTERLY, ("2024-Q1", "2024-Q2")
)
ALMATY = TemplateTerritory("750000000", Names("Алматы", "Алматы", "Almaty"))
ASTANA = TemplateTerritory("710000000", Names("Астана", "Астана", "Astana"))


def spec(lang: str = "en", due: tuple[tuple[str, str, str], ...] | None = None) -> TemplateSpec:
    rows = due or tuple(
        (i.code, tr.code, p) for i in (BIRTHS, VISITS) for tr in (ALMATY, ASTANA) for p in i.periods
    )
    return TemplateSpec("MZ", lang, (BIRTHS, VISITS), (ALMATY, ASTANA), rows)


def book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def saved(wb: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def problems(data: bytes, label: str = "upload.xlsx") -> list[tuple[str, int | None, str | None, str]]:
    with pytest.raises(ValidationError) as caught:
        read_upload(data, label)
    return [(p.file, p.row, p.column, p.code) for p in caught.value.problems]


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Swap the upload limits for smaller ones."""

    def apply(**values: int) -> None:
        monkeypatch.setattr(limits, "UPLOAD_LIMITS", UploadLimits(**values))

    return apply


def test_round_trip_reads_back_the_filled_rows_and_skips_empty_ones() -> None:
    wb = book(write_template(spec()))
    ws = wb["values"]
    ws["D2"] = 1234  # MZ.1 Almaty 2023
    ws["D3"] = 1250.5
    ws["E3"] = "estimate"
    ws["D6"] = "n/a"  # text stays text, for the validation to report
    ws.append(["MZ.2 — Visits", "710000000", "2024-Q2", 7.25, None])  # a row the template did not list
    frame = read_upload(saved(wb), "upload.xlsx")
    assert frame.columns == [*OBSERVATIONS.columns, "row"]
    got = frame.select("indicator", "territory", "period", "value", "note", "row").rows()
    assert got == [
        ("MZ.1", "750000000", "2023", "1234", None, 2),
        ("MZ.1", "750000000", "2024", "1250.5", "estimate", 3),
        ("MZ.2", "750000000", "2024-Q1", "n/a", None, 6),
        ("MZ.2", "710000000", "2024-Q2", "7.25", None, 10),
    ]


def test_a_template_nobody_filled_reads_as_no_rows() -> None:
    assert read_upload(write_template(spec()), "t.xlsx").height == 0


def test_prefilled_rows_cover_every_due_value_with_the_value_empty() -> None:
    ws = book(write_template(spec()))["values"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 8
    assert rows[0] == ("MZ.1 — Births", "750000000 — Almaty", "2023", None, None)
    assert all(r[3] is None for r in rows)
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width > 20


def test_data_validations_point_at_the_lists_on_a_hidden_protected_sheet() -> None:
    wb = book(write_template(spec("ru")))
    lists = wb["lists"]
    assert lists.sheet_state == "hidden" and lists.protection.sheet
    assert [c.value for c in lists["A"] if c.value] == ["MZ.1 — Число рождений", "MZ.2 — Посещения"]
    assert [c.value for c in lists["B"] if c.value] == ["750000000 — Алматы", "710000000 — Астана"]
    assert [c.value for c in lists["C"] if c.value] == ["2023", "2024", "2024-Q1", "2024-Q2"]
    rules = {str(v.sqref).split(":")[0]: v for v in wb["values"].data_validations.dataValidation}
    assert {k: (v.type, v.formula1) for k, v in rules.items()} == {
        "A2": ("list", "lists!$A$1:$A$2"),
        "B2": ("list", "lists!$B$1:$B$2"),
        "C2": ("list", "lists!$C$1:$C$4"),
        "D2": ("decimal", "-1000000000000000"),
    }
    assert str(rules["D2"].sqref) == "D2:D1009"  # the 8 due rows and room for 1,000 more
    assert rules["D2"].error == t("template.error.value", "ru") and rules["D2"].showErrorMessage
    assert rules["A2"].errorTitle == "Нет в списке"


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_headers_and_instructions_are_in_the_language(lang: str) -> None:
    wb = book(write_template(spec(lang)))
    header = [c.value for c in wb["values"][1]]
    codes = ("indicator", "territory", "period", "value", "note")
    assert header == [t(f"template.column.{c}", lang) for c in codes]
    notes = wb[t("template.sheet.instructions", lang)]
    text = [c for row in notes.iter_rows(values_only=True) for c in row if c]
    assert text[0] == t("template.title", lang, agency="MZ")
    assert t("template.step.5", lang) in text and t("template.frequency.Q", lang) in text
    assert BIRTHS.names.get(lang) in text and ALMATY.names.get(lang) in text
    assert wb.sheetnames == ["values", t("template.sheet.instructions", lang), "lists"]
    assert {n: wb.defined_names[n].attr_text for n in wb.defined_names} == {
        f"natije_{c}": f"values!${'ABCDE'[i]}$1" for i, c in enumerate(codes)
    }


def test_headers_differ_by_language_and_the_reader_does_not_care() -> None:
    heads = {lang: book(write_template(spec(lang)))["values"]["A1"].value for lang in ("kk", "ru", "en")}
    assert len(set(heads.values())) == 3
    for lang in ("kk", "ru", "en"):
        wb = book(write_template(spec(lang)))
        wb["values"]["D2"] = 5
        assert read_upload(saved(wb), "x.xlsx")["value"].to_list() == ["5"]


def test_a_header_without_the_workbook_names_is_read_by_its_titles_in_any_language() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "values"
    ws.append(["Мәні", "Показатель", "territory", "Period"])  # kk, ru, code, en; in another order
    ws.append([3, "MZ.1", "750000000", "2024"])
    frame = read_upload(saved(wb), "x.xlsx")
    assert frame.select("indicator", "territory", "period", "value").row(0) == (
        "MZ.1",
        "750000000",
        "2024",
        "3",
    )


def test_the_same_spec_gives_the_same_bytes() -> None:
    first = write_template(spec("kk"))
    time.sleep(1.1)  # a clock in the file would now differ
    assert write_template(spec("kk")) == first
    assert write_template(spec("ru")) != first
    with zipfile.ZipFile(io.BytesIO(first)) as zf:
        core = zf.read("docProps/core.xml").decode()
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert "2000-01-01T00:00:00Z" in core


def test_a_spec_with_a_due_value_outside_its_lists_is_refused() -> None:
    with pytest.raises(ValueError):
        spec(due=(("MZ.1", "750000000", "2024-Q1"),))
    with pytest.raises(ValueError):
        TemplateSpec("MZ", "de", (), (), ())


def bomb(size: int) -> bytes:
    """An .xlsx-looking zip whose worksheet inflates to ``size`` bytes of zeros (a few KiB packed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        real = zipfile.ZipFile(io.BytesIO(write_template(spec())))
        for info in real.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                zf.writestr(info.filename, real.read(info))
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"0" * (1 << 20)
            for _ in range(size >> 20):
                member.write(chunk)
    return out.getvalue()


def test_a_zip_bomb_is_refused_from_its_directory_without_inflating_it() -> None:
    data = bomb(256 << 20)  # 256 MiB of zeros in about 1 MiB: past the 128 MiB a part may inflate to
    assert len(data) < 2 << 20
    tracemalloc.start()
    started = time.perf_counter()
    try:
        found = problems(data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 1.0
    assert peak < 4 << 20  # the bytes held already, nothing inflated
    assert found == [("upload.xlsx", None, None, "too_large")]


def test_parts_inflating_past_the_total_are_refused(small: Callable[..., None]) -> None:
    small(total_bytes=10_000)
    found = problems(write_template(spec()))
    assert found == [("upload.xlsx", None, None, "too_large")]


def test_too_many_parts_are_refused_before_the_directory_is_read(small: Callable[..., None]) -> None:
    small(entries=5)
    log = ProblemLog()
    assert read_upload(write_template(spec()), "up.xlsx", log).height == 0
    assert [(p.code, p.extra["key"]) for p in log.items] == [("too_large", "expected.zip_entries_at_most")]


def test_an_oversized_upload_is_refused_before_parsing(small: Callable[..., None]) -> None:
    small(upload_bytes=1000)
    log = ProblemLog()
    read_upload(b"x" * 1001, "big.xlsx", log)
    [p] = log.items
    assert (p.file, p.code, p.extra["key"]) == ("big.xlsx", "too_large", "expected.file_at_most")
    assert "1000 B" in p.expected_in("ru")


def test_a_formula_is_refused_naming_its_cell_and_never_calculated() -> None:
    wb = book(write_template(spec()))
    wb["values"]["D2"] = 7
    wb["values"]["D3"] = "=D2*1000"
    wb["values"]["G4"] = '=HYPERLINK("http://evil")'  # outside the read columns: refused all the same
    log = ProblemLog()
    frame = read_upload(saved(wb), "up.xlsx", log)
    assert frame["row"].to_list() == [2]
    assert [(p.row, p.column, p.code, p.value) for p in log.items] == [
        (3, "value", "formula", "=D2*1000"),
        (4, None, "formula", '=HYPERLINK("http://evil")'),
    ]
    assert "values!D3" in log.items[0].expected_in("kk") and "values!G4" in log.items[1].expected_in("en")
    with pytest.raises(ValidationError):
        read_upload(saved(wb), "up.xlsx")


def test_more_rows_than_the_limit_are_refused(small: Callable[..., None]) -> None:
    small(rows=5)
    wb = book(write_template(spec()))
    log = ProblemLog()
    read_upload(saved(wb), "up.xlsx", log)
    assert [(p.row, p.code, p.extra["params"]) for p in log.items] == [(7, "too_large", {"limit": 5})]


def test_a_far_away_cell_is_refused_by_the_row_limit_quickly(small: Callable[..., None]) -> None:
    small(rows=1000)
    wb = book(write_template(spec()))
    wb["values"]["D1000000"] = 1
    started = time.perf_counter()
    assert [c for *_rest, c in problems(saved(wb))] == ["too_large"]
    assert time.perf_counter() - started < 2.0


@pytest.mark.parametrize(
    "data",
    [
        b"indicator,territory,period,value\nMZ.1,750000000,2024,1\n",
        b"\x00\x01garbage" * 100,
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,  # an old .xls or an encrypted workbook
        b"",
    ],
)
def test_what_is_not_an_xlsx_workbook_is_refused(data: bytes) -> None:
    assert problems(data, "values.xlsx") == [("values.xlsx", None, None, "format")]


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("word/document.xml", "<w/>")
    assert problems(out.getvalue()) == [("upload.xlsx", None, None, "format")]


@pytest.mark.parametrize("content_type, vba", [(True, True), (True, False), (False, True)])
def test_a_macro_enabled_workbook_is_refused(content_type: bool, vba: bool) -> None:
    wb = book(write_template(spec()))
    wb["values"]["D2"] = 1
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(saved(wb))) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "[Content_Types].xml" and content_type:  # as Excel writes an .xlsm
                body = body.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
            zf.writestr(info.filename, body)
        if vba:
            zf.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")
    log = ProblemLog()
    assert read_upload(out.getvalue(), "report.xlsm", log).height == 0
    assert [(p.code, p.extra["key"]) for p in log.items] == [("macros", "expected.xlsx_no_macros")]


def test_a_nested_archive_or_a_path_outside_the_workbook_is_refused() -> None:
    for name in ("xl/media/inner.zip", "../../etc/passwd"):
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(write_template(spec()))) as src, zipfile.ZipFile(out, "w") as zf:
            for info in src.infolist():
                zf.writestr(info.filename, src.read(info))
            zf.writestr(name, b"PK")
        assert problems(out.getvalue()) == [("upload.xlsx", None, None, "zip_unsafe")]


def test_hostile_text_in_a_note_is_kept_as_plain_data() -> None:
    hostile = "<script>alert(1)</script>'; DROP TABLE observations; --"
    wb = book(write_template(spec()))
    wb["values"]["D2"] = 1
    wb["values"]["E2"] = hostile
    wb["values"]["D3"] = 2
    wb["values"]["E3"] = "'=1+1"  # a formula-looking string typed as text is text
    frame = read_upload(saved(wb), "up.xlsx")
    assert frame["note"].to_list() == [hostile, "'=1+1"]


def test_the_rows_pass_the_import_checks_and_bad_values_name_row_and_column() -> None:
    from natije.demo import demo_paths
    from natije.ingest.plan import prepare
    from natije.ingest.validate import check_batch

    paths = [p for p in demo_paths() if p.name in ("reference", "DK2018")]
    rows = pl.read_csv(paths[1] / "observations.csv", infer_schema=False).head(2).rows(named=True)
    indicators = {
        r["indicator"]: TemplateIndicator(
            r["indicator"], Names("a", "b", "c"), "count", Frequency.ANNUAL, tuple(x["period"] for x in rows)
        )
        for r in rows
    }
    places = {r["territory"]: TemplateTerritory(r["territory"], Names("a", "b", "c")) for r in rows}
    due = tuple((r["indicator"], r["territory"], r["period"]) for r in rows)
    template = TemplateSpec("X", "en", tuple(indicators.values()), tuple(places.values()), due)
    wb = book(write_template(template))
    wb["values"]["D2"], wb["values"]["D3"] = float(rows[0]["value"]), "ten"
    frame = read_upload(saved(wb), "up.xlsx")
    plan = prepare(paths, catalog=None)
    try:
        log = ProblemLog()
        clean = check_batch(frame, plan.known, "up.xlsx", log)
        assert [(p.row, p.column, p.value) for p in log.items] == [(3, "value", "ten")]
        assert clean.filter(pl.col("row") == 2)["value"].to_list() == [float(rows[0]["value"])]
    finally:
        plan.close()


def test_shared_formulas_are_refused_and_a_broken_header_name_falls_back_to_the_titles() -> None:
    from openpyxl.workbook.defined_name import DefinedName

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "values"
    wb.defined_names["natije_value"] = DefinedName("natije_value", attr_text="values!#REF!")
    ws.append(["indicator", "territory", "period", "value"])
    ws.append(["MZ.1", "750000000", "2023", "=1+1"])
    ws.append(["MZ.1", "750000000", "2024", "=1+2"])
    ws.append(["MZ.1", "710000000", "2024", 4])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(saved(wb))) as src, zipfile.ZipFile(out, "w") as zf:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":  # the form Excel writes a filled-down formula in
                body = body.replace(b"<f>1+1</f>", b'<f t="shared" ref="D2:D3" si="0">1+1</f>')
                body = body.replace(b"<f>1+2</f>", b'<f t="shared" si="0"/>')
            zf.writestr(info, body)
    log = ProblemLog()
    frame = read_upload(out.getvalue(), "up.xlsx", log)
    assert [(p.row, p.code) for p in log.items] == [(2, "formula"), (3, "formula")]
    assert frame["row"].to_list() == [4]


def test_entities_expanding_without_end_are_refused_as_unreadable() -> None:
    laughs = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lolololololol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10) for i in range(1, 10)
    )
    wb = book(write_template(spec()))
    wb["values"]["D2"] = 1
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(saved(wb))) as src, zipfile.ZipFile(out, "w") as zf:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":  # a billion laughs in the value
                sheet = body[body.index(b"<worksheet") :].replace(b"<v>1</v>", b"<v>&lol9;</v>")
                assert b"&lol9;" in sheet
                body = laughs + b"]>" + sheet
            zf.writestr(info, body)
    started = time.perf_counter()
    assert problems(out.getvalue()) == [("upload.xlsx", None, None, "unreadable")]
    assert time.perf_counter() - started < 5.0
