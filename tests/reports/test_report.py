"""The inquiry report of every demo program in HTML and Markdown, in three languages: its sections in the
reader's language, the villages-on-fibre story as the sources tell it, every table number linked to where it
comes from, the same bytes for the same store and day."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from html import unescape

import pytest

from natije.errors import NotFound, ValidationError
from natije.locale import t
from natije.services.reporting import ReportRequest, report
from natije.services.stores import Store

# Affordable Internet in every language and format in the default run; the other programs with the slow tests
PROGRAMS = (
    "AI2023",
    *(pytest.param(code, marks=pytest.mark.slow) for code in ("IK2020", "DK2018", "TB2021")),
)
DAY = date(2026, 12, 7)
KAZAKH_LETTERS = set("әғқңөұүһі")
SECTIONS = ("summary", "analysis", "results", "impact", "method", "sources")
FIBRE = "AI2023.VILLAGES_FIBRE_SHARE"


def text_of(store: Store, program: str, lang: str, fmt: str, day: date | None = DAY, **more: str) -> str:
    return report(store, ReportRequest(program, lang, fmt, day, **more)).decode()


Render = Callable[..., str]


def visible(html: str) -> str:
    """The words of an HTML report without its tags, styles and charts."""
    html = re.sub(r"<(style|svg)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return unescape(re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("fmt", ["html", "md"])
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("program", PROGRAMS)
def test_every_program_reads_in_its_language(rendered: Render, program: str, lang: str, fmt: str) -> None:
    document = rendered(program, lang, fmt)
    words = visible(document) if fmt == "html" else document
    for section in SECTIONS:
        assert t(f"report.section.{section}", lang) in words
    interface = " ".join(t(f"report.section.{s}", lang) for s in SECTIONS)
    assert bool(KAZAKH_LETTERS & set(interface.lower())) == (lang == "kk")
    if lang == "en":
        assert not re.search("[а-яё]", interface.lower())
    if fmt == "html":
        assert f'<html lang="{lang}">' in document and "<svg" in document


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_same_store_and_day_give_the_same_bytes(report_store: Store, fmt: str) -> None:
    first = report(report_store, ReportRequest("AI2023", "kk", fmt, DAY))
    assert report(report_store, ReportRequest("AI2023", "kk", fmt, DAY)) == first


def _row(markdown: str, indicator: str) -> str:
    """The first results row under the heading of ``indicator`` in a Markdown report."""
    block = markdown[markdown.index(f"({indicator})") :]
    return next(line for line in block.splitlines() if re.match(r"\| \d{4} \|", line))


def test_villages_on_fibre_story(rendered: Render) -> None:
    md = rendered("AI2023", "en", "md")
    row = _row(md, FIBRE)
    assert "[90%]" in row and "[42.2%]" in row and "(2025)" in row and "off track" in row
    p_meet = re.findall(r"\[(\d+)%\]\[\d+\] \|$", row)
    assert p_meet and 0 < int(p_meet[0]) < 10  # a small chance, not none
    versions = md[md.index(t("report.versions.title", "en"), md.index(f"({FIBRE})")) :]
    assert re.search(
        r"\| 2027 \| 1 \(as first provided for\) \| \[88%\]\[\d+\] \| 2025-06-24 – 2025-10-21 \|", versions
    )
    assert re.search(r"\| 2027 \| 2 \| \[90%\]\[\d+\] \| since 2025-10-21 \|", versions)
    assert "2,606 of 6,179 rural settlements" in md  # the note names the source of 42.2 %


def test_before_the_target_was_raised_the_report_judges_on_88(rendered: Render) -> None:
    md = rendered("AI2023", "en", "md", day=date(2025, 9, 1))
    row = _row(md, FIBRE)
    assert "[88%]" in row and "90%" not in row
    assert "As of 2025-09-01" in md


def test_first_basis_judges_on_the_first_promise(rendered: Render) -> None:
    md = rendered("AI2023", "en", "md", basis="first")
    assert "[88%]" in _row(md, FIBRE)


def test_every_number_of_the_tables_links_to_its_source(rendered: Render) -> None:
    html = rendered("AI2023", "ru", "html")
    cells = re.findall(r'<td class="num">(.*?)</td>', html, flags=re.DOTALL)
    numbered = [cell for cell in cells if re.search(r"\d", re.sub(r"<[^>]+>", "", cell))]
    assert numbered
    unlinked = [cell for cell in numbered if '<a class="ref"' not in cell and "<a href" not in cell]
    assert not unlinked
    notes = set(re.findall(r'data-note="(\d+)"', html))
    listed = set(re.findall(r'<li id="list-note-(\d+)"', html))
    assert notes == listed and notes == {str(n) for n in range(1, len(notes) + 1)}
    first_uses = re.findall(r'<span class="note" id="note-(\d+)"', html)
    assert sorted(first_uses, key=int) == sorted(
        notes, key=int
    )  # each note written once, beside its first use
    assert 'href="http://127.0.0.1:8000/ru/indicators/AI2023.VILLAGES_FIBRE_SHARE?as_of=2026-12-07"' in html


def test_markdown_links_resolve(report_store: Store) -> None:
    md = text_of(report_store, "AI2023", "kk", "md", base_url="https://natije.example.kz/")
    used = set(re.findall(r"\]\[(\d+)\]", md))
    defined = dict(re.findall(r"^\[(\d+)\]: (\S+)$", md, flags=re.MULTILINE))
    assert used and used == set(defined)
    assert all(url.startswith("https://natije.example.kz/kk/") for url in defined.values())


def test_the_stored_evaluation_is_read_in_words(rendered: Render) -> None:
    md = rendered("AI2023", "ru", "md", day=None)  # today: the evaluation was stored today
    impact = md[md.index("\n## " + t("report.section.impact", "ru")) :]
    assert t("evaluation.method.cs", "ru") in impact
    summary = md[: md.index("\n## " + t("report.section.analysis", "ru"))]
    assert t("report.summary.no_impact", "ru") not in summary
    assert "AI2023.RURAL\\_INTERNET\\_USERS" in summary  # the strongest estimate is named on the summary page


def test_an_evaluation_stored_after_the_day_is_not_in_its_report(rendered: Render) -> None:
    md = rendered("AI2023", "ru", "md", day=date(2026, 1, 31))  # before the test stored its evaluation
    assert t("report.summary.no_impact", "ru") in md


def test_a_program_without_evaluations_says_its_impact_is_not_established(rendered: Render) -> None:
    md = rendered("DK2018", "en", "md")
    assert t("report.summary.no_impact", "en") in md


def test_unknown_program_and_options_are_refused(report_store: Store) -> None:
    with pytest.raises(NotFound):
        report(report_store, ReportRequest("NOPE", "en", "md", DAY))
    with pytest.raises(ValidationError) as caught:
        ReportRequest("AI2023", "de", "docx", DAY, "later")
    assert len(caught.value.problems) == 3


def test_indicators_without_an_evaluation_say_what_to_collect(rendered: Render) -> None:
    md = rendered("AI2023", "en", "md", day=None)  # today: the evaluation was stored today
    impact = md[
        md.index("\n## " + t("report.section.impact", "en")) : md.index(
            "\n## " + t("report.section.method", "en")
        )
    ]
    assert t("report.evaluability.title", "en") in impact
    assert "(AI2023.VILLAGES\\_FIBRE\\_SHARE)" in impact  # no stored evaluation: assessed
    assert "#### Internet users in rural areas" not in impact  # evaluated: not assessed again
    assert t("report.evaluability.collect", "en") in impact


def test_summary_numbers_link_to_the_part_that_details_them(rendered: Render) -> None:
    html = rendered("AI2023", "en", "html")
    summary = html[html.index('id="sec-summary"') : html.index('id="sec-analysis"')]
    paragraphs = re.findall(r"<(?:p|li)>(.*?)</(?:p|li)>", summary, flags=re.DOTALL)
    with_numbers = [p for p in paragraphs if re.search(r"\d", re.sub(r"<[^>]+>", "", p))]
    assert with_numbers and all("<a " in p for p in with_numbers)
    targets = set(re.findall(r'<a class="internal" href="#([^"]+)"', summary))
    assert {"sec-analysis", "sec-results", "budget", f"ind-{FIBRE}"} <= targets
    assert all(f'id="{anchor}"' in html for anchor in targets)


def test_rural_connectivity_before_affordable_internet(rendered: Render) -> None:
    md = rendered("AI2023", "en", "md")
    start = re.search(r"^### .*\(AI2023\.VILLAGES\\?_FIBRE\)$", md, flags=re.MULTILINE)
    assert start is not None
    card = md[start.end() : md.index("\n### ", start.end())]
    earlier = card[card.index(t("report.predecessors.title", "en")) :]
    assert re.search(
        r"\*\*IK2020\*\*, Rural settlements reached by fibre-optic lines: promised: no target recorded; "
        r"value by its end: \[1,257\]\[\d+\] \(2020\)",
        earlier,
    )
    lineage = md[md.index("### Lineage") :]
    row = next(line for line in lineage.splitlines() if line.startswith("| Rural settlements reached"))
    assert "·, new" in row and "5,606 (2026), carried over" in row  # IK2020 held it, AI2023 carries it
