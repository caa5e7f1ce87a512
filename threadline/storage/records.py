"""What the storage layer hands out: records, errors, type aliases and limits.

Answers. A value is ``None`` (not applicable / don't know, stored as JSON null), a
string (a choice's option id, or free text) or a list of strings (a multi
question). A question with no row is unanswered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

LinkKind = Literal["private", "share"]
EngagementLinkKind = Literal["invite", "dashboard"]
Status = Literal["in_progress", "submitted"]
AssessmentKind = Literal["self", "respondent", "consensus"]
EngagementStatus = Literal["open", "closed"]
ActionStatus = Literal["open", "in_progress", "done"]
AnswerValue = str | list[str] | None

BUSY_TIMEOUT_MS = 5000
MAX_ID_LENGTH = 200
MAX_NOTE_LENGTH = 1000
_ASSESSMENT_LINK_KINDS = ("private", "share")
_ENGAGEMENT_LINK_KINDS = ("invite", "dashboard")
_STATUSES = ("in_progress", "submitted")
_ENGAGEMENT_STATUSES = ("open", "closed")
ACTION_STATUSES: tuple[ActionStatus, ...] = ("open", "in_progress", "done")


class NotFoundError(LookupError):
    """Raised for an assessment, a bank or an engagement that is not in the database."""


class EngagementClosedError(Exception):
    """Raised when an engagement is closed or past its closing date and a respondent joins it, or
    a respondent's response would be written: an answer saved or cleared, a note, a submission.

    The workshop's consensus and the consultant's own corrections are not respondents' writes
    and go on after the close.
    """


WriteProblem = Literal["read-only", "full", "unavailable", "busy", "other"]


class WriteFailedError(Exception):
    """Raised when the database did not take a write: nothing of it was stored.

    ``problem`` says why, as far as the database told: ``read-only`` (the file or the database
    refuses writes), ``full`` (no space left), ``unavailable`` (the server cannot be reached),
    ``busy`` (another writer held the database past the busy timeout), ``other``.
    """

    def __init__(self, problem: WriteProblem, detail: str) -> None:
        super().__init__(f"the database did not store the change ({problem}): {detail}")
        self.problem: WriteProblem = problem


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
    archived_at: datetime | None = None
    department_groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """The consultant's named groups of departments (name, members), counted as one by the client's views."""

    def accepts_responses(self, today: date) -> bool:
        """Tell whether respondents may join: open, and not past the closing date."""
        return self.status == "open" and (self.closes_on is None or today <= self.closes_on)


@dataclass(frozen=True, slots=True)
class ConsensusAction:
    """One action of an engagement's consensus plan (issue 9): what, who, by when, how far."""

    id: int
    dimension_id: str
    position: int
    text: str
    owner: str
    due_on: date | None
    status: ActionStatus


@dataclass(frozen=True, slots=True)
class EngagementLink:
    """What an engagement token opens: the invite or the dashboard, and whether revoked."""

    kind: EngagementLinkKind
    engagement_id: int
    revoked: bool


@dataclass(frozen=True, slots=True)
class Respondent:
    """One respondent of an engagement, without answers (``respondent`` None: anonymous).

    ``updated_at`` moves with every write to the response (an answer saved or cleared, a note,
    the page); ``answered_at`` is the last time an answer was saved (None: none yet).
    """

    assessment_id: int
    department: str | None
    respondent: str | None
    status: Status
    created_at: datetime
    submitted_at: datetime | None
    updated_at: datetime | None = None
    answered_at: datetime | None = None

    @property
    def changed_after_submitting(self) -> bool:
        """A submitted response whose answers were changed after it was submitted."""
        return self.submitted_at is not None and self.answered_at is not None and self.answered_at > self.submitted_at


@dataclass(frozen=True, slots=True)
class EngagementSummary:
    """One round as the consultant's home lists it: the engagement and its response counts."""

    engagement: EngagementRecord
    started: int
    submitted: int
