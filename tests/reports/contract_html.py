"""A report written to the HTML contract of ``natije.reports.pdf``, in Kazakh, Russian or English.

It has what a program report has: a running footer line, a table of contents, numbers with notes (note 1 used
again in later sections without its text), the web app's series chart as inline SVG, a long table whose rows
take two lines, optional filler sections to make the document long, and the sources.
"""

from __future__ import annotations

import datetime
from html import escape

import polars as pl

from natije.charts import series_chart, svg

CODE = "AI2023"
LETTERS = {"kk": "әғқңөұүһі ӘҒҚҢӨҰҮҺІ", "ru": "ёжщъыэю ЁЖЩЪЫЭЮ", "en": "quick brown fox"}
URLS = ("https://stat.gov.kz/digital-villages", "https://budget.egov.kz/AI2023-lines")
WORDS = {
    "kk": {
        "date": "07.12.2026",
        "page_label": "{page}-бет, барлығы {pages}",
        "title": "Қолжетімді интернет: сауал бойынша есеп",
        "sections": ("Қорытынды", "Диаграмма", "Өңірлер кестесі", "Дереккөздер"),
        "filler": "Қосымша бөлім",
        "sentence": "Бағдарлама көрсеткіштері өңірлер бойынша ұзақ бақыланды және нәтижелері жарияланды.",
        "notes": ("Ұлттық статистика бюросы", "Бюджеттік бағдарлама әкімшісі"),
        "caption": "Сурет 1. Талшықты-оптикалық байланысы бар ауылдар үлесі",
        "columns": ("Өңір", "Мән"),
        "row": "Өңір",
        "values": ("42,2 %", "36,4 млрд теңге"),
    },
    "ru": {
        "date": "07.12.2026",
        "page_label": "Страница {page} из {pages}",
        "title": "Доступный интернет: отчёт по запросу",
        "sections": ("Итоги", "Диаграмма", "Таблица регионов", "Источники"),
        "filler": "Дополнительный раздел",
        "sentence": "Показатели программы долго отслеживались по регионам, а результаты были опубликованы.",
        "notes": ("Бюро национальной статистики", "Администратор бюджетной программы"),
        "caption": "Рисунок 1. Доля сёл с волоконно-оптической связью",
        "columns": ("Регион", "Значение"),
        "row": "Регион",
        "values": ("42,2 %", "36,4 млрд тенге"),
    },
    "en": {
        "date": "7 Dec 2026",
        "page_label": "Page {page} of {pages}",
        "title": "Affordable Internet: inquiry report",
        "sections": ("Summary", "Chart", "Regions table", "Sources"),
        "filler": "Further section",
        "sentence": "The program's indicators were followed by region for years and the results published.",
        "notes": ("Bureau of National Statistics", "Administrator of the budget program"),
        "caption": "Figure 1. Share of villages with fibre-optic connection",
        "columns": ("Region", "Value"),
        "row": "Region",
        "values": ("42.2%", "KZT 36.4 bn"),
    },
}


def note_text(lang: str, number: int) -> str:
    """The source text of note ``number`` (1-based), as its footnote and the sources list write it."""
    return f"{WORDS[lang]['notes'][number - 1]} — {URLS[number - 1]}"


def ref(lang: str, number: int, *, first: bool) -> str:
    value = WORDS[lang]["values"][number - 1]
    link = f'<a class="ref" href="{URLS[number - 1]}" data-note="{number}">{escape(value)}</a>'
    if not first:
        return link
    text = escape(note_text(lang, number))
    return f'{link}<span class="note" id="note-{number}" data-note="{number}">{text}</span>'


def chart_svg(lang: str) -> str:
    """The web app's series chart of the demo's fibre indicator, drawn by vl-convert."""
    observations = pl.DataFrame(
        {
            "period": ["2020", "2022", "2024", "2025"],
            "value": [19.3, 30.0, 41.0, 42.2],
            "illustrative": [False] * 4,
        }
    )
    commitments = pl.DataFrame(
        {
            "kind": ["baseline", "target"],
            "period": ["2024", "2027"],
            "value": [41.0, 90.0],
            "version": [1, 1],
            "decided_on": [datetime.date(2024, 9, 1), datetime.date(2025, 6, 24)],
        }
    )
    return svg(series_chart(observations, commitments, lang=lang, name="", unit="%").spec)


def headings(lang: str, fillers: int = 0) -> list[tuple[str, str]]:
    """(id, heading) of every section, in order."""
    summary, chart, table, sources = WORDS[lang]["sections"]
    extra = [(f"sec-more-{i}", f"{WORDS[lang]['filler']} {i}") for i in range(1, fillers + 1)]
    return [
        ("sec-summary", summary),
        ("sec-chart", chart),
        ("sec-table", table),
        *extra,
        ("sec-sources", sources),
    ]


def _table(lang: str, rows: int) -> str:
    words = WORDS[lang]
    head = f"<th>{escape(words['columns'][0])}</th><th class='num'>{escape(words['columns'][1])}</th>"
    cells = ((f"{words['row']} {i:03d}<br>KATO {710000000 + i}", f"{10 + i / 4:.2f}") for i in range(rows))
    body = "".join(f"<tr><td>{label}</td><td class='num'>{value}</td></tr>" for label, value in cells)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def report_html(lang: str, *, fillers: int = 0, rows: int = 120) -> str:
    """The whole document; ``fillers`` sections of twelve paragraphs each, using note 1 again, lengthen it."""
    words = WORDS[lang]
    sections = dict(headings(lang, fillers))
    toc = "".join(f'<li><a href="#{key}">{escape(title)}</a></li>' for key, title in sections.items())
    paragraph = f"<p>{escape(words['sentence'])} {ref(lang, 1, first=False)}</p>" * 12
    fill = "".join(
        f'<section id="{key}"><h2>{escape(sections[key])}</h2>{paragraph}</section>'
        for key in sections
        if key.startswith("sec-more-")
    )
    sources = "".join(f"<li>{escape(note_text(lang, n))}</li>" for n in (1, 2))
    page_label = escape(words["page_label"])
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{escape(words["title"])}</title></head>
<body data-program="{CODE}" data-as-of="2026-12-07" data-page-label="{page_label}">
<p class="running">{CODE} · {words["date"]}</p>
<header class="report-head"><h1>{escape(words["title"])}</h1></header>
<nav class="toc"><ol>{toc}</ol></nav>
<section id="sec-summary"><h2>{sections["sec-summary"]}</h2>
<p>{LETTERS[lang]}: {ref(lang, 1, first=True)}; {ref(lang, 2, first=True)}.</p></section>
<section id="sec-chart"><h2>{sections["sec-chart"]}</h2>
<figure class="chart">{chart_svg(lang)}<figcaption>{escape(words["caption"])}</figcaption></figure></section>
<section id="sec-table"><h2>{sections["sec-table"]}</h2>{_table(lang, rows)}</section>
{fill}
<section id="sec-sources"><h2>{sections["sec-sources"]}</h2><ol>{sources}</ol></section>
</body></html>
"""
