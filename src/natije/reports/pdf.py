"""The report's HTML on paper: :func:`pdf_bytes` renders it with WeasyPrint and ``static/print.css``.

The HTML contract ``print.css`` styles (the report template writes exactly this):

- ``<html lang="kk|ru|en">`` and ``<body data-program="AI2023" data-as-of="2026-12-07"
  data-page-label="{page}-бет, барлығы {pages}">``: ``data-page-label`` is the footer's page words from the
  locale catalog, ``{page}`` and ``{pages}`` standing for the numbers (without it the footer shows ``N / M``).
- ``<p class="running">AI2023 · 07.12.2026</p>`` as the first element of the body (the date written the way
  the language writes dates): taken out of the flow into the bottom left of every page. Hide it on screen.
- ``<header class="report-head"><h1>…</h1></header>``, then ``<nav class="toc"><ol><li><a
  href="#sec-summary">…</a></li>…</ol></nav>``: each entry gets dot leaders and its section's page number; the
  contents end their page.
- ``<section id="sec-…"><h2>…</h2>…</section>``, subsections ``<h3>``; headings are kept with what follows.
- A number with its source: ``<a class="ref" href="URL" data-note="N">42,2 %</a>``, on the first use of note N
  only followed by ``<span class="note" id="note-N" data-note="N">source text — URL</span>``. Every ``a.ref``
  gets a superscript ``[N]``; each ``span.note`` becomes a footnote at the bottom of its page, marked ``[N]``
  (without ``data-note`` on the span, its order among the footnotes). ``<section id="sec-sources">`` lists
  every note.
- ``<figure class="chart"><svg …>…</svg><figcaption>…</figcaption></figure>``: inline SVG scaled to the text
  width, never split. ``<table>`` with ``<thead>``: breaks between rows, the header repeated on each page;
  ``td.num``/``th.num`` align right.

``print.css`` is added as a user stylesheet, so the template's own styles must be for the screen only
(``@media screen``), or they win over it.

>>> page = '<html lang="en"><body data-page-label="Page {page} of {pages}"><p>Hello</p></body></html>'
>>> pdf_bytes(page)[:5]
b'%PDF-'
"""

from __future__ import annotations

import logging
import re
from functools import cache
from html.parser import HTMLParser
from importlib.resources import files

# Warnings about CSS WeasyPrint does not know and fonts fontTools subsets are for developers, not for readers
# of a report: only errors (an unreadable image, say) reach the log.
_QUIET_LOGGERS = ("weasyprint", "fontTools")
_BODY_TAG = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"(\{page\}|\{pages\})")


@cache
def print_css() -> str:
    """The print stylesheet (``natije/reports/static/print.css``) as text."""
    return (files("natije.reports") / "static" / "print.css").read_text(encoding="utf-8")


class _BodyAttributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.attributes: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.attributes = {name: value or "" for name, value in attrs}


def body_attributes(html: str) -> dict[str, str]:
    """The attributes of the document's ``<body>`` tag, entities decoded (empty without a body tag)."""
    found = _BODY_TAG.search(html)
    if found is None:
        return {}
    parser = _BodyAttributes()
    parser.feed(found.group(0))
    parser.close()
    return parser.attributes


def _css_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    return f'"{escaped}"'


def footer_css(page_label: str) -> str:
    """The ``@page`` rule writing ``page_label`` bottom right, ``{page}`` and ``{pages}`` as the counters.

    >>> footer_css("Бет {page} / {pages}")
    '@page { @bottom-right { content: "Бет " counter(page) " / " counter(pages); } }'
    """
    parts = []
    for piece in _PLACEHOLDER.split(page_label):
        if piece in ("{page}", "{pages}"):
            parts.append(f"counter({piece[1:-1]})")
        elif piece:
            parts.append(_css_string(piece))
    return "@page { @bottom-right { content: " + " ".join(parts or ['""']) + "; } }"


def _quiet_logs() -> None:
    for name in _QUIET_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:  # a level someone chose is kept
            logger.setLevel(logging.ERROR)


def pdf_bytes(html: str, *, base_url: str | None = None) -> bytes:
    """Render the report's ``html`` (the contract in this module's docstring) as a PDF.

    The same HTML gives the same bytes: no creation date and no random file identifier are written
    (a ``<meta name="dcterms.created">`` in the HTML would add one).

    Parameters
    ----------
    html
        The whole document, as the report template writes it.
    base_url
        Where relative URLs in ``html`` point (a folder URL or path); ``None`` when it has none.

    Returns
    -------
    bytes
        The PDF file.
    """
    import weasyprint  # hundreds of milliseconds to import: only when a PDF is made

    _quiet_logs()
    stylesheets = [weasyprint.CSS(string=print_css())]
    label = body_attributes(html).get("data-page-label")
    if label:
        stylesheets.append(weasyprint.CSS(string=footer_css(label)))
    document = weasyprint.HTML(string=html, base_url=base_url)
    return bytes(document.write_pdf(stylesheets=stylesheets))  # without a target it returns the bytes
