"""Every table of the pages as CSV, XLSX and JSON over HTTP: same rows in each format, headers in the page's
language, numbers as numbers, formula-like text neutralised, links on the pages, 404 for unknown names."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

from natije.locale import t
from natije.web import Settings, create_app
from natije.web.tables import TABLES

PAGES = {
    "overview": "",
    "program": "/programs/AI2023",
    "indicator": "/indicators/AI2023.VILLAGES_FIBRE_SHARE",
    "territory": "/territories/430000000",
    "evaluation": "/evaluations/1",
}
TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def _csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _xlsx(content: bytes) -> list[list[object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize(("page", "table"), sorted(TABLES))
def test_every_table_downloads_in_every_format_with_the_same_rows(
    client: TestClient, page: str, table: str
) -> None:
    url = f"/ru{PAGES[page]}/{table}"
    answers = {fmt: client.get(f"{url}.{fmt}") for fmt in TYPES}
    for fmt, answer in answers.items():
        assert answer.status_code == 200 and answer.headers["content-type"] == TYPES[fmt]
        assert answer.headers["content-disposition"].startswith("attachment; filename=")
        assert answer.headers["content-disposition"].endswith(f'.{fmt}"')
    body = answers["json"].json()
    titles = [c["title"] for c in body["columns"]]
    assert titles == [t(f"column.{c['name']}", "ru") for c in body["columns"]]
    assert _csv(answers["csv"].content)[0] == titles == _xlsx(answers["xlsx"].content)[0]
    assert len(_csv(answers["csv"].content)) == len(body["rows"]) + 1 == len(_xlsx(answers["xlsx"].content))
    if table not in ("weights",):  # the demo's evaluation is not a synthetic one: it has no weights
        assert body["rows"], f"{page}/{table} is empty"


def test_numbers_stay_numbers_and_headers_follow_the_language(client: TestClient) -> None:
    rows = _xlsx(client.get("/kk/programs/AI2023/budget.xlsx").content)
    assert rows[0] == ["Жыл", "Валюта", "Жоспарланды", "Бекітілді", "Атқарылды", "Атқарылу деңгейі"]
    assert rows[1][:4] == [2024, "KZT", 92400000000, None]  # numbers, not text
    body = client.get("/en/indicators/AI2023.VILLAGES_FIBRE_SHARE/regions.json?period=2025").json()
    kyzylorda = next(r for r in body["rows"] if r["territory"] == "430000000")
    assert kyzylorda == {
        "territory": "430000000",
        "name": "Kyzylorda Region",
        "period": "2025",
        "value": 39.7,
        "illustrative": True,
    }
    text = client.get("/ru/indicators/AI2023.VILLAGES_FIBRE_SHARE/regions.csv?period=2025").content
    assert "430000000,Кызылординская область,2025,39.7,true" in text.decode("utf-8-sig")
    assert text.startswith("\ufeff".encode())  # spreadsheets read the Cyrillic right
    then = client.get("/en/scorecards.json?as_of=2019-06-30").json()["rows"]
    now = client.get("/en/scorecards.json").json()["rows"]
    assert [c["program"] for c in now] == ["IK2020", "DK2018", "TB2021", "AI2023"]
    assert then[1]["program"] == now[1]["program"] == "DK2018"
    assert then[1]["on_track"] >= 1 and now[1]["on_track"] == 0 and now[1]["missed"] >= 1


@pytest.fixture(scope="module")
def doctored(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    """A copy of the demo store whose target documents read like spreadsheet formulas."""
    path = tmp_path_factory.mktemp("formulas") / "demo.db"
    with sqlite3.connect(demo_db) as source, sqlite3.connect(path) as conn:
        source.backup(conn)  # the store writes ahead in a log: a file copy could miss the last import
        conn.execute("UPDATE commitments SET document = '=1+1' WHERE version = 2")
        conn.execute("UPDATE commitments SET document = '@SUM(A1:A9)' WHERE version = 1 AND kind = 'target'")
    return TestClient(create_app(Settings(database_url=str(path))))


def test_formula_like_text_is_neutralised_in_csv_and_xlsx_and_kept_in_json(doctored: TestClient) -> None:
    url = "/en/indicators/AI2023.VILLAGES_FIBRE_SHARE/targets"
    documents = [r["document"] for r in doctored.get(f"{url}.json").json()["rows"]]
    assert "=1+1" in documents and "@SUM(A1:A9)" in documents
    cells = [row[-1] for row in _csv(doctored.get(f"{url}.csv").content)[1:]]
    assert "'=1+1" in cells and "'@SUM(A1:A9)" in cells and "=1+1" not in cells
    sheet = openpyxl.load_workbook(io.BytesIO(doctored.get(f"{url}.xlsx").content)).active
    column = [row[-1] for row in sheet.iter_rows(min_row=2)]
    formula = next(c for c in column if c.value == "=1+1")
    assert formula.data_type == "s" and formula.quotePrefix  # text, shown as typed, never computed
    value = next(row[4] for row in sheet.iter_rows(min_row=2))
    assert value.data_type == "n" and value.value == 41  # the 2024 baseline, a number


def test_unknown_tables_and_formats_are_404_pages_in_the_language(client: TestClient) -> None:
    table = client.get("/ru/programs/AI2023/secrets.csv")
    assert table.status_code == 404 and "таблицы «secrets»" in table.text
    assert "results, budget, lineage, flags" in table.text
    fmt = client.get("/kk/programs/AI2023/results.ods")
    assert fmt.status_code == 404 and "«ods» жүктеу пішімі жоқ" in fmt.text
    assert client.get("/en/programs/NOPE/results.csv").status_code == 404


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_every_page_links_its_tables_in_every_format(client: TestClient, lang: str) -> None:
    for page, path in PAGES.items():
        html = client.get(f"/{lang}{path or '/'}").text
        assert t("web.download.title", lang) in html, page
        for table in (name for (p, name) in TABLES if p == page):
            assert t(f"web.table.{table}", lang) in html
            for fmt in TYPES:
                assert f'href="/{lang}{path}/{table}.{fmt}' in html, (page, table, fmt)
    dated = client.get(f"/{lang}/programs/AI2023?as_of=2025-07-01&basis=first").text
    assert f'href="/{lang}/programs/AI2023/results.xlsx?as_of=2025-07-01&amp;basis=first"' in dated
    regions = client.get(f"/{lang}/indicators/AI2023.VILLAGES_FIBRE_SHARE?period=2024").text
    assert f'href="/{lang}/indicators/AI2023.VILLAGES_FIBRE_SHARE/regions.csv?period=2024"' in regions


def test_a_workbook_states_a_fixed_creation_time(client: TestClient) -> None:
    """One ETag names one file: the workbook does not state when it was written, so the same table downloaded
    later gives the same bytes."""
    import zipfile

    url = "/en/programs/AI2023/results.xlsx"
    first, second = client.get(url), client.get(url)
    assert first.headers["etag"] == second.headers["etag"] and first.content == second.content
    with zipfile.ZipFile(io.BytesIO(first.content)) as book:
        core = book.read("docProps/core.xml").decode()
    assert '<dcterms:created xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:created>' in core
