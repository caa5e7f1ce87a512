"""The assessment a browser session works on, opened from the link in the URL.

The database is the truth: a session loads its assessment once from the token in the URL
(`?resume=` for the owner, `?view=` for a read-only viewer), keeps a working copy in
`st.session_state`, and writes every change through to the database as it happens, so a
refresh, a closed tab or a server restart loses nothing.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import streamlit as st

from scoring.answers import Answer, as_answers, as_stored
from scoring.bank import Bank
from threadline import links
from threadline.storage import EngagementClosedError, WriteFailedError
from threadline.web import resources, saving

SESSION_KEY = "assessment"
SHARE_NOTES_KEY = "share_notes"


class _Unanswered(enum.Enum):
    UNANSWERED = "unanswered"


UNANSWERED: Final = _Unanswered.UNANSWERED
"""What `record_answer` takes to remove an answer: the question is unanswered again."""

AnswerChange = Answer | Literal[_Unanswered.UNANSWERED]
"""A new answer for `record_answer`, or `UNANSWERED`."""


@dataclass
class Assessment:
    """The working copy of one assessment; `editable` only when opened by its private link."""

    token: str
    editable: bool
    id: int
    bank: Bank
    answers: dict[str, Answer]
    context: dict[str, Any]
    targets: dict[str, int]
    page: int
    status: str
    share_active: bool
    engagement_id: int | None = None
    kind: str = "self"
    notes: dict[str, str] = field(default_factory=dict)
    flags: dict[str, Any] = field(default_factory=dict)

    @property
    def shares_notes(self) -> bool:
        """Whether the owner lets the share view show the evidence notes."""
        return bool(self.context.get(SHARE_NOTES_KEY))

    def visible_notes(self) -> dict[str, str]:
        """The notes this link may see: all of them for the owner, on a share link only when shared."""
        return dict(self.notes) if self.editable or self.shares_notes else {}


@dataclass(frozen=True)
class LinkProblem:
    """Why a link opens nothing: no token, one we do not know, or a share link turned off."""

    reason: Literal["missing", "unknown", "revoked", "broken"]


def open_assessment() -> Assessment | LinkProblem:
    """The assessment named by the URL's `resume` or `view` parameter."""
    token, editable = _token_from_url()
    if token is None:
        return LinkProblem("missing")
    cached = st.session_state.get(SESSION_KEY)
    if isinstance(cached, Assessment) and cached.token == token:
        # A share link can be turned off while a viewer has it open: ask again on each run.
        if not cached.editable and _share_revoked(token):
            st.session_state.pop(SESSION_KEY, None)
            return LinkProblem("revoked")
        return cached
    opened = _load(token, editable)
    if isinstance(opened, Assessment):
        st.session_state[SESSION_KEY] = opened
    return opened


def _share_revoked(token: str) -> bool:
    found = resources.store().find_link(token)
    return found is None or found.revoked


def _token_from_url() -> tuple[str | None, bool]:
    params = st.query_params
    if links.RESUME_PARAM in params:
        return params.get(links.RESUME_PARAM), True
    if links.VIEW_PARAM in params:
        return params.get(links.VIEW_PARAM), False
    return None, False


def _load(token: str, editable: bool) -> Assessment | LinkProblem:
    store = resources.store()
    found = store.find_link(token)
    if found is None or (found.kind == "private") != editable:
        return LinkProblem("unknown")
    if found.revoked:
        return LinkProblem("revoked")
    record = store.assessment(found.assessment_id)
    try:
        bank = resources.stored_bank(record.bank_hash)
    except Exception:  # a stored bank that no longer parses: say so, never a traceback
        return LinkProblem("broken")
    flags: dict[str, Any] = {}
    if record.kind == "respondent" and record.engagement_id is not None:
        flags[CLOSED_FLAG] = not store.engagement(record.engagement_id).accepts_responses(today())
    return Assessment(
        token=token,
        editable=editable,
        id=record.id,
        bank=bank,
        answers=as_answers(record.answers),
        context=dict(record.context or {}),
        targets=dict(record.targets or {}),
        page=record.page,
        status=record.status,
        share_active=record.share_active,
        engagement_id=record.engagement_id,
        kind=record.kind,
        # a share link gets the notes only when the owner shares them: they never reach its session otherwise
        notes=store.notes(record.id) if editable or (record.context or {}).get(SHARE_NOTES_KEY) else {},
        flags=flags,
    )


