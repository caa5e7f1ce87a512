"""Upgrading databases: the legacy steps up to schema version 2, then Alembic, on SQLite and PostgreSQL."""

from __future__ import annotations

import numpy as np
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from tests.store_support import full_schema, legacy_database, table_names, write_v1_assessment
from threadline.storage import LinkLookup, PeerScores, Store, metadata, migrations
from threadline.storage.migrations.__main__ import main as alembic_main

BANK_TEXT = "id: default\nversion: '1.0'\ntitle: Social business maturity\n"
HEAD = "0007"


def _fresh_schema(url: str) -> dict[str, dict[str, object]]:
    fresh = Store(url)
    fresh.migrate()
    schema = full_schema(fresh.engine)
    fresh.dispose()
    return schema


def _versions(store: Store) -> tuple[list[int], list[str]]:
    with store.engine.connect() as conn:
        legacy = conn.execute(sa.text("SELECT version FROM schema_version")).scalars().all()
        alembic = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
    return list(legacy), list(alembic)


def test_the_head_revision_is_the_latest() -> None:
    assert migrations.head() == HEAD


def test_a_fresh_database_reaches_the_head(store: Store) -> None:
    assert _versions(store) == ([2], [HEAD])
    assert table_names(store.engine) == sorted(table.name for table in metadata.sorted_tables)


def test_a_version_1_database_upgrades_and_keeps_its_data(db_url: str, another_db_url: str) -> None:
    legacy_database(db_url, 1)
    old = Store(db_url)
    assessment_id, token = write_v1_assessment(old.engine, BANK_TEXT)
    old.dispose()

    upgraded = Store(db_url)
    assert upgraded.migrate() == 2
    assert _versions(upgraded) == ([2], [HEAD])
    record = upgraded.assessment(assessment_id)
    assert (record.context, record.targets, record.page, record.status) == (
        {"organisation": "Acme"},
        {"care": 3},
        2,
        "submitted",
    )
    assert record.answers == {"q1": "o2", "q2": None, "q3": ["a"]}
    assert (record.kind, record.engagement_id) == ("self", None)
    assert upgraded.find_link(token) == LinkLookup("private", assessment_id, False)
    assert upgraded.bank_content(record.bank_hash) == BANK_TEXT
    schema = full_schema(upgraded.engine)
    upgraded.dispose()
    assert schema == _fresh_schema(another_db_url)


def test_a_version_2_database_upgrades_and_keeps_its_data(db_url: str, another_db_url: str) -> None:
    legacy_database(db_url, 2)
    old = Store(db_url)
    # This code reads engagements.archived_at (revision 0003), department_groups (0005) and
    # portfolio (0006): the columns are there while the old data is written through the store,
    # and gone again before the upgrade, as in version 2.
    with old.engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE engagements ADD COLUMN archived_at TIMESTAMP"))
        conn.execute(sa.text("ALTER TABLE engagements ADD COLUMN department_groups JSON NOT NULL DEFAULT '[]'"))
        conn.execute(sa.text("ALTER TABLE engagements ADD COLUMN portfolio BOOLEAN NOT NULL DEFAULT false"))
    bank = old.put_bank(BANK_TEXT, "default", "1.0")
    own, own_token = old.create_assessment(bank, {"organisation": "Acme"})
    old.save_answer(own, "q1", "o1")
    old.save_note(own, "q1", "In the handbook")
    record, invite, dashboard = old.create_engagement(bank, "Acme", "Jo", "Jo & Co", ["HR", "IT"])
    respondent, _ = old.add_respondent(record.id, "HR", "Sam")
    old.save_answer(respondent, "q1", ["a", "b"])
    old.submit(respondent)
    consensus, _ = old.consensus_assessment(record.id, dashboard)
    with old.engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE engagements DROP COLUMN archived_at"))
        conn.execute(sa.text("ALTER TABLE engagements DROP COLUMN department_groups"))
        conn.execute(sa.text("ALTER TABLE engagements DROP COLUMN portfolio"))
    old.dispose()

    upgraded = Store(db_url)
    assert upgraded.migrate() == 2
    assert _versions(upgraded) == ([2], [HEAD])
    assert upgraded.assessment(own).answers == {"q1": "o1"}
    assert upgraded.notes(own) == {"q1": "In the handbook"}
    assert upgraded.find_link(own_token) == LinkLookup("private", own, False)
    assert upgraded.engagement(record.id) == record
    assert upgraded.current_invite_token(record.id, dashboard) == invite
    assert upgraded.respondent_answers([record.id]) == {respondent: {"q1": ["a", "b"]}}
    assert upgraded.consensus_assessment(record.id, dashboard)[0] == consensus
    schema = full_schema(upgraded.engine)
    upgraded.dispose()
    assert schema == _fresh_schema(another_db_url)


