"""Storage of question banks, assessments, answers and links (SQLAlchemy 2 Core).

One :class:`Store` per process, on SQLite (the zero-configuration default: a file,
WAL mode, a busy timeout, foreign keys on) or PostgreSQL (several app servers may
share it). Every method is one short transaction; nothing is cached in memory, so
any app server sees what any other wrote.

Schema. :meth:`Store.migrate` brings a database up to the latest version. The
``schema_version`` table holds one row; version ``n`` means the first ``n`` steps of
:data:`MIGRATIONS` have run. ``_v1_tables`` is frozen: a later version adds a
function to :data:`MIGRATIONS` (e.g. an ``ALTER TABLE ... ADD COLUMN``) and applies
the same change to the module-level tables (``Table.append_column``), never by
editing ``_v1_tables``.

Version 2 adds consultant engagements (issue 4): the ``engagements`` table (the
rounds of one engagement share ``series_id``, the id of the first round), the
``consensus_reasons`` table, and, on ``assessments``, ``engagement_id``, ``kind``
(``self``, ``respondent`` or ``consensus``; existing rows are ``self``),
``department`` and ``respondent``. ``links`` gains ``engagement_id``: an invite or
dashboard link has it and no ``assessment_id``; a private or share link has the
opposite. ``links.kind`` and ``assessments.kind`` are checked in code, not by a CHECK
constraint (SQLite cannot add one without rebuilding the table).
:meth:`Store.find_link` answers only for assessment links,
:meth:`Store.find_engagement_link` only for engagement links.

Engagements. The dashboard token is random; the invite token (of generation
``engagements.invite_generation``) and the consensus assessment's private token are
derived from it (:mod:`threadline.links`), so the dashboard can always show the
invite link and open the consensus while only hashes are stored. Replacing the
invite link revokes every invite link and moves to the next generation. Replacing
the dashboard link revokes it and the consensus' private link and derives their
successors from the new token; the links already given to other people (invite
links, the consensus share link) keep working, each joined by a successor the new
dashboard token can rebuild. A respondent's assessment (kind ``respondent``) has its
own random private link, as a self-assessment does; an imported one has none.

Writes. On SQLite a write transaction starts with ``BEGIN IMMEDIATE`` (taking the
write lock up front, so the busy timeout applies instead of a snapshot conflict);
on PostgreSQL a row read before a write is locked with ``SELECT ... FOR UPDATE``.
Writes to an assessment update its row first, so concurrent writers take locks in
the same order. :meth:`Store.save_answer` also sets ``assessments.updated_at``: that
UPDATE doubles as the existence check and shares the answer's commit, so a click
costs one more row write but no more commits.

Notes. ``consensus_reasons`` holds one note per answer of any assessment: the evidence an
owner gives for an answer ("where is this written down?") and, on a consensus
assessment, why the workshop agreed it. Whether a self-assessment's share view shows
its notes is the ``share_notes`` key of ``assessments.context``.

Answers. A value is ``None`` (not applicable / don't know, stored as JSON null), a
string (a choice's option id, or free text) or a list of strings (a multi
question). A question with no row is unanswered.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, Row

from threadline.links import (
    derive_consensus_token,
    derive_invite_token,
    derive_share_token,
    hash_token,
    looks_like_token,
    new_token,
)

LinkKind = Literal["private", "share"]
EngagementLinkKind = Literal["invite", "dashboard"]
Status = Literal["in_progress", "submitted"]
AssessmentKind = Literal["self", "respondent", "consensus"]
EngagementStatus = Literal["open", "closed"]
AnswerValue = str | list[str] | None

BUSY_TIMEOUT_MS = 5000
MAX_ID_LENGTH = 200
MAX_NOTE_LENGTH = 1000
_ASSESSMENT_LINK_KINDS = ("private", "share")
_ENGAGEMENT_LINK_KINDS = ("invite", "dashboard")
_STATUSES = ("in_progress", "submitted")
_ENGAGEMENT_STATUSES = ("open", "closed")
_WRITE = "threadline_write"
_MIGRATION_LOCK_KEY = 0x7468726561646C6E


class NotFoundError(LookupError):
    """Raised for an assessment, a bank or an engagement that is not in the database."""


class EngagementClosedError(Exception):
    """Raised when a respondent joins an engagement that is closed or past its closing date."""


@dataclass(frozen=True, slots=True)
class LinkLookup:
    """What a token opens: the assessment, as owner or viewer, and whether revoked."""

    kind: LinkKind
    assessment_id: int
    revoked: bool


@dataclass(frozen=True, slots=True)
class AssessmentRecord:
    """One assessment as stored, with its answers (question id -> value)."""

    id: int
    bank_hash: str
    context: dict[str, Any]
    targets: dict[str, int] | None
    page: int
    status: Status
    share_generation: int
    share_active: bool
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    answers: dict[str, AnswerValue]
    engagement_id: int | None = None
    kind: AssessmentKind = "self"
    department: str | None = None
    respondent: str | None = None


@dataclass(frozen=True, slots=True)
class EngagementRecord:
    """One engagement (one round of a series) as stored."""

    id: int
    series_id: int
    round: int
    bank_hash: str
    client: str
    consultant: str
    logo_text: str
    departments: tuple[str, ...]
    closes_on: date | None
    status: EngagementStatus
    share_team: bool
    created_at: datetime
    updated_at: datetime

    def accepts_responses(self, today: date) -> bool:
        """Tell whether respondents may join: open, and not past the closing date."""
        return self.status == "open" and (self.closes_on is None or today <= self.closes_on)


@dataclass(frozen=True, slots=True)
class EngagementLink:
    """What an engagement token opens: the invite or the dashboard, and whether revoked."""

    kind: EngagementLinkKind
    engagement_id: int
    revoked: bool


@dataclass(frozen=True, slots=True)
class Respondent:
    """One respondent of an engagement, without answers (``respondent`` None: anonymous)."""

    assessment_id: int
    department: str | None
    respondent: str | None
    status: Status
    created_at: datetime
    submitted_at: datetime | None


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


def _v1_tables(metadata: sa.MetaData) -> tuple[sa.Table, sa.Table, sa.Table, sa.Table]:
    """Define the tables of schema version 1 (frozen; see the module docstring)."""
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
    added = [
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


metadata = sa.MetaData()
banks, assessments, answers, links = _v1_tables(metadata)
engagements, consensus_reasons, _ = _v2_schema(metadata, assessments, links)
schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.CheckConstraint("id = 1", name="ck_schema_version_one_row"),
)


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


def content_hash(content: str) -> str:
    """Return the SHA-256 hex digest that identifies a bank's YAML text."""
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


