"""Specification of the stored wrong guesses (threadline/storage/guesses.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.store_support import in_parallel
from threadline.storage import Store
from threadline.storage.schema import guess_failures
from threadline.throttle import GLOBAL, Failures, Limits, Verdict, overall_limits

SCOPE = "consultant-password"
LIMITS = Limits()
OVERALL = overall_limits(LIMITS, 100)
T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def attempt(store: Store, address: str, seconds: float, overall: Limits = OVERALL):
    return store.begin_attempt(SCOPE, address, LIMITS, overall, now=at(seconds))


def rows(store: Store) -> list[tuple]:
    query = sa.select(guess_failures).order_by(guess_failures.c.scope, guess_failures.c.subject)
    with store.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query)]


def test_the_fiftieth_wrong_guess_in_a_minute_is_refused_and_another_address_still_gets_in(store):
    checked = [guess for guess in range(50) if attempt(store, "198.51.100.7", guess * 60 / 50).verdict.allowed]

    # one guess every 1.2 s: 5 free, then at least 1, 2, 4, 8 and 16 s apart; the 10th (at 38.4 s) locks
    assert checked == [0, 1, 2, 3, 4, 5, 7, 11, 18, 32]
    fiftieth = attempt(store, "198.51.100.7", 59)
    assert fiftieth.verdict == Verdict(False, locked=True, retry_after=pytest.approx(900 - (59 - 38.4)))
    assert (fiftieth.address_failures, fiftieth.overall_failures, fiftieth.locked_now) == (10, 10, False)

    other = attempt(store, "203.0.113.9", 59)
    assert other.verdict.allowed
    assert (other.address_failures, other.overall_failures) == (1, 11)
    store.attempt_succeeded(SCOPE, "203.0.113.9", OVERALL)
    assert store.guess_failures(SCOPE, "203.0.113.9") == Failures()
    assert store.guess_failures(SCOPE, GLOBAL) == Failures(10, at(59), None)
    assert store.guess_failures(SCOPE, "198.51.100.7") == Failures(10, at(32 * 1.2), at(32 * 1.2 + 900))


def test_delays_grow_and_a_refused_attempt_changes_nothing(store):
    for _ in range(5):
        assert attempt(store, "198.51.100.7", 0).verdict.allowed
    before = rows(store)
    assert attempt(store, "198.51.100.7", 0.5).verdict == Verdict(False, retry_after=0.5)
    assert rows(store) == before
    assert attempt(store, "198.51.100.7", 1).verdict.allowed
    assert attempt(store, "198.51.100.7", 2.9).verdict == Verdict(False, retry_after=pytest.approx(0.1))
    assert attempt(store, "198.51.100.7", 3).verdict.allowed
    assert attempt(store, "198.51.100.7", 6).verdict == Verdict(False, retry_after=1)


def test_a_lockout_expires(store):
    for second in (0, 0, 0, 0, 0, 1, 3, 7, 15, 31):
        assert attempt(store, "198.51.100.7", second).verdict.allowed
    assert attempt(store, "198.51.100.7", 31).locked_now is False  # refused: it did not lock anything
    assert attempt(store, "198.51.100.7", 930).verdict.locked
    again = attempt(store, "198.51.100.7", 931)
    assert again.verdict.allowed
    assert again.address_failures == 1


def test_a_right_guess_forgets_the_addresses_failures(store):
    for _ in range(4):
        attempt(store, "198.51.100.7", 0)
    attempt(store, "198.51.100.7", 0)
    store.attempt_succeeded(SCOPE, "198.51.100.7", OVERALL)
    assert store.guess_failures(SCOPE, "198.51.100.7") == Failures()
    assert store.guess_failures(SCOPE, GLOBAL).count == 4


def test_everyones_failures_lock_out_every_address(store):
    overall = overall_limits(LIMITS, 6)  # delays from 3 failures, lockout at 6
    for second, address in enumerate(["a1", "a2", "a3"]):
        assert attempt(store, address, second, overall).verdict.allowed
    assert attempt(store, "a4", 2.5, overall).verdict == Verdict(False, retry_after=0.5)
    assert attempt(store, "a4", 3, overall).verdict.allowed
    assert attempt(store, "a5", 5, overall).verdict.allowed
    last = attempt(store, "a6", 9, overall)
    assert (last.verdict.allowed, last.locked_now, last.overall_failures) == (True, True, 6)
    assert attempt(store, "fresh", 100, overall).verdict == Verdict(False, locked=True, retry_after=809)


def test_every_app_server_sees_the_same_failures(store, db_url):
    other_server = Store(db_url)
    try:
        for _ in range(5):
            attempt(store, "198.51.100.7", 0)
        assert not attempt(other_server, "198.51.100.7", 0).verdict.allowed
        assert other_server.guess_failures(SCOPE, "198.51.100.7").count == 5
    finally:
        other_server.dispose()


def test_guesses_sent_at_once_cannot_slip_through_before_a_failure_is_counted(store):
    results = in_parallel([lambda: attempt(store, "198.51.100.7", 0) for _ in range(12)])
    assert sum(result.verdict.allowed for result in results) == 5
    assert store.guess_failures(SCOPE, "198.51.100.7").count == 5


def test_scopes_are_counted_apart(store):
    for _ in range(5):
        attempt(store, "198.51.100.7", 0)
    assert store.begin_attempt("admin-secret", "198.51.100.7", LIMITS, OVERALL, now=at(0)).verdict.allowed


def test_no_secret_and_no_guess_is_stored(store):
    attempt(store, "198.51.100.7", 0)
    assert rows(store) == [
        (SCOPE, GLOBAL, 1, at(0), None),
        (SCOPE, "198.51.100.7", 1, at(0), None),
    ]
