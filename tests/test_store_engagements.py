"""Specification of the engagement storage (schema version 2), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from tests.store_support import all_stored_text, in_parallel, legacy_database, write_v1_assessment
from threadline import storage as store_module
from threadline.links import (
    derive_consensus_token,
    derive_invite_token,
    derive_share_token,
    hash_token,
    looks_like_token,
    new_token,
)
from threadline.storage import (
    EngagementClosedError,
    EngagementLink,
    EngagementRecord,
    LinkLookup,
    NotFoundError,
    Store,
    content_hash,
)
from threadline.storage.schema import assessments, engagements

BANK_TEXT = "id: default\nversion: '1.0'\ntitle: Social business maturity\n"
NEWER_BANK_TEXT = BANK_TEXT.replace("1.0", "2.0")
DEPARTMENTS = ("Leadership", "Marketing", "Customer service")
DAY = date(2026, 3, 31)


def _bank(store: Store, text: str = BANK_TEXT) -> str:
    return store.put_bank(text, "default", "1.0")


def _engagement(store: Store, **overrides: Any) -> tuple[EngagementRecord, str, str]:
    arguments: dict[str, Any] = {
        "bank_hash": _bank(store),
        "client": "Acme Ltd",
        "consultant": "Jo Consultant",
        "logo_text": "Jo & Partners",
        "departments": list(DEPARTMENTS),
    }
    return store.create_engagement(**(arguments | overrides))


def _answered(store: Store, engagement_id: int, department: str, given: dict[str, Any], *, submit: bool) -> int:
    assessment_id, _ = store.add_respondent(engagement_id, department)
    for question_id, value in given.items():
        store.save_answer(assessment_id, question_id, value)
    if submit:
        store.submit(assessment_id)
    return assessment_id


def _schema(engine: sa.Engine) -> dict[str, tuple[list[str], list[str], list[tuple[str, str, str, str | None]]]]:
    inspector = sa.inspect(engine)
    return {
        name: (
            sorted(column["name"] for column in inspector.get_columns(name)),
            sorted(str(index["name"]) for index in inspector.get_indexes(name) if "duplicates_constraint" not in index),
            _foreign_keys(engine, inspector, name),
        )
        for name in inspector.get_table_names()
    }


def _foreign_keys(engine: sa.Engine, inspector: sa.Inspector, name: str) -> list[tuple[str, str, str, str | None]]:
    """(column, referred table, referred column, on delete); SQLite's from PRAGMA, which sees inline ones."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(f'PRAGMA foreign_key_list("{name}")').all()
        return sorted((row[3], row[2], row[4], None if row[6] == "NO ACTION" else row[6]) for row in rows)
    return sorted(
        (column, key["referred_table"], referred, key["options"].get("ondelete"))
        for key in inspector.get_foreign_keys(name)
        for column, referred in zip(key["constrained_columns"], key["referred_columns"], strict=True)
    )


# Creation and links


def test_create_engagement_stores_what_was_given(store: Store) -> None:
    record, _, _ = _engagement(store, closes_on=DAY)
    assert record == store.engagement(record.id)
    assert (record.client, record.consultant, record.logo_text) == ("Acme Ltd", "Jo Consultant", "Jo & Partners")
    assert record.departments == DEPARTMENTS
    assert (record.closes_on, record.status, record.share_team) == (DAY, "open", False)
    assert (record.series_id, record.round) == (record.id, 1)
    assert record.bank_hash == content_hash(BANK_TEXT)
    assert record.created_at.utcoffset() == timedelta(0)


def test_departments_keep_their_order(store: Store) -> None:
    order = ["Sales / e-commerce", "HR", "Leadership", "Ünïcode & Co"]
    record, _, _ = _engagement(store, departments=order)
    assert store.engagement(record.id).departments == tuple(order)


def test_creation_gives_two_different_tokens_stored_only_as_hashes(store: Store) -> None:
    record, invite, dashboard = _engagement(store)
    assert invite != dashboard
    assert looks_like_token(invite) and looks_like_token(dashboard)
    assert store.find_engagement_link(invite) == EngagementLink("invite", record.id, False)
    assert store.find_engagement_link(dashboard) == EngagementLink("dashboard", record.id, False)
    stored = all_stored_text(store.engine)
    for token in (invite, dashboard):
        assert token not in stored
        assert hash_token(token) in stored


def test_each_engagement_has_its_own_tokens(store: Store) -> None:
    first, second = _engagement(store), _engagement(store)
    assert len({first[1], first[2], second[1], second[2]}) == 4
    assert first[0].id != second[0].id


def test_an_invite_token_opens_neither_the_dashboard_nor_an_assessment(store: Store) -> None:
    record, invite, _ = _engagement(store)
    assert store.find_link(invite) is None
    with pytest.raises(PermissionError):
        store.consensus_assessment(record.id, invite)


