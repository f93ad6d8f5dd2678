"""Where each number of a report comes from: numbered notes, one per distinct source, in order of first use.

A template writes a number through ``ref(text, href, note)``: the number links to ``href`` (the indicator's
page, the evaluation, the source), and ``note`` says what it is (the source's title, the document that set a
target). Notes are numbered the first time a (``href``, ``note``) pair is used; later uses take the same
number. The HTML writes the note beside its first use (the PDF turns it into a footnote) and lists every note
at the end; Markdown writes reference-style links whose definitions close the document.

>>> notes = Notes("md")
>>> a = "https://example.org/a"
>>> notes.ref("42,2 %", a, "Source A"), notes.ref("41 %", a, "Source A")
('[42,2 %][1]', '[41 %][1]')
>>> [(n.number, n.href) for n in notes.listed()]
[(1, 'https://example.org/a')]
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#"})


def md_escape(text: object) -> str:
    """``text`` with the characters Markdown would read as markup escaped (table pipes included)."""
    return str(text).translate(MARKDOWN_SPECIAL).replace("\n", " ")


@dataclass(frozen=True)
class Note:
    """One numbered note: where a number links to and what it says about the number's source."""

    number: int
    href: str
    text: str


class Notes:
    """The notes of one report, numbered in order of first use; ``form`` is ``"html"`` or ``"md"``."""

    def __init__(self, form: str) -> None:
        self.form = form
        self._numbers: dict[tuple[str, str], Note] = {}

    def ref(self, text: str, href: str, note: str) -> str:
        """``text`` (a number as written) linked to ``href``, with its note's number (HTML: ``Markup``)."""
        key = (href, note)
        found = self._numbers.get(key)
        first = found is None
        if found is None:
            found = self._numbers[key] = Note(len(self._numbers) + 1, href, note)
        if self.form == "md":
            return f"[{md_escape(text)}][{found.number}]"
        link = Markup('<a class="ref" href="{}" data-note="{}">{}</a>').format(href, found.number, text)
        if first:
            link += Markup('<span class="note" id="note-{0}" data-note="{0}">{1}</span>').format(
                found.number, note
            )
        return link

    def listed(self) -> list[Note]:
        """Every note, by number."""
        return sorted(self._numbers.values(), key=lambda n: n.number)


def escaped(form: str, text: object) -> str:
    """``text`` made safe for ``form``: HTML-escaped, or Markdown's markup characters escaped."""
    return md_escape(text) if form == "md" else str(escape(text))
