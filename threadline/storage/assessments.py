"""Assessments: their answers, evidence notes, and private and share links.

A self-assessment (kind ``self``) and a respondent's assessment (kind ``respondent``)
each have a random private link; its owner may turn a share link on, derived from
the private token (:mod:`threadline.links`), so only hashes are stored. An imported
respondent has no link.

:meth:`AssessmentStore.save_answer` also sets ``assessments.updated_at``: that
UPDATE doubles as the existence check and shares the answer's commit, so a click
costs one more row write but no more commits.

The lifecycle of an engagement is enforced here, where a respondent's data is written:
once the engagement is closed, or its closing date (a UTC date) has passed, saving or
clearing an answer, saving a note and submitting a respondent's assessment raise
:class:`EngagementClosedError` and change nothing; reopening lets them go on. The check is
part of the assessment row's UPDATE (:func:`_writable`), so it costs no extra statement: a
write whose UPDATE ran before the close committed is kept, one after it is refused. Self-
assessments and the workshop's consensus are never frozen; the page, targets, context and
share link of a respondent's assessment are not the response and stay writable, and so does
deleting it (the respondent's right).

Notes. ``consensus_reasons`` holds one note per answer of any assessment: the evidence an
owner gives for an answer ("where is this written down?") and, on a consensus
assessment, why the workshop agreed it. Whether a self-assessment's share view shows
its notes is the ``share_notes`` key of ``assessments.context``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import cached_property
from typing import Any, NoReturn, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from threadline.links import derive_share_token, hash_token, looks_like_token, new_token
from threadline.storage.banks import _check_bank
from threadline.storage.database import StoreBase, _inserted_id, _now
from threadline.storage.records import (
    _ASSESSMENT_LINK_KINDS,
    MAX_ID_LENGTH,
    MAX_NOTE_LENGTH,
    AnswerValue,
    AssessmentKind,
    AssessmentRecord,
    EngagementClosedError,
    LinkKind,
    LinkLookup,
    NotFoundError,
)
from threadline.storage.schema import (
    UTCDateTime,
    answers,
    assessments,
    consensus_reasons,
    engagements,
    links,
    peer_scores,
)
from threadline.text import clean_name, clean_optional


class AssessmentStore(StoreBase):
    """The assessments' part of the :class:`Store`: answers, notes, private and share links."""

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
        with self._read() as conn:
            row = conn.execute(query).one_or_none()
        if row is None or row.assessment_id is None:
            return None
        if row.kind not in _ASSESSMENT_LINK_KINDS:
            return None
        return LinkLookup(row.kind, row.assessment_id, row.revoked_at is not None)

    def assessment(self, assessment_id: int) -> AssessmentRecord:
        """Return an assessment with all its answers; raise NotFoundError if absent."""
        answer_query = sa.select(answers.c.question_id, answers.c.value).where(answers.c.assessment_id == assessment_id)
        with self._read() as conn:
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
            touched = conn.execute(
                self._touch_assessment, {"assessment": assessment_id, "now": now, "today": now.date()}
            )
            if touched.rowcount == 0:
                _refuse(conn, assessment_id)
            conn.execute(
                self._upsert_answer,
                {"assessment": assessment_id, "question": question_id, "value": _answer_value(value), "now": now},
            )

    @cached_property
    def _touch_assessment(self) -> sa.Update:
        """Built once: an answer click is the app's most frequent write."""
        return (
            assessments.update()
            .where(assessments.c.id == sa.bindparam("assessment"), _writable(sa.bindparam("today", type_=sa.Date())))
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
        now = _now()
        with self._write() as conn:
            _update_response(conn, assessment_id, now, updated_at=now)
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
        self._update(assessment_id, context=clean_context(context))

    def set_targets(self, assessment_id: int, targets: Mapping[str, int] | None) -> None:
        """Replace the target level per dimension id (None: no targets set)."""
        self._update(assessment_id, targets=_targets_value(targets))

    def set_target(self, assessment_id: int, dimension_id: str, level: int | None) -> dict[str, int]:
        """Set one dimension's target level (None: back to the default); return all the targets now.

        Only that dimension changes, read and written under the row's lock, so two tabs (or
        two app servers) changing different dimensions both keep their change; the same
        dimension changed twice keeps the later level. The other targets are as stored.
        """
        _check_question_id(dimension_id)
        if level is not None and (isinstance(level, bool) or not isinstance(level, int)):
            raise TypeError(f"a target level is an int or None, not {level!r}")
        query = sa.select(assessments.c.targets).where(_is_assessment(assessment_id)).with_for_update()
        with self._write() as conn:
            row = conn.execute(query).one_or_none()
            if row is None:
                raise NotFoundError(f"no assessment {assessment_id!r}")
            targets = {**(row.targets or {}), dimension_id: level}
            merged = {dimension: value for dimension, value in targets.items() if value is not None}
            _update_assessment(conn, assessment_id, targets=merged or None, updated_at=_now())
        return merged

    def submit(self, assessment_id: int) -> None:
        """Mark an assessment submitted, now (EngagementClosedError for a respondent of a closed engagement)."""
        now = _now()
        with self._write() as conn:
            _update_response(conn, assessment_id, now, status="submitted", submitted_at=now, updated_at=now)

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
        with self._read() as conn:
            state = _share_state(conn, assessment_id, private_token, lock=False)
        if not state.share_active:
            return None
        return derive_share_token(private_token, state.share_generation)

    def delete_assessment(self, assessment_id: int, private_token: str) -> None:
        """Delete a self-assessment or a respondent's response for good, asked by its owner.

        ``private_token`` must be its current private link (PermissionError otherwise). Gone
        are its answers, its evidence notes, its private and share links and its row; the
        bank's text stays (it is shared and holds nothing personal). A workshop consensus
        goes only with its engagement (:meth:`EngagementStore.delete_engagement`).
        """
        with self._write() as conn:
            kind = _owned_kind(conn, assessment_id, private_token)
            if kind == "consensus":
                raise PermissionError("a consensus assessment is deleted with its engagement")
            _delete_assessments(conn, [assessment_id])

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
        with self._read() as conn:
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
            if conn.execute(touch.where(_writable(now.date()))).rowcount == 0:
                if kind is None:
                    _refuse(conn, assessment_id)
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

    def _update(self, assessment_id: int, **values: Any) -> None:
        with self._write() as conn:
            _update_assessment(conn, assessment_id, updated_at=_now(), **values)


def _is_assessment(assessment_id: int) -> sa.ColumnElement[bool]:
    return assessments.c.id == assessment_id


def _new_assessment(conn: Connection, bank_hash: str, context: Mapping[str, Any], now: datetime, **values: Any) -> int:
    """Insert an assessment (a fresh self-assessment unless ``values`` say otherwise)."""
    row: dict[str, Any] = {
        "bank_hash": bank_hash,
        "context": clean_context(context),
        "page": 0,
        "status": "in_progress",
        "share_generation": 0,
        "share_active": False,
        "created_at": now,
        "updated_at": now,
        "kind": "self",
    }
    result = conn.execute(assessments.insert().values(**(row | values)))
    return _inserted_id(result)


def _writable(today: date | sa.BindParameter[date]) -> sa.ColumnElement[bool]:
    """An assessment whose response may be written on ``today``: not a respondent's, or one whose
    engagement is open and not past its closing date."""
    open_rounds = sa.select(engagements.c.id).where(
        engagements.c.status == "open",
        sa.or_(engagements.c.closes_on.is_(None), engagements.c.closes_on >= today),
    )
    return sa.or_(assessments.c.kind != "respondent", assessments.c.engagement_id.in_(open_rounds))


def _update_response(conn: Connection, assessment_id: int, now: datetime, **values: Any) -> None:
    """Update an assessment's row when its response may be written now (see `_writable`)."""
    result = conn.execute(
        assessments.update().where(_is_assessment(assessment_id), _writable(now.date())).values(**values)
    )
    if result.rowcount == 0:
        _refuse(conn, assessment_id)


def _refuse(conn: Connection, assessment_id: int) -> NoReturn:
    """Why a write to a response touched no row: the engagement is closed, or there is no such assessment."""
    if conn.scalar(sa.select(assessments.c.id).where(_is_assessment(assessment_id))) is not None:
        raise EngagementClosedError(f"the engagement of assessment {assessment_id} does not accept responses")
    raise NotFoundError(f"no assessment {assessment_id!r}")


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


def _by_private_link(columns: Sequence[Any], assessment_id: int, private_token: str) -> sa.Select[Any]:
    """The assessment's `columns`, found only through its current private link (PermissionError for a bad token)."""
    if not looks_like_token(private_token):
        raise PermissionError("not the private link of this assessment")
    return (
        sa.select(*columns)
        .select_from(assessments.join(links, links.c.assessment_id == assessments.c.id))
        .where(
            _is_assessment(assessment_id),
            links.c.token_hash == hash_token(private_token),
            links.c.kind == "private",
            links.c.revoked_at.is_(None),
        )
    )


def _share_state(conn: Connection, assessment_id: int, private_token: str, *, lock: bool) -> Row[*tuple[Any, ...]]:
    columns = (assessments.c.share_generation, assessments.c.share_active)
    query = _by_private_link(columns, assessment_id, private_token)
    if lock:
        query = query.with_for_update(of=assessments)
    row = conn.execute(query).one_or_none()
    if row is None:
        raise PermissionError("not the private link of this assessment")
    return row


def _owned_kind(conn: Connection, assessment_id: int, private_token: str) -> AssessmentKind:
    """The kind of an assessment whose current private link is ``private_token``, its row locked."""
    query = _by_private_link((assessments.c.kind,), assessment_id, private_token).with_for_update(of=assessments)
    kind = conn.execute(query).scalar_one_or_none()
    if kind is None:
        raise PermissionError("not the private link of this assessment")
    return cast(AssessmentKind, kind)


def _delete_assessments(conn: Connection, assessment_ids: Sequence[int]) -> None:
    """Delete assessments with everything that references them: notes, answers, links."""
    ids = list(assessment_ids)
    if not ids:
        return
    for table in (consensus_reasons, answers, links, peer_scores):
        conn.execute(table.delete().where(table.c.assessment_id.in_(ids)))
    conn.execute(assessments.delete().where(assessments.c.id.in_(ids)))


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


def _insert_answers(conn: Connection, assessment_id: int, given: Mapping[str, Any], now: datetime) -> None:
    if given:
        conn.execute(
            answers.insert(),
            [
                {"assessment_id": assessment_id, "question_id": question_id, "value": value, "updated_at": now}
                for question_id, value in given.items()
            ],
        )


def _record(row: Row[*tuple[Any, ...]], given: dict[str, AnswerValue]) -> AssessmentRecord:
    return AssessmentRecord(
        id=row.id,
        bank_hash=row.bank_hash,
        context=clean_context(row.context),
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
        department=clean_optional(row.department),
        respondent=clean_optional(row.respondent),
    )


def clean_context(context: Mapping[str, Any]) -> dict[str, Any]:
    """A context with its texts (organisation, role, industry...) cleaned of bidi controls."""
    return {key: clean_name(value) if isinstance(value, str) else value for key, value in dict(context).items()}