class Store:
    """The database of one Threadline deployment."""

    def __init__(self, url: str) -> None:
        """Create the engine for a SQLite or PostgreSQL URL (no connection yet)."""
        self.engine: Engine = _create_engine(url)

    @property
    def dialect(self) -> str:
        """The backend's name: ``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def migrate(self) -> int:
        """Create or upgrade the tables (idempotent); return the schema version."""
        latest = len(MIGRATIONS)
        with self._write() as conn:
            if self.dialect == "postgresql":
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_MIGRATION_LOCK_KEY)))
            current = _schema_version(conn)
            if current > latest:
                raise RuntimeError(f"database schema version {current} is newer than this Threadline ({latest})")
            for step in MIGRATIONS[current:]:
                step(conn)
            conn.execute(schema_version.update().values(version=latest))
        return latest

    def put_bank(self, content: str, bank_id: str, version: str) -> str:
        """Store a bank's text once (idempotent); return its content hash."""
        digest = content_hash(content)
        stmt = self._insert(banks).values(
            content_hash=digest,
            bank_id=bank_id,
            version=version,
            content=content,
            created_at=_now(),
        )
        with self._write() as conn:
            conn.execute(stmt.on_conflict_do_nothing(index_elements=["content_hash"]))
        return digest

    def bank_content(self, bank_hash: str) -> str | None:
        """Return the text of a stored bank, or None if there is none."""
        query = sa.select(banks.c.content).where(banks.c.content_hash == bank_hash)
        with self.engine.connect() as conn:
            return cast(str | None, conn.scalar(query))

    def create_assessment(self, bank_hash: str, context: Mapping[str, Any]) -> tuple[int, str]:
        """Start an assessment on a stored bank; return its id and private token."""
        token, now = new_token(), _now()
        with self._write() as conn:
            _check_bank(conn, bank_hash)
            assessment_id = _new_assessment(conn, bank_hash, context, now)
            _add_link(conn, token, assessment_id, "private", now)
        return assessment_id, token

    def find_link(self, token: object) -> LinkLookup | None:
        """Return what a token opens, or None for a malformed or unknown token."""
        if not looks_like_token(token):
            return None
        query = sa.select(links.c.kind, links.c.assessment_id, links.c.revoked_at).where(
            links.c.token_hash == hash_token(cast(str, token))
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).one_or_none()
        if row is None or row.assessment_id is None:
            return None
        if row.kind not in _ASSESSMENT_LINK_KINDS:
            return None
        return LinkLookup(row.kind, row.assessment_id, row.revoked_at is not None)

    def assessment(self, assessment_id: int) -> AssessmentRecord:
        """Return an assessment with all its answers; raise NotFoundError if absent."""
        answer_query = sa.select(answers.c.question_id, answers.c.value).where(answers.c.assessment_id == assessment_id)
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(assessments).where(_is_assessment(assessment_id))).one_or_none()
            if row is None:
                raise NotFoundError(f"no assessment {assessment_id!r}")
            given = {question: value for question, value in conn.execute(answer_query)}
        return _record(row, given)

    def save_answer(self, assessment_id: int, question_id: str, value: AnswerValue) -> None:
        """Store one answer, replacing any earlier one (None: not applicable)."""
        _check_question_id(question_id)
        now = _now()
        with self._write() as conn:
            touched = conn.execute(self._touch_assessment, {"assessment": assessment_id, "now": now})
            if touched.rowcount == 0:
                raise NotFoundError(f"no assessment {assessment_id!r}")
            conn.execute(
                self._upsert_answer,
                {"assessment": assessment_id, "question": question_id, "value": _answer_value(value), "now": now},
            )

    @cached_property
    def _touch_assessment(self) -> sa.Update:
        """Built once: an answer click is the app's most frequent write."""
        return (
            assessments.update()
            .where(assessments.c.id == sa.bindparam("assessment"))
            .values(updated_at=sa.bindparam("now", type_=UTCDateTime()))
        )

    @cached_property
    def _upsert_answer(self) -> sa.Insert:
        stmt = self._insert(answers).values(
            assessment_id=sa.bindparam("assessment"),
            question_id=sa.bindparam("question"),
            value=sa.bindparam("value", type_=answers.c.value.type),
            updated_at=sa.bindparam("now", type_=UTCDateTime()),
        )
        return stmt.on_conflict_do_update(
            index_elements=["assessment_id", "question_id"],
            set_={"value": stmt.excluded.value, "updated_at": stmt.excluded.updated_at},
        )

    def clear_answer(self, assessment_id: int, question_id: str) -> None:
        """Remove an answer, so the question counts as unanswered again."""
        with self._write() as conn:
            _update_assessment(conn, assessment_id, updated_at=_now())
            conn.execute(
                answers.delete().where(
                    answers.c.assessment_id == assessment_id,
                    answers.c.question_id == question_id,
                )
            )

    def set_page(self, assessment_id: int, page: int) -> None:
        """Remember the survey page (0-based) the person is on."""
        if isinstance(page, bool) or not isinstance(page, int) or page < 0:
            raise ValueError(f"page must be an int >= 0, not {page!r}")
        self._update(assessment_id, page=page)

    def set_context(self, assessment_id: int, context: Mapping[str, Any]) -> None:
        """Replace the optional context (organisation, role, industry, size...)."""
        self._update(assessment_id, context=dict(context))

    def set_targets(self, assessment_id: int, targets: Mapping[str, int] | None) -> None:
        """Replace the target level per dimension id (None: no targets set)."""
        self._update(assessment_id, targets=_targets_value(targets))

    def submit(self, assessment_id: int) -> None:
        """Mark an assessment submitted, now."""
        self._update(assessment_id, status="submitted", submitted_at=_now())

    def enable_share(self, assessment_id: int, private_token: str) -> str:
        """Turn the share link on (idempotent); return the share token."""
        now = _now()
        with self._write() as conn:
            state = _share_state(conn, assessment_id, private_token, lock=True)
            token = derive_share_token(private_token, state.share_generation)
            if not state.share_active:
                _add_link(conn, token, assessment_id, "share", now)
                _update_assessment(conn, assessment_id, share_active=True, updated_at=now)
        return token

    def revoke_share(self, assessment_id: int) -> None:
        """Turn the share link off for good; a later enable_share makes a new one."""
        now = _now()
        query = sa.select(assessments.c.share_active).where(_is_assessment(assessment_id)).with_for_update()
        with self._write() as conn:
            active = conn.execute(query).scalar_one_or_none()
            if active is None:
                raise NotFoundError(f"no assessment {assessment_id!r}")
            if not active:
                return
            conn.execute(
                links.update()
                .where(
                    links.c.assessment_id == assessment_id,
                    links.c.kind == "share",
                    links.c.revoked_at.is_(None),
                )
                .values(revoked_at=now)
            )
            _update_assessment(
                conn,
                assessment_id,
                share_active=False,
                share_generation=assessments.c.share_generation + 1,
                updated_at=now,
            )

    def current_share_token(self, assessment_id: int, private_token: str) -> str | None:
        """Return the active share token, re-derived from the private token, or None."""
        with self.engine.connect() as conn:
            state = _share_state(conn, assessment_id, private_token, lock=False)
        if not state.share_active:
            return None
        return derive_share_token(private_token, state.share_generation)

    # Engagements (issue 4): many respondents per client, a dashboard, consensus, rounds.

    def create_engagement(
        self,
        bank_hash: str,
        client: str,
        consultant: str,
        logo_text: str,
        departments: Sequence[str],
        closes_on: date | None = None,
        series_id: int | None = None,
    ) -> tuple[EngagementRecord, str, str]:
        """Start an engagement; return it, its invite token and its dashboard token.

        With ``series_id`` (the id of any round of a series) it is the series' next round.
        """
        values = _engagement_values(
            {
                "client": client,
                "consultant": consultant,
                "logo_text": logo_text,
                "departments": departments,
                "closes_on": closes_on,
            }
        )
        dashboard, now = new_token(), _now()
        with self._write() as conn:
            _check_bank(conn, bank_hash)
            series, round_number = _next_round(conn, series_id)
            result = conn.execute(
                engagements.insert().values(
                    series_id=series,
                    round=round_number,
                    bank_hash=bank_hash,
                    status="open",
                    share_team=False,
                    created_at=now,
                    updated_at=now,
                    **values,
                )
            )
            engagement_id = cast(int, result.inserted_primary_key[0])
            if series is None:
                _update_engagement(conn, engagement_id, series_id=engagement_id)
            invite = derive_invite_token(dashboard, engagement_id, 0)
            _add_engagement_link(conn, invite, engagement_id, "invite", now)
            _add_engagement_link(conn, dashboard, engagement_id, "dashboard", now)
            record = _engagement(conn, engagement_id)
        return record, invite, dashboard

    def find_engagement_link(self, token: object) -> EngagementLink | None:
        """Return what an invite or dashboard token opens, or None for any other token."""
        if not looks_like_token(token):
            return None
        query = sa.select(links.c.kind, links.c.engagement_id, links.c.revoked_at).where(
            links.c.token_hash == hash_token(cast(str, token))
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).one_or_none()
        if row is None or row.engagement_id is None or row.kind not in _ENGAGEMENT_LINK_KINDS:
            return None
        return EngagementLink(row.kind, row.engagement_id, row.revoked_at is not None)

    def engagement(self, engagement_id: int) -> EngagementRecord:
        """Return an engagement; raise NotFoundError if absent."""
        with self.engine.connect() as conn:
            return _engagement(conn, engagement_id)

    def series(self, series_id: int) -> list[EngagementRecord]:
        """Return the rounds of a series, first round first (empty for an unknown series)."""
        query = sa.select(engagements).where(engagements.c.series_id == series_id).order_by(engagements.c.round)
        with self.engine.connect() as conn:
            return [_engagement_record(row) for row in conn.execute(query)]

    def set_engagement_status(self, engagement_id: int, status: EngagementStatus) -> None:
        """Close an engagement to new respondents (``closed``) or reopen it (``open``)."""
        if status not in _ENGAGEMENT_STATUSES:
            raise ValueError(f"an engagement is open or closed, not {status!r}")
        self._update_engagement(engagement_id, status=status)

    def set_share_team(self, engagement_id: int, share: bool) -> None:
        """Choose whether respondents see the team results."""
        if not isinstance(share, bool):
            raise TypeError(f"share must be a bool, not {share!r}")
        self._update_engagement(engagement_id, share_team=share)

    def update_engagement(self, engagement_id: int, **fields: Any) -> None:
        """Change any of client, consultant, logo_text, departments and closes_on."""
        self._update_engagement(engagement_id, **_engagement_values(fields))

    def current_invite_token(self, engagement_id: int, dashboard_token: str) -> str:
        """Return the live invite token, rebuilt from the engagement's current dashboard token.

        Raises PermissionError when ``dashboard_token`` is not that token.
        """
        with self.engine.connect() as conn:
            _check_dashboard(conn, engagement_id, dashboard_token)
            generation = conn.scalar(_invite_generation(engagement_id))
        return derive_invite_token(dashboard_token, engagement_id, cast(int, generation))

    def rotate_engagement_link(self, engagement_id: int, kind: EngagementLinkKind, dashboard_token: str) -> str:
        """Replace the invite or the dashboard link; return the new token.

        ``dashboard_token`` must be the engagement's current dashboard token
        (PermissionError otherwise). A new invite token revokes every invite link. A new
        dashboard token revokes the old one and re-keys what is derived from it (see the
        module docstring): invite links and the consensus share link keep working.
        """
        if kind not in _ENGAGEMENT_LINK_KINDS:
            raise ValueError(f"an engagement link is invite or dashboard, not {kind!r}")
        now = _now()
        with self._write() as conn:
            _update_engagement(conn, engagement_id, updated_at=now)
            _check_dashboard(conn, engagement_id, dashboard_token)
            _revoke_engagement_links(conn, engagement_id, kind, now)
            if kind == "invite":
                _update_engagement(conn, engagement_id, invite_generation=engagements.c.invite_generation + 1)
                dashboard = dashboard_token
            else:
                dashboard = new_token()
                _add_engagement_link(conn, dashboard, engagement_id, "dashboard", now)
                _rekey_consensus(conn, engagement_id, dashboard, now)
            generation = cast(int, conn.scalar(_invite_generation(engagement_id)))
            invite = derive_invite_token(dashboard, engagement_id, generation)
            _add_engagement_link(conn, invite, engagement_id, "invite", now)
        return invite if kind == "invite" else dashboard

    def add_respondent(
        self,
        engagement_id: int,
        department: str,
        respondent: str | None = None,
        *,
        today: date | None = None,
    ) -> tuple[int, str]:
        """Start a respondent's assessment; return its id and private token.

        ``respondent`` is an optional name (None or blank: anonymous). Raises
        EngagementClosedError when the engagement does not accept responses on
        ``today`` (default: the current UTC date), ValueError for a department it
        does not offer.
        """
        name = _respondent_name(respondent)
        token, now = new_token(), _now()
        with self._write() as conn:
            record = _engagement(conn, engagement_id, lock="share")
            if not record.accepts_responses(today or now.date()):
                raise EngagementClosedError(f"engagement {engagement_id} does not accept responses")
            if department not in record.departments:
                raise ValueError(f"engagement {engagement_id} does not offer department {department!r}")
            assessment_id = _new_respondent(conn, record, department, name, now)
            _add_link(conn, token, assessment_id, "private", now)
        return assessment_id, token

    def respondents(self, engagement_id: int) -> list[Respondent]:
        """Return the respondents of an engagement in the order they joined."""
        query = (
            sa.select(
                assessments.c.id,
                assessments.c.department,
                assessments.c.respondent,
                assessments.c.status,
                assessments.c.created_at,
                assessments.c.submitted_at,
            )
            .where(assessments.c.engagement_id == engagement_id, assessments.c.kind == "respondent")
            .order_by(assessments.c.id)
        )
        with self.engine.connect() as conn:
            return [Respondent(*row) for row in conn.execute(query)]

    def engagement_answers(
        self, engagement_ids: Sequence[int], submitted_only: bool = True
    ) -> list[tuple[int, str, AnswerValue]]:
        """Return (assessment id, question id, value) for the respondents of some engagements.

        The rows of :meth:`respondent_answers` (one query), flattened: by engagement,
        then respondent id, then question id.
        """
        return [
            (assessment_id, question_id, given[question_id])
            for assessment_id, given in self.respondent_answers(engagement_ids, submitted_only).items()
            for question_id in sorted(given)
        ]

    def respondent_answers(
        self, engagement_ids: Sequence[int], submitted_only: bool = True
    ) -> dict[int, dict[str, AnswerValue]]:
        """Return each respondent's answers (question id -> value), for the aggregation.

        Covers the respondents of the given engagements (only the submitted ones by
        default), by engagement then respondent id; one with no answer is left out.
        One query: the database gathers each respondent's answers into one JSON object
        and a single ``json.loads`` decodes them all, which keeps 2,000 respondents x 40
        answers to a few tens of milliseconds (fetching a row per answer is about three
        times slower).
        """
        ids = list(engagement_ids)
        if not ids:
            return {}
        query = (
            sa.select(assessments.c.id, sa.cast(self._answers_object, sa.Text))
            .join_from(answers, assessments, assessments.c.id == answers.c.assessment_id)
            .where(assessments.c.engagement_id.in_(ids), assessments.c.kind == "respondent")
            .group_by(assessments.c.engagement_id, assessments.c.id)
            .order_by(assessments.c.engagement_id, assessments.c.id)
        )
        if submitted_only:
            query = query.where(assessments.c.status == "submitted")
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        objects = json.loads("[" + ",".join(text for _, text in rows) + "]")
        return {assessment_id: given for (assessment_id, _), given in zip(rows, objects, strict=True)}

    @property
    def _answers_object(self) -> sa.ColumnElement[Any]:
        """An aggregate: a group's answers as one JSON object (question id -> value)."""
        if self.dialect == "postgresql":
            return sa.func.json_object_agg(answers.c.question_id, answers.c.value)
        return sa.func.json_group_object(answers.c.question_id, sa.func.json(answers.c.value))

    def consensus_assessment(self, engagement_id: int, dashboard_token: str) -> tuple[int, str]:
        """Return the engagement's consensus assessment and its private token, creating it once.

        The private token is derived from the dashboard token, which must be the
        engagement's current dashboard link (PermissionError otherwise).
        """
        with self.engine.connect() as conn:
            _check_dashboard(conn, engagement_id, dashboard_token)
            found = conn.scalar(_consensus_id(engagement_id))
        token = derive_consensus_token(dashboard_token, engagement_id)
        if found is not None:
            return found, token
        now = _now()
        with self._write() as conn:
            record = _engagement(conn, engagement_id, lock="update")
            _check_dashboard(conn, engagement_id, dashboard_token)
            found = conn.scalar(_consensus_id(engagement_id))
            if found is None:
                context = {"organisation": record.client}
                found = _new_assessment(
                    conn, record.bank_hash, context, now, engagement_id=engagement_id, kind="consensus"
                )
                _add_link(conn, token, found, "private", now)
        return found, token

    def save_reason(self, assessment_id: int, question_id: str, reason: str) -> None:
        """Store the reason for a consensus answer, replacing any earlier one (blank: remove it)."""
        self._save_note(assessment_id, question_id, reason, kind="consensus")

    def reasons(self, assessment_id: int) -> dict[str, str]:
        """Return the consensus reasons of an assessment (question id -> reason)."""
        return self.notes(assessment_id)

    def save_note(self, assessment_id: int, question_id: str, note: str) -> None:
        """Store the evidence note on one answer, replacing any earlier one (blank: remove it).

        A note is at most MAX_NOTE_LENGTH characters. A consensus assessment's notes are its reasons.
        """
        self._save_note(assessment_id, question_id, note, kind=None)

    def notes(self, assessment_id: int) -> dict[str, str]:
        """Return the notes of an assessment (question id -> note), in question id order."""
        query = (
            sa.select(consensus_reasons.c.question_id, consensus_reasons.c.reason)
            .where(consensus_reasons.c.assessment_id == assessment_id)
            .order_by(consensus_reasons.c.question_id)
        )
        with self.engine.connect() as conn:
            return {question: reason for question, reason in conn.execute(query)}

    def _save_note(self, assessment_id: int, question_id: str, note: str, kind: AssessmentKind | None) -> None:
        _check_question_id(question_id)
        if not isinstance(note, str):
            raise TypeError(f"a note is a string, not {note!r}")
        if len(note) > MAX_NOTE_LENGTH:
            raise ValueError(f"a note is at most {MAX_NOTE_LENGTH} characters, not {len(note)}")
        now = _now()
        touch = assessments.update().where(_is_assessment(assessment_id)).values(updated_at=now)
        if kind is not None:
            touch = touch.where(assessments.c.kind == kind)
        mine = (consensus_reasons.c.assessment_id == assessment_id, consensus_reasons.c.question_id == question_id)
        with self._write() as conn:
            if conn.execute(touch).rowcount == 0:
                raise NotFoundError(f"no {kind or ''} assessment {assessment_id!r}".replace("  ", " "))
            if not note.strip():
                conn.execute(consensus_reasons.delete().where(*mine))
                return
            stmt = self._insert(consensus_reasons).values(
                assessment_id=assessment_id, question_id=question_id, reason=note, updated_at=now
            )
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["assessment_id", "question_id"],
                    set_={"reason": stmt.excluded.reason, "updated_at": stmt.excluded.updated_at},
                )
            )

    def import_respondent(
        self,
        engagement_id: int,
        department: str | None,
        respondent: str | None,
        status: Status,
        answers: Mapping[str, AnswerValue],
        created_at: datetime,
        submitted_at: datetime | None,
    ) -> int:
        """Store an exported response with its answers; return its id.

        No link is made: an imported response cannot be resumed. The engagement may be
        closed and the department need not be offered any more.
        """
        if status not in _STATUSES:
            raise ValueError(f"a status is in_progress or submitted, not {status!r}")
        if status == "submitted" and submitted_at is None:
            raise ValueError("a submitted response needs submitted_at")
        name = _respondent_name(respondent)
        if department is not None and (not isinstance(department, str) or len(department) > MAX_ID_LENGTH):
            raise ValueError(f"a department is None or a string of at most {MAX_ID_LENGTH} characters")
        for question_id in answers:
            _check_question_id(question_id)
        given = {question_id: _answer_value(value) for question_id, value in answers.items()}
        updated_at = submitted_at or created_at
        with self._write() as conn:
            record = _engagement(conn, engagement_id, lock="share")
            assessment_id = _new_respondent(
                conn,
                record,
                department,
                name,
                created_at,
                status=status,
                submitted_at=submitted_at,
                updated_at=updated_at,
            )
            _insert_answers(conn, assessment_id, given, updated_at)
        return assessment_id

    def _update_engagement(self, engagement_id: int, **values: Any) -> None:
        with self._write() as conn:
            _update_engagement(conn, engagement_id, updated_at=_now(), **values)

    # Internals

    def _update(self, assessment_id: int, **values: Any) -> None:
        with self._write() as conn:
            _update_assessment(conn, assessment_id, updated_at=_now(), **values)

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn.execution_options(**{_WRITE: True})
            with conn.begin():
                yield conn

    def _insert(self, table: sa.Table) -> sqlite.Insert | postgresql.Insert:
        if self.dialect == "postgresql":
            return postgresql.insert(table)
        return sqlite.insert(table)


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


