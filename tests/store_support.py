"""Helpers shared by the storage tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from threadline.links import hash_token, new_token
from threadline.storage import Store, WriteFailedError, WriteProblem, content_hash, legacy
from threadline.storage.schema import schema_version


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


def legacy_database(url: str, version: int) -> None:
    """Make a database as a Threadline of legacy schema ``version`` left it (no Alembic)."""
    opened = Store(url)
    try:
        with opened.engine.begin() as conn:
            for step in legacy.MIGRATIONS[:version]:
                step(conn)
            schema_version.create(conn)
            conn.execute(schema_version.insert().values(id=1, version=version))
    finally:
        opened.dispose()


def write_v1_assessment(engine: sa.Engine, bank_text: str) -> tuple[int, str]:
    """Write a bank, a submitted assessment, answers and a private link with the v1 tables."""
    v1_banks, v1_assessments, v1_answers, v1_links = legacy._v1_tables(sa.MetaData())
    now, token = datetime.now(UTC), new_token()
    digest = content_hash(bank_text)
    with engine.begin() as conn:
        conn.execute(
            v1_banks.insert().values(
                content_hash=digest, bank_id="default", version="1.0", content=bank_text, created_at=now
            )
        )
        result = conn.execute(
            v1_assessments.insert().values(
                bank_hash=digest,
                context={"organisation": "Acme"},
                targets={"care": 3},
                page=2,
                status="submitted",
                created_at=now,
                updated_at=now,
                submitted_at=now,
            )
        )
        assessment_id = int(result.inserted_primary_key[0])
        conn.execute(
            v1_answers.insert(),
            [
                {"assessment_id": assessment_id, "question_id": "q1", "value": "o2", "updated_at": now},
                {"assessment_id": assessment_id, "question_id": "q2", "value": sa.JSON.NULL, "updated_at": now},
                {"assessment_id": assessment_id, "question_id": "q3", "value": ["a"], "updated_at": now},
            ],
        )
        conn.execute(
            v1_links.insert().values(
                token_hash=hash_token(token), assessment_id=assessment_id, kind="private", created_at=now
            )
        )
    return assessment_id, token


def table_names(engine: sa.Engine) -> list[str]:
    """The tables of a database, Alembic's bookkeeping table left out."""
    return sorted(name for name in sa.inspect(engine).get_table_names() if name != "alembic_version")


def full_schema(engine: sa.Engine) -> dict[str, dict[str, Any]]:
    """Everything sa.inspect tells about each table: columns in order, keys, indexes, constraints."""
    inspector = sa.inspect(engine)
    return {
        name: {
            "columns": [
                (column["name"], str(column["type"]), column["nullable"], column.get("default"))
                for column in inspector.get_columns(name)
            ],
            "primary_key": inspector.get_pk_constraint(name)["constrained_columns"],
            "foreign_keys": sorted(
                (
                    tuple(key["constrained_columns"]),
                    key["referred_table"],
                    tuple(key["referred_columns"]),
                    key["options"].get("ondelete"),
                )
                for key in inspector.get_foreign_keys(name)
            ),
            "indexes": sorted(
                (str(index["name"]), tuple(str(c) for c in index["column_names"]), bool(index["unique"]))
                for index in inspector.get_indexes(name)
            ),
            "unique": sorted(
                (str(unique["name"]), tuple(unique["column_names"]))
                for unique in inspector.get_unique_constraints(name)
            ),
            "checks": sorted(str(check["name"]) for check in inspector.get_check_constraints(name)),
        }
        for name in sorted(inspector.get_table_names())
    }


def rows_per_table(engine: sa.Engine) -> dict[str, int]:
    """How many rows each table holds (Alembic's bookkeeping table and guess_failures left out)."""
    names = [name for name in table_names(engine) if name != "guess_failures"]
    with engine.connect() as conn:
        return {name: int(conn.scalar(sa.text(f'SELECT count(*) FROM "{name}"'))) for name in names}


def refused_at(store: Store, method: str, call: int, problem: WriteProblem) -> list[object]:
    """Make the store's `method` fail as the database would (WriteFailedError) on its `call`-th
    call, the earlier ones stored as usual; returns the list of calls made, to count them.
    Patches the instance: use on a store the test owns."""
    stored = getattr(store, method)
    calls: list[object] = []

    def refused(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        if len(calls) == call:
            raise WriteFailedError(problem, f"the database refused call {call} of {method}")
        return stored(*args, **kwargs)

    setattr(store, method, refused)
    return calls
