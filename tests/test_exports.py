"""Exports of an engagement (CSV for Excel, JSON that imports again), on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from pydantic import ValidationError

from scoring.bank import Bank
from scoring.batch import encode
from scoring.team import TeamView, team_view
from tests.banks import SMALL, small_bank
from tests.store_support import refused_at, rows_per_table
from threadline import storage as store_module
from threadline.reporting import engagement_document, exports
from threadline.reporting.engagement_document import EngagementDocument
from threadline.reporting.exports import EngagementImportError
from threadline.storage import EngagementRecord, Store, WriteFailedError

BANK_TEXT = SMALL.replace("OVERALL", "mean")
DEPARTMENTS = ["Leadership", "Marketing", "HR"]
HYPERLINK = '=HYPERLINK("http://evil.example","click")'
NAME = "Café Ünïcode"


def _at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def bank() -> Bank:
    return small_bank("mean")


def _engagement(store: Store, **overrides: Any) -> tuple[EngagementRecord, str, str]:
    bank_hash = store.put_bank(BANK_TEXT, "small", "1")
    arguments: dict[str, Any] = {
        "bank_hash": bank_hash,
        "client": "Café Ünïcode Ltd",
        "consultant": "Jo Consultant",
        "logo_text": "Jo & Partners",
        "departments": DEPARTMENTS,
    }
    return store.create_engagement(**(arguments | overrides))


def _three_respondents(store: Store, engagement_id: int) -> None:
    """Choice, multi, N/A, text, unanswered; a named, an anonymous and an in-progress respondent."""
    store.import_respondent(
        engagement_id,
        "Leadership",
        NAME,
        "submitted",
        {"plan": "full", "review": None, "notes": "Très bien", "channels": ["marketing", "service"], "speed": "4"},
        _at(1),
        _at(2),
    )
    store.import_respondent(
        engagement_id,
        "Marketing",
        None,
        "submitted",
        {"plan": "some", "review": "yearly", "notes": HYPERLINK, "channels": ["sales"], "speed": None},
        _at(1, 11),
        _at(3),
    )
    store.import_respondent(engagement_id, "Marketing", HYPERLINK, "in_progress", {"plan": "none"}, _at(4), None)


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _view(store: Store, engagement: EngagementRecord, bank: Bank) -> TeamView:
    """The dashboard's team view (as threadline.teamdata builds it, without Streamlit's cache)."""
    submitted = [r for r in store.respondents(engagement.id) if r.status == "submitted"]
    answers = store.respondent_answers([engagement.id])
    table = encode(bank, [answers.get(r.assessment_id, {}) for r in submitted])
    return team_view(bank, table, [r.department or "" for r in submitted], DEPARTMENTS)


def _engagement_count(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.scalar(sa.text("SELECT count(*) FROM engagements")))


# File names


@pytest.mark.parametrize(
    ("client", "round_", "expected"),
    [
        ("Acme Ltd", 1, "acme-ltd-round-1"),
        ("Café Ünïcode & Co.", 2, "cafe-unicode-co-round-2"),
        ("../../etc/passwd", 1, "etc-passwd-round-1"),
        ("東京", 3, "engagement-round-3"),
        ("", 1, "engagement-round-1"),
    ],
)
def test_file_slug_is_a_safe_ascii_stem(client: str, round_: int, expected: str) -> None:
    assert exports.file_slug(client, round_) == expected


# Responses CSV


def test_responses_csv_has_one_row_per_respondent_and_question(store: Store, bank: Bank) -> None:
    record, _, _ = _engagement(store)
    _three_respondents(store, record.id)
    rows = _rows(exports.responses_csv(store, record, bank))
    one = ["1", "Leadership", NAME, "submitted", "2026-03-02T10:00:00+00:00"]
    two = ["2", "Marketing", "", "submitted", "2026-03-03T10:00:00+00:00"]
    three = ["3", "Marketing", "'" + HYPERLINK, "in_progress", ""]
    plan = ["strategy", "Strategy", "plan", "Is there a plan?", "choice"]
    review = ["strategy", "Strategy", "review", "How often is it reviewed?", "choice"]
    notes = ["strategy", "Strategy", "notes", "Notes", "text"]
    channels = ["care", "Customer care", "channels", "Which teams answer?", "multi"]
    speed = ["care", "Customer care", "speed", "How fast?", "choice"]
    na = ["na", "Not applicable / don't know", "", ""]
    nothing = ["", "", "", ""]
    assert rows == [
        list(exports.RESPONSE_COLUMNS),
        [*one, *plan, "full", "A full plan", "", "5"],
        [*one, *review, *na],
        [*one, *notes, "", "", "Très bien", ""],
        [*one, *channels, "marketing;service", "Marketing;Service", "", "4"],
        [*one, *speed, "4", "Seconds", "", "4"],
        [*two, *plan, "some", "Some plan", "", "3"],
        [*two, *review, "yearly", "Yearly", "", "2.5"],
        [*two, *notes, "", "", "'" + HYPERLINK, ""],
        [*two, *channels, "sales", "Sales", "", "2"],
        [*two, *speed, *na],
        [*three, *plan, "none", "No plan", "", "1"],
        [*three, *review, *nothing],
        [*three, *notes, *nothing],
        [*three, *channels, *nothing],
        [*three, *speed, *nothing],
    ]
    assert exports.RESPONSE_COLUMNS == (
        "respondent",
        "department",
        "name",
        "status",
        "submitted_at",
        "dimension_id",
        "dimension",
        "question_id",
        "question",
        "type",
        "option_id",
        "option_text",
        "text",
        "score",
    )


def test_responses_csv_numbers_respondents_from_one_not_by_database_id(store: Store, bank: Bank) -> None:
    first, _, _ = _engagement(store)
    _three_respondents(store, first.id)
    second, _, _ = _engagement(store)
    store.add_respondent(second.id, "HR", "Sam")
    rows = _rows(exports.responses_csv(store, second, bank))
    assert {row[0] for row in rows[1:]} == {"1"}
    assert {row[2] for row in rows[1:]} == {"Sam"}
    assert len(rows) == 1 + len(bank.questions)


def test_responses_csv_is_utf8_with_bom_and_crlf_and_reads_back_in_pandas(store: Store, bank: Bank) -> None:
    record, _, _ = _engagement(store)
    _three_respondents(store, record.id)
    data = exports.responses_csv(store, record, bank)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert not text.startswith("\ufeff")
    assert text.count("\r\n") == 16 and "\n" not in text.replace("\r\n", "")
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(exports.RESPONSE_COLUMNS)
    assert NAME in set(frame["name"])
    assert "Très bien" in set(frame["text"])
    assert set(frame["department"]) == {"Leadership", "Marketing"}


def test_responses_csv_neutralises_formulas(store: Store, bank: Bank) -> None:
    record, _, _ = _engagement(store)
    for n, start in enumerate(["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"], start=1):
        store.import_respondent(record.id, "HR", f"{start} name", "in_progress", {"notes": start}, _at(n), None)
    rows = _rows(exports.responses_csv(store, record, bank))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell.startswith(exports.FORMULA_STARTS)]
    notes = [row for row in rows[1:] if row[7] == "notes"]
    assert [row[12] for row in notes] == ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\t=1", "'\r'=1"]
    assert notes[0][2] == "'=1+1 name"


def test_csv_cell_guards_only_formula_starts() -> None:
    assert exports.csv_cell("=A1") == "'=A1"
    assert exports.csv_cell("a=b") == "a=b"
    assert exports.csv_cell(None) == ""
    assert exports.csv_cell(3) == "3"
    assert exports.csv_cell("") == ""


def test_csv_cell_guards_what_follows_a_semicolon_a_comma_or_a_line_break() -> None:
    assert exports.csv_cell("x;=1+1;") == "x;'=1+1;'"
    assert exports.csv_cell("ends with a line break\n") == "ends with a line break\n'"
    assert exports.csv_cell("a,+1") == "a,'+1"
    assert exports.csv_cell("one\r\n- two") == "one\r\n'- two"
    assert exports.csv_cell('x;"=1') == "x;\"'=1"
    assert exports.csv_cell('"@SUM(A1)') == "\"'@SUM(A1)"
    assert exports.csv_cell("a, -5; b = c") == "a, -5; b = c"  # a space before: no formula


HOSTILE = ["x;=1+1;", "a,=1", 'q;"=1', "l\n=1", "r\r@A1", "t;\t=1", '"=1', "=1", "-", "ok; fine, yes"]


def spreadsheet_cells(data: bytes) -> list[str]:
    """Every cell a spreadsheet could see in a CSV file, split on ``;`` and on ``,``.

    Twice each: read with quotes as Excel reads them (csv.reader, which also continues a
    field after a closing quote as Excel does), and split naively at every line break and
    separator with the surrounding double quotes and spaces taken off.
    """
    text = data.decode("utf-8-sig")
    cells = []
    for separator in (";", ","):
        cells += [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=separator) for cell in row]
        for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            cells += [piece.strip('" ') for piece in line.split(separator)]
    return cells


def formula_cells(data: bytes) -> list[str]:
    return [cell for cell in spreadsheet_cells(data) if cell.startswith(exports.FORMULA_STARTS)]


def test_a_semicolon_excel_runs_no_formula_from_the_responses_csv(store: Store, bank: Bank) -> None:
    record, _, _ = _engagement(store, client="x;=1+1;", departments=["x;=1+1;", "HR,@A1"])
    for n, hostile in enumerate(HOSTILE, start=1):
        department = "x;=1+1;" if n % 2 else "HR,@A1"
        store.import_respondent(record.id, department, hostile, "in_progress", {"notes": hostile}, _at(n), None)
    data = exports.responses_csv(store, record, bank)

    assert "x;=1+1;" in data.decode("utf-8-sig").replace("'", "") and formula_cells(data) == []
    notes = [row for row in _rows(data)[1:] if row[7] == "notes"]
    assert notes[0][1:3] == ["x;'=1+1;'", "x;'=1+1;'"]  # department and name, read back as one cell each


def test_every_cell_is_quoted(store: Store, bank: Bank) -> None:
    record, _, _ = _engagement(store)
    store.import_respondent(record.id, "HR", None, "in_progress", {"plan": "none"}, _at(1), None)
    lines = exports.responses_csv(store, record, bank).decode("utf-8-sig").split("\r\n")
    assert lines[0] == ",".join(f'"{column}"' for column in exports.RESPONSE_COLUMNS)
    assert lines[1].startswith('"1","HR","","in_progress","","strategy","Strategy","plan",')
    assert all(line.startswith('"') and line.endswith('"') for line in lines[1:-1])
    assert lines[-1] == ""


@pytest.mark.parametrize("first", HOSTILE)
@pytest.mark.parametrize("second", HOSTILE)
def test_no_pair_of_hostile_cells_makes_a_formula_however_the_file_is_split(first: str, second: str) -> None:
    assert formula_cells(exports.csv_bytes(["a", "b", "c"], [[first, second, first + second]])) == []


# Scores CSV


def test_scores_csv_leaves_out_small_departments(store: Store, bank: Bank) -> None:
    record, _, _ = _engagement(store)
    people = [
        ("Leadership", "full", ["service"]),
        ("Leadership", "full", ["service"]),
        ("Leadership", "some", ["marketing", "service", "sales"]),
        ("Marketing", "none", []),
        ("Marketing", "none", ["marketing"]),
        ("HR", "some", ["sales"]),
    ]
    for n, (department, plan, channels) in enumerate(people, start=1):
        given = {"plan": plan, "channels": channels}
        store.import_respondent(record.id, department, None, "submitted", given, _at(n), _at(n, 12))
    data = exports.scores_csv(bank, _view(store, record, bank))
    assert data.startswith(b"\xef\xbb\xbf")
    assert _rows(data) == [
        list(exports.SCORE_COLUMNS),
        ["Everyone", "6", "strategy", "Strategy", "3", "1", "5", "1.633", "0.1835", "Coordinating"],
        ["Everyone", "6", "care", "Customer care", "2.6667", "1", "5", "1.2472", "0.3764", "Broadcasting"],
        ["Leadership", "3", "strategy", "Strategy", "4.3333", "", "", "", "", "Integrating"],
        ["Leadership", "3", "care", "Customer care", "3.6667", "", "", "", "", "Coordinating"],
    ]
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert "Marketing" not in set(frame["department"]) and "HR" not in set(frame["department"])


def test_scores_csv_guards_department_names(store: Store, bank: Bank) -> None:
    record, _, _ = _engagement(store, departments=["=evil()"])
    for n in range(1, 4):
        store.import_respondent(record.id, "=evil()", None, "submitted", {"plan": "some"}, _at(n), _at(n, 12))
    rows = _rows(exports.scores_csv(bank, _view(store, record, bank)))
    assert {row[0] for row in rows[1:]} == {"Everyone", "'=evil()"}


# JSON export and import


def _full_engagement(store: Store) -> tuple[EngagementRecord, str, str]:
    """An engagement with every kind of answer, an in-progress respondent, consensus, its plan and settings."""
    record, invite, dashboard = _engagement(store)
    _three_respondents(store, record.id)
    live, _ = store.add_respondent(record.id, "HR", "  Sam  ")
    store.save_answer(live, "channels", [])
    store.submit(live)
    store.update_engagement(record.id, closes_on=date(2026, 4, 30))  # after the answers: past dates freeze them
    consensus, _ = store.consensus_assessment(record.id, dashboard)
    store.save_answer(consensus, "plan", "some")
    store.save_answer(consensus, "review", None)
    store.save_answer(consensus, "channels", ["service", "sales"])
    store.save_reason(consensus, "plan", "Only marketing has one — « à revoir »")
    store.save_reason(consensus, "channels", HYPERLINK)
    store.set_department_groups(record.id, [("Leadership and HR", ["Leadership", "HR"])])
    store.set_target(consensus, "strategy", 4)
    store.set_target(consensus, "care", 2)
    store.add_action(record.id, "strategy", "Write the social plan — « v1 »", "Jo", date(2026, 5, 15), "in_progress")
    store.add_action(record.id, "care", HYPERLINK)
    store.add_action(record.id, "strategy", "Review it every quarter", "Sam", None, "done")
    store.set_share_team(record.id, True)
    store.set_engagement_status(record.id, "closed")
    return store.engagement(record.id), invite, dashboard


def _without_export_time(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "exported_at"}


def test_engagement_document_holds_everything_but_tokens_and_ids(store: Store) -> None:
    record, invite, dashboard = _full_engagement(store)
    document = exports.engagement_document(store, record.id, dashboard)
    assert document["format"] == "threadline-engagement" and document["format_version"] == 1
    assert datetime.fromisoformat(document["exported_at"]).tzinfo is not None
    assert document["engagement"] == {
        "client": "Café Ünïcode Ltd",
        "consultant": "Jo Consultant",
        "logo_text": "Jo & Partners",
        "departments": DEPARTMENTS,
        "closes_on": "2026-04-30",
        "status": "closed",
        "share_team": True,
        "round": 1,
        "department_groups": [{"name": "Leadership and HR", "members": ["Leadership", "HR"]}],
    }
    assert document["bank"] == {
        "id": "small",
        "version": "1",
        "content_hash": store_module.content_hash(BANK_TEXT),
        "content": BANK_TEXT,
    }
    first, second, third, fourth = document["respondents"]
    assert first == {
        "department": "Leadership",
        "respondent": NAME,
        "status": "submitted",
        "created_at": "2026-03-01T10:00:00+00:00",
        "submitted_at": "2026-03-02T10:00:00+00:00",
        "answers": {
            "channels": ["marketing", "service"],
            "notes": "Très bien",
            "plan": "full",
            "review": None,
            "speed": "4",
        },
    }
    assert (second["respondent"], third["status"], third["submitted_at"]) == (None, "in_progress", None)
    assert (fourth["respondent"], fourth["answers"]) == ("Sam", {"channels": []})
    assert document["consensus"] == {
        "answers": {"channels": ["service", "sales"], "plan": "some", "review": None},
        "reasons": {"channels": HYPERLINK, "plan": "Only marketing has one — « à revoir »"},
        "targets": {"care": 2, "strategy": 4},
        "actions": [  # per dimension, each in the order given
            {"dimension_id": "care", "text": HYPERLINK, "owner": "", "due_on": None, "status": "open"},
            {
                "dimension_id": "strategy",
                "text": "Write the social plan — « v1 »",
                "owner": "Jo",
                "due_on": "2026-05-15",
                "status": "in_progress",
            },
            {
                "dimension_id": "strategy",
                "text": "Review it every quarter",
                "owner": "Sam",
                "due_on": None,
                "status": "done",
            },
        ],
    }
    text = exports.engagement_json_bytes(store, record.id, dashboard).decode("utf-8")
    assert json.loads(text)["engagement"] == document["engagement"]
    assert invite not in text and dashboard not in text
    assert '"id": ' + str(record.id) not in text and "assessment_id" not in text and "series_id" not in text


def test_engagement_document_needs_the_dashboard_token(store: Store) -> None:
    record, invite, _ = _engagement(store)
    with pytest.raises(PermissionError):
        exports.engagement_document(store, record.id, invite)


def test_engagement_document_without_a_workshop_has_no_consensus(store: Store) -> None:
    record, _, dashboard = _engagement(store)
    document = exports.engagement_document(store, record.id, dashboard)
    assert (document["respondents"], document["consensus"]) == ([], None)


def test_json_round_trip_gives_the_same_document(store: Store, tmp_path: Path) -> None:
    record, invite, dashboard = _full_engagement(store)
    exported = exports.engagement_json_bytes(store, record.id, dashboard)
    fresh = Store(f"sqlite:///{tmp_path / 'fresh.db'}")
    fresh.migrate()
    try:
        for target in (fresh, store):
            imported, new_invite, new_dashboard = exports.import_engagement(target, exports.load_document(exported))
            again = exports.engagement_document(target, imported.id, new_dashboard)
            assert _without_export_time(again) == _without_export_time(json.loads(exported))
            assert (imported.series_id, imported.round) == (imported.id, 1)
            assert {new_invite, new_dashboard}.isdisjoint({invite, dashboard})
            assert new_invite != new_dashboard
            assert target.find_engagement_link(new_invite) == store_module.EngagementLink("invite", imported.id, False)
            assert target.find_engagement_link(new_dashboard) == store_module.EngagementLink(
                "dashboard", imported.id, False
            )
        assert fresh.find_engagement_link(invite) is None and fresh.find_engagement_link(dashboard) is None
        assert store.find_engagement_link(invite) == store_module.EngagementLink("invite", record.id, False)
    finally:
        fresh.dispose()


def test_a_document_from_before_groups_and_the_plan_still_imports(store: Store) -> None:
    record, _, dashboard = _full_engagement(store)
    document = exports.engagement_document(store, record.id, dashboard)
    del document["engagement"]["department_groups"], document["consensus"]["targets"], document["consensus"]["actions"]
    imported, _, new_dashboard = exports.import_engagement(store, document)
    again = exports.engagement_document(store, imported.id, new_dashboard)
    assert (again["engagement"]["department_groups"], again["consensus"]["targets"], again["consensus"]["actions"]) == (
        [],
        {},
        [],
    )
    assert again["consensus"]["answers"] == {"channels": ["service", "sales"], "plan": "some", "review": None}


def test_a_workshop_that_only_set_a_target_is_exported(store: Store) -> None:
    record, _, dashboard = _engagement(store)
    consensus, _ = store.consensus_assessment(record.id, dashboard)
    store.set_target(consensus, "care", 3)
    document = exports.engagement_document(store, record.id, dashboard)
    assert document["consensus"] == {"answers": {}, "reasons": {}, "targets": {"care": 3}, "actions": []}


def test_imported_respondents_have_no_links_and_count_on_the_dashboard(store: Store, bank: Bank) -> None:
    record, _, dashboard = _full_engagement(store)
    document = exports.engagement_document(store, record.id, dashboard)
    imported, _, _ = exports.import_engagement(store, document)
    respondents = store.respondents(imported.id)
    assert [r.status for r in respondents] == ["submitted", "submitted", "in_progress", "submitted"]
    assert _view(store, imported, bank).dimensions.count.tolist() == [2, 3]
    assert exports.responses_csv(store, imported, bank) == exports.responses_csv(store, record, bank)


def _valid_document(store: Store) -> dict[str, Any]:
    record, _, dashboard = _full_engagement(store)
    return exports.engagement_document(store, record.id, dashboard)


def _broken(document: dict[str, Any], change: Any) -> dict[str, Any]:
    broken = copy.deepcopy(document)
    change(broken)
    return broken


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d.update(format="something-else"),
            "the document is not a Threadline engagement export: 'format' is 'something-else', "
            "not 'threadline-engagement'",
        ),
        (
            lambda d: d.pop("format"),
            "the document is not a Threadline engagement export: 'format' is None, not 'threadline-engagement'",
        ),
        (
            lambda d: d.update(format_version=2),
            "the document has unsupported format_version 2: this Threadline reads version 1",
        ),
        (
            lambda d: d["bank"].update(content=d["bank"]["content"] + "\n# changed\n"),
            "bank.content does not match bank.content_hash: the bank was changed after the export",
        ),
        (
            lambda d: d["bank"].update(content_hash="0" * 64),
            "bank.content does not match bank.content_hash: the bank was changed after the export",
        ),
        (
            lambda d: d["respondents"][1]["answers"].update(budget="high"),
            "respondents[1].answers: unknown question 'budget'",
        ),
        (
            lambda d: d["respondents"][0]["answers"].update(plan="most"),
            "respondents[0].answers: question 'plan' has no option 'most' (its options: none, some, full)",
        ),
        (
            lambda d: d["respondents"][0]["answers"].update(plan=None),
            "respondents[0].answers: question 'plan' does not allow 'Not applicable' (null)",
        ),
        (
            lambda d: d["respondents"][0].update(answers=["plan"]),
            "respondents[0].answers must be an object of question id to answer, not a list",
        ),
        (lambda d: d["consensus"]["answers"].update(nope="x"), "consensus.answers: unknown question 'nope'"),
        (lambda d: d["consensus"]["reasons"].update(nope="x"), "consensus.reasons: unknown question 'nope'"),
        (lambda d: d["consensus"]["reasons"].update(plan=3), "consensus.reasons.plan must be a text, not 3"),
        (lambda d: d.update(consensus="none"), "consensus must be a JSON object, not 'none'"),
        (lambda d: d["engagement"].pop("client"), "engagement lacks 'client'"),
        (
            lambda d: [d["engagement"].pop(key) for key in ("client", "round")] and d["engagement"].update(x=1),
            "engagement lacks 'client', 'round'; engagement has unknown keys: 'x'",
        ),
        (lambda d: d.update(engagement=[]), "engagement must be a JSON object, not a list"),
        (lambda d: d["engagement"].update(client=None), "engagement.client must be a text, not null"),
        (lambda d: d["engagement"].update(share_team="yes"), "engagement.share_team must be true or false, not 'yes'"),
        (lambda d: d["engagement"].update(round=True), "engagement.round must be a whole number, not true"),
        (lambda d: d["engagement"].update(status="done"), "engagement.status must be 'open' or 'closed', not 'done'"),
        (
            lambda d: d["engagement"].update(closes_on="soon"),
            "engagement.closes_on must be an ISO 8601 date (YYYY-MM-DD), not 'soon'",
        ),
        (
            lambda d: d["engagement"].update(departments=[]),
            "engagement.departments must be a non-empty list of texts",
        ),
        (
            lambda d: d["engagement"].update(departments="HR"),
            "engagement.departments must be a list of texts, not 'HR'",
        ),
        (
            lambda d: d["engagement"].update(departments=["HR", "HR"], department_groups=[]),
            "engagement: departments are listed once each, not ['HR', 'HR']",
        ),
        (lambda d: d.update(extra=1), "the document has unknown keys: 'extra'"),
        (lambda d: d.update(exported_at="yesterday"), "exported_at must be an ISO 8601 timestamp, not 'yesterday'"),
        (lambda d: d.update(respondents={}), "respondents must be a list, not an object"),
        (lambda d: d["respondents"].append(3), "respondents[4] must be a JSON object, not 3"),
        (
            lambda d: d["respondents"][0].update(status="done"),
            "respondents[0].status must be 'in_progress' or 'submitted', not 'done'",
        ),
        (
            lambda d: d["respondents"][0].update(submitted_at=None),
            "respondents[0] is submitted but has no submitted_at",
        ),
        (
            lambda d: d["respondents"][2].update(created_at="2026-03-01T10:00:00"),
            "respondents[2].created_at must have a time zone (e.g. +00:00), not '2026-03-01T10:00:00'",
        ),
        (
            lambda d: d["respondents"][2].update(created_at=12),
            "respondents[2].created_at must be an ISO 8601 timestamp, not 12",
        ),
        (
            lambda d: d["respondents"][2].update(department="d" * 201),
            "respondents[2].department is longer than 200 characters",
        ),
        (lambda d: d["respondents"][1].update(respondent=5), "respondents[1].respondent must be a text or null, not 5"),
        (
            lambda d: d["bank"].update(version="2"),
            "bank.content is bank 'small' version '1', but bank.id and bank.version say 'small' '2'",
        ),
        (lambda d: d["bank"].update(content=5), "bank.content must be a text, not 5"),
        (
            lambda d: d["engagement"]["department_groups"][0].update(members=["Leadership", "Sales"]),
            "engagement.department_groups: the group 'Leadership and HR' names departments the engagement "
            "does not have: ['Sales']",
        ),
        (
            lambda d: d["engagement"]["department_groups"][0].update(members=["HR"]),
            "engagement.department_groups[0].members must name at least two departments",
        ),
        (lambda d: d["consensus"]["targets"].update(reach=3), "consensus.targets: unknown dimension 'reach'"),
        (
            lambda d: d["consensus"]["targets"].update(care=6),
            "consensus.targets: the target of 'care' must be a stage from 1 to 5, not 6",
        ),
        (
            lambda d: d["consensus"]["actions"][0].update(dimension_id="reach"),
            "consensus.actions[0].dimension_id: unknown dimension 'reach'",
        ),
        (
            lambda d: d["consensus"]["actions"][0].update(text="  "),
            "consensus.actions[0].text must be 1 to 1000 characters",
        ),
        (
            lambda d: d["consensus"]["actions"][1].update(status="late"),
            "consensus.actions[1].status must be 'open' or 'in_progress' or 'done', not 'late'",
        ),
        (
            lambda d: d["consensus"]["actions"][1].update(due_on="May"),
            "consensus.actions[1].due_on must be an ISO 8601 date (YYYY-MM-DD), not 'May'",
        ),
    ],
)
def test_import_rejects_a_wrong_document_with_a_clear_message(store: Store, change: Any, message: str) -> None:
    document = _valid_document(store)
    before = _engagement_count(store)
    with pytest.raises(EngagementImportError) as raised:
        exports.import_engagement(store, _broken(document, change))
    assert str(raised.value) == message
    assert _engagement_count(store) == before


def test_import_rejects_what_is_not_an_object(store: Store) -> None:
    with pytest.raises(EngagementImportError) as raised:
        exports.import_engagement(store, [1, 2])
    assert str(raised.value) == "the document must be a JSON object, not a list"


def test_import_names_every_problem_up_to_ten(store: Store) -> None:
    document = _valid_document(store)
    for respondent in document["respondents"]:
        respondent.update(status="done")
    document["engagement"].update(share_team="yes")
    with pytest.raises(EngagementImportError) as raised:
        exports.import_engagement(store, document)
    assert str(raised.value) == "; ".join(
        [
            "engagement.share_team must be true or false, not 'yes'",
            *(f"respondents[{n}].status must be 'in_progress' or 'submitted', not 'done'" for n in range(4)),
        ]
    )
    document["respondents"] = document["respondents"] * 3
    with pytest.raises(EngagementImportError) as raised:
        exports.import_engagement(store, document)
    assert str(raised.value).endswith(
        "; respondents[8].status must be 'in_progress' or 'submitted', not 'done'; and 3 more"
    )


def test_import_reads_a_choice_given_as_a_number(store: Store) -> None:
    """As before the models: a choice's option id may be written as a number, and is stored as text."""
    document = _valid_document(store)
    document["respondents"][0]["answers"]["speed"] = 4
    imported, _, _ = exports.import_engagement(store, document)
    first = store.respondents(imported.id)[0]
    assert store.respondent_answers([imported.id], submitted_only=False)[first.assessment_id]["speed"] == "4"