def _schema_version(conn: Connection) -> int:
    schema_version.create(conn, checkfirst=True)
    current = conn.scalar(sa.select(schema_version.c.version))
    if current is None:
        conn.execute(schema_version.insert().values(id=1, version=0))
        return 0
    return int(current)


def _now() -> datetime:
    return datetime.now(UTC)


def _is_bank(bank_hash: str) -> sa.ColumnElement[bool]:
    return banks.c.content_hash == bank_hash


def _is_assessment(assessment_id: int) -> sa.ColumnElement[bool]:
    return assessments.c.id == assessment_id


def _check_bank(conn: Connection, bank_hash: str) -> None:
    if conn.scalar(sa.select(banks.c.bank_id).where(_is_bank(bank_hash))) is None:
        raise NotFoundError(f"no bank {bank_hash!r}")


def _new_assessment(conn: Connection, bank_hash: str, context: Mapping[str, Any], now: datetime, **values: Any) -> int:
    """Insert an assessment (a fresh self-assessment unless ``values`` say otherwise)."""
    row: dict[str, Any] = {
        "bank_hash": bank_hash,
        "context": dict(context),
        "page": 0,
        "status": "in_progress",
        "share_generation": 0,
        "share_active": False,
        "created_at": now,
        "updated_at": now,
        "kind": "self",
    }
    result = conn.execute(assessments.insert().values(**(row | values)))
    return cast(int, result.inserted_primary_key[0])


