"""Specification of the storage layer, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.store_support import all_stored_text, in_parallel
from threadline.links import derive_share_token, hash_token, new_token
from threadline.storage import MAX_NOTE_LENGTH, MIGRATIONS, LinkLookup, NotFoundError, Store, content_hash

BANK_TEXT = "id: default\nversion: '1.0'\ntitle: Social business maturity\n"

store_examples = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _bank(store: Store, text: str = BANK_TEXT) -> str:
    return store.put_bank(text, "default", "1.0")


def _started(store: Store) -> tuple[int, str]:
    return store.create_assessment(_bank(store), {"organisation": "Acme"})


# Schema and start-up


def test_migrate_is_idempotent(store: Store, db_url: str) -> None:
    assessment_id, _ = _started(store)
    assert store.migrate() == len(MIGRATIONS)
    again = Store(db_url)
    assert again.migrate() == len(MIGRATIONS)
    assert again.assessment(assessment_id).context == {"organisation": "Acme"}
    again.dispose()


def test_schema_version_holds_one_row_with_the_latest_version(store: Store) -> None:
    with store.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, version FROM schema_version")).all()
    assert [tuple(row) for row in rows] == [(1, len(MIGRATIONS))]


def test_migrate_refuses_a_database_from_a_newer_threadline(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE schema_version SET version = 999"))
    with pytest.raises(RuntimeError, match="newer"):
        store.migrate()


def test_concurrent_start_ups_migrate_once(db_url: str) -> None:
    stores = [Store(db_url) for _ in range(4)]
    versions = in_parallel([s.migrate for s in stores])
    assert versions == [len(MIGRATIONS)] * 4
    for opened in stores:
        opened.dispose()


def test_sqlite_creates_the_data_folder(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "data" / "threadline.db"
    opened = Store(f"sqlite:///{path}")
    opened.migrate()
    assert path.is_file()
    opened.dispose()


def test_sqlite_uses_wal_a_busy_timeout_and_foreign_keys(tmp_path: Path) -> None:
    opened = Store(f"sqlite:///{tmp_path / 'threadline.db'}")
    with opened.engine.connect() as conn:
        pragma = {
            name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "busy_timeout", "foreign_keys")
        }
    assert pragma == {"journal_mode": "wal", "busy_timeout": 5000, "foreign_keys": 1}
    opened.dispose()


def test_postgresql_checks_connections_before_use(store: Store) -> None:
    if store.dialect != "postgresql":
        pytest.skip("PostgreSQL only")
    assert store.engine.pool._pre_ping


def test_other_databases_are_refused() -> None:
    with pytest.raises(ValueError, match="sqlite or postgresql"):
        Store("mysql://user@localhost/threadline")


# Banks


def test_put_bank_returns_the_sha256_of_the_text(store: Store) -> None:
    expected = hashlib.sha256(BANK_TEXT.encode()).hexdigest()
    assert _bank(store) == expected == content_hash(BANK_TEXT)


def test_bank_content_is_stored_once(store: Store) -> None:
    first = _bank(store)
    for _ in range(3):
        assert _bank(store) == first
        store.create_assessment(first, {})
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM banks")).scalar() == 1
    assert store.bank_content(first) == BANK_TEXT


def test_concurrent_put_bank_of_the_same_text_is_safe(store: Store) -> None:
    hashes = in_parallel([lambda: _bank(store)] * 8)
    assert set(hashes) == {content_hash(BANK_TEXT)}


def test_bank_content_of_an_unknown_hash_is_none(store: Store) -> None:
    assert store.bank_content("0" * 64) is None


def test_a_result_keeps_the_bank_it_was_answered_against(store: Store) -> None:
    assessment_id, _ = _started(store)
    store.submit(assessment_id)
    _bank(store, BANK_TEXT.replace("1.0", "2.0"))
    kept = store.assessment(assessment_id).bank_hash
    assert store.bank_content(kept) == BANK_TEXT


# Assessments and private links


def test_create_assessment_returns_an_id_and_a_private_token(store: Store) -> None:
    assessment_id, token = _started(store)
    link = store.find_link(token)
    assert link is not None
    assert (link.kind, link.assessment_id, link.revoked) == (
        "private",
        assessment_id,
        False,
    )


def test_a_new_assessment_starts_on_the_first_page_in_progress(store: Store) -> None:
    record = store.assessment(_started(store)[0])
    assert (record.page, record.status, record.answers) == (0, "in_progress", {})
    assert (record.targets, record.submitted_at) == (None, None)
    assert (record.share_active, record.share_generation) == (False, 0)


def test_each_assessment_has_its_own_private_token(store: Store) -> None:
    first, second = _started(store), _started(store)
    assert first[0] != second[0]
    assert first[1] != second[1]


def test_create_assessment_on_an_unknown_bank_raises_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError):
        store.create_assessment("f" * 64, {})


def test_context_is_stored_verbatim(store: Store) -> None:
    context = {
        "organisation": "<b>Ünïcode & Co</b>",
        "role": "marketing",
        "size": "10-49",
    }
    assessment_id, _ = store.create_assessment(_bank(store), context)
    assert store.assessment(assessment_id).context == context


def test_unknown_assessment_raises_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError):
        store.assessment(424242)
    with pytest.raises(NotFoundError):
        store.set_page(424242, 1)
    with pytest.raises(NotFoundError):
        store.revoke_share(424242)


def test_timestamps_are_timezone_aware_utc(store: Store) -> None:
    before = datetime.now(UTC)
    assessment_id, _ = _started(store)
    store.submit(assessment_id)
    record = store.assessment(assessment_id)
    for moment in (record.created_at, record.updated_at, record.submitted_at):
        assert moment is not None
        assert moment.utcoffset() == timedelta(0)
        assert before <= moment <= datetime.now(UTC)


# Answers


def test_answers_survive_a_new_store_on_the_same_file(db_url: str) -> None:
    before = Store(db_url)
    before.migrate()
    assessment_id, token = _started(before)
    before.save_answer(assessment_id, "q1", "o3")
    before.save_answer(assessment_id, "q2", None)
    before.save_answer(assessment_id, "q3", ["a", "c"])
    before.set_page(assessment_id, 2)
    before.dispose()

    after = Store(db_url)
    after.migrate()
    link = after.find_link(token)
    assert link is not None
    record = after.assessment(link.assessment_id)
    assert record.answers == {"q1": "o3", "q2": None, "q3": ["a", "c"]}
    assert record.page == 2
    after.dispose()


def test_save_answer_overwrites_the_earlier_answer(store: Store) -> None:
    assessment_id, _ = _started(store)
    store.save_answer(assessment_id, "q1", "o1")
    store.save_answer(assessment_id, "q1", "o2")
    assert store.assessment(assessment_id).answers == {"q1": "o2"}


def test_clear_answer_makes_the_question_unanswered(store: Store) -> None:
    assessment_id, _ = _started(store)
    store.save_answer(assessment_id, "q1", "o1")
    store.save_answer(assessment_id, "q2", "o2")
    store.clear_answer(assessment_id, "q1")
    assert store.assessment(assessment_id).answers == {"q2": "o2"}


def test_clearing_an_unanswered_question_is_harmless(store: Store) -> None:
    assessment_id, _ = _started(store)
    store.clear_answer(assessment_id, "never-answered")
    assert store.assessment(assessment_id).answers == {}


def test_not_applicable_is_stored_as_null_and_differs_from_unanswered(
    store: Store,
) -> None:
    assessment_id, _ = _started(store)
    store.save_answer(assessment_id, "q1", None)
    answers = store.assessment(assessment_id).answers
    assert "q1" in answers
    assert answers["q1"] is None
    assert "q2" not in answers


def test_not_applicable_replaces_a_given_answer_and_back(store: Store) -> None:
    assessment_id, _ = _started(store)
    store.save_answer(assessment_id, "q1", "o1")
    store.save_answer(assessment_id, "q1", None)
    assert store.assessment(assessment_id).answers == {"q1": None}
    store.save_answer(assessment_id, "q1", ["o1", "o2"])
    assert store.assessment(assessment_id).answers == {"q1": ["o1", "o2"]}


def test_an_empty_multi_answer_is_kept_as_an_empty_list(store: Store) -> None:
    assessment_id, _ = _started(store)
    store.save_answer(assessment_id, "q1", [])
    assert store.assessment(assessment_id).answers == {"q1": []}


@store_examples
@given(text=st.text(max_size=300))
def test_free_text_answers_come_back_unchanged(store: Store, text: str) -> None:
    assessment_id, _ = _started(store)
    store.save_answer(assessment_id, "notes", text)
    assert store.assessment(assessment_id).answers == {"notes": text}


@store_examples
@given(choices=st.lists(st.text(min_size=1, max_size=20), max_size=8))
def test_multi_answers_come_back_in_order(store: Store, choices: list[str]) -> None:
    assessment_id, _ = _started(store)
    store.save_answer(assessment_id, "channels", choices)
    assert store.assessment(assessment_id).answers == {"channels": choices}


@pytest.mark.parametrize("value", [3, 2.5, True, {"a": "b"}, ["a", 1], b"o1"])
def test_save_answer_refuses_other_kinds_of_value(store: Store, value: Any) -> None:
    assessment_id, _ = _started(store)
    with pytest.raises(TypeError):
        store.save_answer(assessment_id, "q1", value)
    assert store.assessment(assessment_id).answers == {}


@pytest.mark.parametrize("question_id", ["", "q" * 201])
def test_save_answer_refuses_bad_question_ids(store: Store, question_id: str) -> None:
    assessment_id, _ = _started(store)
    with pytest.raises(ValueError):
        store.save_answer(assessment_id, question_id, "o1")


def test_save_answer_to_an_unknown_assessment_raises_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError):
        store.save_answer(424242, "q1", "o1")
    with pytest.raises(NotFoundError):
        store.clear_answer(424242, "q1")


def test_answers_belong_to_their_own_assessment(store: Store) -> None:
    first, second = _started(store)[0], _started(store)[0]
    store.save_answer(first, "q1", "o1")
    store.save_answer(second, "q1", "o4")
    assert store.assessment(first).answers == {"q1": "o1"}
    assert store.assessment(second).answers == {"q1": "o4"}


def test_save_answer_moves_updated_at_forward(store: Store) -> None:
    assessment_id, _ = _started(store)
    before = store.assessment(assessment_id).updated_at
    store.save_answer(assessment_id, "q1", "o1")
    assert store.assessment(assessment_id).updated_at > before


def test_app_servers_sharing_a_database_see_each_others_answers(store: Store, db_url: str) -> None:
    other = Store(db_url)
    assessment_id, _ = _started(store)
    servers = [store, other] * 6
    in_parallel(
        [
            lambda s=server, i=index: s.save_answer(assessment_id, f"q{i}", f"o{i}")
            for index, server in enumerate(servers)
        ]
    )
    expected = {f"q{i}": f"o{i}" for i in range(len(servers))}
    assert other.assessment(assessment_id).answers == expected
    assert store.assessment(assessment_id).answers == expected
    other.dispose()


# Progress, context, targets, submission


def test_set_page_is_remembered(store: Store) -> None:
    assessment_id, _ = _started(store)
    store.set_page(assessment_id, 5)
    assert store.assessment(assessment_id).page == 5


@pytest.mark.parametrize("page", [-1, 1.5, "2", True])
def test_set_page_refuses_bad_pages(store: Store, page: Any) -> None:
    assessment_id, _ = _started(store)
    with pytest.raises(ValueError):
        store.set_page(assessment_id, page)


def test_set_context_replaces_the_context(store: Store) -> None:
    assessment_id, _ = _started(store)
    store.set_context(assessment_id, {"organisation": "Beta", "industry": "retail"})
    assert store.assessment(assessment_id).context == {
        "organisation": "Beta",
        "industry": "retail",
    }


def test_set_targets_stores_levels_and_none_clears_them(store: Store) -> None:
    assessment_id, _ = _started(store)
    store.set_targets(assessment_id, {"strategy": 3, "care": 4})
    assert store.assessment(assessment_id).targets == {"strategy": 3, "care": 4}
    store.set_targets(assessment_id, None)
    assert store.assessment(assessment_id).targets is None


def test_set_targets_refuses_levels_that_are_not_ints(store: Store) -> None:
    assessment_id, _ = _started(store)
    with pytest.raises(TypeError):
        store.set_targets(assessment_id, {"strategy": "high"})  # type: ignore[dict-item]


def test_submit_marks_the_assessment_submitted_now(store: Store) -> None:
    assessment_id, _ = _started(store)
    store.save_answer(assessment_id, "q1", "o1")
    store.submit(assessment_id)
    record = store.assessment(assessment_id)
    assert record.status == "submitted"
    assert record.submitted_at is not None
    assert record.answers == {"q1": "o1"}


# Share links


def test_enable_share_returns_the_derived_share_token(store: Store) -> None:
    assessment_id, private = _started(store)
    share = store.enable_share(assessment_id, private)
    assert share == derive_share_token(private, 0)
    assert store.assessment(assessment_id).share_active


def test_share_token_never_opens_as_private(store: Store) -> None:
    assessment_id, private = _started(store)
    share = store.enable_share(assessment_id, private)
    link = store.find_link(share)
    assert share != private
    assert link is not None
    assert (link.kind, link.assessment_id, link.revoked) == (
        "share",
        assessment_id,
        False,
    )


def test_share_token_never_grants_owner_rights(store: Store) -> None:
    assessment_id, private = _started(store)
    share = store.enable_share(assessment_id, private)
    with pytest.raises(PermissionError):
        store.enable_share(assessment_id, share)
    with pytest.raises(PermissionError):
        store.current_share_token(assessment_id, share)


def test_another_assessments_private_token_is_refused(store: Store) -> None:
    assessment_id, _ = _started(store)
    _, stranger = _started(store)
    with pytest.raises(PermissionError):
        store.enable_share(assessment_id, stranger)


def test_enable_share_is_idempotent(store: Store) -> None:
    assessment_id, private = _started(store)
    first = store.enable_share(assessment_id, private)
    assert store.enable_share(assessment_id, private) == first
    with store.engine.connect() as conn:
        count = conn.execute(sa.text("SELECT COUNT(*) FROM links WHERE kind = 'share'")).scalar()
    assert count == 1


def test_concurrent_enable_share_makes_one_link(store: Store) -> None:
    assessment_id, private = _started(store)
    tokens = in_parallel([lambda: store.enable_share(assessment_id, private)] * 6)
    assert set(tokens) == {derive_share_token(private, 0)}


def test_current_share_token_is_none_until_shared(store: Store) -> None:
    assessment_id, private = _started(store)
    assert store.current_share_token(assessment_id, private) is None
    share = store.enable_share(assessment_id, private)
    assert store.current_share_token(assessment_id, private) == share


def test_revoked_share_link_is_reported_as_revoked(store: Store) -> None:
    assessment_id, private = _started(store)
    share = store.enable_share(assessment_id, private)
    store.revoke_share(assessment_id)
    link = store.find_link(share)
    assert link is not None
    assert (link.kind, link.assessment_id, link.revoked) == (
        "share",
        assessment_id,
        True,
    )
    assert store.current_share_token(assessment_id, private) is None
    assert not store.assessment(assessment_id).share_active


def test_sharing_again_after_revoking_makes_a_new_link(store: Store) -> None:
    assessment_id, private = _started(store)
    old = store.enable_share(assessment_id, private)
    store.revoke_share(assessment_id)
    new = store.enable_share(assessment_id, private)
    assert new != old
    assert new == store.current_share_token(assessment_id, private)
    assert store.find_link(new) == LinkLookup("share", assessment_id, False)
    old_link = store.find_link(old)
    assert old_link is not None and old_link.revoked
    assert store.assessment(assessment_id).share_generation == 1


def test_revoking_when_not_shared_changes_nothing(store: Store) -> None:
    assessment_id, private = _started(store)
    store.revoke_share(assessment_id)
    record = store.assessment(assessment_id)
    assert (record.share_active, record.share_generation) == (False, 0)
    assert store.enable_share(assessment_id, private) == derive_share_token(private, 0)


def test_revoking_the_share_leaves_the_private_link_working(store: Store) -> None:
    assessment_id, private = _started(store)
    store.enable_share(assessment_id, private)
    store.revoke_share(assessment_id)
    link = store.find_link(private)
    assert link is not None
    assert (link.kind, link.revoked) == ("private", False)


# Tokens at rest and bad input


def test_only_token_hashes_are_stored(store: Store) -> None:
    assessment_id, private = _started(store)
    old_share = store.enable_share(assessment_id, private)
    store.revoke_share(assessment_id)
    share = store.enable_share(assessment_id, private)
    store.save_answer(assessment_id, "q1", "o1")
    stored = all_stored_text(store.engine)
    for token in (private, old_share, share):
        assert token not in stored
        assert hash_token(token) in stored


def test_private_tokens_carry_at_least_128_bits(store: Store) -> None:
    _, private = _started(store)
    assert len(private) * 6 >= 128


@pytest.mark.parametrize(
    "junk",
    [
        None,
        42,
        "",
        "abc",
        "x" * 500,
        "'; DROP TABLE links; --",
        "é" * 43,
        "../../etc/passwd",
        "a" * 42 + "=",
    ],
)
def test_junk_tokens_return_none_without_error(store: Store, junk: object) -> None:
    _started(store)
    assert store.find_link(junk) is None


def test_an_unknown_well_formed_token_returns_none(store: Store) -> None:
    _started(store)
    assert store.find_link(new_token()) is None


def test_a_token_hash_is_not_a_token(store: Store) -> None:
    _, private = _started(store)
    assert store.find_link(hash_token(private)) is None


# --- evidence notes ------------------------------------------------------------------------------


def test_a_note_is_kept_per_answer_replaced_and_removed_when_blank(store: Store) -> None:
    assessment_id, _ = _started(store)

    store.save_note(assessment_id, "q2", "Quarterly review minutes")
    store.save_note(assessment_id, "q1", "Strategy deck, slide 4")
    store.save_note(assessment_id, "q1", "Strategy deck 2026, slide <b>4</b>")
    assert store.notes(assessment_id) == {"q1": "Strategy deck 2026, slide <b>4</b>", "q2": "Quarterly review minutes"}

    store.save_note(assessment_id, "q2", "   ")
    assert store.notes(assessment_id) == {"q1": "Strategy deck 2026, slide <b>4</b>"}


def test_a_note_needs_an_assessment_text_and_at_most_the_length_limit(store: Store) -> None:
    assessment_id, _ = _started(store)

    with pytest.raises(NotFoundError):
        store.save_note(424242, "q1", "somewhere")
    with pytest.raises(TypeError):
        store.save_note(assessment_id, "q1", 42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at most 1000 characters"):
        store.save_note(assessment_id, "q1", "x" * (MAX_NOTE_LENGTH + 1))
    store.save_note(assessment_id, "q1", "x" * MAX_NOTE_LENGTH)
    assert store.notes(assessment_id) == {"q1": "x" * MAX_NOTE_LENGTH}


def test_notes_belong_to_their_assessment(store: Store) -> None:
    first, _ = _started(store)
    second, _ = _started(store)

    store.save_note(first, "q1", "ours")

    assert store.notes(second) == {}


# Deleting an assessment (issue 14: personal data)


def _referencing(store: Store, assessment_id: int) -> dict[str, int]:
    """Rows anywhere that belong to one assessment."""
    with store.engine.connect() as conn:
        return {
            table: int(
                conn.scalar(sa.text(f"SELECT count(*) FROM {table} WHERE {column} = :id"), {"id": assessment_id})
            )
            for table, column in (
                ("assessments", "id"),
                ("answers", "assessment_id"),
                ("consensus_reasons", "assessment_id"),
                ("links", "assessment_id"),
            )
        }


def test_an_owner_deletes_an_assessment_with_its_answers_notes_and_links(store: Store) -> None:
    assessment_id, token = store.create_assessment(_bank(store), {"organisation": "Private Org Ltd"})
    store.save_answer(assessment_id, "q1", "o1")
    store.save_answer(assessment_id, "q2", ["a", "b"])
    store.save_note(assessment_id, "q1", "Our secret handbook")
    share = store.enable_share(assessment_id, token)
    store.revoke_share(assessment_id)
    store.enable_share(assessment_id, token)
    other, other_token = _started(store)
    store.save_answer(other, "q1", "o2")
    assert _referencing(store, assessment_id) == {"assessments": 1, "answers": 2, "consensus_reasons": 1, "links": 3}

    store.delete_assessment(assessment_id, token)

    assert _referencing(store, assessment_id) == {"assessments": 0, "answers": 0, "consensus_reasons": 0, "links": 0}
    assert store.find_link(token) is None and store.find_link(share) is None
    with pytest.raises(NotFoundError):
        store.assessment(assessment_id)
    stored = all_stored_text(store.engine)
    assert "Private Org Ltd" not in stored and "Our secret handbook" not in stored
    assert store.assessment(other).answers == {"q1": "o2"}  # nobody else's data goes
    assert store.find_link(other_token) == LinkLookup("private", other, False)
    assert store.bank_content(store.assessment(other).bank_hash) == BANK_TEXT


@pytest.mark.parametrize("wrong", ["share", "other", "garbage"])
def test_only_the_private_link_deletes_an_assessment(store: Store, wrong: str) -> None:
    assessment_id, token = _started(store)
    other, other_token = _started(store)
    given = {
        "share": store.enable_share(assessment_id, token),
        "other": other_token,
        "garbage": "not a token",
    }[wrong]
    with pytest.raises(PermissionError, match="not the private link of this assessment"):
        store.delete_assessment(assessment_id, given)
    assert _referencing(store, assessment_id)["assessments"] == 1
    assert _referencing(store, other)["assessments"] == 1


def test_deleting_an_assessment_twice_is_refused(store: Store) -> None:
    assessment_id, token = _started(store)
    store.delete_assessment(assessment_id, token)
    with pytest.raises(PermissionError):
        store.delete_assessment(assessment_id, token)


# One target at a time (issue 14: two tabs)


def test_set_target_changes_one_dimension_and_returns_them_all(store: Store) -> None:
    assessment_id, _ = _started(store)
    assert store.set_target(assessment_id, "care", 4) == {"care": 4}
    assert store.set_target(assessment_id, "strategy", 2) == {"care": 4, "strategy": 2}
    assert store.set_target(assessment_id, "care", 5) == {"care": 5, "strategy": 2}
    assert store.assessment(assessment_id).targets == {"care": 5, "strategy": 2}
    assert store.set_target(assessment_id, "care", None) == {"strategy": 2}
    assert store.set_target(assessment_id, "strategy", None) == {}
    assert store.assessment(assessment_id).targets is None


def test_two_tabs_changing_different_targets_both_keep_their_change(store: Store) -> None:
    assessment_id, _ = _started(store)
    store.set_targets(assessment_id, {"strategy": 3, "care": 3})
    first_tab = store.assessment(assessment_id).targets  # both tabs opened the page now
    second_tab = store.assessment(assessment_id).targets
    assert first_tab == second_tab == {"strategy": 3, "care": 3}

    store.set_target(assessment_id, "strategy", 5)  # the first tab moves Strategy
    seen_by_second = store.set_target(assessment_id, "care", 1)  # the second, still showing Strategy 3, moves Care

    assert store.assessment(assessment_id).targets == {"strategy": 5, "care": 1}
    assert seen_by_second == {"strategy": 5, "care": 1}  # and the second tab now shows the first one's change


def test_targets_set_at_once_from_many_tabs_are_all_kept(store: Store) -> None:
    assessment_id, _ = _started(store)
    dimensions = [f"d{n}" for n in range(8)]
    in_parallel([lambda d=d: store.set_target(assessment_id, d, 4) for d in dimensions])
    assert store.assessment(assessment_id).targets == dict.fromkeys(dimensions, 4)


def test_set_target_refuses_what_is_not_a_level_or_a_dimension(store: Store) -> None:
    assessment_id, _ = _started(store)
    with pytest.raises(TypeError):
        store.set_target(assessment_id, "care", "high")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        store.set_target(assessment_id, "care", True)
    with pytest.raises(ValueError):
        store.set_target(assessment_id, "", 3)
    with pytest.raises(NotFoundError):
        store.set_target(assessment_id + 100, "care", 3)
