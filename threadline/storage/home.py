"""The consultant's home (issue 10): every round with its counts, new dashboard links, archiving,
and the fieldwork corrections (moving a respondent to another department).

These methods take no dashboard token: they are for the consultant who gave the consultant
password (the web shell's ``ConsultantAccess`` is the only caller). Tokens are stored as SHA-256
hashes, so no existing link can be shown again: :meth:`HomeStore.issue_dashboard_link` gives the
round a new dashboard link instead, exactly as replacing it from the dashboard does (the old
dashboard link stops working; the invite links and the consensus share link already sent keep
working, each joined by a successor derived from the new token).
"""

from __future__ import annotations

from typing import cast

import sqlalchemy as sa

from threadline.links import derive_invite_token, new_token
from threadline.storage.database import StoreBase, _now
from threadline.storage.engagements import (
    _add_engagement_link,
    _engagement,
    _engagement_record,
    _invite_generation,
    _rekey_consensus,
    _revoke_engagement_links,
    _update_engagement,
)
from threadline.storage.records import EngagementSummary, NotFoundError
from threadline.storage.schema import assessments, engagements
from threadline.text import clean_name


class HomeStore(StoreBase):
    """The consultant home's part of the :class:`Store`."""

    def engagement_summaries(self, include_archived: bool = True) -> list[EngagementSummary]:
        """Every round with how many respondents started and submitted, newest series first, rounds in order."""
        counts = (
            sa.select(
                assessments.c.engagement_id,
                sa.func.count().label("started"),
                sa.func.count().filter(assessments.c.status == "submitted").label("submitted"),
            )
            .where(assessments.c.kind == "respondent")
            .group_by(assessments.c.engagement_id)
            .subquery()
        )
        query = (
            sa.select(
                engagements,
                sa.func.coalesce(counts.c.started, 0).label("started"),
                sa.func.coalesce(counts.c.submitted, 0).label("submitted"),
            )
            .join_from(engagements, counts, counts.c.engagement_id == engagements.c.id, isouter=True)
            .order_by(engagements.c.series_id.desc(), engagements.c.round)
        )
        if not include_archived:
            query = query.where(engagements.c.archived_at.is_(None))
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [EngagementSummary(_engagement_record(row), int(row.started), int(row.submitted)) for row in rows]

    def issue_dashboard_link(self, engagement_id: int) -> str:
        """Give a round a new dashboard link (revoking every earlier one); return its token."""
        now = _now()
        with self._write() as conn:
            _update_engagement(conn, engagement_id, updated_at=now)
            _revoke_engagement_links(conn, engagement_id, "dashboard", now)
            dashboard = new_token()
            _add_engagement_link(conn, dashboard, engagement_id, "dashboard", now)
            _rekey_consensus(conn, engagement_id, dashboard, now)
            generation = cast(int, conn.scalar(_invite_generation(engagement_id)))
            _add_engagement_link(
                conn, derive_invite_token(dashboard, engagement_id, generation), engagement_id, "invite", now
            )
        return dashboard

    def consensus_of(self, engagement_id: int) -> int | None:
        """The id of a round's workshop consensus, None when the workshop never started (for exports)."""
        query = sa.select(assessments.c.id).where(
            assessments.c.engagement_id == engagement_id, assessments.c.kind == "consensus"
        )
        with self._read() as conn:
            return conn.scalar(query)

    def set_archived(self, engagement_id: int, archived: bool) -> None:
        """Archive a round (the home lists it only on request) or bring it back; nothing else changes."""
        if not isinstance(archived, bool):
            raise TypeError(f"archived must be a bool, not {archived!r}")
        now = _now()
        with self._write() as conn:
            _update_engagement(conn, engagement_id, archived_at=now if archived else None, updated_at=now)

    def move_respondent(self, engagement_id: int, assessment_id: int, department: str) -> None:
        """Put a respondent in another of the round's departments (a correction; also after the close).

        ValueError for a department the round does not offer; NotFoundError when the round has no
        such respondent.
        """
        name = clean_name(department) if isinstance(department, str) else department
        now = _now()
        with self._write() as conn:
            record = _engagement(conn, engagement_id, lock="update")
            if name not in record.departments:
                raise ValueError(f"engagement {engagement_id} does not offer department {department!r}")
            result = conn.execute(
                assessments.update()
                .where(
                    assessments.c.id == assessment_id,
                    assessments.c.engagement_id == engagement_id,
                    assessments.c.kind == "respondent",
                )
                .values(department=name, updated_at=now)
            )
            if result.rowcount == 0:
                raise NotFoundError(f"engagement {engagement_id} has no respondent {assessment_id!r}")
