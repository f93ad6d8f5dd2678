"""The program's report served by the web app: HTML inline, PDF and Markdown as downloads, in the page's
language, linked from the program page, its numbers linking back to this site, tagged for revalidation."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from natije.locale import t


def test_program_page_offers_the_report_in_three_formats(client: TestClient) -> None:
    html = client.get("/ru/programs/AI2023?as_of=2026-01-31").text
    for fmt in ("html", "pdf", "md"):
        assert f'href="/ru/programs/AI2023/report.{fmt}?as_of=2026-01-31"' in html
    assert t("web.program.report", "ru") in html


def test_html_report_links_numbers_to_this_site(client: TestClient) -> None:
    answer = client.get("/kk/programs/AI2023/report.html?as_of=2026-12-07")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    assert '<html lang="kk">' in answer.text and t("report.section.impact", "kk") in answer.text
    links = re.findall(r'<a class="ref" href="([^"]+)"', answer.text)
    assert links and all(link.startswith("http://testserver/kk/") for link in links)
    again = client.get(
        "/kk/programs/AI2023/report.html?as_of=2026-12-07", headers={"If-None-Match": answer.headers["etag"]}
    )
    assert again.status_code == 304 and not again.content


def test_pdf_and_markdown_are_downloads(client: TestClient) -> None:
    pdf = client.get("/en/programs/AI2023/report.pdf?as_of=2026-12-07")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-type"] == "application/pdf"
    assert 'filename="AI2023-en-2026-12-07.pdf"' in pdf.headers["content-disposition"]
    md = client.get("/en/programs/AI2023/report.md")
    assert md.headers["content-type"].startswith("text/markdown") and md.text.startswith("# National project")


def test_unknown_format_program_or_day_answer_in_the_language(client: TestClient) -> None:
    assert client.get("/ru/programs/AI2023/report.docx").status_code == 404
    missing = client.get("/ru/programs/NOPE/report.html")
    assert missing.status_code == 404 and "NOPE" in missing.text
    assert client.get("/ru/programs/AI2023/report.md?as_of=31.12.2025").status_code == 422
