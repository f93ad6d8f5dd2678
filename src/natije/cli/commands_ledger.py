"""``natije verify``, ``natije checkpoint export`` and ``natije proof``: the tamper-evident history."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from natije.cli.app import Commands, app, format_option, lang_of, open_store
from natije.cli.output import emit
from natije.locale import t

OUTPUT = click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write it to this file."
)


@app.command("verify")
@click.option(
    "--checkpoint",
    "checkpoints",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A checkpoint file kept earlier (repeatable): the log must extend it.",
)
@format_option("table", "json")
@click.pass_context
def verify(ctx: click.Context, checkpoints: tuple[Path, ...], fmt: str) -> None:
    """Check the log, its checkpoints and every logged row; exit 1 listing what was altered, deleted,
    inserted or reordered.

    \f
    Raises ConfigurationError for a store that does not exist yet.
    """
    from natije.services.ledger import verify as check

    lang = lang_of(ctx)
    with _progress(lang) as advance:
        report = check(open_store(ctx), checkpoints, progress=advance)
    rows: list[tuple[str, ...]] = [
        (
            t(f"ledger.finding.{f.what}", lang),
            f.table,
            _key(f.key),
            _position(f.position),
            ", ".join(f.columns),
        )
        for f in report.findings
    ]
    emit(fmt, table=lambda: _print(report, rows, lang), json=report.to_dict)
    if not report.intact:
        ctx.exit(1)


@contextmanager
def _progress(lang: str) -> Iterator[Callable[[int], None]]:
    """Entries read so far, on stderr (gone when done)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from natije.cli.render import console

    columns = (SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed:,.0f}"))
    with Progress(*columns, TimeElapsedColumn(), console=console(stderr=True), transient=True) as bar:
        task = bar.add_task(t("ledger.reading", lang), total=None)
        yield lambda entries: bar.update(task, completed=entries)


def _position(position: int | None) -> str:
    return "" if position is None else str(position)


def _key(key: dict[str, object]) -> str:
    return ", ".join(f"{k}={v}" for k, v in key.items())


def _print(report: object, rows: list[tuple[str, ...]], lang: str) -> None:
    from natije.cli.render import console, print_table

    size, root, n = report.size, report.root, report.checkpoints  # type: ignore[attr-defined]
    out = console()
    if rows:
        heads = [t(f"ledger.col.{c}", lang) for c in ("finding", "table", "key", "position", "columns")]
        print_table(out, heads, rows)
        out.print(t("ledger.altered", lang, count=len(rows)))
    else:
        out.print(t("ledger.intact", lang, size=size, root=root.hex(), checkpoints=n))


@app.group("checkpoint", cls=Commands, no_args_is_help=True)
def checkpoint() -> None:
    """Signed checkpoints of the log (signed tree heads) for auditors to keep."""


@checkpoint.command("export")
@OUTPUT
@click.pass_context
def export(ctx: click.Context, output: Path | None) -> None:
    """Print (or write) the signed checkpoint of the whole log, made now if the log grew since the last one.

    \f
    Raises ConfigurationError when the store has no signing key.
    """
    from natije.services.ledger_proofs import current_checkpoint

    note = current_checkpoint(open_store(ctx)).note
    _write(note, output)


@app.command("proof")
@click.argument("value_id")
@OUTPUT
@click.pass_context
def proof(ctx: click.Context, value_id: str, output: Path | None) -> None:
    """Print the inclusion proof of a value's current log entry (VALUE-ID: the observation's number or
    INDICATOR/TERRITORY/PERIOD), for the checkpoint 'natije checkpoint export' prints.

    \f
    Raises NotFound for a value that does not exist.
    """
    from natije.services.ledger_proofs import value_proof

    found, _ = value_proof(open_store(ctx), value_id)
    _write(found.to_json(), output)


def _write(text: str, output: Path | None) -> None:
    """Print ``text``, or replace ``output`` with it whole: a process stopped while writing leaves the old
    file (or none) and at most a stray temporary file, never a truncated checkpoint or proof."""
    if output is None:
        click.echo(text, nl=False)
        return
    import os
    import tempfile

    fd, temporary = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, output)
    except BaseException:
        os.unlink(temporary)
        raise
