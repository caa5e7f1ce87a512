"""A database that is already current is only read at start-up: a read-only one still starts.

`Store.migrate()` first checks, reading only, whether the database is at the Alembic head
(`migrations.is_current`); only when it is not does it take the migration lock and write.
Before that check, the migration's `UPDATE schema_version` (and SQLite's `BEGIN IMMEDIATE`)
failed on a read-only database, and with it every page, share views included (issue 14).
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.store_support import legacy_database
from threadline.storage import MIGRATIONS, Store, WriteFailedError, migrations

ROOT = Path(__file__).resolve().parent.parent
BANK_TEXT = "id: default\nversion: '1.0'\ntitle: Social business maturity\n"


def _current_database(url: str) -> tuple[int, str]:
    """Migrate, store one assessment with an answer; return its id and private token."""
    store = Store(url)
    store.migrate()
    bank = store.put_bank(BANK_TEXT, "default", "1.0")
    assessment_id, token = store.create_assessment(bank, {"organisation": "Acme"})
    store.save_answer(assessment_id, "q1", "o2")
    store.dispose()
    return assessment_id, token


def _read_only(url: str) -> str:
    """The same database, opened so that every write fails."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"sqlite:///file:{parsed.database}?mode=ro&uri=true"
    options = parsed.query.get("options", "")
    return parsed.update_query_dict(
        {"options": f"{options} -cdefault_transaction_read_only=on".strip()}
    ).render_as_string(hide_password=False)


def test_a_current_read_only_database_starts_and_reads(db_url: str) -> None:
    assessment_id, token = _current_database(db_url)
    store = Store(_read_only(db_url))
    try:
        with pytest.raises(WriteFailedError) as refused:  # it really is read-only, and says so
            store.put_bank(BANK_TEXT + "# changed\n", "default", "1.1")
        assert refused.value.problem == "read-only"
        assert not store.writable()
        assert store.migrate() == len(MIGRATIONS)
        found = store.find_link(token)
        assert found is not None and found.assessment_id == assessment_id
        assert store.assessment(assessment_id).answers == {"q1": "o2"}
    finally:
        store.dispose()


def test_is_current_only_for_a_database_at_the_head(db_url: str) -> None:
    engine = Store(db_url).engine
    with engine.connect() as conn:
        assert not migrations.is_current(conn, len(MIGRATIONS))  # empty
    Store(db_url).migrate()
    with engine.connect() as conn:
        assert migrations.is_current(conn, len(MIGRATIONS))
        assert not migrations.is_current(conn, len(MIGRATIONS) + 1)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = 'older'"))
    with engine.connect() as conn:
        assert not migrations.is_current(conn, len(MIGRATIONS))
    engine.dispose()


def test_a_database_behind_the_head_still_migrates(db_url: str) -> None:
    legacy_database(db_url, 2)
    store = Store(db_url)
    with store.engine.connect() as conn:
        assert not migrations.is_current(conn, len(MIGRATIONS))
    assert store.migrate() == len(MIGRATIONS)
    with store.engine.connect() as conn:
        assert migrations.is_current(conn, len(MIGRATIONS))
    store.dispose()


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder another user can reach (pytest's own tmp folders are private to their owner)."""
    folder = Path(tempfile.mkdtemp(prefix="threadline-ro-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in (folder, *folder.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(folder)


def test_a_current_sqlite_file_without_write_permission_starts(shared_folder: Path) -> None:
    """chmod 0444 on the file, as an operator would; run as a user without write access.

    As root permissions do not apply, so the check runs as `nobody` through setpriv. The folder
    stays writable: SQLite in WAL mode must create its `-shm` file to read at all (a read-only
    folder without one cannot be opened by SQLite, whatever Threadline does).
    """
    database = shared_folder / "data" / "threadline.db"
    database.parent.mkdir()
    database.parent.chmod(0o777)
    url = f"sqlite:///{database}"
    assessment_id, _token = _current_database(url)
    assert not list(database.parent.glob("*-shm")), "the last connection removes SQLite's -shm file"
    database.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    check = textwrap.dedent(
        f"""
        from threadline.storage import Store, WriteFailedError
        store = Store({url!r})
        try:
            store.put_bank("id: x\\n", "x", "1")
        except WriteFailedError as error:
            assert error.problem == "read-only", error
        else:
            raise AssertionError("the database was writable")
        store.migrate()
        print(store.assessment({assessment_id}).answers)
        """
    )
    command = [sys.executable, "-c", check]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: file permissions cannot be tested")
        command = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "{'q1': 'o2'}"
