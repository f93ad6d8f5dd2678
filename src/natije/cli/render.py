"""Terminal output that a person reads: tables that fit the terminal,
values written the way the language writes them.

Every command prints its tables through :func:`print_table`. A table whose columns fit the terminal (each at
least as wide as its longest word) is drawn with borders; one that does not is *stacked*: each row becomes a
block of ``Header: value`` lines, so no column is cropped and no value is cut on a narrow
(80-column) terminal.

Values go through :mod:`natije.locale.formats` (numbers, money, dates), so ``5 606``, ``42,2 %`` and
``07.12.2026`` read the same in every table.

rich is imported by the functions that print (:func:`console`, :func:`print_table`), not with this module: a
command writing JSON or CSV never loads it.

>>> value(5606.0, "count", "ru"), value(42.25, "%", "kk"), value(1000.0, "mn USD", "ru")
('5\\xa0606', '42,2\\xa0%', '1\\xa0млрд долларов США')
>>> share(0.92, "kk"), share(0.92, "en")
('92\\xa0%', '92%')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

# values in their unit are written by natije.domain.unit_text (charts write them too); commands call them here
from natije.domain.unit_text import number, percent, share, unit_name, value  # noqa: F401
from natije.locale import formats

if TYPE_CHECKING:
    from rich.console import Console

_PADDING = 2  # one space each side of a cell


def console(*, stderr: bool = False, highlight: bool = True) -> Console:
    """A rich console on stdout (or ``stderr``), made when a command prints for people, so it takes the
    terminal's width of that moment. ``highlight=False`` prints numbers and names without rich's colours."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=highlight)


def cap(text: str) -> str:
    """``text`` with its first letter upper-case (headers and summary lines start with a capital)."""
    return text[:1].upper() + text[1:]


day = formats.date  # a date (or ISO text) in the official form of the language: 07.12.2026 in kk and ru


def territory(code: str | None, names: dict[str, dict[str, str]], lang: str) -> str:
    """A territory by its name in ``lang`` with its KATO code: ``Алматы облысы (190000000)``."""
    if not code:
        return ""
    name = names.get(code, {}).get(lang)
    return f"{name} ({code})" if name else code


def _words(text: str) -> int:
    from rich.cells import cell_len

    return max((cell_len(w) for w in text.split()), default=0)


def _lines(text: str) -> int:
    from rich.cells import cell_len

    return max((cell_len(line) for line in text.splitlines()), default=0)


def column_widths(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> list[int] | None:
    """Widths (without padding) that fit ``width`` with no word broken, or None when the table cannot fit.

    Each column gets its longest word, then the room left is shared in proportion to what each column
    still needs to show its longest line unwrapped.
    """
    cols = list(zip(headers, *rows, strict=False)) if rows else [(h,) for h in headers]
    least = [max(_words(c) for c in col) for col in cols]
    most = [max(max(_lines(c) for c in col), 1) for col in cols]
    room = width - (len(cols) + 1) - _PADDING * len(cols)  # borders and padding
    if sum(least) > room:
        return None
    if sum(most) <= room:
        return most
    spare, wants = room - sum(least), [m - s for m, s in zip(most, least, strict=True)]
    total = sum(wants)
    given = [s + spare * w // total for s, w in zip(least, wants, strict=True)]
    return given


def print_table(
    console: Console,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    title: str = "",
    caption: str = "",
    right: Sequence[int] = (),
) -> None:
    """Print ``rows`` under ``headers``: a bordered table when it fits the console, otherwise stacked rows.

    Headers start with a capital; ``right`` are the indexes of columns aligned right (numbers).
    """
    from rich.table import Table
    from rich.text import Text as Plain  # rich text, printed without markup

    heads = [cap(h.strip()) for h in headers]
    cells = [["" if v is None else str(v).strip() for v in row] for row in rows]
    widths = column_widths(heads, cells, console.width)
    if title:
        console.print(Plain(cap(title), style="bold"))
    if widths is None:
        _print_stacked(console, heads, cells)
    else:
        table = Table(show_lines=False)
        for i, (head, w) in enumerate(zip(heads, widths, strict=True)):
            table.add_column(Plain(head), width=w, overflow="fold", justify="right" if i in right else "left")
        for row in cells:
            table.add_row(*(Plain(c) for c in row))
        console.print(table)
    if caption:
        console.print(Plain(cap(caption)))


def _print_stacked(console: Console, heads: Sequence[str], cells: Sequence[Sequence[str]]) -> None:
    """Each row as a block of ``Header: value`` lines, blocks apart by a rule
    (no rows: the headers in a line)."""
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text as Plain

    if not cells:
        console.print(Plain(" · ".join(heads)))
        return
    label = max(cell_len(h) for h in heads) + 1
    for n, row in enumerate(cells):
        if n:
            console.rule(style="dim")
        if label + 1 + max(_words(c or "") for c in row) > console.width:
            # a word of a value would not fit beside the headers: each value goes under its header, whole
            for head, cell in zip(heads, row, strict=True):
                console.print(Plain(f"{head}:"), style="bold")
                console.print(Plain(cell or "—"))
            continue
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=label, no_wrap=True, style="bold")
        grid.add_column(overflow="fold")
        for head, cell in zip(heads, row, strict=True):
            grid.add_row(Plain(f"{head}:"), Plain(cell or "—"))
        console.print(grid)
