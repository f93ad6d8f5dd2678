"""``natije import PATH...`` and ``natije export PROGRAM DIR``: packages in and out."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from natije.cli import render
from natije.cli.app import app, format_option, lang_of, open_store
from natije.cli.output import emit
from natije.cli.problems import localised
from natije.errors import Expected, Problem, ValidationError
from natije.locale import formats, t

if TYPE_CHECKING:
    import polars as pl

    from natije.services.ingestion import ImportReport


@contextmanager
def _progress(lang: str) -> Iterator[Callable[[str, int], None]]:
    """A rich progress display on stderr counting rows per phase (validate, then write)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed:,.0f}"),
        TimeElapsedColumn(),
        console=render.console(stderr=True),
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def advance(phase: str, rows: int) -> None:
            if phase not in tasks:
                word = t("import.writing" if phase == "write" else "import.validating", lang)
                tasks[phase] = bar.add_task(f"{word} {phase.removeprefix('validate ')}".strip(), total=None)
            bar.advance(tasks[phase], rows)

        yield advance


def _summary(report: ImportReport, lang: str) -> str:
    tot = report.totals()
    if not report.changed:
        return t("import.nothing_changed", lang)
    counts = {
        "packages": tot["packages"],
        "rows": tot["rows"],
        "new": tot.get("observations_inserted", 0),
        "revised": tot.get("observations_revised", 0),
        "unchanged": tot.get("observations_unchanged", 0),
        "commitments": tot.get("commitments_new", 0),
    }
    return t("import.summary", lang, **{k: formats.number(n, lang, digits=0) for k, n in counts.items()})


@app.command("import")
@click.argument(
    "paths", nargs=-1, type=click.Path(path_type=Path), required=True, help="Package folders or .zip files."
)
@format_option("table", "json", "csv")
@click.pass_context
def import_(ctx: click.Context, paths: tuple[Path, ...], fmt: str) -> None:
    """Import program packages: everything is validated first, then written in one transaction.

    \f
    Raises ValidationError (every problem listed; the store is unchanged).
    """
    from natije.services import ingestion

    lang = lang_of(ctx)
    try:
        with _progress(lang) as progress:
            report = ingestion.import_paths(open_store(ctx), [str(p) for p in paths], progress=progress)
    except ValidationError as exc:
        raise localised(exc, lang, "import.failed") from None
    emit(fmt, table=lambda: print_report(report, lang), json=report.to_dict, csv=lambda: report_frame(report))


def report_frame(report: ImportReport) -> pl.DataFrame:
    """One row per package: its rows, observations inserted / revised / unchanged, new commitment versions."""
    import polars as pl

    return pl.DataFrame(
        [
            {
                "package": p.name,
                "program": p.program,
                "rows": p.rows,
                **p.observations,
                "commitments_new": p.catalog.get("commitments_new", 0),
            }
            for p in report.packages
        ]
    )


def print_report(report: ImportReport, lang: str) -> None:
    """What an import did, per package, as a table for people, with the summary line under it."""
    from rich.text import Text as Plain  # printed without markup

    heads = [
        t(f"word.{key}", lang)
        for key in ("package", "program", "rows", "new", "revised", "unchanged", "commitments")
    ]
    cells = [
        [
            p.name,
            p.program or "—",
            *(
                formats.number(n, lang, digits=0)
                for n in (
                    p.rows,
                    p.observations.get("inserted", 0),
                    p.observations.get("revised", 0),
                    p.observations.get("unchanged", 0),
                    p.catalog.get("commitments_new", 0),
                )
            ),
        ]
        for p in report.packages
    ]
    console = render.console()
    render.print_table(console, heads, cells, right=(2, 3, 4, 5, 6))
    console.print(Plain(render.cap(_summary(report, lang))))


@app.command("export")
@click.argument("program", help="Program code, e.g. DK2018.")
@click.argument("directory", type=click.Path(path_type=Path), help="Folder to write the package into.")
@click.pass_context
def export(ctx: click.Context, program: str, directory: Path) -> None:
    """Write a program as a package (program.yaml, observations.csv, revisions.csv, territories).

    \f
    Raises NotFound.
    """
    if directory.exists() and not directory.is_dir():
        raise ValidationError(
            Problem(str(directory), None, None, str(directory), Expected("expected.folder")), "bad argument"
        )
    from natije.services import ingestion

    report = ingestion.export_program(open_store(ctx), program, directory)
    files = ", ".join(f"{name} ({n})" for name, n in report.files.items())
    click.echo(t("export.done", lang_of(ctx), program=program, path=report.directory, files=files))