def _update_assessment(conn: Connection, assessment_id: int, **values: Any) -> None:
    result = conn.execute(assessments.update().where(_is_assessment(assessment_id)).values(**values))
    if result.rowcount == 0:
        raise NotFoundError(f"no assessment {assessment_id!r}")


def _add_link(conn: Connection, token: str, assessment_id: int, kind: LinkKind, now: datetime) -> None:
    conn.execute(
        links.insert().values(
            token_hash=hash_token(token),
            assessment_id=assessment_id,
            kind=kind,
            created_at=now,
        )
    )


def _share_state(conn: Connection, assessment_id: int, private_token: str, *, lock: bool) -> Row[Any]:
    if not looks_like_token(private_token):
        raise PermissionError("not the private link of this assessment")
    query = (
        sa.select(assessments.c.share_generation, assessments.c.share_active)
        .select_from(assessments.join(links, links.c.assessment_id == assessments.c.id))
        .where(
            _is_assessment(assessment_id),
            links.c.token_hash == hash_token(private_token),
            links.c.kind == "private",
            links.c.revoked_at.is_(None),
        )
    )
    if lock:
        query = query.with_for_update(of=assessments)
    row = conn.execute(query).one_or_none()
    if row is None:
        raise PermissionError("not the private link of this assessment")
    return row