def test_an_import_the_database_refuses_half_way_leaves_nothing_behind(store: Store) -> None:
    record, _, dashboard = _full_engagement(store)
    document = exports.engagement_document(store, record.id, dashboard)
    before = rows_per_table(store.engine)
    calls = refused_at(store, "import_respondent", 3, "full")
    with pytest.raises(WriteFailedError, match="full"):
        exports.import_engagement(store, document)

    assert len(calls) == 3  # the engagement and two respondents had been written
    assert rows_per_table(store.engine) == before  # no row added to any table
    del store.import_respondent  # the database has room again
    imported, _, _ = exports.import_engagement(store, document)  # and the same file imports now
    assert len(store.respondents(imported.id)) == 4


def test_import_rejects_an_invalid_bank(store: Store) -> None:
    document = _valid_document(store)
    content = document["bank"]["content"].replace("id: plan", "id: review")
    document["bank"].update(content=content, content_hash=store_module.content_hash(content))
    with pytest.raises(EngagementImportError, match=r"bank\.content is not a valid bank: bank\.content:"):
        exports.import_engagement(store, document)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not json at all", "the file is not JSON (line 1, column 1"),
        (b'{"format": ', "the file is not JSON"),
        (b"\xff\xfe\x00", "the file is not UTF-8 text"),
        (b"[1, 2]", "holds JSON but not an object"),
    ],
)
def test_load_document_rejects_what_is_not_an_export(data: bytes, message: str) -> None:
    with pytest.raises(EngagementImportError) as raised:
        exports.load_document(data)
    assert message in str(raised.value)


