"""The report's writers, registered by format: ``html`` and ``md`` from their Jinja2 templates, ``pdf`` from
the HTML laid out for print (:mod:`natije.reports.pdf`). :func:`render` picks the writer the request names.

Every writer gets the same context (:func:`context`): the content, the language's helpers
(:func:`natije.reports.words.helpers`), ``ref`` (a number linked to its source, numbered notes:
:class:`natije.reports.notes.Notes`) and ``e`` (text escaped for the format).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from natije.reports.content import ReportContent
from natije.reports.notes import Notes, escaped
from natije.reports.words import helpers

Writer = Callable[[ReportContent], bytes]
WRITERS: dict[str, Writer] = {}


def writer(form: str) -> Callable[[Writer], Writer]:
    """Register a function that writes a report's content as ``form`` (a ``--format`` value)."""

    def register(function: Writer) -> Writer:
        WRITERS[form] = function
        return function

    return register


@cache
def environment() -> Environment:
    """The templates of :mod:`natije.reports` (HTML escaped; Markdown templates escape through ``e``)."""
    return Environment(
        loader=PackageLoader("natije.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def context(content: ReportContent, form: str, *, printed: bool = False) -> dict[str, Any]:
    """What every template reads; ``printed``: the HTML is laid out for paper (footnotes, page numbers)."""
    notes = Notes(form)
    return {
        **helpers(content.request.lang),
        "c": content,
        "r": content.request,
        "ref": notes.ref,
        "notes": notes,
        "e": lambda text: escaped(form, text),
        "printed": printed,
    }


def html_text(content: ReportContent, *, printed: bool = False) -> str:
    """The report as one HTML document (styles inline, charts as inline SVG)."""
    return environment().get_template("report.html").render(context(content, "html", printed=printed))


@writer("html")
def html(content: ReportContent) -> bytes:
    """The report for a screen: one self-contained HTML file."""
    return html_text(content).encode()


@writer("md")
def markdown(content: ReportContent) -> bytes:
    """The report as Markdown (tables as pipe tables, numbers as reference links; no charts)."""
    return environment().get_template("report.md").render(context(content, "md")).encode()


@writer("pdf")
def pdf(content: ReportContent) -> bytes:
    """The report on paper: the HTML laid out for print, with footnotes and page numbers."""
    from natije.reports.pdf import pdf_bytes

    return pdf_bytes(html_text(content, printed=True))


def render(content: ReportContent) -> bytes:
    """The content written in the format its request names."""
    return WRITERS[content.request.format](content)
