"""The respondents of an engagement: joining, their answers for the aggregation, imports.

A respondent's assessment (kind ``respondent``) has its own random private link, as a
self-assessment does; an imported one has none and cannot be resumed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import cached_property
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.links import new_token
from threadline.storage.assessments import (
    _add_link,
    _answer_value,
    _check_question_id,
    _insert_answers,
    _new_assessment,
)
from threadline.storage.database import StoreBase, _now
from threadline.storage.engagements import _engagement
from threadline.storage.records import (
    _STATUSES,
    MAX_ID_LENGTH,
    AnswerValue,
    EngagementClosedError,
    EngagementRecord,
    Respondent,
    Status,
)
from threadline.storage.schema import UTCDateTime, answers, assessments
from threadline.text import clean_name, clean_optional


class RespondentStore(StoreBase):
    """The respondents' part of the :class:`Store`."""

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
        department = clean_name(department) if isinstance(department, str) else department
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
        """Return the respondents of an engagement in the order they joined.

        Each with when its row last changed and when an answer was last saved, so a view
        built from the submitted answers can tell it is out of date (see ``Respondent``).

        Every write to a response, an answer's included, moves its row's ``updated_at`` in the
        same transaction, so a row read as the database holds it (no conversions) stands for the
        whole ``Respondent``: those already seen are remembered, and only new or changed rows are
        read in full, with the time of their last answer. At 2,000 respondents the full read costs
        about 110 ms (the last answers' times and the timestamps' conversion), the rows alone
        about 10. The memory is keyed by what the database holds, so it stays correct with
        several app servers on one database.
        """
        memo = self._respondent_memo
        with self._read() as conn:
            rows = [tuple(row) for row in conn.execute(self._stored_rows.where(_of_engagement(engagement_id)))]
            unknown = [row[0] for row in rows if row not in memo]
            fresh = _full_respondents(conn, self._stored_rows, unknown)
        if len(memo) + len(fresh) > _MEMO_SIZE:
            memo.clear()
        memo.update(fresh)
        by_id = {respondent.assessment_id: respondent for respondent in fresh.values()}
        # a row that changed between the two reads: the second, newer read is the answer
        return [memo.get(row) or by_id[row[0]] for row in rows]

    @cached_property
    def _respondent_memo(self) -> dict[tuple[Any, ...], Respondent]:
        """A respondent's row as stored -> the ``Respondent`` (see ``respondents``)."""
        return {}

    @cached_property
    def _stored_rows(self) -> sa.Select[*tuple[Any, ...]]:
        """The respondent rows as the database holds them, in the order they joined."""
        raw = [sa.type_coerce(column, sa.types.NullType()) for column in _RESPONDENT_COLUMNS]
        return sa.select(*raw).order_by(assessments.c.id)

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
        with self._read() as conn:
            rows = conn.execute(query).all()
        objects = json.loads("[" + ",".join(text for _, text in rows) + "]")
        return {assessment_id: given for (assessment_id, _), given in zip(rows, objects, strict=True)}

    @property
    def _answers_object(self) -> sa.ColumnElement[Any]:
        """An aggregate: a group's answers as one JSON object (question id -> value)."""
        if self.dialect == "postgresql":
            return sa.func.json_object_agg(answers.c.question_id, answers.c.value)
        return sa.func.json_group_object(answers.c.question_id, sa.func.json(answers.c.value))

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
        department = clean_optional(department) if isinstance(department, str) else department
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


_MEMO_SIZE = 200_000
"""Past this many remembered rows the memory starts again (a few tens of MB at most)."""

_IDS_PER_QUERY = 5_000

_RESPONDENT_COLUMNS = (
    assessments.c.id,
    assessments.c.department,
    assessments.c.respondent,
    assessments.c.status,
    assessments.c.created_at,
    assessments.c.submitted_at,
    assessments.c.updated_at,
)


def _of_engagement(engagement_id: int) -> sa.ColumnElement[bool]:
    return sa.and_(assessments.c.engagement_id == engagement_id, assessments.c.kind == "respondent")


def _full_respondents(
    conn: Connection, stored: sa.Select[*tuple[Any, ...]], ids: Sequence[int]
) -> dict[tuple[Any, ...], Respondent]:
    """These respondents read in full, each under its row as stored (see ``respondents``)."""
    answered_at = (
        sa.select(sa.func.max(answers.c.updated_at))
        .where(answers.c.assessment_id == assessments.c.id)
        .scalar_subquery()
    )
    width = len(_RESPONDENT_COLUMNS)
    typed = stored.add_columns(*_RESPONDENT_COLUMNS, sa.type_coerce(answered_at, UTCDateTime()))
    found: dict[tuple[Any, ...], Respondent] = {}
    for start in range(0, len(ids), _IDS_PER_QUERY):
        for row in conn.execute(typed.where(assessments.c.id.in_(ids[start : start + _IDS_PER_QUERY]))):
            given = row[width:]
            found[tuple(row[:width])] = Respondent(
                given[0], clean_optional(given[1]), clean_optional(given[2]), *given[3:]
            )
    return found


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


def _respondent_name(respondent: str | None) -> str | None:
    """A respondent's optional name, trimmed; None for anonymous (None or blank)."""
    if respondent is None:
        return None
    if not isinstance(respondent, str):
        raise TypeError(f"a respondent's name is a string or None, not {respondent!r}")
    name = clean_name(respondent).strip()
    if len(name) > MAX_ID_LENGTH:
        raise ValueError(f"a respondent's name has at most {MAX_ID_LENGTH} characters")
    return name or None
