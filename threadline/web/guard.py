"""Checking a secret someone types (the consultant password), throttled per address and for everyone.

The policy is :mod:`threadline.throttle`, the counts are in the database (every app server
shares them), and this module reads the client's address and writes the server log
(logger ``threadline.guard``): every wrong guess, every lockout and every refused attempt,
with the address and the counts, never what was typed.

The address is :func:`client_address`, the one function the tests replace (AppTest has no
connection): Streamlit's ``st.context.ip_address`` (None, so ``unknown``, for a local
connection), or with ``THREADLINE_TRUSTED_PROXIES`` set the address our outermost proxy wrote
in X-Forwarded-For (see :func:`threadline.throttle.client_address`).
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from typing import Literal

import streamlit as st

from threadline import throttle
from threadline.web import resources

log = logging.getLogger("threadline.guard")

CONSULTANT_PASSWORD = "consultant-password"


@dataclass(frozen=True)
class Outcome:
    """What came of a guess: right, wrong, or refused unchecked (``wait`` or ``locked``)."""

    result: Literal["right", "wrong", "wait", "locked"]
    retry_after: float = 0.0


def client_address() -> str:
    """The address this session's wrong guesses are counted under."""
    connection = st.context.ip_address
    headers = st.context.headers
    forwarded = headers.get_all("X-Forwarded-For") if headers is not None else []
    return throttle.client_address(
        connection if isinstance(connection, str) else None,  # None (or no session at all): local
        [value for value in forwarded if isinstance(value, str)],
        resources.settings().trusted_proxies,
    )


def check_secret(scope: str, given: str, expected: str) -> Outcome:
    """Compare ``given`` with ``expected`` in constant time, unless this address or everyone is throttled."""
    settings = resources.settings()
    store = resources.store()
    address = client_address()
    attempt = store.begin_attempt(scope, address, settings.throttle, settings.overall_throttle)
    if not attempt.verdict.allowed:
        kind: Literal["wait", "locked"] = "locked" if attempt.verdict.locked else "wait"
        log.info(
            "%s: attempt from %s refused unchecked (%s, %.0f s to go; %d failures from this address, %d overall)",
            scope,
            address,
            "locked out" if kind == "locked" else "too soon",
            attempt.verdict.retry_after,
            attempt.address_failures,
            attempt.overall_failures,
        )
        return Outcome(kind, attempt.verdict.retry_after)
    if hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        store.attempt_succeeded(scope, address, settings.overall_throttle)
        log.info("%s: right from %s", scope, address)
        return Outcome("right")
    log.warning(
        "%s: wrong guess from %s (%d failures from this address, %d overall)",
        scope,
        address,
        attempt.address_failures,
        attempt.overall_failures,
    )
    if attempt.locked_now:
        log.warning(
            "%s: locked out after %d failures from %s (%d overall) for %.0f s",
            scope,
            attempt.address_failures,
            address,
            attempt.overall_failures,
            settings.throttle.lockout_seconds,
        )
    return Outcome("wrong")


def refusal(outcome: Outcome) -> str:
    """What a refused attempt says to the person."""
    seconds = max(1, round(outcome.retry_after))
    if outcome.result == "locked":
        minutes = -(-seconds // 60)
        return (
            "Too many wrong passwords: the password is not checked for "
            f"{minutes} minute{'s' if minutes != 1 else ''}. Try again later."
        )
    return f"Too many wrong passwords: wait {seconds} second{'s' if seconds != 1 else ''} before trying again."