def test_a_dashboard_token_never_opens_an_assessment(store: Store) -> None:
    _, _, dashboard = _engagement(store)
    assert store.find_link(dashboard) is None


def test_assessment_tokens_never_open_an_engagement(store: Store) -> None:
    record, _, _ = _engagement(store)
    assessment_id, private = store.add_respondent(record.id, "Marketing")
    share = store.enable_share(assessment_id, private)
    assert store.find_engagement_link(private) is None
    assert store.find_engagement_link(share) is None
    with pytest.raises(PermissionError):
        store.consensus_assessment(record.id, private)


@pytest.mark.parametrize("junk", [None, 42, "", "abc", "x" * 500, "'; DROP TABLE links; --", "é" * 43])
def test_junk_engagement_tokens_return_none(store: Store, junk: object) -> None:
    _engagement(store)
    assert store.find_engagement_link(junk) is None
    assert store.find_engagement_link(new_token()) is None


def test_create_engagement_on_an_unknown_bank_raises_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError):
        _engagement(store, bank_hash="f" * 64)


def test_unknown_engagement_raises_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError):
        store.engagement(424242)
    with pytest.raises(NotFoundError):
        store.set_engagement_status(424242, "closed")
    with pytest.raises(NotFoundError):
        store.rotate_engagement_link(424242, "invite", new_token())
    with pytest.raises(NotFoundError):
        store.add_respondent(424242, "Marketing")
    assert store.respondents(424242) == []


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("departments", [], ValueError),
        ("departments", ["HR", "HR"], ValueError),
        ("departments", ["HR", " "], ValueError),
        ("departments", "HR", TypeError),
        ("departments", ["HR", 3], ValueError),
        ("closes_on", datetime(2026, 3, 31, tzinfo=UTC), TypeError),
        ("closes_on", "2026-03-31", TypeError),
        ("client", None, TypeError),
    ],
)
def test_bad_engagement_fields_are_refused(store: Store, field: str, value: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        _engagement(store, **{field: value})
    record, _, _ = _engagement(store)
    with pytest.raises(error):
        store.update_engagement(record.id, **{field: value})


# Changing an engagement


def test_update_engagement_changes_only_the_given_fields(store: Store) -> None:
    record, _, _ = _engagement(store)
    store.update_engagement(record.id, client="Acme Group", departments=["HR", "Leadership"], closes_on=DAY)
    changed = store.engagement(record.id)
    assert (changed.client, changed.departments, changed.closes_on) == ("Acme Group", ("HR", "Leadership"), DAY)
    assert (changed.consultant, changed.logo_text) == (record.consultant, record.logo_text)
    assert changed.updated_at > record.updated_at
    store.update_engagement(record.id, closes_on=None)
    assert store.engagement(record.id).closes_on is None


def test_update_engagement_refuses_other_fields(store: Store) -> None:
    record, _, _ = _engagement(store)
    with pytest.raises(TypeError, match="status"):
        store.update_engagement(record.id, status="closed")


def test_set_share_team(store: Store) -> None:
    record, _, _ = _engagement(store)
    store.set_share_team(record.id, True)
    assert store.engagement(record.id).share_team is True
    store.set_share_team(record.id, False)
    assert store.engagement(record.id).share_team is False
    with pytest.raises(TypeError):
        store.set_share_team(record.id, "yes")  # type: ignore[arg-type]


def test_close_and_reopen(store: Store) -> None:
    record, _, _ = _engagement(store)
    store.set_engagement_status(record.id, "closed")
    assert store.engagement(record.id).status == "closed"
    with pytest.raises(EngagementClosedError):
        store.add_respondent(record.id, "Marketing")
    store.set_engagement_status(record.id, "open")
    assessment_id, _ = store.add_respondent(record.id, "Marketing")
    assert [r.assessment_id for r in store.respondents(record.id)] == [assessment_id]


def test_set_engagement_status_refuses_other_statuses(store: Store) -> None:
    record, _, _ = _engagement(store)
    with pytest.raises(ValueError):
        store.set_engagement_status(record.id, "archived")  # type: ignore[arg-type]


def test_the_closing_date_is_the_last_day_responses_are_accepted(store: Store) -> None:
    record, _, _ = _engagement(store, closes_on=DAY)
    store.add_respondent(record.id, "Marketing", today=DAY - timedelta(days=1))
    store.add_respondent(record.id, "Marketing", today=DAY)
    with pytest.raises(EngagementClosedError):
        store.add_respondent(record.id, "Marketing", today=DAY + timedelta(days=1))
    assert len(store.respondents(record.id)) == 2


def test_a_past_closing_date_refuses_respondents_today(store: Store) -> None:
    record, _, _ = _engagement(store, closes_on=date(2000, 1, 1))
    with pytest.raises(EngagementClosedError):
        store.add_respondent(record.id, "Marketing")


def test_accepts_responses() -> None:
    now = datetime.now(UTC)
    record = EngagementRecord(1, 1, 1, "h", "c", "k", "l", ("HR",), DAY, "open", False, now, now)
    assert record.accepts_responses(DAY)
    assert not record.accepts_responses(DAY + timedelta(days=1))
    closed = EngagementRecord(1, 1, 1, "h", "c", "k", "l", ("HR",), None, "closed", False, now, now)
    assert not closed.accepts_responses(DAY)


def test_the_invite_token_is_derived_from_the_dashboard_token(store: Store) -> None:
    record, invite, dashboard = _engagement(store)
    assert invite == derive_invite_token(dashboard, record.id, 0)
    assert store.current_invite_token(record.id, dashboard) == invite


def test_only_the_current_dashboard_token_shows_the_invite(store: Store) -> None:
    record, invite, dashboard = _engagement(store)
    _, _, stranger = _engagement(store)
    for wrong in (invite, stranger, "not a token", new_token()):
        with pytest.raises(PermissionError):
            store.current_invite_token(record.id, wrong)
    store.rotate_engagement_link(record.id, "dashboard", dashboard)
    with pytest.raises(PermissionError):
        store.current_invite_token(record.id, dashboard)


def test_a_new_invite_link_revokes_the_old_one(store: Store) -> None:
    record, invite, dashboard = _engagement(store)
    new_invite = store.rotate_engagement_link(record.id, "invite", dashboard)
    assert new_invite not in (invite, dashboard)
    assert new_invite == store.current_invite_token(record.id, dashboard)
    assert store.find_engagement_link(invite) == EngagementLink("invite", record.id, True)
    assert store.find_engagement_link(new_invite) == EngagementLink("invite", record.id, False)
    assert store.find_engagement_link(dashboard) == EngagementLink("dashboard", record.id, False)
    newest = store.rotate_engagement_link(record.id, "invite", dashboard)
    assert newest not in (invite, new_invite)
    assert store.find_engagement_link(new_invite) == EngagementLink("invite", record.id, True)


def test_a_new_dashboard_link_revokes_the_old_one_and_keeps_the_invite_working(store: Store) -> None:
    record, invite, dashboard = _engagement(store)
    new_dashboard = store.rotate_engagement_link(record.id, "dashboard", dashboard)
    assert new_dashboard not in (invite, dashboard)
    assert store.find_engagement_link(dashboard) == EngagementLink("dashboard", record.id, True)
    assert store.find_engagement_link(new_dashboard) == EngagementLink("dashboard", record.id, False)
    assert store.find_engagement_link(invite) == EngagementLink("invite", record.id, False)
    shown = store.current_invite_token(record.id, new_dashboard)
    assert store.find_engagement_link(shown) == EngagementLink("invite", record.id, False)
    with pytest.raises(PermissionError):
        store.consensus_assessment(record.id, dashboard)
    store.consensus_assessment(record.id, new_dashboard)
    newest_invite = store.rotate_engagement_link(record.id, "invite", new_dashboard)
    assert store.find_engagement_link(invite) == EngagementLink("invite", record.id, True)
    assert store.find_engagement_link(shown) == EngagementLink("invite", record.id, True)
    assert store.find_engagement_link(newest_invite) == EngagementLink("invite", record.id, False)


def test_rotating_needs_the_current_dashboard_token(store: Store) -> None:
    record, invite, dashboard = _engagement(store)
    _, _, stranger = _engagement(store)
    for kind in ("invite", "dashboard"):
        for wrong in (invite, stranger, "not a token"):
            with pytest.raises(PermissionError):
                store.rotate_engagement_link(record.id, kind, wrong)  # type: ignore[arg-type]
    assert store.find_engagement_link(invite) == EngagementLink("invite", record.id, False)
    assert store.find_engagement_link(dashboard) == EngagementLink("dashboard", record.id, False)


def test_rotate_refuses_other_kinds(store: Store) -> None:
    record, _, dashboard = _engagement(store)
    with pytest.raises(ValueError):
        store.rotate_engagement_link(record.id, "private", dashboard)  # type: ignore[arg-type]


# Respondents


def test_add_respondent_starts_an_assessment_with_a_private_link(store: Store) -> None:
    record, _, _ = _engagement(store)
    assessment_id, private = store.add_respondent(record.id, "Marketing", "Sam")
    assert store.find_link(private) == LinkLookup("private", assessment_id, False)
    started = store.assessment(assessment_id)
    assert (started.kind, started.engagement_id, started.bank_hash) == ("respondent", record.id, record.bank_hash)
    assert (started.department, started.respondent) == ("Marketing", "Sam")
    assert started.context == {"department": "Marketing", "respondent": "Sam"}
    assert (started.status, started.answers) == ("in_progress", {})


def test_respondents_are_listed_with_their_departments(store: Store) -> None:
    record, _, _ = _engagement(store)
    first, _ = store.add_respondent(record.id, "Marketing", "Sam")
    second, _ = store.add_respondent(record.id, "Leadership")
    third, _ = store.add_respondent(record.id, "Marketing", "   ")
    store.submit(second)
    listed = store.respondents(record.id)
    assert [(r.assessment_id, r.department, r.respondent, r.status) for r in listed] == [
        (first, "Marketing", "Sam", "in_progress"),
        (second, "Leadership", None, "submitted"),
        (third, "Marketing", None, "in_progress"),
    ]
    assert listed[1].submitted_at is not None and listed[0].submitted_at is None
    assert all(r.created_at.utcoffset() == timedelta(0) for r in listed)


def test_respondents_belong_to_their_engagement(store: Store) -> None:
    first, _, _ = _engagement(store)
    second, _, _ = _engagement(store)
    mine, _ = store.add_respondent(first.id, "Customer service")
    store.add_respondent(second.id, "Marketing")
    store.create_assessment(first.bank_hash, {})
    assert [r.assessment_id for r in store.respondents(first.id)] == [mine]


def test_a_department_that_is_not_offered_is_refused(store: Store) -> None:
    record, _, _ = _engagement(store)
    with pytest.raises(ValueError):
        store.add_respondent(record.id, "Finance")
    with pytest.raises(ValueError):
        store.add_respondent(record.id, "Marketing", "x" * 201)
    assert store.respondents(record.id) == []


def test_self_assessments_keep_their_kind(store: Store) -> None:
    assessment_id, _ = store.create_assessment(_bank(store), {"organisation": "Acme"})
    record = store.assessment(assessment_id)
    assert (record.kind, record.engagement_id, record.department, record.respondent) == ("self", None, None, None)


# Answers for the aggregation


def test_respondent_answers_are_those_of_submitted_respondents_by_default(store: Store) -> None:
    record, _, _ = _engagement(store)
    done = _answered(store, record.id, "Marketing", {"q1": "o1", "q2": None, "q3": ["a", "b"]}, submit=True)
    started = _answered(store, record.id, "Leadership", {"q1": "o2"}, submit=False)
    assert store.respondent_answers([record.id]) == {done: {"q1": "o1", "q2": None, "q3": ["a", "b"]}}
    assert store.respondent_answers([record.id], submitted_only=False) == {
        done: {"q1": "o1", "q2": None, "q3": ["a", "b"]},
        started: {"q1": "o2"},
    }


def test_respondent_answers_cover_the_given_engagements_only(store: Store) -> None:
    first, _, first_dashboard = _engagement(store)
    second, _, _ = _engagement(store)
    third, _, _ = _engagement(store)
    one = _answered(store, first.id, "Marketing", {"q1": "o1"}, submit=True)
    two = _answered(store, second.id, "Marketing", {"q1": "o2"}, submit=True)
    _answered(store, third.id, "Marketing", {"q1": "o3"}, submit=True)
    consensus, _ = store.consensus_assessment(first.id, first_dashboard)
    store.save_answer(consensus, "q1", "o5")
    store.submit(consensus)
    self_assessment, _ = store.create_assessment(first.bank_hash, {})
    store.save_answer(self_assessment, "q1", "o4")
    store.submit(self_assessment)
    assert list(store.respondent_answers([first.id, second.id]).items()) == [(one, {"q1": "o1"}), (two, {"q1": "o2"})]
    assert store.respondent_answers([]) == {}


def test_respondent_answers_groups_by_respondent(store: Store) -> None:
    record, _, _ = _engagement(store)
    one = _answered(store, record.id, "Marketing", {"q1": "o1", "q2": "free text"}, submit=True)
    two = _answered(store, record.id, "Leadership", {"q1": None}, submit=True)
    _answered(store, record.id, "Marketing", {}, submit=True)
    assert store.respondent_answers([record.id]) == {one: {"q1": "o1", "q2": "free text"}, two: {"q1": None}}


def test_respondent_answers_come_back_unchanged(store: Store) -> None:
    record, _, _ = _engagement(store)
    tricky = {"a": 'quote " and \\ backslash', "b": "Ünïcode, [brackets], {braces}", "c": [], "d": ["x,y", "null"]}
    assessment_id = _answered(store, record.id, "Marketing", tricky, submit=True)
    assert store.respondent_answers([record.id]) == {assessment_id: tricky}


# Rounds


def test_rounds_of_a_series(store: Store) -> None:
    first, _, _ = _engagement(store)
    newer = _bank(store, NEWER_BANK_TEXT)
    second, _, _ = _engagement(store, bank_hash=newer, series_id=first.id)
    third, _, _ = _engagement(store, series_id=second.id)
    _engagement(store)
    assert [(r.id, r.series_id, r.round) for r in store.series(first.id)] == [
        (first.id, first.id, 1),
        (second.id, first.id, 2),
        (third.id, first.id, 3),
    ]
    assert store.engagement(second.id).bank_hash == newer
    assert store.series(424242) == []


def test_a_new_round_of_an_unknown_series_raises_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError):
        _engagement(store, series_id=424242)