def _check_question_id(question_id: str) -> None:
    if not isinstance(question_id, str) or not 0 < len(question_id) <= MAX_ID_LENGTH:
        raise ValueError(f"invalid question id {question_id!r}")


def _answer_value(value: AnswerValue | Sequence[str]) -> Any:
    if value is None:
        return sa.JSON.NULL
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return list(value)
    raise TypeError(f"an answer is None, a string or a list of strings, not {value!r}")


def _targets_value(targets: Mapping[str, int] | None) -> dict[str, int] | None:
    if targets is None:
        return None
    if not all(isinstance(level, int) and not isinstance(level, bool) for level in targets.values()):
        raise TypeError(f"target levels must be ints, not {dict(targets)!r}")
    return dict(targets)


def _record(row: Row[Any], given: dict[str, AnswerValue]) -> AssessmentRecord:
    return AssessmentRecord(
        id=row.id,
        bank_hash=row.bank_hash,
        context=row.context,
        targets=row.targets,
        page=row.page,
        status=row.status,
        share_generation=row.share_generation,
        share_active=bool(row.share_active),
        created_at=row.created_at,
        updated_at=row.updated_at,
        submitted_at=row.submitted_at,
        answers=given,
        engagement_id=row.engagement_id,
        kind=row.kind,
        department=row.department,
        respondent=row.respondent,
    )


