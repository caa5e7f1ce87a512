"""Shared pytest fixtures."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from threadline.storage import Store

_POSTGRES_URL_VARIABLE = "TEST_DATABASE_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: a SQLite file, or a fresh PostgreSQL schema.

    The PostgreSQL case runs only when TEST_DATABASE_URL is set; each test gets
    its own schema (through the connection's search_path), dropped afterwards.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'threadline.db'}"
        return
    server = os.environ.get(_POSTGRES_URL_VARIABLE)
    if not server:
        pytest.skip(f"{_POSTGRES_URL_VARIABLE} is not set")
    yield from _postgres_schema_url(server)


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A migrated Store on an empty database."""
    opened = Store(db_url)
    opened.migrate()
    yield opened
    opened.dispose()


@pytest.fixture
def another_db_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    """A second empty database on the same backend as ``db_url``."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'other' / 'threadline.db'}"
        return
    yield from _postgres_schema_url(os.environ[_POSTGRES_URL_VARIABLE])


def _postgres_schema_url(server: str) -> Iterator[str]:
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(server)
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        url = sa.make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()
