"""The engine, the connection settings and the write transaction every store method uses.

One :class:`Store` per process, on SQLite (the zero-configuration default: a file,
WAL mode, a busy timeout, foreign keys on) or PostgreSQL (several app servers may
share it). Every method is one short transaction; nothing is cached in memory, so
any app server sees what any other wrote.

Writes. On SQLite a write transaction starts with ``BEGIN IMMEDIATE`` (taking the
write lock up front, so the busy timeout applies instead of a snapshot conflict);
on PostgreSQL a row read before a write is locked with ``SELECT ... FOR UPDATE``.
Writes to an assessment update its row first, so concurrent writers take locks in
the same order.

Several writes as one: ``with store.atomic():`` makes every store call inside it, on this
thread, use one transaction, reads included (so they see what the unit wrote); it commits
at the end or, if anything inside raises, stores nothing. An engagement import is one.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, CursorResult, Engine

from threadline.storage.records import BUSY_TIMEOUT_MS, WriteFailedError, WriteProblem
from threadline.storage.schema import schema_version

_WRITE = "threadline_write"


class StoreBase:
    """The engine and the transactions; the aggregates' stores build on it."""

    def __init__(self, url: str) -> None:
        """Create the engine for a SQLite or PostgreSQL URL (no connection yet)."""
        self.engine: Engine = _create_engine(url)
        self._unit = threading.local()  # this thread's atomic() connection, if one is open

    @property
    def dialect(self) -> str:
        """The backend's name: ``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction (or the open unit's); when the database does not take it,
        WriteFailedError (nothing stored)."""
        unit = getattr(self._unit, "conn", None)
        try:
            if unit is not None:
                yield unit
                return
            with self.engine.connect() as conn:
                conn.execution_options(**{_WRITE: True})
                with conn.begin():
                    yield conn
        except (sa.exc.OperationalError, sa.exc.InternalError) as failed:
            raise WriteFailedError(_problem(failed), str(failed.orig)) from failed

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """A connection to read with: the open unit's, so a unit reads what it wrote, or a new one."""
        unit = getattr(self._unit, "conn", None)
        if unit is not None:
            yield unit
            return
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Every store call inside, on this thread, in one write transaction: all stored, or none.

        Nested units are one. A failure of the database is WriteFailedError, as for one write.
        """
        if getattr(self._unit, "conn", None) is not None:
            yield
            return
        with self._write() as conn:
            self._unit.conn = conn
            try:
                yield
            finally:
                self._unit.conn = None

    def writable(self) -> bool:
        """Whether the database takes a write now (a write of nothing, rolled back)."""
        try:
            with self.engine.connect() as conn:
                conn.execution_options(**{_WRITE: True})
                with conn.begin() as transaction:
                    conn.execute(schema_version.update().values(version=schema_version.c.version))
                    transaction.rollback()
        except sa.exc.DBAPIError:
            return False
        return True

    def _insert(self, table: sa.Table) -> sqlite.Insert | postgresql.Insert:
        if self.dialect == "postgresql":
            return postgresql.insert(table)
        return sqlite.insert(table)


def _problem(failed: sa.exc.DBAPIError) -> WriteProblem:
    """What the driver's error says, in one word (SQLite's messages, PostgreSQL's SQLSTATE)."""
    text = str(failed.orig).lower()
    code = getattr(failed.orig, "sqlstate", None) or ""
    if "readonly" in text or "read-only" in text or "read only" in text or code == "25006":
        return "read-only"
    if "disk is full" in text or "disk full" in text or "no space" in text or code.startswith("53"):
        return "full"
    if "locked" in text or "busy" in text:
        return "busy"
    if failed.connection_invalidated or code.startswith("08") or "connect" in text or "unable to open" in text:
        return "unavailable"
    return "other"


def _now() -> datetime:
    return datetime.now(UTC)


def _inserted_id(result: CursorResult[*tuple[Any, ...]]) -> int:
    """The id of the row an INSERT made."""
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("the INSERT returned no primary key")
    return int(key[0])


def _create_engine(url: str) -> Engine:
    parsed = sa.make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        _make_parent_folder(parsed.database)
        engine = sa.create_engine(parsed)
        _configure_sqlite(engine)
        return engine
    if backend == "postgresql":
        return sa.create_engine(parsed, pool_pre_ping=True)
    raise ValueError(f"unsupported database {backend!r}: use sqlite or postgresql")


def _make_parent_folder(database: str | None) -> None:
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _enable_wal(cursor)
        cursor.execute("PRAGMA foreign_keys = ON")
        # In WAL mode NORMAL never corrupts the database; a power cut may lose the last
        # commits, and it spares every answer click an fsync.
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _enable_wal(cursor: Any) -> None:
    """Switch to WAL, retrying: SQLite does not wait on the busy timeout for this."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)