# Engagements


def _new_respondent(
    conn: Connection,
    engagement: EngagementRecord,
    department: str | None,
    respondent: str | None,
    now: datetime,
    **values: Any,
) -> int:
    return _new_assessment(
        conn,
        engagement.bank_hash,
        {"department": department, "respondent": respondent},
        now,
        engagement_id=engagement.id,
        kind="respondent",
        department=department,
        respondent=respondent,
        **values,
    )


def _insert_answers(conn: Connection, assessment_id: int, given: Mapping[str, Any], now: datetime) -> None:
    if given:
        conn.execute(
            answers.insert(),
            [
                {"assessment_id": assessment_id, "question_id": question_id, "value": value, "updated_at": now}
                for question_id, value in given.items()
            ],
        )


def _respondent_name(respondent: str | None) -> str | None:
    """A respondent's optional name, trimmed; None for anonymous (None or blank)."""
    if respondent is None:
        return None
    if not isinstance(respondent, str):
        raise TypeError(f"a respondent's name is a string or None, not {respondent!r}")
    name = respondent.strip()
    if len(name) > MAX_ID_LENGTH:
        raise ValueError(f"a respondent's name has at most {MAX_ID_LENGTH} characters")
    return name or None


def _next_round(conn: Connection, series_id: int | None) -> tuple[int | None, int]:
    """The series and round of a new engagement (series None: it starts its own)."""
    if series_id is None:
        return None, 1
    series = conn.scalar(sa.select(engagements.c.series_id).where(engagements.c.id == series_id))
    if series is None:
        raise NotFoundError(f"no engagement {series_id!r}")
    conn.execute(sa.select(engagements.c.id).where(engagements.c.id == series).with_for_update())
    latest = conn.scalar(sa.select(sa.func.max(engagements.c.round)).where(engagements.c.series_id == series))
    return series, int(latest) + 1