def record_answer(assessment: Assessment, question_id: str, value: AnswerChange) -> None:
    """Keep one answer (or its absence, `UNANSWERED`) and write it to the database now.

    When the store refuses because the engagement has closed, nothing changes (see `_frozen_check`);
    when the database does not take the write, nothing changes either and the question says so
    (threadline.web.saving).
    """
    if not assessment.editable:
        raise PermissionError("a read-only link cannot change answers")
    store = resources.store()
    if value is UNANSWERED:
        if question_id in assessment.answers:
            with _frozen_check(assessment, question_id, "answer"), _stored(assessment, question_id, "answer", value):
                store.clear_answer(assessment.id, question_id)
                assessment.answers.pop(question_id)
                _written(assessment)
        return
    if assessment.answers.get(question_id, UNANSWERED) == value:
        return
    with _frozen_check(assessment, question_id, "answer"), _stored(assessment, question_id, "answer", value):
        store.save_answer(assessment.id, question_id, as_stored(value))
        assessment.answers[question_id] = value
        _written(assessment)


def record_note(assessment: Assessment, question_id: str, note: str) -> None:
    """Keep the evidence note on one answer (blank removes it) and write it to the database now."""
    _require_owner(assessment, "change notes")
    if assessment.notes.get(question_id, "") == note:
        return
    with _frozen_check(assessment, question_id, "note"), _stored(assessment, question_id, "note", note):
        resources.store().save_note(assessment.id, question_id, note)
        if note.strip():
            assessment.notes[question_id] = note
        else:
            assessment.notes.pop(question_id, None)
        _written(assessment)


def retry(assessment: Assessment, question_id: str, part: saving.Part) -> None:
    """Write again what was given for this question and not stored (the answer or the note)."""
    failed = saving.unsaved(assessment.flags, question_id, part)
    if failed is None:
        return
    if part == "answer":
        record_answer(assessment, question_id, failed.given)
    else:
        record_note(assessment, question_id, failed.given)
    if saving.unsaved(assessment.flags, question_id, part) is None:
        _forget_widgets(assessment.id, question_id, part)  # made again from what is now stored


@contextmanager
def _stored(assessment: Assessment, question_id: str, part: saving.Part, given: Any) -> Iterator[None]:
    """A write of one question's answer or note; when the database does not take it, the widgets
    are made again from the stored value and the failure stays beside the question."""
    try:
        with saving.write_or_keep(assessment.flags, question_id, part, given):
            yield
    except saving.Kept:
        _forget_widgets(assessment.id, question_id, part)


def set_share_notes(assessment: Assessment, share: bool) -> None:
    """Let the share view show the evidence notes, or stop it."""
    _require_owner(assessment, "change what the share link shows")
    assessment.context = {**assessment.context, SHARE_NOTES_KEY: bool(share)}
    resources.store().set_context(assessment.id, assessment.context)


def _require_owner(assessment: Assessment, action: str) -> None:
    """Writes other than the page need the private link: a share link never grants them."""
    if not assessment.editable:
        raise PermissionError(f"a read-only link cannot {action}")


def go_to_page(assessment: Assessment, page: int) -> None:
    """Show another dimension, remembered in the database for the resume link (when it takes the write)."""
    assessment.page = page
    saving.page_turned(assessment.flags)
    if assessment.editable:
        with suppress(WriteFailedError):  # the page turns all the same; the link opens the last page stored
            resources.store().set_page(assessment.id, page)


def set_targets(assessment: Assessment, targets: dict[str, int]) -> None:
    """Keep the owner's target levels."""
    _require_owner(assessment, "set targets")
    assessment.targets = dict(targets)
    resources.store().set_targets(assessment.id, assessment.targets)


def set_target(assessment: Assessment, dimension_id: str, level: int) -> None:
    """Keep one target level; the others come back as stored, with what other tabs set meanwhile."""
    _require_owner(assessment, "set targets")
    assessment.targets = resources.store().set_target(assessment.id, dimension_id, level)
    for dimension, stored in assessment.targets.items():  # the results page's sliders show them too
        if f"target:{assessment.id}:{dimension}" in st.session_state and dimension != dimension_id:
            st.session_state[f"target:{assessment.id}:{dimension}"] = stored


def submit(assessment: Assessment) -> None:
    """Mark the assessment as submitted."""
    _require_owner(assessment, "submit")
    with _frozen_check(assessment, None):
        resources.store().submit(assessment.id)
    assessment.status = "submitted"
    _written(assessment, rerun=False)  # the survey goes to the results page anyway


