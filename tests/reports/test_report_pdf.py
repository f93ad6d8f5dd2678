"""The inquiry report of every demo program on paper, in three languages, read back with poppler: its words in
the language and script, the summary's key numbers, the footer, the contents' page numbers, the sources as
footnotes, the charts drawn."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from pdf_tools import pdf_pages, pdf_rasters

from natije.locale import formats, t

# Affordable Internet in every language and format in the default run; the other programs with the slow tests
PROGRAMS = (
    "AI2023",
    *(pytest.param(code, marks=pytest.mark.slow) for code in ("IK2020", "DK2018", "TB2021")),
)
DAY = date(2026, 12, 7)
KAZAKH_LETTERS = set("әғқңөұүһі")


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("program", PROGRAMS)
def test_every_program_on_paper(rendered: Callable[..., bytes], program: str, lang: str) -> None:
    pdf = rendered(program, lang, "pdf")
    pages = pdf_pages(pdf)
    whole = flat(" ".join(pages))
    assert pdf.startswith(b"%PDF-") and len(pages) >= 3
    for section in ("summary", "analysis", "results", "impact", "method", "sources"):
        assert flat(t(f"report.section.{section}", lang)) in whole
    interface = flat(t("report.section.analysis", lang) + t("report.section.impact", lang)).lower()
    assert bool(KAZAKH_LETTERS & set(interface)) == (lang == "kk")
    footer = f"{program} · {t('report.footer_as_of', lang, date=formats.date(DAY, lang))}"
    for number, page in enumerate(pages, start=1):
        label = t("report.page_of", lang, page=number, pages=len(pages))
        assert footer in flat(page) and label in flat(page), (number, page[-300:])


def test_summary_page_comes_first_with_its_key_numbers(rendered: Callable[..., bytes]) -> None:
    pdf = rendered("AI2023", "kk", "pdf")
    first = flat(pdf_pages(pdf)[0])
    assert flat(t("report.section.summary", "kk")) in first
    counts = ", ".join(
        t("scorecard.status_count", "kk", status=t(f"status.{s}", "kk"), count=n)
        for s, n in (("off_track", 2), ("insufficient_data", 1))
    )
    assert (
        flat(t("report.summary.targets", "kk", count=3, date=formats.date(DAY, "kk"), counts=counts)) in first
    )
    assert "89 %" in first  # budget executed, against 0 % of targets achieved


def test_contents_page_numbers_point_to_the_sections(rendered: Callable[..., bytes]) -> None:
    pdf = rendered("AI2023", "en", "pdf")
    pages = [flat(p) for p in pdf_pages(pdf)]
    contents = next(p for p in pages if t("report.toc", "en") in p)
    for section in ("analysis", "results", "impact"):
        title = t(f"report.section.{section}", "en")
        found = re.search(re.escape(title) + r"[ .]*?(\d+)", contents)
        assert found, title
        page = int(found.group(1))
        assert title in pages[page - 1]


def test_sources_are_footnotes_and_charts_drew(rendered: Callable[..., bytes]) -> None:
    pdf = rendered("AI2023", "ru", "pdf")
    pages = pdf_pages(pdf)
    fibre = next(p for p in pages if "AI2023.VILLAGES_FIBRE_SHARE" in p and "42,2 %[" in p)
    note = re.search(r"42,2 %\[(\d+)\]", fibre)
    assert note is not None
    foot = flat(fibre[fibre.index(f"[{note.group(1)}] ") :])  # the note of 42.2 % at the foot of its page
    assert "zakon.kz" in foot.replace(" ", "") and "2,606 of 6,179" in foot
    rasters = pdf_rasters(pdf, 40)
    coloured = [r.ink_share((0, 0, r.width * 72 / 40, r.height * 72 / 40), coloured=True) for r in rasters]
    assert (
        sum(share > 0.002 for share in coloured) >= 3
    )  # the series, budget and effects charts drew in colour