def test_concurrent_new_rounds_get_different_numbers(store: Store) -> None:
    first, _, _ = _engagement(store)
    in_parallel([lambda: _engagement(store, series_id=first.id)] * 4)
    assert [r.round for r in store.series(first.id)] == [1, 2, 3, 4, 5]


# Workshop consensus


def test_the_consensus_assessment_is_created_once(store: Store) -> None:
    record, _, dashboard = _engagement(store)
    consensus, token = store.consensus_assessment(record.id, dashboard)
    assert store.consensus_assessment(record.id, dashboard) == (consensus, token)
    assert token == derive_consensus_token(dashboard, record.id)
    assert store.find_link(token) == LinkLookup("private", consensus, False)
    made = store.assessment(consensus)
    assert (made.kind, made.engagement_id, made.bank_hash) == ("consensus", record.id, record.bank_hash)
    assert store.respondents(record.id) == []


def test_concurrent_consensus_calls_create_one_assessment(store: Store) -> None:
    record, _, dashboard = _engagement(store)
    found = in_parallel([lambda: store.consensus_assessment(record.id, dashboard)] * 6)
    assert len(set(found)) == 1


def test_the_consensus_can_be_shared(store: Store) -> None:
    record, _, dashboard = _engagement(store)
    consensus, private = store.consensus_assessment(record.id, dashboard)
    store.save_answer(consensus, "q1", "o3")
    share = store.enable_share(consensus, private)
    assert share == derive_share_token(private, 0)
    assert store.current_share_token(consensus, private) == share
    assert store.find_link(share) == LinkLookup("share", consensus, False)


