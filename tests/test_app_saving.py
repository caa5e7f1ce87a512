"""A write the database does not take says so where the person is looking, and loses nothing (AppTest).

The database fails under the running app the ways it does on a server:

- SQLite made read-only: the app's engine is swapped for one on the same file opened read-only
  (`mode=ro`), as when the file or its folder stops being writable;
- a full disk: the SQLite file lives on a 4 MB tmpfs that a filler file then fills (needs
  root to mount; skipped elsewhere, required under CI);
- PostgreSQL stopped: the app's engine is pointed at a port where nothing listens (the shared
  test server cannot be stopped for one test), with TEST_DATABASE_URL;

then the database comes back and *Try again* stores what was given.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
import streamlit as st

from tests import test_app
from tests.disk_support import fill, small_disk
from tests.test_app import DEFAULT, key, new_app, opened, preset_answers, run, stored_assessment
from threadline.storage import Store
from threadline.storage.database import _create_engine
from threadline.web import resources, saving

app_env = test_app.app_env
db = test_app.db

FIRST = DEFAULT.dimensions[0].questions[0]
SECOND = DEFAULT.dimensions[0].questions[1]


@contextmanager
def engine_swapped(engine: sa.Engine) -> Iterator[None]:
    """The running app's store uses `engine` until the block ends (the database 'comes back')."""
    store = resources.store()
    original = store.engine
    store.engine = engine
    saving._writable.clear()
    try:
        yield
    finally:
        store.engine = original
        saving._writable.clear()
        engine.dispose()


def read_only_engine(url: str) -> sa.Engine:
    path = sa.make_url(url).database
    return _create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")


def errors(at) -> list[str]:
    return [e.value for e in at.error]


def survey(db: Store) -> tuple[int, object]:
    aid, token = stored_assessment(db, {}, submit=False)
    return aid, run(new_app(resume=token))


def test_an_answer_the_database_does_not_take_is_said_beside_it_and_stored_on_try_again(app_env, db):
    aid, at = survey(db)
    at.radio(key=key(aid, FIRST.id)).set_value(FIRST.option_ids[1])
    run(at)
    assert db.assessment(aid).answers == {FIRST.id: FIRST.option_ids[1]}
    assert ":material/check: Saved" in [c.value for c in at.caption]

    with engine_swapped(read_only_engine(app_env)):
        at.radio(key=key(aid, SECOND.id)).set_value(SECOND.option_ids[2])
        run(at)
        (message,) = [m for m in errors(at) if m.startswith("Not saved")]
        assert message == (
            "Not saved: the server could not store this answer (its database is read-only just now). "
            "What you see is the answer stored before; nothing else was lost. Try again in a moment."
        )
        assert at.radio(key=key(aid, SECOND.id)).value is None  # the stored value, not the unsaved one
        assert at.radio(key=key(aid, FIRST.id)).value == FIRST.option_ids[1]

        # still down: trying again says so again and stores nothing
        (again,) = [b for b in at.button if b.label == "Try again to save this answer"]
        again.click()
        run(at)
        assert [m for m in errors(at) if m.startswith("Not saved")] == [message]

    assert db.assessment(aid).answers == {FIRST.id: FIRST.option_ids[1]}  # nothing half-written
    (again,) = [b for b in at.button if b.label == "Try again to save this answer"]
    again.click()
    run(at)

    assert db.assessment(aid).answers == {FIRST.id: FIRST.option_ids[1], SECOND.id: SECOND.option_ids[2]}
    assert not [m for m in errors(at) if m.startswith("Not saved")]
    assert at.radio(key=key(aid, SECOND.id)).value == SECOND.option_ids[2]


def test_a_note_the_database_does_not_take_is_kept_to_try_again(app_env, db):
    aid, at = survey(db)
    with engine_swapped(read_only_engine(app_env)):
        at.text_input(key=key(aid, FIRST.id, "note")).input("Strategy deck, slide 4")
        run(at)
        assert any(m.startswith("Not saved: the server could not store this note") for m in errors(at))
        assert at.text_input(key=key(aid, FIRST.id, "note")).value == ""
    assert db.notes(aid) == {}

    (again,) = [b for b in at.button if b.label == "Try again to save this note"]
    again.click()
    run(at)
    assert db.notes(aid) == {FIRST.id: "Strategy deck, slide 4"}
    assert at.text_input(key=key(aid, FIRST.id, "note")).value == "Strategy deck, slide 4"


