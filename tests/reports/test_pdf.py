"""The report's PDF read back as a reader sees it: text, footer, contents, footnotes, chart, long tables.

Each language's document is rendered once (module fixture) and read with poppler-utils (pdf_tools).
"""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import time

import pytest
from contract_html import CODE, LETTERS, URLS, WORDS, headings, note_text, report_html
from pdf_tools import pdf_fonts, pdf_pages, pdf_rasters, pdf_words

from natije.reports.pdf import body_attributes, footer_css, pdf_bytes

LANGS = ("kk", "ru", "en")
A4_HEIGHT = 841.89  # points; print.css sets the page size
FILLERS = 1  # a section after the table that uses note 1 again
TOC_LINE = re.compile(r"^\s*(?P<title>\S.*?)\s*(?:\.\s*)+(?P<page>\d+)\s*$")


@pytest.fixture(scope="module", params=LANGS)
def report(request: pytest.FixtureRequest) -> tuple[str, bytes, list[str]]:
    lang = request.param
    pdf = pdf_bytes(report_html(lang, fillers=FILLERS))
    return lang, pdf, pdf_pages(pdf)


def test_text_comes_back_in_the_language_without_missing_glyphs(report):
    lang, pdf, pages = report
    text = "\n".join(pages)
    assert LETTERS[lang] in text and WORDS[lang]["title"].split(":")[0] in text
    assert "\ufffd" not in text
    # every font is DejaVu Sans, the footer's too: a margin box without a font of its own falls back to serif
    fonts = pdf_fonts(pdf)
    assert fonts and all(name.startswith("DejaVu-Sans") for name in fonts), fonts


def test_every_page_has_the_footer_in_the_language(report):
    lang, _, pages = report
    label, date = WORDS[lang]["page_label"], WORDS[lang]["date"]
    assert len(pages) >= 5
    for number, page in enumerate(pages, start=1):
        footer = [line for line in page.splitlines() if line.strip()][-1]
        assert f"{CODE} · {date}" in footer, (number, footer)
        assert label.format(page=number, pages=len(pages)) in footer, (number, footer)
    if lang != "en":
        assert "Page" not in "\n".join(pages)


def test_contents_give_the_page_each_section_starts_on(report):
    lang, _, pages = report
    at = next(n for n, page in enumerate(pages) if any(map(TOC_LINE.match, page.splitlines())))
    assert at == 1  # the contents have a page of their own, after the first (the summary's)
    toc = {
        found["title"]: int(found["page"])
        for line in pages[at].splitlines()
        if (found := TOC_LINE.match(line))
    }
    titles = [title for _, title in headings(lang, FILLERS)]
    assert list(toc) == titles
    for title in titles:
        starts = [
            n
            for n, page in enumerate(pages[at + 1 :], start=at + 2)
            if title in map(str.strip, page.splitlines())
        ]
        assert starts and starts[0] == toc[title], (title, starts, toc[title])
    assert toc[titles[-1]] > toc[titles[0]]


def test_sources_are_footnotes_at_the_bottom_of_the_page_of_first_use(report):
    lang, pdf, pages = report
    first = next(n for n, page in enumerate(pages, start=1) if LETTERS[lang] in page)
    assert f"{WORDS[lang]['values'][0]}[1]" in pages[first - 1]
    assert f"{WORDS[lang]['values'][1]}[2]" in pages[first - 1]
    words = pdf_words(pdf, first)
    paragraph = next(w for w in words if w.text == LETTERS[lang].split()[0])
    footer = max(w.y0 for w in words if w.text == CODE)
    for number in (1, 2):
        url = next(w for w in words if w.text == URLS[number - 1])
        assert paragraph.y1 < A4_HEIGHT * 0.3 < A4_HEIGHT * 0.8 < url.y0 < footer, (number, url, footer)
        assert f"[{number}] {note_text(lang, number)}" in " ".join(pages[first - 1].split())
    # the twelve later uses of note 1 keep their marker and repeat no footnote: its text is in the footnote of
    # its first use and in the sources list only
    again = f"{WORDS[lang]['values'][0]}[1]"
    assert sum(page.count(again) for page in pages[first:]) == 12
    assert " ".join(" ".join(pages).split()).count(note_text(lang, 1)) == 2


