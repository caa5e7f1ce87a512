"""Specification of the fieldwork rules in the store (issue 10), on SQLite and PostgreSQL.

The close freezes every respondent's response where it is written: an answer saved or cleared,
an evidence note, a submission raise EngagementClosedError and change nothing, whether the
round was closed or its closing date (a UTC date) has passed; reopening lets them go on. The
workshop's consensus and self-assessments are never frozen.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from threadline.storage import EngagementClosedError, EngagementRecord, NotFoundError, Store

BANK_TEXT = "id: default\nversion: '1.0'\ntitle: Social business maturity\n"
DEPARTMENTS = ("Leadership", "Marketing", "Customer service")
YESTERDAY = datetime.now(UTC).date() - timedelta(days=1)


def _engagement(store: Store, **overrides: Any) -> tuple[EngagementRecord, str, str]:
    bank_hash = store.put_bank(BANK_TEXT, "default", "1.0")
    arguments: dict[str, Any] = {
        "bank_hash": bank_hash,
        "client": "Acme Ltd",
        "consultant": "Jo Consultant",
        "logo_text": "Jo & Partners",
        "departments": list(DEPARTMENTS),
    }
    return store.create_engagement(**(arguments | overrides))


def _started(store: Store, engagement_id: int) -> int:
    """A respondent who gave two answers and a note, not submitted."""
    assessment_id, _ = store.add_respondent(engagement_id, "Marketing", "Ann")
    store.save_answer(assessment_id, "q1", "o2")
    store.save_answer(assessment_id, "q2", ["a", "b"])
    store.save_note(assessment_id, "q1", "the plan, page 3")
    return assessment_id


def _close(store: Store, record: EngagementRecord, how: str) -> None:
    if how == "closed":
        store.set_engagement_status(record.id, "closed")
    else:
        store.update_engagement(record.id, closes_on=YESTERDAY)


WRITES = {
    "save an answer": lambda store, aid: store.save_answer(aid, "q1", "o3"),
    "answer a new question": lambda store, aid: store.save_answer(aid, "q9", "o1"),
    "clear an answer": lambda store, aid: store.clear_answer(aid, "q2"),
    "change a note": lambda store, aid: store.save_note(aid, "q1", "changed"),
    "remove a note": lambda store, aid: store.save_note(aid, "q1", ""),
    "submit": lambda store, aid: store.submit(aid),
}


@pytest.mark.parametrize("how", ["closed", "past closing date"])
@pytest.mark.parametrize("write", sorted(WRITES))
def test_after_the_close_no_write_changes_a_response(store: Store, how: str, write: str) -> None:
    record, _, _ = _engagement(store)
    assessment_id = _started(store, record.id)
    before = store.assessment(assessment_id)
    _close(store, record, how)

    with pytest.raises(EngagementClosedError):
        WRITES[write](store, assessment_id)

    after = store.assessment(assessment_id)
    assert after.answers == {"q1": "o2", "q2": ["a", "b"]}
    assert (after.status, after.submitted_at, after.updated_at) == ("in_progress", None, before.updated_at)
    assert store.notes(assessment_id) == {"q1": "the plan, page 3"}


def test_a_submitted_response_cannot_be_changed_after_the_close(store: Store) -> None:
    record, _, _ = _engagement(store)
    assessment_id = _started(store, record.id)
    store.submit(assessment_id)
    submitted_at = store.assessment(assessment_id).submitted_at
    store.set_engagement_status(record.id, "closed")
    with pytest.raises(EngagementClosedError):
        store.save_answer(assessment_id, "q1", "o1")
    with pytest.raises(EngagementClosedError):
        store.submit(assessment_id)
    after = store.assessment(assessment_id)
    assert (after.answers["q1"], after.status, after.submitted_at) == ("o2", "submitted", submitted_at)


@pytest.mark.parametrize("how", ["closed", "past closing date"])
def test_reopening_lets_the_respondent_go_on(store: Store, how: str) -> None:
    record, _, _ = _engagement(store)
    assessment_id = _started(store, record.id)
    _close(store, record, how)
    with pytest.raises(EngagementClosedError):
        store.save_answer(assessment_id, "q1", "o3")
    if how == "closed":
        store.set_engagement_status(record.id, "open")
    else:
        store.update_engagement(record.id, closes_on=None)

    store.save_answer(assessment_id, "q1", "o3")
    store.clear_answer(assessment_id, "q2")
    store.save_note(assessment_id, "q1", "changed")
    store.submit(assessment_id)
    after = store.assessment(assessment_id)
    assert (after.answers, after.status) == ({"q1": "o3"}, "submitted")
    assert store.notes(assessment_id) == {"q1": "changed"}


def test_the_closing_day_itself_still_takes_answers(store: Store) -> None:
    record, _, _ = _engagement(store)
    assessment_id = _started(store, record.id)
    store.update_engagement(record.id, closes_on=datetime.now(UTC).date())
    store.save_answer(assessment_id, "q1", "o1")
    assert store.assessment(assessment_id).answers["q1"] == "o1"


def test_the_workshop_consensus_goes_on_after_the_close(store: Store) -> None:
    record, _, dashboard = _engagement(store)
    consensus_id, _ = store.consensus_assessment(record.id, dashboard)
    store.set_engagement_status(record.id, "closed")
    store.save_answer(consensus_id, "q1", "o2")
    store.save_reason(consensus_id, "q1", "agreed in the workshop")
    store.clear_answer(consensus_id, "q1")
    store.save_answer(consensus_id, "q1", "o3")
    assert store.assessment(consensus_id).answers == {"q1": "o3"}
    assert store.reasons(consensus_id) == {"q1": "agreed in the workshop"}


def test_a_self_assessment_is_never_frozen(store: Store) -> None:
    bank_hash = store.put_bank(BANK_TEXT, "default", "1.0")
    assessment_id, _ = store.create_assessment(bank_hash, {})
    store.save_answer(assessment_id, "q1", "o1")
    store.save_note(assessment_id, "q1", "note")
    store.submit(assessment_id)
    assert store.assessment(assessment_id).status == "submitted"


def test_what_is_not_the_response_stays_writable_after_the_close(store: Store) -> None:
    record, _, _ = _engagement(store)
    assessment_id, token = store.add_respondent(record.id, "Marketing")
    store.set_engagement_status(record.id, "closed")
    store.set_page(assessment_id, 2)
    store.set_target(assessment_id, "strategy", 4)
    assert store.assessment(assessment_id).page == 2
    store.delete_assessment(assessment_id, token)  # the respondent may still delete their response
    assert store.respondents(record.id) == []


def test_an_unknown_assessment_is_not_found_not_closed(store: Store) -> None:
    with pytest.raises(NotFoundError):
        store.save_answer(999, "q1", "o1")
    with pytest.raises(NotFoundError):
        store.clear_answer(999, "q1")
    with pytest.raises(NotFoundError):
        store.save_note(999, "q1", "x")
    with pytest.raises(NotFoundError):
        store.submit(999)


def test_respondents_tell_when_answers_changed_after_submitting(store: Store) -> None:
    record, _, _ = _engagement(store)
    assessment_id = _started(store, record.id)
    (started,) = store.respondents(record.id)
    assert (started.changed_after_submitting, started.answered_at is not None) == (False, True)
    store.submit(assessment_id)
    (submitted,) = store.respondents(record.id)
    assert submitted.changed_after_submitting is False
    assert submitted.updated_at == submitted.submitted_at
    store.save_answer(assessment_id, "q1", "o3")
    (edited,) = store.respondents(record.id)
    assert edited.changed_after_submitting is True
    assert edited.answered_at == edited.updated_at > edited.submitted_at


def test_a_respondent_without_answers_has_no_answer_time(store: Store) -> None:
    record, _, _ = _engagement(store)
    store.add_respondent(record.id, "Marketing")
    (joined,) = store.respondents(record.id)
    assert (joined.answered_at, joined.changed_after_submitting) == (None, False)
    assert joined.updated_at == joined.created_at


def test_a_respondent_list_read_before_follows_every_later_write(store: Store) -> None:
    record, _, _ = _engagement(store)
    first = _started(store, record.id)
    second, _ = store.add_respondent(record.id, "Leadership")
    assert [r.assessment_id for r in store.respondents(record.id)] == [first, second]  # now remembered
    store.submit(first)
    store.save_answer(first, "q2", "o1")
    store.move_respondent(record.id, second, "Customer service")
    edited, moved = store.respondents(record.id)
    assert (edited.status, edited.changed_after_submitting) == ("submitted", True)
    assert edited.answered_at == edited.updated_at
    assert (moved.department, moved.answered_at) == ("Customer service", None)
    store.clear_answer(first, "q2")
    edited = store.respondents(record.id)[0]
    assert edited.answered_at is not None and edited.answered_at < edited.updated_at  # q1's, saved before
    third, _ = store.add_respondent(record.id, "Marketing", "Bo")
    assert [(r.assessment_id, r.respondent) for r in store.respondents(record.id)] == [
        (first, "Ann"),
        (second, None),
        (third, "Bo"),
    ]


def test_two_app_servers_on_one_database_see_each_others_writes_to_respondents(store: Store, db_url: str) -> None:
    other = Store(db_url)  # a second app server: its own memory of the rows it read
    try:
        record, _, dashboard = _engagement(store)
        assessment_id = _started(store, record.id)
        assert [r.answered_at is not None for r in other.respondents(record.id)] == [True]
        store.submit(assessment_id)
        (seen,) = other.respondents(record.id)
        assert (seen.status, seen.changed_after_submitting) == ("submitted", False)
        store.save_answer(assessment_id, "q1", "o3")
        (seen,) = other.respondents(record.id)
        assert seen.changed_after_submitting is True
        store.delete_respondent(record.id, assessment_id, dashboard)
        assert other.respondents(record.id) == []
    finally:
        other.dispose()


def test_closing_dates_are_compared_as_dates(store: Store) -> None:
    record, _, _ = _engagement(store, closes_on=date(2000, 1, 1))
    with pytest.raises(EngagementClosedError):
        store.add_respondent(record.id, "Marketing")


# --- the consultant's home -----------------------------------------------------------------------


def test_the_home_lists_every_round_with_its_counts_newest_series_first(store: Store) -> None:
    first, _, _ = _engagement(store)
    second, _, _ = _engagement(store, client="Beta plc")
    round_two, _, _ = _engagement(store, series_id=first.id)
    _started(store, first.id)
    submitted = _started(store, first.id)
    store.submit(submitted)
    _started(store, round_two.id)

    summaries = store.engagement_summaries()

    assert [(s.engagement.client, s.engagement.round, s.started, s.submitted) for s in summaries] == [
        ("Beta plc", 1, 0, 0),
        ("Acme Ltd", 1, 2, 1),
        ("Acme Ltd", 2, 1, 0),
    ]
    assert summaries[0].engagement == store.engagement(second.id)


def test_the_workshop_consensus_is_not_counted_as_a_respondent(store: Store) -> None:
    record, _, dashboard = _engagement(store)
    store.consensus_assessment(record.id, dashboard)
    (summary,) = store.engagement_summaries()
    assert (summary.started, summary.submitted) == (0, 0)


def test_archiving_hides_a_round_unless_asked_and_can_be_undone(store: Store) -> None:
    record, _, _ = _engagement(store)
    store.set_archived(record.id, True)
    archived = store.engagement(record.id)
    assert archived.archived_at is not None
    assert store.engagement_summaries(include_archived=False) == []
    assert [s.engagement for s in store.engagement_summaries()] == [archived]
    store.set_archived(record.id, False)
    assert store.engagement(record.id).archived_at is None
    with pytest.raises(TypeError):
        store.set_archived(record.id, "yes")  # type: ignore[arg-type]
    with pytest.raises(NotFoundError):
        store.set_archived(999, True)


def test_a_new_dashboard_link_replaces_the_old_and_keeps_the_invite_and_consensus(store: Store) -> None:
    record, invite, old = _engagement(store)
    consensus_id, _ = store.consensus_assessment(record.id, old)
    store.save_answer(consensus_id, "q1", "o1")

    new = store.issue_dashboard_link(record.id)

    assert new != old
    assert store.find_engagement_link(old).revoked is True
    assert store.find_engagement_link(new).revoked is False
    assert store.find_engagement_link(invite).revoked is False  # the invite already sent works on
    assert store.consensus_assessment(record.id, new)[0] == consensus_id
    with pytest.raises(PermissionError):
        store.consensus_assessment(record.id, old)
    current_invite = store.current_invite_token(record.id, new)
    assert store.find_engagement_link(current_invite).engagement_id == record.id
    with pytest.raises(NotFoundError):
        store.issue_dashboard_link(999)


def test_moving_a_respondent_to_another_department(store: Store) -> None:
    record, _, _ = _engagement(store)
    assessment_id = _started(store, record.id)
    store.set_engagement_status(record.id, "closed")  # a correction, also after the close

    store.move_respondent(record.id, assessment_id, "Customer service")

    (moved,) = store.respondents(record.id)
    assert moved.department == "Customer service"
    assert store.assessment(assessment_id).department == "Customer service"
    with pytest.raises(ValueError):
        store.move_respondent(record.id, assessment_id, "Finance")
    with pytest.raises(NotFoundError):
        store.move_respondent(record.id, 999, "Marketing")
    other, _, dashboard = _engagement(store)
    with pytest.raises(NotFoundError):  # not a respondent of that round
        store.move_respondent(other.id, assessment_id, "Marketing")
    with pytest.raises(NotFoundError):  # the consensus is no respondent
        store.move_respondent(other.id, store.consensus_assessment(other.id, dashboard)[0], "Marketing")
