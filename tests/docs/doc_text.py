"""Reading the Markdown docs the way the doc tests need: sections, field tables and fenced example blocks.

Only the small subset of Markdown the docs use is understood: ``#`` headings, pipe tables whose first column
holds a code span, and fenced blocks optionally preceded by an HTML comment that says what the block is
(``<!-- file: program.yaml -->`` or ``<!-- fragment -->``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_CODE = re.compile(r"`([^`]+)`")
_FENCE = re.compile(r"^```(\w*)\s*$")
_MARK = re.compile(r"^<!--\s*(file|fragment)\s*(?::\s*(\S+))?\s*-->\s*$")


def read(name: str) -> str:
    """Text of ``docs/<name>``."""
    return (DOCS / name).read_text(encoding="utf-8")


def section(text: str, title: str) -> str:
    """The body of the heading whose text is ``title`` (any level),
    up to the next heading of that level or higher."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = _HEADING.match(line)
        if m and m.group(2) == title:
            level = len(m.group(1))
            out = []
            for rest in lines[i + 1 :]:
                h = _HEADING.match(rest)
                if h and len(h.group(1)) <= level:
                    break
                out.append(rest)
            return "\n".join(out)
    raise AssertionError(f"no section {title!r}")


@dataclass(frozen=True)
class Row:
    """One row of a field table: the field's name, and every cell (``required``, ``meaning``, …) by header."""

    name: str
    cells: dict[str, str]

    @property
    def text(self) -> str:
        return " | ".join(self.cells.values())


def _cells(line: str) -> list[str]:
    # a pipe inside a code span (`a|b`) does not occur in these tables, so a plain split is exact
    return [c.strip() for c in line.strip().strip("|").split("|")]


def field_tables(body: str) -> dict[str, list[Row]]:
    """Tables under the ``###`` headings of ``body``, keyed by the heading's first code span ('' if none).

    A row's name is the code span its first cell starts with; rows without one are not field rows.
    """
    tables: dict[str, list[Row]] = {}
    key: str | None = None
    header: list[str] | None = None
    for line in body.splitlines():
        h = _HEADING.match(line)
        if h:
            code = _CODE.search(h.group(2))
            key = code.group(1) if code else ""
            if key in tables:
                raise AssertionError(f"two tables for {key!r}")
            tables[key] = []
            header = None
            continue
        if key is None or not line.startswith("|"):
            header = None if not line.strip() else header
            continue
        cells = _cells(line)
        if header is None:
            header = [c.lower() for c in cells]
        elif set("".join(cells)) <= set("-: "):
            continue
        else:
            m = _CODE.match(cells[0])
            if m:
                tables[key].append(Row(m.group(1), dict(zip(header, cells))))
    return {k: v for k, v in tables.items() if v}


def tables(body: str) -> list[list[Row]]:
    """Every field table of ``body``, in order (a table ends at the first line that is not a table row)."""
    out: list[list[Row]] = []
    chunk: list[str] = []
    for line in [*body.splitlines(), ""]:
        if line.startswith("|"):
            chunk.append(line)
        elif chunk:
            rows = field_tables("### table\n" + "\n".join(chunk)).get("")
            if rows:
                out.append(rows)
            chunk = []
    return out


@dataclass(frozen=True)
class Block:
    """A fenced block: its language, text, line, and the file it stands for (None for a fragment)."""

    lang: str
    text: str
    line: int
    file: str | None
    fragment: bool


def blocks(text: str, langs: tuple[str, ...] = ("yaml", "csv")) -> list[Block]:
    """Fenced blocks of the given languages, each with the marker comment on the line before it (if any)."""
    lines = text.splitlines()
    out: list[Block] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        if m.group(1) in langs:
            before = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
            mark = _MARK.match(before.strip())
            out.append(
                Block(
                    m.group(1),
                    "\n".join(lines[i + 1 : end]) + "\n",
                    i + 1,
                    mark.group(2) if mark and mark.group(1) == "file" else None,
                    bool(mark and mark.group(1) == "fragment"),
                )
            )
        i = end + 1
    return out


def code_spans(text: str) -> list[str]:
    """Every ``code span`` of ``text``, in order."""
    return _CODE.findall(text)
