"""The frozen schema versions 1 and 2 and the hand-written steps that reach them.

Kept only so that databases made by older Threadlines still upgrade: from version 2
on, Alembic (:mod:`threadline.storage.migrations`) owns the schema, and nothing here
changes any more. The ``schema_version`` table holds one row; version ``n`` means the
first ``n`` steps of :data:`MIGRATIONS` have run. :func:`upgrade` runs the missing
steps, on a fresh database too (so every database reaches version 2 by the same
path), and refuses a newer version.

Version 1 has banks, assessments, answers and private/share links; version 2 adds
consultant engagements (see :mod:`threadline.storage.schema`). Each step builds its
tables afresh from ``_v1_tables`` and ``_v2_schema`` in a throwaway ``MetaData``,
so the steps never depend on the current tables.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.storage.records import MAX_ID_LENGTH
from threadline.storage.schema import UTCDateTime, schema_version


def _v1_tables(metadata: sa.MetaData) -> tuple[sa.Table, sa.Table, sa.Table, sa.Table]:
    """Define the tables of schema version 1 (frozen)."""
    banks = sa.Table(
        "banks",
        metadata,
        sa.Column("content_hash", sa.String(64), primary_key=True),
        sa.Column("bank_id", sa.String(MAX_ID_LENGTH), nullable=False),
        sa.Column("version", sa.String(MAX_ID_LENGTH), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    assessments = sa.Table(
        "assessments",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "bank_hash",
            sa.String(64),
            sa.ForeignKey("banks.content_hash"),
            nullable=False,
        ),
        sa.Column("context", sa.JSON, nullable=False),
        sa.Column("targets", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("page", sa.Integer, nullable=False, server_default="0"),
        sa.Column("status", sa.String(16), nullable=False, server_default="in_progress"),
        sa.Column("share_generation", sa.Integer, nullable=False, server_default="0"),
        sa.Column("share_active", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("submitted_at", UTCDateTime, nullable=True),
        sa.CheckConstraint("status IN ('in_progress', 'submitted')", name="ck_assessments_status"),
    )
    answers = sa.Table(
        "answers",
        metadata,
        sa.Column(
            "assessment_id",
            sa.Integer,
            sa.ForeignKey("assessments.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("question_id", sa.String(MAX_ID_LENGTH), primary_key=True),
        sa.Column("value", sa.JSON, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    links = sa.Table(
        "links",
        metadata,
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column(
            "assessment_id",
            sa.Integer,
            sa.ForeignKey("assessments.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("revoked_at", UTCDateTime, nullable=True),
        sa.Index("ix_links_assessment_id", "assessment_id"),
    )
    return banks, assessments, answers, links


def _v2_schema(
    metadata: sa.MetaData, assessments: sa.Table, links: sa.Table
) -> tuple[sa.Table, sa.Table, list[sa.Column[Any]]]:
    """Define what schema version 2 adds (frozen, like ``_v1_tables``).

    Creates the engagements and consensus_reasons tables in ``metadata``, appends the
    engagement columns to the version 1 ``assessments`` and ``links`` tables, and
    returns the two tables and the appended columns.
    """
    engagements = sa.Table(
        "engagements",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("series_id", sa.Integer, sa.ForeignKey("engagements.id"), nullable=True),
        sa.Column("round", sa.Integer, nullable=False),
        sa.Column("bank_hash", sa.String(64), sa.ForeignKey("banks.content_hash"), nullable=False),
        sa.Column("client", sa.Text, nullable=False),
        sa.Column("consultant", sa.Text, nullable=False),
        sa.Column("logo_text", sa.Text, nullable=False),
        sa.Column("departments", sa.JSON, nullable=False),
        sa.Column("closes_on", sa.Date, nullable=True),
        sa.Column("status", sa.String(16), nullable=False, server_default="open"),
        sa.Column("share_team", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("invite_generation", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("series_id", "round", name="uq_engagements_series_round"),
        sa.CheckConstraint("status IN ('open', 'closed')", name="ck_engagements_status"),
    )
    reasons = sa.Table(
        "consensus_reasons",
        metadata,
        sa.Column(
            "assessment_id",
            sa.Integer,
            sa.ForeignKey("assessments.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("question_id", sa.String(MAX_ID_LENGTH), primary_key=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    added: list[sa.Column[Any]] = [
        sa.Column("engagement_id", sa.Integer, sa.ForeignKey("engagements.id"), nullable=True, index=True),
        sa.Column("kind", sa.String(16), nullable=False, server_default="self"),
        sa.Column("department", sa.String(MAX_ID_LENGTH), nullable=True),
        sa.Column("respondent", sa.String(MAX_ID_LENGTH), nullable=True),
    ]
    for column in added:
        assessments.append_column(column)
    link_engagement = sa.Column(
        "engagement_id",
        sa.Integer,
        sa.ForeignKey("engagements.id", ondelete="CASCADE"),
        nullable=True,
        index=True,
    )
    links.append_column(link_engagement)
    return engagements, reasons, [*added, link_engagement]


def _migrate_to_v1(conn: Connection) -> None:
    """Create the banks, assessments, answers and links tables."""
    frozen = sa.MetaData()
    _v1_tables(frozen)
    frozen.create_all(conn)


def _migrate_to_v2(conn: Connection) -> None:
    """Add the engagements and consensus_reasons tables and the engagement columns."""
    frozen = sa.MetaData()
    _, v1_assessments, _, v1_links = _v1_tables(frozen)
    new_engagements, new_reasons, added = _v2_schema(frozen, v1_assessments, v1_links)
    frozen.create_all(conn, tables=[new_engagements, new_reasons])
    for column in added:
        _add_column(conn, column)


def _add_column(conn: Connection, column: sa.Column[Any]) -> None:
    """Run ALTER TABLE ... ADD COLUMN (foreign key inline, as SQLite needs), then its indexes."""
    quote = conn.dialect.identifier_preparer
    spec = str(sa.schema.CreateColumn(column).compile(dialect=conn.dialect))
    for key in column.foreign_keys:
        spec += f" REFERENCES {quote.format_table(key.column.table)} ({quote.quote(key.column.name)})"
        if key.ondelete:
            spec += f" ON DELETE {key.ondelete}"
    conn.exec_driver_sql(f"ALTER TABLE {quote.format_table(column.table)} ADD COLUMN {spec}")
    for index in column.table.indexes:
        if any(indexed is column for indexed in index.columns):
            index.create(conn)


MIGRATIONS: list[Callable[[Connection], None]] = [_migrate_to_v1, _migrate_to_v2]

LATEST = len(MIGRATIONS)


def upgrade(conn: Connection) -> int:
    """Run the legacy steps a database lacks (all of them on a fresh one); return the version reached.

    Raises RuntimeError for a database whose legacy version is newer than this code's.
    The caller holds the migration lock and the transaction.
    """
    latest = len(MIGRATIONS)
    current = _schema_version(conn)
    if current > latest:
        raise RuntimeError(f"database schema version {current} is newer than this Threadline ({latest})")
    for step in MIGRATIONS[current:]:
        step(conn)
    conn.execute(schema_version.update().values(version=latest))
    return latest


def _schema_version(conn: Connection) -> int:
    schema_version.create(conn, checkfirst=True)
    current = conn.scalar(sa.select(schema_version.c.version))
    if current is None:
        conn.execute(schema_version.insert().values(id=1, version=0))
        return 0
    return int(current)