def test_while_the_database_refuses_writes_the_pages_say_answering_is_paused(app_env, db):
    _, token = stored_assessment(db, preset_answers())
    with engine_swapped(read_only_engine(app_env)):
        start = run(new_app())
        assert [w.value for w in start.warning if w.value.startswith("**Answering is paused.**")]
        (begin,) = [b for b in start.button if b.label == "Start the assessment"]
        begin.click()
        run(start)
        assert [e.value for e in start.error] == [saving.PAUSED]
        assert [t.value for t in start.title] == ["Threadline"]  # still the start page, nothing lost

        results = run(new_app(resume=token))  # results still open, read-only or not
        assert "Overall stage" in [h.value for h in results.header]
    st.cache_resource.clear()
    assert not [w for w in run(new_app()).warning if "Answering is paused" in w.value]


def test_a_target_the_database_does_not_take_goes_back_and_says_so(app_env, db):
    aid, token = stored_assessment(db, preset_answers())
    at = run(opened(new_app(resume=token)))
    slider = at.select_slider(key=f"target:{aid}:customer-care")
    before = slider.value
    with engine_swapped(read_only_engine(app_env)):
        slider.set_value(before + 1)
        run(at)
        assert any(m.startswith("Not saved: the new target did not reach the server") for m in errors(at))
        assert at.select_slider(key=f"target:{aid}:customer-care").value == before
    assert db.assessment(aid).targets is None  # no target was ever stored


# --- a full disk --------------------------------------------------------------------------------


@pytest.fixture(name="small_disk")
def small_disk_fixture(tmp_path) -> Iterator[Path]:
    folder = tmp_path / "small-disk"
    folder.mkdir()
    with small_disk(folder) as mounted:
        yield mounted


def test_a_full_disk_is_said_beside_the_answer_and_nothing_is_lost_once_there_is_room(small_disk, monkeypatch):
    url = f"sqlite:///{small_disk / 'threadline.db'}"
    for name in test_app.SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", url)
    st.cache_resource.clear()
    store = Store(url)
    store.migrate()
    try:
        aid, at = survey(store)
        at.radio(key=key(aid, FIRST.id)).set_value(FIRST.option_ids[1])
        run(at)
        filler = fill(small_disk)
        at.radio(key=key(aid, SECOND.id)).set_value(SECOND.option_ids[2])
        run(at)
        assert any("(its disk is full)" in m for m in errors(at)), errors(at)

        filler.unlink()
        (again,) = [b for b in at.button if b.label == "Try again to save this answer"]
        again.click()
        run(at)
        assert store.assessment(aid).answers == {FIRST.id: FIRST.option_ids[1], SECOND.id: SECOND.option_ids[2]}
    finally:
        store.dispose()
        resources.store().dispose()
        st.cache_resource.clear()


# --- PostgreSQL stopped -------------------------------------------------------------------------


@pytest.fixture
def postgres_app(monkeypatch) -> Iterator[tuple[str, Store]]:
    from tests.conftest import _POSTGRES_URL_VARIABLE, _postgres_schema_url

    server = os.environ.get(_POSTGRES_URL_VARIABLE)
    if not server:
        pytest.skip(f"{_POSTGRES_URL_VARIABLE} is not set")
    for url in _postgres_schema_url(server):
        for name in test_app.SETTINGS:
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("DATABASE_URL", url)
        st.cache_resource.clear()
        store = Store(url)
        store.migrate()
        try:
            yield url, store
        finally:
            store.dispose()
            resources.store().dispose()
            st.cache_resource.clear()


def test_a_stopped_postgresql_is_said_beside_the_answer_and_try_again_stores_it(postgres_app):
    url, store = postgres_app
    aid, at = survey(store)
    nowhere = sa.make_url(url).set(host="127.0.0.1", port=9)  # nothing listens there
    with engine_swapped(_create_engine(nowhere.render_as_string(hide_password=False))):
        at.radio(key=key(aid, SECOND.id)).set_value(SECOND.option_ids[2])
        run(at)
        assert any("(its database cannot be reached)" in m for m in errors(at)), errors(at)
    (again,) = [b for b in at.button if b.label == "Try again to save this answer"]
    again.click()
    run(at)
    assert store.assessment(aid).answers == {SECOND.id: SECOND.option_ids[2]}


def test_an_engagement_the_database_does_not_take_is_said_and_the_form_keeps_what_was_typed(app_env, db, monkeypatch):
    from tests.test_app_engagements import consultant_page, engagement_count, text_input

    monkeypatch.delenv("CONSULTANT_PASSWORD", raising=False)
    at = consultant_page()
    text_input(at, "Client name").input("Acme Ltd")
    with engine_swapped(read_only_engine(app_env)):
        test_app.click(at, "Create the engagement")
        assert errors(at) == [
            "The engagement was not created: the server could not store it (its database is read-only just now). "
            "Nothing changed; try again in a moment."
        ]
        assert text_input(at, "Client name").value == "Acme Ltd"
    assert engagement_count(db) == 0
    test_app.click(at, "Create the engagement")
    assert not at.error
    assert engagement_count(db) == 1