def test_another_engagements_dashboard_cannot_reach_the_consensus(store: Store) -> None:
    record, _, _ = _engagement(store)
    _, _, stranger = _engagement(store)
    with pytest.raises(PermissionError):
        store.consensus_assessment(record.id, stranger)
    with pytest.raises(PermissionError):
        store.consensus_assessment(record.id, "not a token")


def test_a_new_dashboard_link_rekeys_the_consensus(store: Store) -> None:
    record, _, dashboard = _engagement(store)
    consensus, old_private = store.consensus_assessment(record.id, dashboard)
    store.save_answer(consensus, "q1", "o3")
    old_share = store.enable_share(consensus, old_private)
    new_dashboard = store.rotate_engagement_link(record.id, "dashboard", dashboard)
    again, new_private = store.consensus_assessment(record.id, new_dashboard)
    assert again == consensus and new_private != old_private
    assert store.find_link(old_private) == LinkLookup("private", consensus, True)
    assert store.find_link(new_private) == LinkLookup("private", consensus, False)
    new_share = store.current_share_token(consensus, new_private)
    assert new_share is not None and new_share != old_share
    assert store.find_link(new_share) == LinkLookup("share", consensus, False)
    assert store.find_link(old_share) == LinkLookup("share", consensus, False)
    assert store.enable_share(consensus, new_private) == new_share
    store.revoke_share(consensus)
    assert store.find_link(old_share) == LinkLookup("share", consensus, True)
    assert store.find_link(new_share) == LinkLookup("share", consensus, True)
    assert store.assessment(consensus).answers == {"q1": "o3"}