def test_the_chart_draws_between_its_heading_and_caption(report):
    lang, pdf, pages = report
    chart_title, caption = WORDS[lang]["sections"][1], WORDS[lang]["caption"]
    number = next(n for n, page in enumerate(pages, start=1) if caption in page)
    words = pdf_words(pdf, number)
    heading = next(w for w in words if w.text == chart_title)
    below = next(w for w in words if w.text == caption.split()[0] and w.y0 > heading.y1)
    page = pdf_rasters(pdf, 50, number)[0]
    area = (heading.x0, heading.y1 + 2, page.width * 72 / 50 - heading.x0, below.y0 - 2)
    assert below.y0 - heading.y1 > 200  # the chart is drawn at its size, not squashed
    assert page.ink_share(area, coloured=True) > 0.003  # the coloured lines and points of the series
    assert page.ink_share(area) > 0.02
    assert page.ink_share((0, 0, heading.x0 - 5, below.y0)) == 0.0  # the left margin stays blank


def test_a_long_table_breaks_between_rows_with_its_header_on_every_page(report):
    lang, _, pages = report
    row_word, (first_column, second_column) = WORDS[lang]["row"], WORDS[lang]["columns"]
    header = re.compile(rf"^\s*{first_column}\s+{second_column}\s*$")
    row = re.compile(rf"^\s*{row_word} (\d{{3}})\s+(\d+\.\d\d)\s*$")
    second_line = re.compile(r"^\s*KATO 7100(\d{5})\s*$")
    rows, kato, pages_with_rows = [], {}, []
    for number, page in enumerate(pages, start=1):
        lines = page.splitlines()
        on_page = [(i, int(found[1])) for i, line in enumerate(lines) if (found := row.match(line))]
        if not on_page:
            continue
        pages_with_rows.append(number)
        above = lines[: on_page[0][0]]
        assert any(header.match(line) for line in above), (number, above)
        rows += [(r, number) for _, r in on_page]
        kato |= {int(found[1]): number for line in lines if (found := second_line.match(line))}
    assert [r for r, _ in rows] == list(range(120))
    assert len(pages_with_rows) >= 3
    assert kato == dict(rows)  # both lines of every row on the same page


def test_the_same_html_gives_the_same_bytes():
    html = report_html("kk")
    first, second = pdf_bytes(html), pdf_bytes(html)
    assert first == second
    assert b"/CreationDate" not in first and b"/ModDate" not in first


def test_a_twenty_page_report_renders_quickly(capsys):
    html = report_html("kk", fillers=18)
    started, cpu = time.perf_counter(), time.process_time()
    pdf = pdf_bytes(html)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert len(pdf_pages(pdf)) >= 20
    with capsys.disabled():  # the clock on a shared machine says little alone: the CPU time beside it
        print(f"\n{len(pdf_pages(pdf))} pages in {seconds:.2f} s ({cpu:.2f} s of CPU)")


def test_footer_words_become_css_strings_around_the_counters():
    assert footer_css('{page} "из" {pages}\\') == (
        '@page { @bottom-right { content: counter(page) " \\"из\\" " counter(pages) "\\\\"; } }'
    )
    assert footer_css("") == '@page { @bottom-right { content: ""; } }'


def test_body_attributes_are_read_with_entities_decoded():
    assert body_attributes('<html><BODY data-page-label="Page {page} &amp; {pages}" hidden>') == {
        "data-page-label": "Page {page} & {pages}",
        "hidden": "",
    }
    assert body_attributes("<p>no body</p>") == {}


def test_unknown_css_is_not_reported_to_the_reader(caplog):
    with caplog.at_level(logging.WARNING):
        pdf_bytes("<html><head><style>p { frobnicate: 3 }</style></head><body><p>Сәлем</p></body></html>")
    assert not [r for r in caplog.records if r.name.startswith(("weasyprint", "fontTools"))]


def test_importing_the_module_does_not_load_weasyprint():
    code = "import sys, natije.reports.pdf; print('weasyprint' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_without_page_words_the_footer_shows_numbers_only():
    pdf = pdf_bytes('<html lang="kk"><body><p style="break-after: page">Бір</p><p>Екі</p></body></html>')
    assert ["".join(page.split())[-3:] for page in pdf_pages(pdf)] == ["1/2", "2/2"]
