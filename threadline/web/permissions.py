"""What a dashboard link may do: the one way the dashboard and the workshop write to the store.

A `DashboardAccess` is made only from a dashboard token the store confirms is current, and it
checks again before each write, so a tab left open on a replaced dashboard link can still read
what it shows but can no longer change anything. The survey and results pages write through
the owner's session (`threadline.web.session`) in the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from scoring.answers import Answer, as_stored
from threadline.storage import EngagementRecord, Store


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

    def start_round(self, bank_content: str | None, bank_id: str | None = None, version: str | None = None) -> str:
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
            None,
            series_id=engagement.series_id,
        )
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