CLOSED_FLAG = "closed"
CLOSED_NOTICE = (
    "This survey has closed, so your answers can no longer be changed or submitted. Everything you "
    "gave before it closed is kept. If you have just changed an answer or a note, that change was not "
    "saved. If the consultant reopens the survey, reload this page to carry on from here."
)


def closed_notice(assessment: Assessment) -> None:
    """Say so in plain words when the engagement of this response has closed (found at load or at a write)."""
    if assessment.flags.get(CLOSED_FLAG):
        st.error(CLOSED_NOTICE, icon=":material/lock:")


@contextmanager
def _frozen_check(assessment: Assessment, question_id: str | None, part: saving.Part = "answer") -> Iterator[None]:
    """Run a write to a respondent's response; when the store refuses it (the engagement has
    closed), keep the working copy as stored, flag the session and rerun the whole page.

    The widgets of ``question_id`` are dropped from the session, so they are made again from the
    stored answer and note: the page never shows a change that was not saved.
    """
    try:
        yield
    except EngagementClosedError:
        assessment.flags[CLOSED_FLAG] = True
        if question_id is not None:
            saving.refused(assessment.flags, question_id, part)  # said beside the question too
            _forget_widgets(assessment.id, question_id)
        st.rerun()  # in a widget callback (a fragment's too), a rerun of the whole page


def _written(assessment: Assessment, *, rerun: bool = True) -> None:
    """After a write the store took, the working copy updated: a session flagged closed was reopened
    meanwhile, so the flag goes and, with ``rerun``, the whole page reruns without the notice."""
    if assessment.flags.pop(CLOSED_FLAG, False):
        saving.reopened(assessment.flags)
        if rerun:
            st.rerun()


def _forget_widgets(assessment_id: int, question_id: str, part: saving.Part | None = None) -> None:
    """Drop the survey's widgets of one question (keys ``answer:<assessment>:<question>:<part>``):
    all of them, or only the answer's (``part="answer"``) or only the note's (``part="note"``).

    Only the widgets whose change was refused: a dropped widget that the browser still holds
    another value for would run its callback on the next run with no value in the session."""
    prefix = f"answer:{assessment_id}:{question_id}:"
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix)]:
        rest = key[len(prefix) :]
        if ":" in rest or (part == "answer" and rest == "note") or (part == "note" and rest != "note"):
            continue
        del st.session_state[key]


def today() -> dt.date:
    """Today's date in UTC, the calendar engagements close by."""
    return dt.datetime.now(dt.UTC).date()


def base_url() -> str:
    """The app's public address: THREADLINE_PUBLIC_URL, else what the browser used."""
    configured = resources.settings().public_url
    if configured:
        return configured.rstrip("/")
    from urllib.parse import urlsplit

    url = urlsplit(st.context.url or "http://localhost:8501/")
    prefix = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"{url.scheme}://{url.netloc}" + (f"/{prefix}" if prefix else "")


def resume_link(assessment: Assessment) -> str:
    """The owner's private link."""
    return links.resume_url(base_url(), assessment.token)


def share_link(assessment: Assessment) -> str | None:
    """The current read-only link, when sharing is on."""
    token = resources.store().current_share_token(assessment.id, assessment.token)
    return None if token is None else links.share_url(base_url(), token)


def enable_share(assessment: Assessment) -> str:
    """Turn sharing on (idempotent) and return the read-only link."""
    token = resources.store().enable_share(assessment.id, assessment.token)
    assessment.share_active = True
    return links.share_url(base_url(), token)


def revoke_share(assessment: Assessment) -> None:
    """Turn the current read-only link off; a new one can be made afterwards."""
    _require_owner(assessment, "turn the share link off")
    resources.store().revoke_share(assessment.id)
    assessment.share_active = False


@dataclass(frozen=True)
class Remembered:
    """The assessment a browser kept the private token of, as the start page offers it back."""

    token: str
    organisation: str
    answered: int
    total: int
    submitted: bool


def remembered(token: str | None) -> Remembered | None:
    """What a token kept in the browser opens: an assessment by its live private link, else None."""
    if not token:
        return None
    store = resources.store()
    found = store.find_link(token)
    if found is None or found.kind != "private" or found.revoked:
        return None
    record = store.assessment(found.assessment_id)
    try:
        bank = resources.stored_bank(record.bank_hash)
    except Exception:  # a stored bank that no longer parses: nothing to offer
        return None
    scored = bank.scored_questions
    return Remembered(
        token=token,
        organisation=str((record.context or {}).get("organisation", "")),
        answered=sum(1 for question_id in record.answers if question_id in scored),
        total=len(scored),
        submitted=record.status == "submitted",
    )