def _engagement(
    conn: Connection, engagement_id: int, lock: Literal["share", "update"] | None = None
) -> EngagementRecord:
    """Read an engagement, optionally locking its row (PostgreSQL; SQLite locks the database)."""
    query = sa.select(engagements).where(engagements.c.id == engagement_id)
    if lock is not None:
        query = query.with_for_update(read=lock == "share")
    row = conn.execute(query).one_or_none()
    if row is None:
        raise NotFoundError(f"no engagement {engagement_id!r}")
    return _engagement_record(row)


def _update_engagement(conn: Connection, engagement_id: int, **values: Any) -> None:
    result = conn.execute(engagements.update().where(engagements.c.id == engagement_id).values(**values))
    if result.rowcount == 0:
        raise NotFoundError(f"no engagement {engagement_id!r}")


def _add_engagement_link(
    conn: Connection, token: str, engagement_id: int, kind: EngagementLinkKind, now: datetime
) -> None:
    conn.execute(
        links.insert().values(
            token_hash=hash_token(token),
            engagement_id=engagement_id,
            kind=kind,
            created_at=now,
        )
    )


def _check_dashboard(conn: Connection, engagement_id: int, token: object) -> None:
    refused = PermissionError("not the dashboard link of this engagement")
    if not looks_like_token(token):
        raise refused
    query = sa.select(links.c.token_hash).where(
        links.c.token_hash == hash_token(cast(str, token)),
        links.c.engagement_id == engagement_id,
        links.c.kind == "dashboard",
        links.c.revoked_at.is_(None),
    )
    if conn.execute(query).first() is None:
        raise refused


