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

Room for engagements (issue 4): ``links.kind`` is checked in code, not by a CHECK
constraint, and ``links.assessment_id`` is nullable, so that invite and dashboard
links of an engagement can later share the table through an added
``engagement_id`` column, without a table rebuild on SQLite. :meth:`Store.find_link`
answers only for assessment links.

Writes. On SQLite a write transaction starts with ``BEGIN IMMEDIATE`` (taking the
write lock up front, so the busy timeout applies instead of a snapshot conflict);
on PostgreSQL a row read before a write is locked with ``SELECT ... FOR UPDATE``.
Writes to an assessment update its row first, so concurrent writers take locks in
the same order. :meth:`Store.save_answer` also sets ``assessments.updated_at``: that
UPDATE doubles as the existence check and shares the answer's commit, so a click
costs one more row write but no more commits.

Answers. A value is ``None`` (not applicable / don't know, stored as JSON null), a
string (a choice's option id, or free text) or a list of strings (a multi
question). A question with no row is unanswered.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, Row

from threadline.links import (
    derive_share_token,
    hash_token,
    looks_like_token,
    new_token,
)

LinkKind = Literal["private", "share"]
Status = Literal["in_progress", "submitted"]
AnswerValue = str | list[str] | None

BUSY_TIMEOUT_MS = 5000
MAX_ID_LENGTH = 200
_ASSESSMENT_LINK_KINDS = ("private", "share")
_WRITE = "threadline_write"
_MIGRATION_LOCK_KEY = 0x7468726561646C6E


class NotFoundError(LookupError):
    """Raised for an assessment or a bank that is not in the database."""


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


metadata = sa.MetaData()
banks, assessments, answers, links = _v1_tables(metadata)
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


MIGRATIONS: list[Callable[[Connection], None]] = [_migrate_to_v1]


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
            if conn.scalar(sa.select(banks.c.bank_id).where(_is_bank(bank_hash))) is None:
                raise NotFoundError(f"no bank {bank_hash!r}")
            result = conn.execute(
                assessments.insert().values(
                    bank_hash=bank_hash,
                    context=dict(context),
                    page=0,
                    status="in_progress",
                    share_generation=0,
                    share_active=False,
                    created_at=now,
                    updated_at=now,
                )
            )
            assessment_id = cast(int, result.inserted_primary_key[0])
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
    )
