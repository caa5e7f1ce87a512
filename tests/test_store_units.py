"""Several writes as one (`Store.atomic`, threadline/storage/database.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest

from tests.test_store import _bank
from threadline.storage import NotFoundError, Store, WriteFailedError


def test_a_unit_stores_all_its_writes_and_reads_what_it_wrote_before_it_ends(store: Store) -> None:
    with store.atomic():
        assessment_id, token = store.create_assessment(_bank(store), {"organisation": "Acme"})
        store.save_answer(assessment_id, "plan", "some")
        inside = store.assessment(assessment_id).answers

    assert inside == {"plan": "some"}
    assert store.assessment(assessment_id).answers == {"plan": "some"}
    assert store.find_link(token) is not None


def test_a_unit_that_fails_half_way_stores_none_of_its_writes(store: Store) -> None:
    made: list[tuple[int, str]] = []
    with pytest.raises(WriteFailedError, match="full"), store.atomic():
        made.append(store.create_assessment(_bank(store), {"organisation": "Acme"}))
        store.save_answer(made[0][0], "plan", "some")
        raise WriteFailedError("full", "database or disk is full")

    assessment_id, token = made[0]
    with pytest.raises(NotFoundError):
        store.assessment(assessment_id)
    assert store.find_link(token) is None


def test_a_unit_inside_a_unit_is_the_same_unit(store: Store) -> None:
    made: list[int] = []
    with pytest.raises(RuntimeError), store.atomic():
        with store.atomic():
            made.append(store.create_assessment(_bank(store), {})[0])
        raise RuntimeError("the outer unit fails after the inner one ended")

    with pytest.raises(NotFoundError):
        store.assessment(made[0])


def test_another_thread_sees_a_units_writes_only_once_it_has_ended(store: Store) -> None:
    seen: list[bool] = []

    def look(token: str) -> None:
        seen.append(store.find_link(token) is not None)

    with store.atomic():
        _, token = store.create_assessment(_bank(store), {})
        reader = threading.Thread(target=look, args=(token,))
        reader.start()
        reader.join(timeout=30)
    look(token)

    assert seen == [False, True]