def test_a_new_dashboard_link_before_any_consensus_changes_nothing_else(store: Store) -> None:
    record, _, dashboard = _engagement(store)
    new_dashboard = store.rotate_engagement_link(record.id, "dashboard", dashboard)
    consensus, private = store.consensus_assessment(record.id, new_dashboard)
    assert private == derive_consensus_token(new_dashboard, record.id)
    assert store.find_link(private) == LinkLookup("private", consensus, False)


def test_reasons_are_upserted(store: Store) -> None:
    record, _, dashboard = _engagement(store)
    consensus, _ = store.consensus_assessment(record.id, dashboard)
    assert store.reasons(consensus) == {}
    store.save_reason(consensus, "q1", "Marketing owns the calendar.")
    store.save_reason(consensus, "q2", "Nobody reviews the plan.")
    store.save_reason(consensus, "q1", "Everyone agreed after the <b>demo</b>.")
    assert store.reasons(consensus) == {
        "q1": "Everyone agreed after the <b>demo</b>.",
        "q2": "Nobody reviews the plan.",
    }
    store.save_reason(consensus, "q2", "  ")
    assert store.reasons(consensus) == {"q1": "Everyone agreed after the <b>demo</b>."}


def test_reasons_belong_to_consensus_assessments_only(store: Store) -> None:
    record, _, _ = _engagement(store)
    respondent, _ = store.add_respondent(record.id, "Marketing")
    with pytest.raises(NotFoundError):
        store.save_reason(respondent, "q1", "because")
    with pytest.raises(NotFoundError):
        store.save_reason(424242, "q1", "because")


