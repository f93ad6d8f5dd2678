"""One renderer per output format, registered by name and shared by every command:
``table``, ``json``, ``csv``.

A command hands :func:`emit` its output in the forms it offers, each a function called only when its format is
asked for: ``table`` prints for people, ``json`` returns JSON-able data, ``csv`` returns ``(headers, rows)``
or a Polars frame. The renderer of ``--format`` writes it. A format without a renderer, or one the command
does not offer, is a ValidationError (exit code 2, the message in the interface language), never a table.

>>> emit("json", json=lambda: {"code": "DK2018"}, table=lambda: None)
{
 "code": "DK2018"
}
>>> emit("csv", csv=lambda: (["code", "year"], [("DK2018", 2018)]))
code,year
DK2018,2018
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import click

from natije.cli.app import bad_option
from natije.errors import choice

if TYPE_CHECKING:
    import polars as pl

Form = Callable[[], Any]
Renderer = Callable[[Form], None]
Records = tuple[Sequence[str], Iterable[Sequence[Any]]]

RENDERERS: dict[str, Renderer] = {}


def renderer(name: str) -> Callable[[Renderer], Renderer]:
    """Register the function writing the ``name`` form of every command's output."""

    def register(fn: Renderer) -> Renderer:
        RENDERERS[name] = fn
        return fn

    return register


@renderer("table")
def _table(form: Form) -> None:
    form()  # a table for people is laid out by its command (render.print_table), and printed as it goes


@renderer("json")
def _json(form: Form) -> None:
    click.echo(json.dumps(form(), ensure_ascii=False, default=str, indent=1))


@renderer("csv")
def _csv(form: Form) -> None:
    records = form()
    click.echo(records_csv(*records) if isinstance(records, tuple) else frame_csv(records), nl=False)


def records_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """``rows`` under ``headers`` as CSV text (``\\n`` line ends; ``None`` an empty cell)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue()


def frame_csv(frame: pl.DataFrame) -> str:
    """A frame as CSV text, enumerations written as their text."""
    import polars as pl

    return frame.with_columns(pl.col(pl.Enum).cast(pl.String)).write_csv()


def emit(fmt: str, **forms: Form) -> None:
    """Write the ``fmt`` form of a command's output with the renderer registered for ``fmt``.

    Raises ValidationError (exit code 2) for a format that has no renderer or that the command does not offer.
    """
    form, render = forms.get(fmt), RENDERERS.get(fmt)
    if form is None or render is None:
        raise bad_option("--format", fmt, choice(*(name for name in forms if name in RENDERERS)))
    render(form)
