"""Whether a change reached the database, told where the person is looking (issue 14).

Every answer and note is written the moment it is given (threadline.web.session). When the
database does not take a write (`WriteFailedError`: read-only, full, unreachable, busy), the
working copy keeps the stored value, the question's widgets are made again from it (so the
page never shows a change that was not saved), and the failure is kept for that question:
the survey shows it beside the question with *Try again*, which writes what was given. A
write that worked marks its question *Saved* until the page turns.

Also here: whether the database takes writes at all now (`answering_paused`, asked at most
every few seconds), for the pages that say "answering is paused".
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

import streamlit as st

from threadline.storage import WriteFailedError, WriteProblem
from threadline.web import resources

__all__ = [
    "PAUSED",
    "Kept",
    "Unsaved",
    "WriteFailedError",
    "answering_paused",
    "attempt",
    "not_stored",
    "show_action_failure",
    "show_paused",
    "write_or_keep",
]

log = logging.getLogger("threadline.saving")

UNSAVED_KEY = "unsaved"  # in an assessment's flags: (question id, what) -> Unsaved
SAVED_KEY = "saved"  # in an assessment's flags: question ids written since the page turned
PAUSED_CHECK_SECONDS = 10

Part = Literal["answer", "note"]

REASONS: dict[WriteProblem, str] = {
    "read-only": "its database is read-only just now",
    "full": "its disk is full",
    "unavailable": "its database cannot be reached",
    "busy": "its database was busy",
    "other": "its database refused the change",
}

PAUSED = (
    "**Answering is paused.** This server cannot store answers just now. Everything already given is "
    "kept, and results and shared links still open. Please come back in a few minutes: it will take "
    "answers again as soon as it can."
)


LOST: Any = object()
"""What was given, when the server never received it (the browser told it after a restart)."""
CLOSED: Any = object()
"""What was given, when the survey had closed (nothing to try again)."""


@dataclass(frozen=True)
class Unsaved:
    """A change the database did not take: what was given, and why it was not stored."""

    part: Part
    given: Any
    problem: WriteProblem

    @property
    def can_retry(self) -> bool:
        """Whether trying again can store it (not a click the server never got, nor one the close refused)."""
        return self.given is not LOST and self.given is not CLOSED

    def message(self) -> str:
        """The sentence shown beside the question."""
        if self.given is CLOSED:
            return f"Not saved: the survey has closed, so this {self.part} can no longer be changed."
        if self.given is LOST:
            return (
                "Not saved: your last answer here did not reach the server before the connection broke. "
                "What you see is the answer stored before; please answer this question again."
            )
        return (
            f"Not saved: the server could not store this {self.part} ({REASONS[self.problem]}). "
            f"What you see is the {self.part} stored before; nothing else was lost. Try again in a moment."
        )


def unsaved(flags: dict[str, Any], question_id: str, part: Part) -> Unsaved | None:
    """The change of this question's answer or note that was not stored, if any."""
    return flags.get(UNSAVED_KEY, {}).get((question_id, part))


def was_saved(flags: dict[str, Any], question_id: str) -> bool:
    """Whether a change of this question was stored since the page turned."""
    return question_id in flags.get(SAVED_KEY, set())


@contextmanager
def write_or_keep(flags: dict[str, Any], question_id: str, part: Part, given: Any) -> Iterator[None]:
    """Run one write of a question's answer or note; on failure keep it as unsaved and let the page go on.

    Nothing after the write in the `with` block runs when it fails (the working copy keeps the
    stored value); the question's widgets are dropped so that they show the stored value again.
    """
    failures = flags.setdefault(UNSAVED_KEY, {})
    try:
        yield
    except WriteFailedError as failed:
        log.warning("not stored: %s of question %s (%s)", part, question_id, failed.problem)
        failures[(question_id, part)] = Unsaved(part, given, failed.problem)
        flags.setdefault(SAVED_KEY, set()).discard(question_id)
        raise Kept from failed
    failures.pop((question_id, part), None)
    flags.setdefault(SAVED_KEY, set()).add(question_id)


class Kept(Exception):
    """The write failed and was recorded as unsaved: the caller leaves its working copy alone."""


ACTION_KEY = "unsaved-action"  # in an assessment's flags: the owner's last action the database did not take


def attempt(flags: dict[str, Any], what: str, action: Any, *args: Any) -> bool:
    """Run one of the owner's actions (a target, the share link, a switch); False, and kept to be
    said, when the database did not take it."""
    try:
        action(*args)
    except WriteFailedError as failed:
        log.warning("not stored: %s (%s)", what, failed.problem)
        flags[ACTION_KEY] = (what, failed.problem)
        return False
    flags.pop(ACTION_KEY, None)
    return True


def not_stored(what: str, failed: WriteFailedError) -> str:
    """The words for a write the person asked for that the database did not take (nothing changed)."""
    return f"{what}: the server could not store it ({REASONS[failed.problem]}). Nothing changed; try again in a moment."


def show_action_failure(flags: dict[str, Any]) -> None:
    """Say which action was not stored, once, where the owner acted."""
    failed = flags.pop(ACTION_KEY, None)
    if failed is not None:
        what, problem = failed
        st.error(
            f"Not saved: {what} did not reach the server ({REASONS[problem]}); nothing changed. Try again in a moment.",
            icon=":material/error:",
        )


def refused(flags: dict[str, Any], question_id: str, part: Part) -> None:
    """The survey has closed: this change was refused (the page says why at its top)."""
    flags.setdefault(UNSAVED_KEY, {})[(question_id, part)] = Unsaved(part, CLOSED, "other")


def reopened(flags: dict[str, Any]) -> None:
    """The survey takes answers again: what the close refused is no longer said."""
    failures = flags.get(UNSAVED_KEY, {})
    for key in [k for k, failed in failures.items() if failed.given is CLOSED]:
        del failures[key]


def lost(flags: dict[str, Any], question_id: str) -> None:
    """The browser says a click on this question's answer never reached the server (it went away first)."""
    log.warning("lost before the server read it: answer of question %s", question_id)
    flags.setdefault(UNSAVED_KEY, {})[(question_id, "answer")] = Unsaved("answer", LOST, "unavailable")


def page_turned(flags: dict[str, Any]) -> None:
    """A new page: the Saved marks of the last one go (failures stay until they are stored)."""
    flags.pop(SAVED_KEY, None)


def answering_paused() -> bool:
    """Whether the database refuses writes now (asked at most every PAUSED_CHECK_SECONDS per server)."""
    return not _writable()


@st.cache_resource(ttl=PAUSED_CHECK_SECONDS, show_spinner=False)
def _writable() -> bool:
    return resources.store().writable()


def show_paused() -> None:
    """Say plainly that answering is paused, when it is."""
    if answering_paused():
        st.warning(PAUSED, icon=":material/pause_circle:")
