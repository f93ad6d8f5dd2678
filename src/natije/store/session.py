"""The :class:`Store`: one database, its engine, and the unit of work (one transaction per import).

Writers take a store-wide write lock for their whole transaction (SQLite ``BEGIN IMMEDIATE`` with a busy
timeout, PostgreSQL ``pg_advisory_xact_lock``): imports that run at the same time wait their turn instead of
racing on the same agency, source or territory row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import InternalError, OperationalError, ProgrammingError

from natije.errors import ConfigurationError, Text
from natije.store import migrations
from natije.store.engine import BUSY_TIMEOUT_MS, WRITE_FLAG, make_engine

WRITE_LOCK_KEY = 0x6E6174696A65  # "natije": the PostgreSQL advisory lock every writer of a store takes
KEYED_LOCK_SPACE = 0x6E6A  # "nj": the class of the advisory locks of keyed_transaction (two-int form)
CANNOT_WRITE = (OperationalError, ProgrammingError, InternalError)
"""What a write raises when the store cannot be written now: a read-only file, role or transaction, or another
writer holding the store longer than :meth:`Store.skippable_transaction` waits."""


def empty_store_error(url: str) -> ConfigurationError:
    """The error of a read on a store that holds nothing yet; it names the two ways to fill it."""
    return ConfigurationError(Text("error.store_empty", url=url), url=url)


@dataclass
class Store:
    """A natije database. Open with :meth:`open`; write inside :meth:`transaction`.

    Examples
    --------
    >>> store = Store.open(":memory:")
    >>> store.init()
    >>> with store.transaction() as conn:
    ...     pass
    """

    engine: Engine
    _ready: bool = field(default=False, init=False, repr=False, compare=False)

    @classmethod
    def open(cls, url: str | None = None) -> Store:
        """Open the store at ``url`` (a path or URL; ``None`` = ``$NATIJE_DATABASE_URL`` or ./natije.db)."""
        if url in (":memory:", "sqlite://"):
            from sqlalchemy.pool import StaticPool

            # one shared connection, or every checkout would see a different empty database
            return cls(make_engine(url, poolclass=StaticPool))
        return cls(make_engine(url))

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    @property
    def url(self) -> str:
        """The database URL with any password masked."""
        return self.engine.url.render_as_string(hide_password=True)

    def _cannot_open(self, exc: OperationalError) -> ConfigurationError:
        return ConfigurationError(
            Text("error.db_cannot_open", url=self.url, reason=str(exc.orig)), url=self.url
        )

    def init(self, seed: Callable[[Connection], object] | None = None) -> None:
        """Create or migrate the schema to the newest version, then run ``seed`` (safe to repeat).

        Both happen in one write transaction, so processes initialising the same new store at once create
        it once: the others wait for the lock and find it ready. ``seed(conn)`` writes built-in rows.
        """
        try:
            with self.transaction() as conn:
                if migrations.current_on(conn) != migrations.head():
                    migrations.upgrade_on(conn)
                if seed is not None:
                    seed(conn)
        except OperationalError as exc:
            raise self._cannot_open(exc) from exc
        self._ready = True

    def _missing_file(self) -> bool:
        path = self.engine.url.database if self.dialect == "sqlite" else None
        return bool(path) and path != ":memory:" and not Path(str(path)).exists()

    def is_ready(self) -> bool:
        """Whether the schema is at the newest migration (a missing SQLite file is not created by asking)."""
        try:
            self.ensure_ready()
        except ConfigurationError:
            return False
        return True

    def ensure_ready(self) -> None:
        """Raise :class:`ConfigurationError` unless the schema is at the newest migration.

        A store that does not exist yet or has no schema gets the message naming ``natije demo`` and
        ``natije import PATH``; an older schema gets "run ``natije init``".
        """
        if self._ready:
            return
        if self._missing_file():
            raise empty_store_error(self.url)
        try:
            rev = migrations.current(self.engine)
        except OperationalError as exc:
            raise self._cannot_open(exc) from exc
        if rev is None:
            raise empty_store_error(self.url)
        if rev != migrations.head():
            raise ConfigurationError(
                Text("error.db_not_initialised", url=self.url, schema=rev, head=migrations.head()),
                url=self.url,
            )
        self._ready = True

    def table_names(self) -> list[str]:
        """Tables present in the database (for diagnostics and tests)."""
        return sorted(inspect(self.engine).get_table_names())

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction under the store's write lock: committed on normal exit, rolled back on error.

        The lock is held until commit or rollback; other writers wait for it (readers never do).
        """
        with self.engine.connect() as conn, _writing(conn):
            if self.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
            yield conn

    @contextmanager
    def keyed_transaction(self, *keys: str) -> Iterator[Connection]:
        """A short write transaction that need not wait for imports (a login and its record): on PostgreSQL it
        waits only for transactions holding one of the same ``keys`` (advisory locks of their own class, taken
        in sorted order), never for the store-wide write lock; on SQLite there is one writer at a time anyway.

        Nothing written in it may be logged (the log's positions follow the store-wide lock).
        """
        with self.engine.connect() as conn, _writing(conn):
            if self.dialect == "postgresql":
                for key in sorted(set(keys)):
                    conn.execute(
                        text("SELECT pg_advisory_xact_lock(CAST(:space AS integer), hashtext(:key))"),
                        {"space": KEYED_LOCK_SPACE, "key": key},
                    )
            yield conn

    @contextmanager
    def skippable_transaction(self, wait_ms: int) -> Iterator[Connection]:
        """A write transaction for what a reader may leave unwritten (stored snapshots): it waits at most
        ``wait_ms`` for another writer, then raises ``OperationalError``, where :meth:`transaction` would wait
        for a whole import. It takes no store-wide lock on PostgreSQL: its writes must tolerate racing writers
        (upserts; deletes of rows nobody reads any more).
        """
        with self.engine.connect() as conn:
            sqlite = self.dialect == "sqlite"
            driver: Any = conn.connection.driver_connection
            if sqlite:  # on the driver's connection: SQLAlchemy would begin a transaction around the pragma
                driver.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
            try:
                with _writing(conn):
                    if not sqlite:
                        conn.execute(text(f"SET LOCAL lock_timeout = {int(wait_ms)}"))
                    yield conn
            finally:
                if sqlite:  # the pooled connection goes back with the store's usual patience
                    driver.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection for reading; nothing is committed.

        Raises :class:`ConfigurationError` on a store that does not exist or has no schema yet.
        """
        self.ensure_ready()
        with self.engine.connect() as conn:
            yield conn
            conn.rollback()

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()


@contextmanager
def _writing(conn: Connection) -> Iterator[None]:
    """A transaction on ``conn`` begun as a writer's (SQLite ``BEGIN IMMEDIATE``): committed on normal exit,
    rolled back on error."""
    conn.info[WRITE_FLAG] = True
    try:
        trans = conn.begin()
    finally:
        conn.info.pop(WRITE_FLAG, None)  # the info dict outlives this checkout of the connection
    with trans:
        yield
