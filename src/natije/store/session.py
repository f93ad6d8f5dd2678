"""The :class:`Store`: one database, its engine, and the unit of work (one transaction per import)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, inspect
from sqlalchemy.exc import OperationalError

from natije.errors import ConfigurationError, Text
from natije.store import migrations
from natije.store.engine import make_engine


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
        return ConfigurationError(Text("error.db_cannot_open", url=self.url, reason=str(exc.orig)), url=self.url)

    def init(self) -> None:
        """Create or migrate the schema to the newest version (safe to repeat)."""
        try:
            migrations.upgrade(self.engine)
        except OperationalError as exc:
            raise self._cannot_open(exc) from exc

    def ensure_ready(self) -> None:
        """Raise :class:`ConfigurationError` unless the schema is at the newest migration."""
        try:
            rev = migrations.current(self.engine)
        except OperationalError as exc:
            raise self._cannot_open(exc) from exc
        if rev != migrations.head():
            raise ConfigurationError(
                Text("error.db_not_initialised" if rev else "error.db_no_schema", url=self.url, schema=rev,
                     head=migrations.head()),
                url=self.url,
            )

    def table_names(self) -> list[str]:
        """Tables present in the database (for diagnostics and tests)."""
        return sorted(inspect(self.engine).get_table_names())

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One database transaction: committed on normal exit, rolled back on any exception."""
        with self.engine.connect() as conn:
            with conn.begin():
                yield conn
            if self.dialect == "sqlite":
                # (H7) committed pages move from the WAL into the file: connectorx reads (store.fastread) do
                # not see the WAL, so they are used only while it is empty
                raw = conn.connection.driver_connection  # outside any transaction (driver autocommit)
                assert raw is not None
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection for reading; nothing is committed."""
        with self.engine.connect() as conn:
            yield conn
            conn.rollback()

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()
