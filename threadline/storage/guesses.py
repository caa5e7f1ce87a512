"""Wrong guesses of secrets, kept where every app server sees them (the policy: threadline.throttle).

:meth:`GuessStore.begin_attempt` decides and records in one write transaction, holding the
rows of the address and of everyone (``threadline.throttle.GLOBAL``) locked, address first:
an attempt that may be checked is counted as a failure before the secret is compared, so
attempts sent at once to several servers cannot all slip through before any failure is
written. :meth:`GuessStore.attempt_succeeded` takes the failure back when the secret was right.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from threadline.storage.database import StoreBase, _now
from threadline.storage.schema import guess_failures
from threadline.throttle import (
    GLOBAL,
    Failures,
    Limits,
    Verdict,
    after_failure,
    strictest,
    undo_failure,
    verdict,
)


@dataclass(frozen=True, slots=True)
class Attempt:
    """What :meth:`GuessStore.begin_attempt` decided, and the failures counted once it was recorded.

    ``address_failures`` and ``overall_failures`` are the counts with this attempt included
    when it is allowed, without it when refused; ``locked_now`` tells that this attempt, should
    it fail, is the one that locks the address (or everyone) out.
    """

    verdict: Verdict
    address_failures: int
    overall_failures: int
    locked_now: bool


class GuessStore(StoreBase):
    """The throttle's part of the :class:`Store`."""

    def begin_attempt(
        self, scope: str, address: str, per_address: Limits, overall: Limits, now: datetime | None = None
    ) -> Attempt:
        """Decide whether a guess from ``address`` may be checked; if so, count it as a failure."""
        now = now or _now()
        with self._write() as conn:
            mine = _locked(conn, scope, address)
            everyone = _locked(conn, scope, GLOBAL)
            decided = strictest([verdict(mine, per_address, now), verdict(everyone, overall, now)])
            if not decided.allowed:
                return Attempt(decided, mine.count, everyone.count, False)
            mine, everyone = after_failure(mine, per_address, now), after_failure(everyone, overall, now)
            _put(conn, scope, address, mine)
            _put(conn, scope, GLOBAL, everyone)
        locked = mine.locked_until is not None or everyone.locked_until is not None
        return Attempt(decided, mine.count, everyone.count, locked)

    def attempt_succeeded(self, scope: str, address: str, overall: Limits) -> None:
        """The secret was right: forget the address's failures and take this one back from everyone's."""
        with self._write() as conn:
            conn.execute(
                guess_failures.delete().where(guess_failures.c.scope == scope, guess_failures.c.subject == address)
            )
            everyone = _locked(conn, scope, GLOBAL)
            _put(conn, scope, GLOBAL, undo_failure(everyone, overall))

    def guess_failures(self, scope: str, subject: str) -> Failures:
        """The failures stored for one address (or ``GLOBAL``), as they are (nothing forgotten)."""
        with self._read() as conn:
            return _read(conn, scope, subject, lock=False)


def _locked(conn: Connection, scope: str, subject: str) -> Failures:
    """The subject's row, made if missing and locked for this transaction (PostgreSQL; SQLite locks all)."""
    conn.execute(
        _insert(conn)
        .values(scope=scope, subject=subject, failures=0, last_failure_at=None, locked_until=None)
        .on_conflict_do_nothing(index_elements=["scope", "subject"])
    )
    return _read(conn, scope, subject, lock=True)


def _insert(conn: Connection) -> postgresql.Insert | sqlite.Insert:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(guess_failures)
    return sqlite.insert(guess_failures)


def _read(conn: Connection, scope: str, subject: str, *, lock: bool) -> Failures:
    query = sa.select(guess_failures.c.failures, guess_failures.c.last_failure_at, guess_failures.c.locked_until).where(
        guess_failures.c.scope == scope, guess_failures.c.subject == subject
    )
    if lock:
        query = query.with_for_update()
    row = conn.execute(query).one_or_none()
    return Failures() if row is None else Failures(row.failures, row.last_failure_at, row.locked_until)


def _put(conn: Connection, scope: str, subject: str, failures: Failures) -> None:
    conn.execute(
        guess_failures.update()
        .where(guess_failures.c.scope == scope, guess_failures.c.subject == subject)
        .values(failures=failures.count, last_failure_at=failures.last_at, locked_until=failures.locked_until)
    )