def _consensus_id(engagement_id: int) -> sa.Select[tuple[int]]:
    return sa.select(assessments.c.id).where(
        assessments.c.engagement_id == engagement_id, assessments.c.kind == "consensus"
    )


def _invite_generation(engagement_id: int) -> sa.Select[tuple[int]]:
    return sa.select(engagements.c.invite_generation).where(engagements.c.id == engagement_id)


def _revoke_engagement_links(conn: Connection, engagement_id: int, kind: EngagementLinkKind, now: datetime) -> None:
    conn.execute(
        links.update()
        .where(links.c.engagement_id == engagement_id, links.c.kind == kind, links.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def _rekey_consensus(conn: Connection, engagement_id: int, dashboard_token: str, now: datetime) -> None:
    """Give the consensus the private token of a new dashboard token, revoking the old one.

    A live share link stays live and gets a successor derived from the new private
    token, which is the one :meth:`Store.current_share_token` then returns.
    """
    query = sa.select(assessments.c.id, assessments.c.share_generation, assessments.c.share_active).where(
        assessments.c.engagement_id == engagement_id, assessments.c.kind == "consensus"
    )
    consensus = conn.execute(query).one_or_none()
    if consensus is None:
        return
    conn.execute(
        links.update()
        .where(links.c.assessment_id == consensus.id, links.c.kind == "private", links.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    private = derive_consensus_token(dashboard_token, engagement_id)
    _add_link(conn, private, consensus.id, "private", now)
    if consensus.share_active:
        _add_link(conn, derive_share_token(private, consensus.share_generation), consensus.id, "share", now)


def _engagement_record(row: Row[Any]) -> EngagementRecord:
    return EngagementRecord(
        id=row.id,
        series_id=row.series_id,
        round=row.round,
        bank_hash=row.bank_hash,
        client=row.client,
        consultant=row.consultant,
        logo_text=row.logo_text,
        departments=tuple(row.departments),
        closes_on=row.closes_on,
        status=row.status,
        share_team=bool(row.share_team),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, not {value!r}")
    return value


def _departments(value: object) -> list[str]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise TypeError(f"departments are a list of strings, not {value!r}")
    names = list(value)
    if not names or not all(isinstance(name, str) and name.strip() and len(name) <= MAX_ID_LENGTH for name in names):
        raise ValueError(f"departments are 1 or more names of 1 to {MAX_ID_LENGTH} characters, not {names!r}")
    if len(set(names)) != len(names):
        raise ValueError(f"departments are listed once each, not {names!r}")
    return names


def _closing_date(value: object) -> date | None:
    if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
        raise TypeError(f"closes_on is a date or None, not {value!r}")
    return value


_ENGAGEMENT_FIELDS: dict[str, Callable[[Any], Any]] = {
    "client": _text,
    "consultant": _text,
    "logo_text": _text,
    "departments": _departments,
    "closes_on": _closing_date,
}


def _engagement_values(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Check the editable fields of an engagement; return the values to store."""
    unknown = sorted(set(fields) - set(_ENGAGEMENT_FIELDS))
    if unknown:
        raise TypeError(f"not an editable engagement field: {', '.join(unknown)}")
    return {name: _ENGAGEMENT_FIELDS[name](value) for name, value in fields.items()}
