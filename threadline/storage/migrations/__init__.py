"""Alembic, which owns the schema from version 2 on.

The revisions are in ``versions/``; ``0001`` is the baseline: schema version 2 as the
legacy steps (:mod:`threadline.storage.legacy`) leave it, so it changes nothing.
:func:`upgrade` runs them on the connection, and in the transaction, that
:meth:`Store.migrate` holds (under its lock), through the ``env.py`` beside this file,
which takes that connection from ``config.attributes["connection"]``. No
``alembic.ini``: :func:`alembic_config` builds the configuration in code, and
``python -m threadline.storage.migrations`` is the ``alembic`` command line with it.

:func:`is_current` tells, by reading only, whether a database is already at the head
(``Store.migrate`` then writes nothing, so a read-only but current database still starts).
"""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import column, inspect, select, table
from sqlalchemy.engine import Connection

SCRIPT_LOCATION = Path(__file__).resolve().parent


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """Alembic's configuration: these scripts, and the connection (or the URL) to run them on."""
    config = Config(stdout=sys.stdout)
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def upgrade(conn: Connection) -> str:
    """Upgrade to the head revision inside the caller's transaction; return the head.

    Raises RuntimeError when the database is at a revision this code does not know
    (made by a newer Threadline).
    """
    config = alembic_config(conn)
    script = ScriptDirectory.from_config(config)
    known = {revision.revision for revision in script.walk_revisions()}
    current = MigrationContext.configure(conn).get_current_heads()
    unknown = sorted(set(current) - known)
    if unknown:
        raise RuntimeError(
            f"database schema revision {', '.join(unknown)} is unknown to this Threadline "
            "(made by a newer version?): upgrade Threadline"
        )
    command.upgrade(config, "head")
    return head_of(script)


def is_current(conn: Connection, legacy_version: int) -> bool:
    """Whether the database is at the head revision and past the legacy steps, reading only.

    No table is created and nothing is written, so this runs on a read-only database (a
    SQLite file opened ``mode=ro`` or without write permission, a PostgreSQL standby or a
    read-only role). Any doubt (a missing table, another revision, several heads) is
    False: ``Store.migrate`` then takes its lock and migrates as before.
    """
    tables = set(inspect(conn).get_table_names())
    if not {"schema_version", "alembic_version"} <= tables:
        return False
    versions: list[int] = list(conn.execute(select(column("version")).select_from(table("schema_version"))).scalars())
    if versions != [legacy_version]:
        return False
    return MigrationContext.configure(conn).get_current_heads() == (head(),)


def head() -> str:
    """The revision the code expects: the head of ``versions/``."""
    return head_of(ScriptDirectory.from_config(alembic_config()))


def head_of(script: ScriptDirectory) -> str:
    """The single head of a script directory."""
    revision = script.get_current_head()
    if revision is None:
        raise RuntimeError("no Alembic revision in threadline/storage/migrations/versions")
    return revision
