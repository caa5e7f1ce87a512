"""The :class:`Store` facade: one object for the whole database, and its migration.

Schema. :meth:`Store.migrate` brings a database up to the latest schema, under one
lock (PostgreSQL: a transaction-level advisory lock; SQLite: ``BEGIN IMMEDIATE``) and
in one transaction: first the frozen legacy steps up to schema version 2
(:mod:`threadline.storage.legacy`), then Alembic's ``upgrade head``
(:mod:`threadline.storage.migrations`). Several app servers may start at once: the
first migrates, the others wait for it and find nothing to do.
"""

from __future__ import annotations

import sqlalchemy as sa

from threadline.storage import legacy, migrations
from threadline.storage.banks import BankStore
from threadline.storage.engagements import EngagementStore
from threadline.storage.guesses import GuessStore
from threadline.storage.home import HomeStore
from threadline.storage.peers import PeerStore
from threadline.storage.respondents import RespondentStore

_MIGRATION_LOCK_KEY = 0x7468726561646C6E


class Store(EngagementStore, RespondentStore, HomeStore, BankStore, GuessStore, PeerStore):
    """The database of one Threadline deployment."""

    def migrate(self) -> int:
        """Create or upgrade the tables (idempotent); return the legacy schema version (2).

        Raises RuntimeError for a database made by a newer Threadline: a newer legacy
        version, or an Alembic revision this code does not know. A database already at
        the head is only read (no lock, no write), so a read-only but current one starts.
        """
        latest = len(legacy.MIGRATIONS)
        with self._read() as conn:
            current = migrations.is_current(conn, latest)
        if current:
            return latest
        with self._write() as conn:
            if self.dialect == "postgresql":
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_MIGRATION_LOCK_KEY)))
            version = legacy.upgrade(conn)
            migrations.upgrade(conn)
        return version