# Import


def test_import_respondent_stores_the_response_without_a_link(store: Store) -> None:
    record, _, _ = _engagement(store)
    created = datetime(2025, 11, 3, 9, 30, tzinfo=UTC)
    submitted = created + timedelta(minutes=12)
    given = {"q1": "o1", "q2": None, "q3": ["a", "c"], "q4": "Ünïcode"}
    imported = store.import_respondent(record.id, "Finance", "Sam", "submitted", given, created, submitted)
    kept = store.assessment(imported)
    assert kept.answers == given
    assert (kept.kind, kept.engagement_id, kept.department, kept.respondent) == (
        "respondent",
        record.id,
        "Finance",
        "Sam",
    )
    assert (kept.status, kept.created_at, kept.submitted_at, kept.updated_at) == (
        "submitted",
        created,
        submitted,
        submitted,
    )
    with store.engine.connect() as conn:
        count = conn.scalar(
            sa.select(sa.func.count())
            .select_from(store_module.links)
            .where(store_module.links.c.assessment_id == imported)
        )
    assert count == 0
    assert store.respondent_answers([record.id]) == {imported: given}


def test_import_respondent_into_a_closed_engagement(store: Store) -> None:
    record, _, _ = _engagement(store)
    store.set_engagement_status(record.id, "closed")
    created = datetime(2025, 11, 3, 9, 30, tzinfo=UTC)
    imported = store.import_respondent(record.id, "Marketing", None, "in_progress", {"q1": "o1"}, created, None)
    listed = store.respondents(record.id)
    assert [(r.assessment_id, r.respondent, r.status, r.submitted_at) for r in listed] == [
        (imported, None, "in_progress", None)
    ]
    assert store.respondent_answers([record.id]) == {}


@pytest.mark.parametrize(
    ("status", "given", "submitted", "error"),
    [
        ("done", {}, None, ValueError),
        ("submitted", {}, None, ValueError),
        ("in_progress", {"q1": 3}, None, TypeError),
        ("in_progress", {"": "o1"}, None, ValueError),
    ],
)
def test_import_respondent_refuses_bad_input(
    store: Store, status: Any, given: dict[str, Any], submitted: datetime | None, error: type[Exception]
) -> None:
    record, _, _ = _engagement(store)
    with pytest.raises(error):
        store.import_respondent(record.id, "Marketing", None, status, given, datetime.now(UTC), submitted)
    assert store.respondents(record.id) == []


def test_import_respondent_refuses_an_overlong_department(store: Store) -> None:
    record, _, _ = _engagement(store)
    with pytest.raises(ValueError):
        store.import_respondent(record.id, "d" * 201, None, "in_progress", {}, datetime.now(UTC), None)


# Migration from schema version 1


def test_a_version_1_database_migrates_in_place(db_url: str) -> None:
    legacy_database(db_url, 1)
    old = Store(db_url)
    assessment_id, token = write_v1_assessment(old.engine, BANK_TEXT)
    old.dispose()

    new = Store(db_url)
    assert new.migrate() == 2
    record = new.assessment(assessment_id)
    assert (record.context, record.targets, record.page, record.status) == (
        {"organisation": "Acme"},
        {"care": 3},
        2,
        "submitted",
    )
    assert record.answers == {"q1": "o2", "q2": None, "q3": ["a"]}
    assert (record.kind, record.engagement_id, record.department, record.respondent) == ("self", None, None, None)
    assert new.find_link(token) == LinkLookup("private", assessment_id, False)
    engagement, _, _ = new.create_engagement(record.bank_hash, "Acme", "Jo", "", ["HR"])
    new.add_respondent(engagement.id, "HR")
    new.dispose()


def test_the_migrated_schema_matches_the_module_level_tables(store: Store) -> None:
    declared = {
        table.name: (
            sorted(column.name for column in table.columns),
            sorted(str(index.name) for index in table.indexes),
            sorted(
                (key.parent.name, key.column.table.name, key.column.name, key.ondelete) for key in table.foreign_keys
            ),
        )
        for table in store_module.metadata.sorted_tables
    }
    assert {name: tables for name, tables in _schema(store.engine).items() if name != "alembic_version"} == declared


# Tokens


def test_consensus_tokens_are_derived_per_engagement() -> None:
    dashboard = new_token()
    token = derive_consensus_token(dashboard, 7)
    assert token == derive_consensus_token(dashboard, 7)
    assert len({token, derive_consensus_token(dashboard, 8), derive_consensus_token(new_token(), 7)}) == 3
    assert token not in (dashboard, derive_share_token(dashboard, 7))
    assert looks_like_token(token)