def test_load_document_caps_the_size(monkeypatch: pytest.MonkeyPatch) -> None:
    assert exports.MAX_DOCUMENT_BYTES == 50 * 1024 * 1024
    monkeypatch.setattr(exports, "MAX_DOCUMENT_BYTES", 10)
    with pytest.raises(EngagementImportError, match="an engagement export is at most"):
        exports.load_document(b'{"format": "threadline-engagement"}')


def test_load_document_accepts_a_byte_order_mark() -> None:
    assert exports.load_document(b'\xef\xbb\xbf{"a": "\xc3\xa9"}') == {"a": "é"}


# The document's models and its JSON Schema


def test_an_export_goes_through_the_models_exactly(store: Store) -> None:
    record, _, dashboard = _full_engagement(store)
    exported = exports.engagement_json_bytes(store, record.id, dashboard)
    model = EngagementDocument.model_validate(json.loads(exported))
    assert json.dumps(model.model_dump(mode="json"), ensure_ascii=False, indent=2).encode("utf-8") == exported
    assert EngagementDocument.model_validate_json(exported) == model
    assert model.respondents[0].created_at == _at(1) and model.engagement.closes_on == date(2026, 4, 30)
    empty, _, empty_dashboard = _engagement(store)
    document = exports.engagement_document(store, empty.id, empty_dashboard)
    assert EngagementDocument.model_validate(document).model_dump(mode="json") == document


def test_the_models_check_answers_against_the_documents_own_bank(store: Store) -> None:
    document = _valid_document(store)
    document["respondents"][1]["answers"]["budget"] = "high"
    with pytest.raises(ValidationError) as raised:
        EngagementDocument.model_validate(document)
    (error,) = raised.value.errors()
    assert (error["loc"], error["msg"]) == (("respondents", 1, "answers"), "unknown question 'budget'")
    assert engagement_document.problems(raised.value) == ["respondents[1].answers: unknown question 'budget'"]


def test_the_json_schema_in_docs_is_what_the_models_give() -> None:
    written = engagement_document.SCHEMA_PATH.read_text(encoding="utf-8")
    assert written == engagement_document.schema_text(), (
        f"{engagement_document.SCHEMA_PATH.name} is stale: regenerate it with "
        f"`.venv/bin/{engagement_document.SCHEMA_COMMAND}`"
    )


def test_the_json_schema_accepts_an_export(store: Store) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(engagement_document.schema_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    document = _valid_document(store)
    jsonschema.Draft202012Validator(schema).validate(document)
    document["engagement"]["share_team"] = "yes"
    assert not jsonschema.Draft202012Validator(schema).is_valid(document)
