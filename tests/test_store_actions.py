"""The consensus plan's actions and the named groups in the store (issue 9), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from threadline.storage import ConsensusAction, NotFoundError, Store

BANK_TEXT = "id: default\nversion: '1.0'\ntitle: Social business maturity\n"


def engagement(store: Store, departments=("Leadership", "Marketing", "HR")):
    bank = store.put_bank(BANK_TEXT, "default", "1.0")
    record, _, dashboard = store.create_engagement(bank, "Acme", "Jo", "Jo & Co", list(departments))
    return record, dashboard


def test_actions_are_kept_per_dimension_in_order_and_changed_one_field_at_a_time(store: Store) -> None:
    record, _ = engagement(store)
    first = store.add_action(record.id, "care", "Name an owner", "Sam", date(2027, 3, 1))
    second = store.add_action(record.id, "care", "Write the triage rule")
    other = store.add_action(record.id, "strategy", "Write the plan", status="done")
    store.update_action(record.id, second, owner="Ann", status="in_progress")
    assert store.actions(record.id) == [
        ConsensusAction(first, "care", 0, "Name an owner", "Sam", date(2027, 3, 1), "open"),
        ConsensusAction(second, "care", 1, "Write the triage rule", "Ann", None, "in_progress"),
        ConsensusAction(other, "strategy", 0, "Write the plan", "", None, "done"),
    ]
    store.delete_action(record.id, first)
    assert [a.id for a in store.actions(record.id)] == [second, other]


def test_an_action_needs_text_and_a_known_status_and_belongs_to_its_engagement(store: Store) -> None:
    record, _ = engagement(store)
    other, _ = engagement(store)
    with pytest.raises(ValueError, match="1 to 1000 characters"):
        store.add_action(record.id, "care", "   ")
    with pytest.raises(ValueError, match="status"):
        store.add_action(record.id, "care", "Do it", status="later")  # type: ignore[arg-type]
    with pytest.raises(NotFoundError):
        store.add_action(record.id + 99, "care", "Do it")
    action = store.add_action(record.id, "care", "Do it")
    with pytest.raises(NotFoundError):
        store.update_action(other.id, action, owner="Someone else")
    store.delete_action(other.id, action)  # another engagement's: nothing happens
    assert [a.id for a in store.actions(record.id)] == [action]


def test_deleting_an_engagement_deletes_its_actions(store: Store) -> None:
    record, dashboard = engagement(store)
    store.add_action(record.id, "care", "Do it")
    store.delete_engagement(record.id, dashboard)
    assert store.actions(record.id) == []


def test_named_groups_are_checked_against_the_departments_and_kept_with_the_engagement(store: Store) -> None:
    record, _ = engagement(store)
    store.set_department_groups(record.id, [("Leadership and other", ["Leadership", "HR"])])
    assert store.engagement(record.id).department_groups == (("Leadership and other", ("Leadership", "HR")),)
    with pytest.raises(ValueError, match="does not have"):
        store.set_department_groups(record.id, [("Odd", ["Leadership", "Sales"])])
    assert store.engagement(record.id).department_groups == (("Leadership and other", ("Leadership", "HR")),)
    store.set_department_groups(record.id, [])
    assert store.engagement(record.id).department_groups == ()
