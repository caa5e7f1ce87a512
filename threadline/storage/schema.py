"""The current schema, written out once: every table as it is now.

This is what the code reads and writes, and Alembic's ``target_metadata``. It is not
how a database gets there: :meth:`Store.migrate` runs the frozen steps of
:mod:`threadline.storage.legacy` up to schema version 2, then Alembic's revisions
(:mod:`threadline.storage.migrations`). A schema change adds a revision and edits
the tables here to match; the tests check that a migrated database and these tables
agree. The columns are in the order a database has them (those added by version 2
come last in their tables).

Version 2 added consultant engagements (issue 4): the ``engagements`` table (the
rounds of one engagement share ``series_id``, the id of the first round), the
``consensus_reasons`` table, and, on ``assessments``, ``engagement_id``, ``kind``
(``self``, ``respondent`` or ``consensus``; existing rows are ``self``),
``department`` and ``respondent``. ``links`` has ``engagement_id``: an invite or
dashboard link has it and no ``assessment_id``; a private or share link has the
opposite. ``links.kind`` and ``assessments.kind`` are checked in code, not by a CHECK
constraint (SQLite cannot add one without rebuilding the table).
:meth:`Store.find_link` answers only for assessment links,
:meth:`Store.find_engagement_link` only for engagement links.

``schema_version`` holds one row: the last legacy step that ran (2). From version 2
on, Alembic's ``alembic_version`` table is the truth about the schema.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from threadline.storage.records import MAX_ID_LENGTH


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite stores it naive)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        """Convert an aware datetime to UTC (naive on SQLite) before storing it."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        """Return a stored datetime as an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


metadata = sa.MetaData()

banks = sa.Table(
    "banks",
    metadata,
    sa.Column("content_hash", sa.String(64), primary_key=True),
    sa.Column("bank_id", sa.String(MAX_ID_LENGTH), nullable=False),
    sa.Column("version", sa.String(MAX_ID_LENGTH), nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

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
    # revision 0003 (issue 10): set when the consultant archives the round (the home hides it)
    sa.Column("archived_at", UTCDateTime, nullable=True),
    # revision 0005 (issue 9): the consultant's named groups of departments, [{"name", "members"}]
    sa.Column("department_groups", sa.JSON, nullable=False, server_default=sa.text("'[]'")),
    # revision 0006 (issue 13): the consultant includes the consensus result in their portfolio
    sa.Column("portfolio", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("series_id", "round", name="uq_engagements_series_round"),
    sa.CheckConstraint("status IN ('open', 'closed')", name="ck_engagements_status"),
)

assessments = sa.Table(
    "assessments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("bank_hash", sa.String(64), sa.ForeignKey("banks.content_hash"), nullable=False),
    sa.Column("context", sa.JSON, nullable=False),
    sa.Column("targets", sa.JSON(none_as_null=True), nullable=True),
    sa.Column("page", sa.Integer, nullable=False, server_default="0"),
    sa.Column("status", sa.String(16), nullable=False, server_default="in_progress"),
    sa.Column("share_generation", sa.Integer, nullable=False, server_default="0"),
    sa.Column("share_active", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("submitted_at", UTCDateTime, nullable=True),
    sa.Column("engagement_id", sa.Integer, sa.ForeignKey("engagements.id"), nullable=True),
    sa.Column("kind", sa.String(16), nullable=False, server_default="self"),
    sa.Column("department", sa.String(MAX_ID_LENGTH), nullable=True),
    sa.Column("respondent", sa.String(MAX_ID_LENGTH), nullable=True),
    sa.CheckConstraint("status IN ('in_progress', 'submitted')", name="ck_assessments_status"),
    sa.Index("ix_assessments_engagement_id", "engagement_id"),
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
    sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id", ondelete="CASCADE"), nullable=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("revoked_at", UTCDateTime, nullable=True),
    sa.Column("engagement_id", sa.Integer, sa.ForeignKey("engagements.id", ondelete="CASCADE"), nullable=True),
    sa.Index("ix_links_assessment_id", "assessment_id"),
    sa.Index("ix_links_engagement_id", "engagement_id"),
)

consensus_reasons = sa.Table(
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

# Revision 0002 (issue 14): wrong guesses of a secret, per client address and for everyone
# (subject "*"), so that every app server counts the same failures (threadline.throttle).
guess_failures = sa.Table(
    "guess_failures",
    metadata,
    sa.Column("scope", sa.String(64), primary_key=True),
    sa.Column("subject", sa.String(64), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_failure_at", UTCDateTime, nullable=True),
    sa.Column("locked_until", UTCDateTime, nullable=True),
)

# Revision 0004 (issue 13): one row of scores per assessment that joins peer comparisons (written
# when it is submitted with the choice on, rebuilt when its answers change, deleted when the owner
# withdraws). Only scores, industry and size: no name, note or typed text.
peer_scores = sa.Table(
    "peer_scores",
    metadata,
    sa.Column(
        "assessment_id",
        sa.Integer,
        sa.ForeignKey("assessments.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    sa.Column("bank_id", sa.String(MAX_ID_LENGTH), nullable=False),
    sa.Column("bank_version", sa.String(MAX_ID_LENGTH), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("industry", sa.String(MAX_ID_LENGTH), nullable=True),
    sa.Column("size", sa.String(MAX_ID_LENGTH), nullable=True),
    sa.Column("overall", sa.Float, nullable=True),
    sa.Column("dimensions", sa.JSON, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    # Revision 0007: the same scores packed for reading 100,000 rows at once (storage/peers.py).
    sa.Column("score_ids", sa.Text, nullable=True),
    sa.Column("score_vector", sa.LargeBinary, nullable=True),
    sa.Index("ix_peer_scores_bank", "bank_id", "bank_version"),
)

# Revision 0005 (issue 9): the actions of an engagement's consensus plan, per dimension, in order.
consensus_actions = sa.Table(
    "consensus_actions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("engagement_id", sa.Integer, sa.ForeignKey("engagements.id", ondelete="CASCADE"), nullable=False),
    sa.Column("dimension_id", sa.String(MAX_ID_LENGTH), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("owner", sa.Text, nullable=False, server_default=""),
    sa.Column("due_on", sa.Date, nullable=True),
    sa.Column("status", sa.String(16), nullable=False, server_default="open"),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.CheckConstraint("status IN ('open', 'in_progress', 'done')", name="ck_consensus_actions_status"),
    sa.Index("ix_consensus_actions_engagement_id", "engagement_id"),
)

schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.CheckConstraint("id = 1", name="ck_schema_version_one_row"),
)
