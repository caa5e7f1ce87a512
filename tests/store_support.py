"""Helpers shared by the storage tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import sqlalchemy as sa


def all_stored_text(engine: sa.Engine) -> str:
    """Every value in every table, as text: to check that no raw token is stored."""
    names = sa.inspect(engine).get_table_names()
    with engine.connect() as conn:
        rows = [row for name in names for row in conn.execute(sa.text(f'SELECT * FROM "{name}"'))]
    return "\n".join(str(value) for row in rows for value in row)


def in_parallel(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released together; their results in order."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Any:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))
