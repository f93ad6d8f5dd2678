"""The Python API for an analyst: one object whose methods are natije's use cases.

``natije.open(url)`` returns a :class:`Database` on a store (an SQLite file path or a ``postgresql://`` URL).
Its methods take the options the command line takes (``as_of``, ``basis``, ``territory``) and return Polars
frames or frozen results; the CLI calls the same service functions.

>>> import tempfile, pathlib
>>> import polars as pl
>>> import natije
>>> path = pathlib.Path(tempfile.mkdtemp()) / "demo.db"
>>> db = natije.open(str(path))
>>> report = db.load_demo()
>>> [p.code for p in db.programs()]
['IK2020', 'DK2018', 'TB2021', 'AI2023']
>>> results = db.results("AI2023", as_of="2025-07-01")
>>> fibre = results.filter(pl.col("indicator") == "AI2023.VILLAGES_FIBRE_SHARE")
>>> fibre["target"].to_list()  # what was promised that day: 88 %, not the 90 % of later
[88.0]
>>> db.close()
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    import polars as pl

    from natije.results.scorecard import Scorecard
    from natije.services.catalog import ProgramDetails, ProgramSummary
    from natije.services.ingestion import ExportReport, ImportReport
    from natije.services.territories import TerritoryRow
    from natije.store import Store
    from natije.store.evaluations import StoredEvaluation

Day = date | str | None


class Database:
    """A natije store and the use cases on it. Use :func:`natije.open` to get one; close it when done
    (or use it as a context manager)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the store's connections."""
        self.store.close()

    # the registry
    def programs(self) -> list[ProgramSummary]:
        """Every program in the store, with its status and lineage."""
        from natije.services import catalog

        return catalog.list_programs(self.store)

    def show(self, program: str) -> ProgramDetails:
        """One program: goals, indicators, every version of each commitment, budgets. Raises ``NotFound``."""
        from natije.services import catalog

        return catalog.show_program(self.store, program)

    def territories(self, *, level: str | None = None, as_of: date | None = None) -> list[TerritoryRow]:
        """The territories the store knows (KATO code, level, names, validity),
        optionally of one level or day."""
        from natije.services import territories

        return territories.list_territories(self.store, level=level, as_of=as_of)

    def import_packages(self, *paths: str | Path) -> ImportReport:
        """Validate every package in full, then write them all in one transaction (nothing on any problem).

        Raises ``ValidationError`` listing every problem with file, row, column and what was expected.
        """
        from natije.services import ingestion

        return ingestion.import_paths(self.store, list(paths))

    def export(self, program: str, directory: str | Path) -> ExportReport:
        """Write ``program`` as a package into ``directory`` (export → import → export is byte-identical)."""
        from natije.services import ingestion

        return ingestion.export_program(self.store, program, directory)

    def load_demo(self) -> ImportReport:
        """Load the shipped Kazakhstan demo (four programs in lineage, with sourced figures)."""
        from natije.services.demo import load_demo

        return load_demo(self.store)

    # results against targets
    def results(
        self, program: str, *, as_of: Day = None, basis: str = "current", territory: str | None = "national"
    ) -> pl.DataFrame:
        """Target vs actual, achievement, forecast, chance to meet the target and status,
        as known on ``as_of``.

        ``basis``: ``"current"`` (targets in force) or ``"first"`` (as first promised); ``territory``: a KATO
        code, ``"national"`` (the default) or ``"all"``.
        """
        from natije.services import monitoring

        return monitoring.program_results(self.store, program, as_of, territory, basis)

    def flags(self, program: str, *, as_of: Day = None) -> pl.DataFrame:
        """Moved goalposts, stale data, dropped indicators and moved budgets, with evidence."""
        from natije.services import monitoring

        return monitoring.program_flags(self.store, program, as_of)

    def lineage(self, program: str, *, as_of: Day = None, lang: str = "en") -> pl.DataFrame:
        """What the program and its predecessors promised for the same concepts, and what came of it."""
        from natije.services import monitoring

        return monitoring.program_lineage(self.store, program, as_of, lang)

    def scorecard(self, program: str, *, as_of: Day = None) -> Scorecard:
        """Targets by status, money spent vs targets achieved, the worst flags."""
        from natije.services import monitoring

        return monitoring.program_scorecard(self.store, program, as_of)

    def scorecards(self, *, as_of: Day = None) -> list[Scorecard]:
        """The scorecard of every program, oldest first."""
        from natije.services import monitoring

        return monitoring.scorecards(self.store, as_of)

    # impact evaluation
    def evaluate(
        self, program: str, indicator: str, *, method: str, save: bool = True, **options: Any
    ) -> StoredEvaluation:
        """Evaluate ``indicator``'s impact with its territories as units
        (options as ``natije evaluation run``).

        With ``save`` the design, the panel's hash and the result are stored (see :meth:`evaluations`).
        """
        from natije.services import evaluation

        return evaluation.evaluate_indicator(
            self.store, program, indicator, method=method, save=save, **options
        )

    def evaluations(self, program: str | None = None, indicator: str | None = None) -> list[StoredEvaluation]:
        """Stored evaluations, newest first, optionally of one program or indicator."""
        from natije.services import evaluation

        return evaluation.history(self.store, program, indicator)

    def evaluation(self, evaluation_id: int) -> StoredEvaluation:
        """One stored evaluation. Raises ``NotFound``."""
        from natije.services import evaluation

        return evaluation.get(self.store, evaluation_id)


def open(url: str | None = None) -> Database:
    """Open the store at ``url`` (a path or URL; ``None`` = ``$NATIJE_DATABASE_URL`` or ``./natije.db``).

    A store that does not exist yet is created by the first method that writes to it.
    """
    from natije.store import Store

    return Database(Store.open(url))


__all__ = ["Database", "open"]