def test_invite_tokens_are_derived_per_engagement_and_generation() -> None:
    dashboard = new_token()
    invite = derive_invite_token(dashboard, 7, 0)
    assert invite == derive_invite_token(dashboard, 7, 0)
    others = {derive_invite_token(dashboard, 7, 1), derive_invite_token(dashboard, 8, 0)}
    others |= {derive_invite_token(new_token(), 7, 0), derive_consensus_token(dashboard, 7), dashboard}
    assert invite not in others and len(others) == 5
    assert looks_like_token(invite)


# --- names with bidirectional control characters (issue 14) ----------------------------------------

SPOOF = "\u202edtL evil.exe"  # shows as "exe.live Ltd"


def test_bidi_controls_are_removed_from_names_as_they_are_stored(store: Store) -> None:
    bank = store.put_bank(BANK_TEXT, "default", "1.0")
    record, _, _ = store.create_engagement(bank, SPOOF, "Jo\u200f", "Jo \u2066& Co", ["HR\u202e", "IT"])
    respondent, _ = store.add_respondent(record.id, "HR", "\u202bSam\u202c")
    imported = store.import_respondent(record.id, "\u2067IT", "Ana\u061c", "in_progress", {}, record.created_at, None)
    own, _ = store.create_assessment(bank, {"organisation": SPOOF, "industry": "retail\u200e", "size": 3})
    store.update_engagement(record.id, departments=["HR", "IT", "\u202dSales"])

    with store.engine.connect() as conn:
        stored = conn.execute(
            sa.select(
                engagements.c.client, engagements.c.consultant, engagements.c.logo_text, engagements.c.departments
            )
        ).one()
        people = conn.execute(
            sa.select(assessments.c.department, assessments.c.respondent, assessments.c.context)
            .where(assessments.c.id.in_([respondent, imported, own]))
            .order_by(assessments.c.id)
        ).all()
    assert tuple(stored) == ("dtL evil.exe", "Jo", "Jo & Co", ["HR", "IT", "Sales"])
    assert [tuple(row) for row in people] == [
        ("HR", "Sam", {"department": "HR", "respondent": "Sam"}),
        ("IT", "Ana", {"department": "IT", "respondent": "Ana"}),
        (None, None, {"organisation": "dtL evil.exe", "industry": "retail", "size": 3}),
    ]


def test_names_stored_before_the_cleaning_are_shown_clean(store: Store) -> None:
    bank = store.put_bank(BANK_TEXT, "default", "1.0")
    record, _, _ = store.create_engagement(bank, "Acme", "Jo", "", ["HR", "IT"])
    respondent, _ = store.add_respondent(record.id, "HR", "Sam")
    own, _ = store.create_assessment(bank, {"organisation": "Acme"})
    with store.engine.begin() as conn:  # as an older Threadline stored them
        conn.execute(engagements.update().values(client=SPOOF, consultant="\u202eoJ", departments=["HR\u202e", "IT"]))
        conn.execute(
            assessments.update()
            .where(assessments.c.id == respondent)
            .values(department="HR\u202e", respondent="\u202eSam")
        )
        conn.execute(assessments.update().where(assessments.c.id == own).values(context={"organisation": SPOOF}))

    shown = store.engagement(record.id)
    assert (shown.client, shown.consultant, shown.departments) == ("dtL evil.exe", "oJ", ("HR", "IT"))
    assert [(r.department, r.respondent) for r in store.respondents(record.id)] == [("HR", "Sam")]
    assert (store.assessment(respondent).department, store.assessment(respondent).respondent) == ("HR", "Sam")
    assert store.assessment(own).context == {"organisation": "dtL evil.exe"}
    assert store.add_respondent(record.id, "HR")[0] > respondent  # the cleaned department is still offered


# --- deleting responses and engagements (issue 14: personal data) -----------------------------------


def _engagement_with_people(store: Store) -> tuple[EngagementRecord, str, str, list[int]]:
    bank = store.put_bank(BANK_TEXT, "default", "1.0")
    record, invite, dashboard = store.create_engagement(bank, "Acme", "Jo", "", ["HR", "IT"])
    people = []
    for department, name in (("HR", "Sam Private"), ("IT", None), ("IT", "Ana Private")):
        respondent, token = store.add_respondent(record.id, department, name)
        store.save_answer(respondent, "q1", "o1")
        store.save_note(respondent, "q1", f"note of {name}")
        store.enable_share(respondent, token)
        store.submit(respondent)
        people.append(respondent)
    consensus, _ = store.consensus_assessment(record.id, dashboard)
    store.save_answer(consensus, "q1", "o2")
    store.save_reason(consensus, "q1", "Agreed in the workshop")
    return record, invite, dashboard, [*people, consensus]


