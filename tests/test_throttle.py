"""Specification of the throttle policy on guessed secrets (threadline/throttle.py), with a fake clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from threadline.throttle import (
    ALLOWED,
    UNKNOWN_ADDRESS,
    Failures,
    Limits,
    Verdict,
    after_failure,
    client_address,
    delay_after,
    overall_limits,
    strictest,
    undo_failure,
    verdict,
)

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
LIMITS = Limits()  # the defaults: 5 free, then 1, 2, 4, 8, 16 s; the 10th failure locks for 15 minutes


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def fail(failures: Failures, seconds: float, limits: Limits = LIMITS) -> Failures:
    assert verdict(failures, limits, at(seconds)).allowed
    return after_failure(failures, limits, at(seconds))


def test_the_defaults():
    assert (
        Limits(free_failures=5, lockout_failures=10, lockout_seconds=900, first_delay_seconds=1, max_delay_seconds=60)
        == LIMITS
    )


def test_delays_grow_after_the_free_failures_and_stop_at_the_cap():
    assert [delay_after(count, LIMITS) for count in range(12)] == [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60]
    assert delay_after(1000, LIMITS) == 60


def test_an_attempt_inside_the_delay_is_refused_with_the_time_left():
    failures = Failures()
    for _ in range(5):
        failures = fail(failures, 0)
    assert failures == Failures(5, at(0), None)
    assert verdict(failures, LIMITS, at(0.25)) == Verdict(False, locked=False, retry_after=0.75)
    assert verdict(failures, LIMITS, at(1)) == ALLOWED
    failures = fail(failures, 1)
    assert verdict(failures, LIMITS, at(2.5)) == Verdict(False, locked=False, retry_after=0.5)
    failures = fail(failures, 3)
    assert verdict(failures, LIMITS, at(6)) == Verdict(False, locked=False, retry_after=1.0)


def test_the_tenth_failure_locks_out_for_the_lockout_time_and_then_everything_is_forgotten():
    failures, now = Failures(), 0.0
    for count in range(1, 11):
        now += delay_after(count - 1, LIMITS)
        failures = fail(failures, now)
    assert now == 31  # 5 at once, then after 1, 2, 4, 8 and 16 seconds
    assert failures == Failures(10, at(31), at(931))
    assert verdict(failures, LIMITS, at(32)) == Verdict(False, locked=True, retry_after=899)
    assert verdict(failures, LIMITS, at(930)) == Verdict(False, locked=True, retry_after=1)
    assert verdict(failures, LIMITS, at(931)) == ALLOWED
    assert after_failure(failures, LIMITS, at(931)) == Failures(1, at(931), None)


def test_a_quiet_spell_as_long_as_the_lockout_forgets_the_failures():
    failures = fail(fail(Failures(), 0), 0)
    assert after_failure(failures, LIMITS, at(899)).count == 3
    assert after_failure(failures, LIMITS, at(900)) == Failures(1, at(900), None)


def test_fifty_guesses_in_a_minute_check_ten_and_refuse_the_fiftieth():
    failures, checked = Failures(), []
    for guess in range(50):
        now = at(guess * 60 / 50)
        if verdict(failures, LIMITS, now).allowed:
            checked.append(guess)
            failures = after_failure(failures, LIMITS, now)
    assert len(checked) == 10
    assert not verdict(failures, LIMITS, at(59)).allowed
    assert verdict(failures, LIMITS, at(59)).locked


def test_the_strictest_verdict_wins():
    wait = Verdict(False, retry_after=30)
    locked = Verdict(False, locked=True, retry_after=5)
    assert strictest([ALLOWED, ALLOWED]) == ALLOWED
    assert strictest([ALLOWED, wait]) == wait
    assert strictest([wait, locked, ALLOWED]) == locked


def test_everyones_limits_start_delays_at_half_the_global_lockout():
    assert overall_limits(LIMITS, 100) == Limits(
        free_failures=50, lockout_failures=100, lockout_seconds=900, first_delay_seconds=1, max_delay_seconds=60
    )


def test_undoing_a_failure_that_turned_out_right():
    overall = overall_limits(LIMITS, 4)
    failures = Failures(4, at(0), at(900))
    assert undo_failure(failures, overall) == Failures(3, at(0), None)
    assert undo_failure(Failures(1, at(0), None), overall) == Failures(0, None, None)
    assert undo_failure(Failures(), overall) == Failures()


@pytest.mark.parametrize(
    ("free", "lockout", "seconds"),
    [(10, 10, 900), (-1, 10, 900), (5, 10, 0)],
)
def test_limits_that_would_never_lock_out_are_refused(free, lockout, seconds):
    with pytest.raises(ValueError):
        Limits(free_failures=free, lockout_failures=lockout, lockout_seconds=seconds)


@pytest.mark.parametrize(
    ("connection", "forwarded", "proxies", "expected"),
    [
        ("203.0.113.7", [], 0, "203.0.113.7"),
        (None, [], 0, UNKNOWN_ADDRESS),  # a local connection (Streamlit gives None)
        ("10.0.0.2", ["198.51.100.1"], 0, "10.0.0.2"),  # not trusted: the header is ignored
        ("10.0.0.2", ["6.6.6.6, 198.51.100.1"], 1, "198.51.100.1"),  # the client wrote 6.6.6.6
        ("10.0.0.2", ["6.6.6.6", "198.51.100.1, 10.0.0.9"], 2, "198.51.100.1"),  # two proxies, two headers
        ("10.0.0.2", ["198.51.100.1"], 3, "198.51.100.1"),  # fewer addresses than proxies: the leftmost
        ("10.0.0.2", [], 1, "10.0.0.2"),  # no header: the connection
        ("10.0.0.2", ["*"], 1, UNKNOWN_ADDRESS),  # never the subject of everyone's failures
        ("2001:db8::1", [], 0, "2001:db8::1"),
    ],
)
def test_the_client_address(connection, forwarded, proxies, expected):
    assert client_address(connection, forwarded, proxies) == expected


def test_an_address_is_at_most_64_characters():
    assert client_address(None, ["x" * 500], 1) == "x" * 64
