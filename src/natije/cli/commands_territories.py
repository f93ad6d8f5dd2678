"""``natije territories``: the territories the store knows, so nobody reads CSV files to find a KATO code."""

from __future__ import annotations

from datetime import date

import click

from natije.cli.app import app, as_of_option, choice_option, format_option, lang_of, open_store
from natije.cli.output import emit
from natije.cli.render import console, print_table
from natije.domain.territories import LEVELS
from natije.locale import formats, t

COLUMNS = ("code", "level", "parent", "name", "valid_from", "valid_to", "successors")


@app.command("territories")
@choice_option(
    "--level", LEVELS, None, "Only this level: country, region, district, rural_district or settlement."
)
@as_of_option("Only territories that existed on this date (YYYY-MM-DD).")
@format_option("table", "json", "csv")
@click.pass_context
def territories(ctx: click.Context, level: str | None, as_of: str | None, fmt: str) -> None:
    """List territories: KATO code, level, parent, name, validity and successors after a reform.

    \f
    Raises ConfigurationError for a store that does not exist yet.
    """
    from natije.services.territories import list_territories

    lang = lang_of(ctx)
    rows = list_territories(open_store(ctx), level=level, as_of=date.fromisoformat(as_of) if as_of else None)
    people = fmt == "table"  # a table is read by people: words and dates in their language; CSV stays ISO
    # "successors" of a territory are the territories a reform made of it, not later documents as for programs
    words = {"successors": "word.territory_successors"}
    headers = [t(words.get(c, f"word.{c}"), lang) if people else c for c in COLUMNS]
    table = [
        (
            r.code,
            t(f"territory_level.{r.level}", lang) if people else r.level,
            r.parent or "",
            r.names.get(lang) or r.names["ru"],
            *(
                formats.date(d, lang) if people else (d.isoformat() if d else "")
                for d in (r.valid_from, r.valid_to)
            ),
            ", ".join(r.successors),
        )
        for r in rows
    ]
    emit(
        fmt,
        table=lambda: print_listing(headers, table, lang),
        json=lambda: [r.to_dict() for r in rows],
        csv=lambda: (headers, table),
    )


def print_listing(headers: list[str], table: list[tuple[str, ...]], lang: str) -> None:
    """The territories as a table for people, or the line saying there are none."""
    if not table:
        click.echo(t("msg.no_territories", lang))
        return
    print_table(console(highlight=False), headers, table, t("word.territories", lang))
