"""Engagements (issue 4): many respondents per client, a dashboard, consensus, rounds.

The rounds of one engagement share ``series_id``, the id of the first round.

Links. The dashboard token is random; the invite token (of generation
``engagements.invite_generation``) and the consensus assessment's private token are
derived from it (:mod:`threadline.links`), so the dashboard can always show the
invite link and open the consensus while only hashes are stored. Replacing the
invite link revokes every invite link and moves to the next generation. Replacing
the dashboard link revokes it and the consensus' private link and derives their
successors from the new token; the links already given to other people (invite
links, the consensus share link) keep working, each joined by a successor the new
dashboard token can rebuild. The respondents are in :mod:`threadline.storage.respondents`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Literal, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from scoring.groups import check_merges
from threadline.links import (
    derive_consensus_token,
    derive_invite_token,
    derive_share_token,
    hash_token,
    looks_like_token,
    new_token,
)
from threadline.storage.actions import ActionStore
from threadline.storage.assessments import (
    AssessmentStore,
    _add_link,
    _delete_assessments,
    _new_assessment,
)
from threadline.storage.banks import _check_bank
from threadline.storage.database import _inserted_id, _now
from threadline.storage.records import (
    _ENGAGEMENT_LINK_KINDS,
    _ENGAGEMENT_STATUSES,
    MAX_ID_LENGTH,
    EngagementLink,
    EngagementLinkKind,
    EngagementRecord,
    EngagementStatus,
    NotFoundError,
)
from threadline.storage.schema import assessments, consensus_actions, engagements, links
from threadline.text import clean_name


class EngagementStore(ActionStore, AssessmentStore):
    """The engagements' part of the :class:`Store`: links, respondents, consensus, rounds, imports."""

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
            engagement_id = _inserted_id(result)
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
        with self._read() as conn:
            row = conn.execute(query).one_or_none()
        if row is None or row.engagement_id is None or row.kind not in _ENGAGEMENT_LINK_KINDS:
            return None
        return EngagementLink(row.kind, row.engagement_id, row.revoked_at is not None)

    def engagement(self, engagement_id: int) -> EngagementRecord:
        """Return an engagement; raise NotFoundError if absent."""
        with self._read() as conn:
            return _engagement(conn, engagement_id)

    def series(self, series_id: int) -> list[EngagementRecord]:
        """Return the rounds of a series, first round first (empty for an unknown series)."""
        query = sa.select(engagements).where(engagements.c.series_id == series_id).order_by(engagements.c.round)
        with self._read() as conn:
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

    def set_department_groups(self, engagement_id: int, groups: Sequence[tuple[str, Sequence[str]]]) -> None:
        """Store the consultant's named groups of departments (`scoring.groups.check_merges`; empty: none)."""
        record = self.engagement(engagement_id)
        checked = check_merges(record.departments, groups)
        stored = [{"name": name, "members": list(members)} for name, members in checked]
        self._update_engagement(engagement_id, department_groups=stored)

    def current_invite_token(self, engagement_id: int, dashboard_token: str) -> str:
        """Return the live invite token, rebuilt from the engagement's current dashboard token.

        Raises PermissionError when ``dashboard_token`` is not that token.
        """
        with self._read() as conn:
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

    def consensus_assessment(self, engagement_id: int, dashboard_token: str) -> tuple[int, str]:
        """Return the engagement's consensus assessment and its private token, creating it once.

        The private token is derived from the dashboard token, which must be the
        engagement's current dashboard link (PermissionError otherwise).
        """
        with self._read() as conn:
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

    def delete_respondent(self, engagement_id: int, assessment_id: int, dashboard_token: str) -> None:
        """Delete one respondent's response for good (answers, notes, links), asked from the dashboard.

        ``dashboard_token`` must be the engagement's current dashboard link (PermissionError
        otherwise); NotFoundError when the engagement has no such respondent.
        """
        with self._write() as conn:
            _update_engagement(conn, engagement_id, updated_at=_now())
            _check_dashboard(conn, engagement_id, dashboard_token)
            found = conn.scalar(
                sa.select(assessments.c.id).where(
                    assessments.c.id == assessment_id,
                    assessments.c.engagement_id == engagement_id,
                    assessments.c.kind == "respondent",
                )
            )
            if found is None:
                raise NotFoundError(f"engagement {engagement_id} has no respondent {assessment_id!r}")
            _delete_assessments(conn, [assessment_id])

    def delete_engagement(self, engagement_id: int, dashboard_token: str) -> None:
        """Delete one engagement (one round) for good, asked from its dashboard.

        Gone are every respondent's response and the workshop consensus (answers, notes,
        links), the invite and dashboard links, and the engagement's row. The series' other
        rounds stay: when the first round goes, the next becomes the series' first
        (``series_id`` is the id of the earliest round left). The bank's text stays.
        """
        with self._write() as conn:
            record = _engagement(conn, engagement_id, lock="update")
            _check_dashboard(conn, engagement_id, dashboard_token)
            owned = conn.execute(sa.select(assessments.c.id).where(assessments.c.engagement_id == engagement_id))
            _delete_assessments(conn, list(owned.scalars()))
            conn.execute(links.delete().where(links.c.engagement_id == engagement_id))
            conn.execute(consensus_actions.delete().where(consensus_actions.c.engagement_id == engagement_id))
            if record.series_id == engagement_id:
                later = conn.execute(
                    sa.select(engagements.c.id)
                    .where(engagements.c.series_id == engagement_id, engagements.c.id != engagement_id)
                    .order_by(engagements.c.round)
                ).scalars()
                rest = list(later)
                if rest:
                    conn.execute(engagements.update().where(engagements.c.id.in_(rest)).values(series_id=rest[0]))
            conn.execute(engagements.delete().where(engagements.c.id == engagement_id))

    def _update_engagement(self, engagement_id: int, **values: Any) -> None:
        with self._write() as conn:
            _update_engagement(conn, engagement_id, updated_at=_now(), **values)


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


def _consensus_id(engagement_id: int) -> sa.Select[int]:
    return sa.select(assessments.c.id).where(
        assessments.c.engagement_id == engagement_id, assessments.c.kind == "consensus"
    )


def _invite_generation(engagement_id: int) -> sa.Select[int]:
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


def _engagement_record(row: Row[*tuple[Any, ...]]) -> EngagementRecord:
    return EngagementRecord(
        id=row.id,
        series_id=row.series_id,
        round=row.round,
        bank_hash=row.bank_hash,
        client=clean_name(row.client),
        consultant=clean_name(row.consultant),
        logo_text=clean_name(row.logo_text),
        departments=tuple(clean_name(name) for name in row.departments),
        closes_on=row.closes_on,
        status=row.status,
        share_team=bool(row.share_team),
        created_at=row.created_at,
        updated_at=row.updated_at,
        archived_at=row.archived_at,
        department_groups=tuple(
            (clean_name(group["name"]), tuple(clean_name(m) for m in group["members"]))
            for group in (row.department_groups or [])
        ),
    )


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, not {value!r}")
    return clean_name(value)


def _departments(value: object) -> list[str]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise TypeError(f"departments are a list of strings, not {value!r}")
    names = [clean_name(name) if isinstance(name, str) else name for name in value]
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