def _rows_of(store: Store, assessment_ids: list[int], engagement_id: int) -> dict[str, int]:
    ids = ",".join(str(i) for i in assessment_ids)
    queries = {
        "assessments": f"SELECT count(*) FROM assessments WHERE id IN ({ids}) OR engagement_id = {engagement_id}",
        "answers": f"SELECT count(*) FROM answers WHERE assessment_id IN ({ids})",
        "consensus_reasons": f"SELECT count(*) FROM consensus_reasons WHERE assessment_id IN ({ids})",
        "links": f"SELECT count(*) FROM links WHERE assessment_id IN ({ids}) OR engagement_id = {engagement_id}",
        "engagements": f"SELECT count(*) FROM engagements WHERE id = {engagement_id}",
    }
    with store.engine.connect() as conn:
        return {table: int(conn.scalar(sa.text(query))) for table, query in queries.items()}


def test_a_consultant_deletes_one_response_and_nothing_else(store: Store) -> None:
    record, _, dashboard, (sam, anonymous, ana, consensus) = _engagement_with_people(store)

    store.delete_respondent(record.id, sam, dashboard)

    assert _rows_of(store, [sam], record.id) | {"engagements": 0} == {
        "assessments": 3,  # the engagement's other two responses and the consensus
        "answers": 0,
        "consensus_reasons": 0,
        "links": 2,  # the invite and the dashboard link
        "engagements": 0,
    }
    assert [r.assessment_id for r in store.respondents(record.id)] == [anonymous, ana]
    assert "Sam Private" not in all_stored_text(store.engine)
    assert "note of Sam Private" not in all_stored_text(store.engine)
    assert store.respondent_answers([record.id]) == {anonymous: {"q1": "o1"}, ana: {"q1": "o1"}}
    assert store.assessment(consensus).answers == {"q1": "o2"}


def test_deleting_a_response_needs_the_current_dashboard_link_and_a_respondent_of_that_engagement(
    store: Store,
) -> None:
    record, invite, dashboard, (sam, _, _, consensus) = _engagement_with_people(store)
    other, _, other_dashboard, (stranger, *_) = _engagement_with_people(store)
    with pytest.raises(PermissionError):
        store.delete_respondent(record.id, sam, invite)
    with pytest.raises(PermissionError):
        store.delete_respondent(record.id, sam, other_dashboard)
    with pytest.raises(NotFoundError):
        store.delete_respondent(record.id, stranger, dashboard)
    with pytest.raises(NotFoundError):
        store.delete_respondent(record.id, consensus, dashboard)  # the consensus goes with the engagement
    assert len(store.respondents(record.id)) == 3 and len(store.respondents(other.id)) == 3


def test_a_consultant_deletes_a_whole_engagement(store: Store) -> None:
    record, invite, dashboard, assessment_ids = _engagement_with_people(store)
    other, _, _, other_ids = _engagement_with_people(store)
    before_other = _rows_of(store, other_ids, other.id)

    store.delete_engagement(record.id, dashboard)

    assert _rows_of(store, assessment_ids, record.id) == {
        "assessments": 0,
        "answers": 0,
        "consensus_reasons": 0,
        "links": 0,
        "engagements": 0,
    }
    assert store.find_engagement_link(invite) is None and store.find_engagement_link(dashboard) is None
    with pytest.raises(NotFoundError):
        store.engagement(record.id)
    stored = all_stored_text(store.engine)
    assert stored.count("Sam Private") == 3  # the other engagement's Sam only: name, context and note
    assert _rows_of(store, other_ids, other.id) == before_other


def test_deleting_the_first_round_keeps_the_later_rounds_as_their_own_series(store: Store) -> None:
    bank = store.put_bank(BANK_TEXT, "default", "1.0")
    first, _, first_dashboard = store.create_engagement(bank, "Acme", "Jo", "", ["HR"])
    second, _, second_dashboard = store.create_engagement(bank, "Acme", "Jo", "", ["HR"], series_id=first.id)
    third, _, _ = store.create_engagement(bank, "Acme", "Jo", "", ["HR"], series_id=first.id)

    store.delete_engagement(first.id, first_dashboard)

    assert [(r.id, r.series_id, r.round) for r in store.series(second.id)] == [
        (second.id, second.id, 2),
        (third.id, second.id, 3),
    ]
    fourth, _, _ = store.create_engagement(bank, "Acme", "Jo", "", ["HR"], series_id=third.id)
    assert (fourth.series_id, fourth.round) == (second.id, 4)
    store.delete_engagement(second.id, second_dashboard)
    assert [(r.id, r.series_id) for r in store.series(third.id)] == [(third.id, third.id), (fourth.id, third.id)]


def test_deleting_an_engagement_needs_its_current_dashboard_link(store: Store) -> None:
    record, invite, dashboard, _ = _engagement_with_people(store)
    new_dashboard = store.rotate_engagement_link(record.id, "dashboard", dashboard)
    for wrong in (invite, dashboard, "not a token"):
        with pytest.raises(PermissionError):
            store.delete_engagement(record.id, wrong)
    assert store.engagement(record.id).id == record.id
    store.delete_engagement(record.id, new_dashboard)
    with pytest.raises(NotFoundError):
        store.delete_engagement(record.id, new_dashboard)
