"""Throttled guessing of secrets (the consultant password, any future admin secret): the policy.

Plain Python and no clock of its own: every function takes ``now``, so the policy is tested
without waiting. The failures live in the database (``Store.begin_attempt``), where every app
server sees them; the web shell (``threadline.web.guard``) reads the client's address and logs.

Each secret has two counts of failures: one per client address and one for everyone
(``GLOBAL``). Both follow the same rules, with their own :class:`Limits`:

- the first ``free_failures`` failures cost nothing;
- after that, the next attempt must wait ``first_delay_seconds`` after the last failure,
  doubling with every further failure, at most ``max_delay_seconds``;
- the ``lockout_failures``-th failure locks for ``lockout_seconds``: every attempt is refused
  without looking at the secret, the right one included;
- a lockout that has ended, or ``lockout_seconds`` without a failure, forgets the failures.

An attempt that is refused is not a failure (nothing was checked) and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

GLOBAL = "*"  # the subject that counts everyone's failures (no address is "*")
UNKNOWN_ADDRESS = "unknown"  # the subject when the address is not known (a local connection)


@dataclass(frozen=True, slots=True)
class Limits:
    """How many failures cost nothing, how the delays grow, and when and how long a lockout is."""

    free_failures: int = 5
    lockout_failures: int = 10
    lockout_seconds: float = 900.0
    first_delay_seconds: float = 1.0
    max_delay_seconds: float = 60.0

    def __post_init__(self) -> None:
        """Refuse limits that would never lock out, or delays that shrink."""
        if not 0 <= self.free_failures < self.lockout_failures:
            raise ValueError(
                f"free failures ({self.free_failures}) must be 0 or more and fewer than the "
                f"failures that lock out ({self.lockout_failures})"
            )
        if self.lockout_seconds <= 0 or self.first_delay_seconds <= 0 or self.max_delay_seconds < 0:
            raise ValueError("the lockout and the delays must be positive numbers of seconds")


def overall_limits(per_address: Limits, global_lockout_failures: int) -> Limits:
    """The limits for everyone's failures: delays from half of the global lockout, same times."""
    return Limits(
        free_failures=global_lockout_failures // 2,
        lockout_failures=global_lockout_failures,
        lockout_seconds=per_address.lockout_seconds,
        first_delay_seconds=per_address.first_delay_seconds,
        max_delay_seconds=per_address.max_delay_seconds,
    )


@dataclass(frozen=True, slots=True)
class Failures:
    """The failures of one subject (an address, or everyone): how many, the last, any lockout."""

    count: int = 0
    last_at: datetime | None = None
    locked_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether an attempt may be checked now; if not, why and for how many seconds more."""

    allowed: bool
    locked: bool = False
    retry_after: float = 0.0


ALLOWED = Verdict(True)


def delay_after(count: int, limits: Limits) -> float:
    """Seconds the next attempt waits after the ``count``-th failure (0 while failures are free)."""
    if count < limits.free_failures or count == 0:
        return 0.0
    doublings = count - limits.free_failures
    if doublings > 30:  # 2**30 seconds is already more than any cap
        return limits.max_delay_seconds
    return min(limits.first_delay_seconds * 2**doublings, limits.max_delay_seconds)


def current(failures: Failures, limits: Limits, now: datetime) -> Failures:
    """The failures that still count at ``now``: forgotten after a lockout or a quiet spell."""
    if failures.locked_until is not None:
        return failures if now < failures.locked_until else Failures()
    if failures.last_at is not None and now - failures.last_at >= timedelta(seconds=limits.lockout_seconds):
        return Failures()
    return failures


def verdict(failures: Failures, limits: Limits, now: datetime) -> Verdict:
    """May an attempt be checked at ``now``? Refused while locked out or inside the delay."""
    counted = current(failures, limits, now)
    if counted.locked_until is not None:
        return Verdict(False, locked=True, retry_after=(counted.locked_until - now).total_seconds())
    if counted.last_at is not None:
        wait = delay_after(counted.count, limits) - (now - counted.last_at).total_seconds()
        if wait > 0:
            return Verdict(False, retry_after=wait)
    return ALLOWED


def after_failure(failures: Failures, limits: Limits, now: datetime) -> Failures:
    """The failures once one more has happened at ``now`` (locking out at ``lockout_failures``)."""
    count = current(failures, limits, now).count + 1
    locked_until = now + timedelta(seconds=limits.lockout_seconds) if count >= limits.lockout_failures else None
    return Failures(count, now, locked_until)


def undo_failure(failures: Failures, limits: Limits) -> Failures:
    """Everyone's failures once an attempt counted as a failure turned out right."""
    count = max(failures.count - 1, 0)
    locked_until = failures.locked_until if count >= limits.lockout_failures else None
    return Failures(count, failures.last_at if count else None, locked_until)


def strictest(verdicts: Sequence[Verdict]) -> Verdict:
    """One verdict for several counts: allowed only if every one allows, else the longest wait."""
    refused = [v for v in verdicts if not v.allowed]
    if not refused:
        return ALLOWED
    return max(refused, key=lambda v: (v.locked, v.retry_after))


def client_address(connection_address: str | None, forwarded_for: Sequence[str], trusted_proxies: int) -> str:
    """The address failures are counted under.

    ``connection_address`` is what the app server saw (Streamlit's ``st.context.ip_address``;
    None for a local connection). ``forwarded_for`` are the X-Forwarded-For header values, which
    count only when ``trusted_proxies`` (the number of proxies of ours in front of the app
    server, each appending the address it saw) is more than 0: the client is then the
    ``trusted_proxies``-th address from the right, the one our outermost proxy saw; anything
    further left was written by the client and is ignored. Too few addresses: the leftmost.
    """
    if trusted_proxies > 0:
        hops = [hop.strip() for value in forwarded_for for hop in value.split(",") if hop.strip()]
        if hops:
            return _subject(hops[-min(trusted_proxies, len(hops))])
    return _subject(connection_address) if connection_address else UNKNOWN_ADDRESS


def _subject(address: str) -> str:
    """An address as stored: at most 64 characters, never the global subject."""
    cleaned = address.strip()[:64]
    return cleaned if cleaned and cleaned != GLOBAL else UNKNOWN_ADDRESS
