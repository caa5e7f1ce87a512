"""What a dashboard link may do: the one way the dashboard and the workshop write to the store;
and what the consultant password opens: `ConsultantAccess`, the consultant's home.

A `DashboardAccess` is made only from a dashboard token the store confirms is current, and it
checks again before each write, so a tab left open on a replaced dashboard link can still read
what it shows but can no longer change anything. The survey and results pages write through
the owner's session (`threadline.web.session`) in the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from scoring.answers import Answer, as_stored
from threadline.storage import EngagementRecord, EngagementSummary, PeerScores, Store


@dataclass(frozen=True)
class DashboardAccess:
    """Edit rights over one engagement, held by whoever has its current dashboard link."""

    store: Store
    token: str
    engagement_id: int

    @classmethod
    def verify(cls, store: Store, token: object) -> DashboardAccess | None:
        """The access a token grants: None unless it is an engagement's current dashboard link."""
        found = store.find_engagement_link(token)
        if found is None or found.kind != "dashboard" or found.revoked or not isinstance(token, str):
            return None
        return cls(store, token, found.engagement_id)

    @property
    def engagement(self) -> EngagementRecord:
        """The engagement as stored now."""
        return self.store.engagement(self.engagement_id)

    def _require_current(self) -> None:
        found = self.store.find_engagement_link(self.token)
        if found is None or found.kind != "dashboard" or found.revoked or found.engagement_id != self.engagement_id:
            raise PermissionError("this dashboard link was replaced: it can no longer change the engagement")

    def set_share_team(self, share: bool) -> None:
        """Let respondents see the team results (small groups are still left out), or stop it."""
        self._require_current()
        self.store.set_share_team(self.engagement_id, share)

    def close(self) -> None:
        """Take no new responses."""
        self._require_current()
        self.store.set_engagement_status(self.engagement_id, "closed")

    def close_round(self, engagement_id: int) -> None:
        """Close a round of this engagement's series (the latest, when a new round starts)."""
        self._require_current()
        if self.store.engagement(engagement_id).series_id != self.engagement.series_id:
            raise PermissionError("that round belongs to another engagement")
        self.store.set_engagement_status(engagement_id, "closed")

    def reopen(self) -> None:
        """Take responses again."""
        self._require_current()
        self.store.set_engagement_status(self.engagement_id, "open")

    def replace_invite_link(self) -> str:
        """Revoke every invite link and return the new invite token."""
        self._require_current()
        return self.store.rotate_engagement_link(self.engagement_id, "invite", self.token)

    def replace_dashboard_link(self) -> str:
        """Revoke this dashboard link and return the new dashboard token (this access ends with it)."""
        self._require_current()
        return self.store.rotate_engagement_link(self.engagement_id, "dashboard", self.token)

    def move_respondent(self, assessment_id: int, department: str) -> None:
        """Put a respondent in another of the engagement's departments (a correction)."""
        self._require_current()
        self.store.move_respondent(self.engagement_id, assessment_id, department)

    def delete_respondent(self, assessment_id: int) -> None:
        """Delete one response for good (a test response, or at the respondent's request)."""
        self._require_current()
        self.store.delete_respondent(self.engagement_id, assessment_id, self.token)

    def start_round(
        self,
        bank_content: str | None,
        bank_id: str | None = None,
        version: str | None = None,
        closes_on: date | None = None,
    ) -> str:
        """Start the series' next round, on the same bank or on the bank text given; return its dashboard token."""
        self._require_current()
        engagement = self.engagement
        bank_hash = engagement.bank_hash
        if bank_content is not None and bank_id is not None and version is not None:
            bank_hash = self.store.put_bank(bank_content, bank_id, version)
        _, _, dashboard = self.store.create_engagement(
            bank_hash,
            engagement.client,
            engagement.consultant,
            engagement.logo_text,
            list(engagement.departments),
            closes_on,
            series_id=engagement.series_id,
        )
        if engagement.department_groups:  # the next round keeps the consultant's groups
            found = self.store.find_engagement_link(dashboard)
            if found is not None:
                self.store.set_department_groups(found.engagement_id, list(engagement.department_groups))
        return dashboard

    def consensus(self) -> tuple[int, str]:
        """The workshop's consensus assessment (made on first use): its id and private token."""
        self._require_current()
        return self.store.consensus_assessment(self.engagement_id, self.token)

    def record_consensus(self, question_id: str, value: Answer, reason: str) -> None:
        """Keep the workshop's agreed answer (NA: not applicable) and why it was agreed."""
        assessment_id, _ = self.consensus()
        self.store.save_answer(assessment_id, question_id, as_stored(value))
        self.store.save_reason(assessment_id, question_id, reason)

    def share_consensus(self) -> None:
        """Give the client a read-only link to the consensus results."""
        assessment_id, token = self.consensus()
        self.store.enable_share(assessment_id, token)

    def stop_sharing_consensus(self) -> None:
        """Turn the client's consensus link off."""
        assessment_id, _ = self.consensus()
        self.store.revoke_share(assessment_id)

    def set_department_groups(self, groups: list[tuple[str, list[str]]]) -> None:
        """Name groups of departments that the client's views count as one (`scoring.groups.check_merges`)."""
        self._require_current()
        self.store.set_department_groups(self.engagement_id, groups)

    def set_consensus_target(self, dimension_id: str, level: int | None) -> None:
        """The target stage the workshop agreed for a dimension (None: the default target)."""
        assessment_id, _ = self.consensus()
        self.store.set_target(assessment_id, dimension_id, level)

    def add_action(self, dimension_id: str, text: str, owner: str = "", due_on: date | None = None) -> int:
        """Add an action to the consensus plan of a dimension."""
        self._require_current()
        return self.store.add_action(self.engagement_id, dimension_id, text, owner, due_on)

    def update_action(self, action_id: int, **fields: Any) -> None:
        """Change an action's text, owner, due date or status."""
        self._require_current()
        self.store.update_action(self.engagement_id, action_id, **fields)

    def delete_action(self, action_id: int) -> None:
        """Remove an action from the plan."""
        self._require_current()
        self.store.delete_action(self.engagement_id, action_id)

    def set_portfolio(self, on: bool) -> None:
        """Include the engagement's consensus in the consultant's portfolio, or take it out at once."""
        self._require_current()
        self.store.set_portfolio(self.engagement_id, on, self.token)

    def save_portfolio_scores(self, scores: PeerScores | None) -> None:
        """Keep the engagement's portfolio row current: its complete consensus' scores, or (None) no row."""
        self._require_current()
        self.store.save_portfolio_scores(self.engagement_id, self.token, scores)


