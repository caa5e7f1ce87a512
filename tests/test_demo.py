"""Demonstration data (threadline/storage/demo.py, `make demo`): made up, marked, never mixed with real data."""

from __future__ import annotations

import pytest

from tests import test_app
from tests.test_app import DEFAULT, DEFAULT_TEXT, new_app, run, stored_assessment
from threadline.storage import Store
from threadline.storage.demo import NotADemoDatabaseError, load, main

app_env = test_app.app_env
db = test_app.db


def test_every_demonstration_organisation_is_marked_submitted_and_compared(store: Store) -> None:
    load(store, DEFAULT_TEXT, DEFAULT, count=30, seed=3)

    rows = store.peer_scores(DEFAULT.id, DEFAULT.version)
    assert len(rows) == 30
    records = [store.assessment(row.assessment_id) for row in rows]
    assert all(r.context["demo"] is True and r.status == "submitted" for r in records)
    assert [r.context["organisation"] for r in records][:2] == ["Demo organisation 1", "Demo organisation 2"]
    assert all(row.overall is not None and 1 <= row.overall <= 5 for row in rows)
    assert len({round(row.overall, 2) for row in rows}) > 10  # organisations differ


def test_demonstration_data_is_never_mixed_into_a_real_database(store: Store) -> None:
    bank = store.put_bank(DEFAULT_TEXT, DEFAULT.id, DEFAULT.version)
    store.create_assessment(bank, {"organisation": "A real one"})

    with pytest.raises(NotADemoDatabaseError, match="holds 1 real assessments"):
        load(store, DEFAULT_TEXT, DEFAULT, count=5)
    assert store.peer_scores(DEFAULT.id, DEFAULT.version) == []


def test_the_command_fills_an_empty_database_once(tmp_path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    bank_file = tmp_path / "bank.yaml"
    bank_file.write_text(DEFAULT_TEXT)

    assert main([url, str(bank_file)]) == 0
    assert main([url, str(bank_file)]) == 0  # again: nothing added
    out = capsys.readouterr().out
    assert "240 demonstration organisations" in out
    assert "already holds the demonstration data (240 assessments)" in out


def test_the_demonstration_server_says_so_on_every_page(app_env, db, monkeypatch) -> None:
    monkeypatch.setenv("THREADLINE_DEMO", "1")
    _, token = stored_assessment(db, {}, context={"organisation": "Demo organisation 1", "demo": True})
    for page in (new_app(), new_app(resume=token)):
        (banner,) = [w.value for w in run(page).warning if "Demonstration data" in w.value]
        assert banner.startswith("**Demonstration data.** Every organisation in this database is made up")


def test_a_real_server_shows_no_banner(app_env) -> None:
    assert not [w for w in run(new_app()).warning if "Demonstration data" in w.value]