def test_migrate_is_idempotent(store: Store) -> None:
    bank = store.put_bank(BANK_TEXT, "default", "1.0")
    assessment_id, _ = store.create_assessment(bank, {"organisation": "Acme"})
    before = full_schema(store.engine)
    assert [store.migrate() for _ in range(3)] == [2, 2, 2]
    assert full_schema(store.engine) == before
    assert _versions(store) == ([2], [HEAD])
    assert store.assessment(assessment_id).context == {"organisation": "Acme"}


def test_the_current_schema_is_what_alembic_finds_in_a_migrated_database(store: Store) -> None:
    with store.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    if store.dialect == "sqlite":
        # SQLAlchemy's SQLite reflection misses the ON DELETE of a REFERENCES clause
        # added by ALTER TABLE (links.engagement_id; test_store_engagements checks it
        # through PRAGMA foreign_key_list), so autogenerate sees that key as changed.
        differences = [diff for diff in differences if _fk(diff) != ("links", "engagement_id")]
    assert differences == []


def _fk(diff: object) -> tuple[str, str] | None:
    if not isinstance(diff, tuple) or diff[0] not in ("add_fk", "remove_fk"):
        return None
    key = diff[1]
    return key.table.name, ",".join(column.name for column in key.columns)


def test_a_database_at_an_unknown_newer_revision_is_refused(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    with pytest.raises(RuntimeError, match="revision 0099_from_the_future is unknown to this Threadline"):
        store.migrate()
    with store.engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT version_num FROM alembic_version")) == "0099_from_the_future"


def test_a_database_at_a_newer_legacy_version_is_refused_before_alembic(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE schema_version SET version = 3"))
        conn.execute(sa.text("DELETE FROM alembic_version"))
    with pytest.raises(RuntimeError, match="database schema version 3 is newer than this Threadline"):
        store.migrate()
    assert _versions(store) == ([3], [])


def test_a_failed_alembic_upgrade_leaves_a_fresh_database_empty(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(conn: sa.Connection) -> str:
        raise RuntimeError("revision failed")

    monkeypatch.setattr(migrations, "upgrade", fail)
    opened = Store(db_url)
    with pytest.raises(RuntimeError, match="revision failed"):
        opened.migrate()
    assert table_names(opened.engine) == []
    opened.dispose()


def test_the_alembic_command_line_needs_no_ini_file(capsys: pytest.CaptureFixture[str]) -> None:
    alembic_main(["heads"])
    assert f"{HEAD} (head)" in capsys.readouterr().out


def test_a_database_at_the_baseline_gains_the_guess_failures_table(store: Store, another_db_url: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE guess_failures"))
        conn.execute(sa.text("DROP TABLE consensus_actions"))  # revision 0005
        conn.execute(sa.text("ALTER TABLE engagements DROP COLUMN department_groups"))  # revision 0005
        conn.execute(sa.text("ALTER TABLE engagements DROP COLUMN archived_at"))  # revision 0003
        conn.execute(sa.text("DROP TABLE peer_scores"))  # revision 0004
        conn.execute(sa.text("ALTER TABLE engagements DROP COLUMN portfolio"))  # revision 0006
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0001'"))
    assert "guess_failures" not in table_names(store.engine)

    assert store.migrate() == 2
    assert _versions(store) == ([2], [HEAD])
    assert full_schema(store.engine) == _fresh_schema(another_db_url)


def test_a_database_at_0002_gains_the_archive_column_and_keeps_its_engagements(
    store: Store, another_db_url: str
) -> None:
    bank = store.put_bank(BANK_TEXT, "default", "1.0")
    record, _, _ = store.create_engagement(bank, "Acme", "Jo", "Jo & Co", ["HR", "IT"])
    with store.engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE engagements DROP COLUMN archived_at"))
        conn.execute(sa.text("DROP TABLE peer_scores"))  # revision 0004
        conn.execute(sa.text("DROP TABLE consensus_actions"))  # revision 0005
        conn.execute(sa.text("ALTER TABLE engagements DROP COLUMN department_groups"))  # revision 0005
        conn.execute(sa.text("ALTER TABLE engagements DROP COLUMN portfolio"))  # revision 0006
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0002'"))

    assert store.migrate() == 2
    assert _versions(store) == ([2], [HEAD])
    assert store.engagement(record.id) == record
    assert store.engagement(record.id).archived_at is None
    assert full_schema(store.engine) == _fresh_schema(another_db_url)


def test_a_database_at_0003_gains_the_peer_scores_table_and_keeps_its_assessments(
    store: Store, another_db_url: str
) -> None:
    bank = store.put_bank(BANK_TEXT, "default", "1.0")
    assessment_id, _ = store.create_assessment(bank, {"organisation": "Acme"})
    with store.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE peer_scores"))
        conn.execute(sa.text("DROP TABLE consensus_actions"))  # revision 0005
        conn.execute(sa.text("ALTER TABLE engagements DROP COLUMN department_groups"))  # revision 0005
        conn.execute(sa.text("ALTER TABLE engagements DROP COLUMN portfolio"))  # revision 0006
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0003'"))
    assert "peer_scores" not in table_names(store.engine)

    assert store.migrate() == 2
    assert _versions(store) == ([2], [HEAD])
    assert store.assessment(assessment_id).context == {"organisation": "Acme"}
    assert not store.in_comparison(assessment_id)
    assert full_schema(store.engine) == _fresh_schema(another_db_url)


def test_a_database_at_0004_gains_the_groups_column_and_the_actions_table_and_keeps_its_engagements(
    store: Store, another_db_url: str
) -> None:
    bank = store.put_bank(BANK_TEXT, "default", "1.0")
    record, _, _ = store.create_engagement(bank, "Acme", "Jo", "Jo & Co", ["HR", "IT", "Sales"])
    with store.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE consensus_actions"))  # revision 0005
        conn.execute(sa.text("ALTER TABLE engagements DROP COLUMN department_groups"))  # revision 0005
        conn.execute(sa.text("ALTER TABLE engagements DROP COLUMN portfolio"))  # revision 0006
        conn.execute(sa.text("ALTER TABLE peer_scores DROP COLUMN score_vector"))  # revision 0007
        conn.execute(sa.text("ALTER TABLE peer_scores DROP COLUMN score_ids"))  # revision 0007
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0004'"))
    assert "consensus_actions" not in table_names(store.engine)

    assert store.migrate() == 2
    assert _versions(store) == ([2], [HEAD])
    assert store.engagement(record.id) == record
    assert store.engagement(record.id).department_groups == ()
    store.set_department_groups(record.id, [("People and IT", ["HR", "IT"])])
    assert store.engagement(record.id).department_groups == (("People and IT", ("HR", "IT")),)
    action = store.add_action(record.id, "strategy", "Write the plan", "Jo", status="in_progress")
    assert [(a.id, a.text, a.owner, a.status) for a in store.actions(record.id)] == [
        (action, "Write the plan", "Jo", "in_progress")
    ]
    assert full_schema(store.engine) == _fresh_schema(another_db_url)


def test_a_database_at_0005_gains_the_portfolio_switch_off_for_every_engagement(
    store: Store, another_db_url: str
) -> None:
    bank = store.put_bank(BANK_TEXT, "default", "1.0")
    record, _, _ = store.create_engagement(bank, "Acme", "Jo", "Jo & Co", ["HR", "IT"])
    with store.engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE engagements DROP COLUMN portfolio"))
        conn.execute(sa.text("ALTER TABLE peer_scores DROP COLUMN score_vector"))  # revision 0007
        conn.execute(sa.text("ALTER TABLE peer_scores DROP COLUMN score_ids"))  # revision 0007
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0005'"))

    assert store.migrate() == 2
    assert _versions(store) == ([2], [HEAD])
    assert store.engagement(record.id) == record
    assert not store.in_portfolio(record.id)
    assert full_schema(store.engine) == _fresh_schema(another_db_url)


def test_downgrading_0006_drops_the_switch_and_the_portfolio_rows_only(store: Store) -> None:
    bank = store.put_bank(BANK_TEXT, "default", "1.0")
    record, _, dashboard = store.create_engagement(bank, "Acme", "Jo", "Jo & Co", ["HR", "IT"])
    consensus, _ = store.consensus_assessment(record.id, dashboard)
    own, _ = store.create_assessment(bank, {"organisation": "Tea Ltd"})
    store.save_peer_scores(PeerScores(own, "default", "1.0", "self", None, None, 2.0, {}))
    store.set_portfolio(record.id, True, dashboard)
    store.save_portfolio_scores(
        record.id, dashboard, PeerScores(consensus, "default", "1.0", "portfolio", None, None, 3.0, {})
    )

    with store.engine.begin() as conn:
        command.downgrade(migrations.alembic_config(conn), "0005")
    with store.engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT version_num FROM alembic_version")) == "0005"
        assert "portfolio" not in {column["name"] for column in sa.inspect(conn).get_columns("engagements")}
        assert conn.execute(sa.text("SELECT assessment_id, kind FROM peer_scores")).all() == [(own, "self")]


def test_a_database_at_0006_gains_packed_scores_for_the_rows_it_holds(store: Store, another_db_url: str) -> None:
    bank = store.put_bank(BANK_TEXT, "default", "1.0")
    first, _ = store.create_assessment(bank, {"organisation": "Acme"})
    second, _ = store.create_assessment(bank, {"organisation": "Tea Ltd"})
    store.save_peer_scores(PeerScores(first, "default", "1.0", "self", "Retail", None, 2.0, {"care": 1.5, "ads": None}))
    store.save_peer_scores(PeerScores(second, "default", "1.0", "self", None, None, None, {"care": 3.0, "ads": 2.5}))
    with store.engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE peer_scores DROP COLUMN score_vector"))
        conn.execute(sa.text("ALTER TABLE peer_scores DROP COLUMN score_ids"))
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0006'"))

    assert store.migrate() == 2
    assert _versions(store) == ([2], [HEAD])
    with store.engine.connect() as conn:
        packed = conn.execute(sa.text("SELECT score_ids FROM peer_scores ORDER BY assessment_id")).scalars().all()
    assert packed == ['["ads", "care"]', '["ads", "care"]']
    columns = store.peer_columns("default", "1.0")
    assert columns.dimension_ids == ("ads", "care")
    np.testing.assert_array_equal(columns.scores, [[2.0, np.nan, 1.5], [np.nan, 2.5, 3.0]])
    assert full_schema(store.engine) == _fresh_schema(another_db_url)


def test_downgrading_0007_drops_the_packed_scores_and_keeps_the_rows(store: Store) -> None:
    bank = store.put_bank(BANK_TEXT, "default", "1.0")
    own, _ = store.create_assessment(bank, {"organisation": "Tea Ltd"})
    store.save_peer_scores(PeerScores(own, "default", "1.0", "self", None, None, 2.0, {"care": 1.5}))

    with store.engine.begin() as conn:
        command.downgrade(migrations.alembic_config(conn), "0006")
    with store.engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT version_num FROM alembic_version")) == "0006"
        columns = {column["name"] for column in sa.inspect(conn).get_columns("peer_scores")}
        assert not columns & {"score_ids", "score_vector"}
        assert conn.execute(sa.text("SELECT assessment_id, overall FROM peer_scores")).all() == [(own, 2.0)]