@dataclass(frozen=True)
class ConsultantAccess:
    """What the consultant who gave the consultant password may do from the home: every engagement.

    Made only by `engagement_session.consultant_access`, for a session that gave the password (with
    no password set there is no home). Tokens are stored as hashes, so an existing dashboard link
    cannot be shown again: `dashboard_token` returns the one this session holds (created or issued
    here, still current), otherwise it issues a new one (`Store.issue_dashboard_link`: the old
    dashboard link stops working; invite and consensus links already sent keep working). `held`
    is the session's own dict (engagement id -> dashboard token).
    """

    store: Store
    held: dict[int, str]

    def summaries(self, include_archived: bool) -> list[EngagementSummary]:
        """Every round, newest series first, with its counts."""
        return self.store.engagement_summaries(include_archived)

    def held_token(self, engagement_id: int) -> str | None:
        """The dashboard token this session holds for a round, when it is still the current one."""
        token = self.held.get(engagement_id)
        if token is None or DashboardAccess.verify(self.store, token) is None:
            self.held.pop(engagement_id, None)
            return None
        return token

    def hold(self, engagement_id: int, token: str) -> None:
        """Remember a dashboard token given to this session (a new engagement, a new round)."""
        self.held[engagement_id] = token

    def dashboard_token(self, engagement_id: int) -> tuple[str, bool]:
        """A current dashboard token of the round, and whether it was issued just now."""
        token = self.held_token(engagement_id)
        if token is not None:
            return token, False
        return self.new_dashboard_link(engagement_id), True

    def new_dashboard_link(self, engagement_id: int) -> str:
        """Replace the round's dashboard link (every earlier one stops working); return the new token."""
        token = self.store.issue_dashboard_link(engagement_id)
        self.held[engagement_id] = token
        return token

    def new_invite_link(self, engagement_id: int) -> tuple[str, str, bool]:
        """Replace the invite link: the new invite token, the dashboard token used, and whether it is new."""
        dashboard, issued = self.dashboard_token(engagement_id)
        return self.store.rotate_engagement_link(engagement_id, "invite", dashboard), dashboard, issued

    def invite_token(self, engagement_id: int) -> str | None:
        """The live invite token, when this session holds the round's dashboard token (else None)."""
        token = self.held_token(engagement_id)
        return None if token is None else self.store.current_invite_token(engagement_id, token)

    def close(self, engagement_id: int) -> None:
        """Take no more responses: every open survey tab is refused at its next write."""
        self.store.set_engagement_status(engagement_id, "closed")

    def reopen(self, engagement_id: int) -> None:
        """Take responses again."""
        self.store.set_engagement_status(engagement_id, "open")

    def update_settings(self, engagement_id: int, **fields: Any) -> None:
        """Change client, departments, closing date or header text (`Store.update_engagement`)."""
        self.store.update_engagement(engagement_id, **fields)

    def archive(self, engagement_id: int, archived: bool) -> None:
        """Archive a round, or bring it back."""
        self.store.set_archived(engagement_id, archived)

    def delete(self, engagement_id: int) -> None:
        """Delete a round with every response, the consensus and every link, for good."""
        token, _ = self.dashboard_token(engagement_id)
        self.store.delete_engagement(engagement_id, token)
        self.held.pop(engagement_id, None)
