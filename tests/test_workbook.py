"""Specification of the engagement workbook (threadline/reporting/workbook.py), opened with openpyxl.

The team, on the small bank of tests/banks.py (overall stage: the mean of the dimensions,
strategy weighted 1 and customer care 2; review weighs 3 in strategy):

| who                 | plan      | review        | channels      | speed | strategy | care |
|---------------------|-----------|---------------|---------------|-------|----------|------|
| Marketing x 3       | full 5    | monthly 5     | service 3     | 4     | 5        | 3.5  |
| Customer service x 3| none 1    | never 1       | none of these 1 | 1   | 1        | 1    |
| HR x 2, Legal x 1   | some 3    | yearly 2.5    | marketing 2   | 3     | 2.625    | 2.5  |

HR (2) and Legal (1) are under 3 and withheld together (3 people), so the client sees Marketing
and Customer service. Team: strategy (15 + 3 + 7.875) / 9 = 2.875, care (10.5 + 3 + 7.5) / 9 =
2.3333, overall (2.875 + 2 x 2.3333) / 3 = 2.5139. The small bank keeps the default thresholds (stage k
from a score of k), so 2.51 is Broadcasting.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from scoring.batch import encode
from scoring.team import team_view
from scoring.validate import parse_bank
from tests.test_app import DEFAULT, SMALL_TEXT
from threadline.reporting import workbook
from threadline.storage import Store

BANK = parse_bank(SMALL_TEXT)
HOSTILE = '=HYPERLINK("http://evil.example","click")'
MARKETING = {"plan": "full", "review": "monthly", "channels": ["service"], "speed": "4", "notes": HOSTILE}
SERVICE = {"plan": "none", "review": "never", "channels": [], "speed": "1"}
SMALL_GROUP = {"plan": "some", "review": "yearly", "channels": ["marketing"], "speed": "3", "notes": "We reply at once"}
TEAM = [
    ("Marketing", "+Mia", MARKETING),
    ("Marketing", None, MARKETING),
    ("Marketing", None, MARKETING),
    ("Customer service", None, SERVICE),
    ("Customer service", None, SERVICE),
    ("Customer service", None, SERVICE),
    ("HR", "Hanna", SMALL_GROUP),
    ("HR", None, SMALL_GROUP),
    ("Legal", None, SMALL_GROUP),
]
DEPARTMENTS = ["Marketing", "Customer service", "HR", "Legal"]


def _team(store: Store, *, consensus: bool = True) -> tuple[Any, str]:
    bank_hash = store.put_bank(SMALL_TEXT, BANK.id, BANK.version)
    record, _, dashboard = store.create_engagement(bank_hash, "Acme Ltd", "Jo", "Jo & Co", DEPARTMENTS)
    for department, name, given in TEAM:
        assessment_id, _ = store.add_respondent(record.id, department, name)
        for question_id, value in given.items():
            store.save_answer(assessment_id, question_id, value)
        store.submit(assessment_id)
    store.add_respondent(record.id, "HR", "Started Only")  # started, not submitted
    if consensus:
        consensus_id, _ = store.consensus_assessment(record.id, dashboard)
        for question_id, value in {"plan": "some", "review": "yearly", "channels": ["service"], "speed": "2"}.items():
            store.save_answer(consensus_id, question_id, value)
        store.save_reason(consensus_id, "plan", "=agreed in the room")
    return record, dashboard


def _view(store: Store, record: Any):
    answers = store.respondent_answers([record.id])
    submitted = [r for r in store.respondents(record.id) if r.status == "submitted"]
    table = encode(BANK, [answers[r.assessment_id] for r in submitted])
    return team_view(BANK, table, [r.department or "" for r in submitted], DEPARTMENTS)


def _open(data: bytes):
    return load_workbook(io.BytesIO(data))


def _values(sheet) -> list[list[Any]]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def _rounded(rows: list[list[Any]]) -> list[list[Any]]:
    return [[round(v, 4) if isinstance(v, float) else v for v in row] for row in rows]


def test_the_client_safe_workbook_has_the_three_sheets_with_exact_cells(store: Store) -> None:
    record, dashboard = _team(store)
    book = _open(workbook.workbook_bytes(store, record, BANK, _view(store, record), dashboard, full=False))

    assert book.sheetnames == ["Responses", "Scores", "Plan"]
    responses = _values(book["Responses"])
    assert responses[0] == [
        "Respondent", "Department",
        "plan: answer", "plan: score", "review: answer", "review: score",
        "channels: answer", "channels: score", "speed: answer", "speed: score",
    ]  # fmt: skip
    assert responses[1] == [None, None, "Is there a plan?", None, "How often is it reviewed?", None,
                            "Which teams answer?", None, "How fast?", None]  # fmt: skip
    marketing = ["Marketing", "A full plan", 5.0, "Monthly", 5.0, "Service", 3.0, "Seconds", 4.0]
    service = ["Customer service", "No plan", 1.0, "Never", 1.0, "None of these", 1.0, "Days", 1.0]
    assert responses[2:] == [[1, *marketing], [2, *marketing], [3, *marketing],
                             [4, *service], [5, *service], [6, *service]]  # fmt: skip

    assert _rounded(_values(book["Scores"])) == [
        ["Group", "Respondents", "Overall score", "Overall stage", "Strategy", "Customer care"],
        ["Everyone", 9, 2.5139, "Broadcasting", 2.875, 2.3333],
        ["Marketing", 3, 4.0, "Integrating", 5.0, 3.5],
        ["Customer service", 3, 1.0, "Experimenting", 1.0, 1.0],
        ["Workshop consensus", None, 2.5417, "Broadcasting", 2.625, 2.5],
    ]  # the consensus: some 3, yearly 2.5 (strategy 2.625), service 3 and 2 (care 2.5); (2.625 + 5) / 3
    plan = _values(book["Plan"])  # the small bank has no next steps
    assert plan == [["Start here", "Dimension", "Question", "Agreed answer", "Score", "Next step", "Why agreed"]]


def test_a_department_of_two_appears_nowhere_in_the_client_safe_workbook(store: Store) -> None:
    record, dashboard = _team(store)
    book = _open(workbook.workbook_bytes(store, record, BANK, _view(store, record), dashboard, full=False))
    text = [str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [t for t in text if "HR" in t or "Legal" in t]
    assert not [t for t in text if "Hanna" in t or "Mia" in t or "Started Only" in t]  # no names
    assert not [t for t in text if "HYPERLINK" in t or "at once" in t]  # no free text
    assert _values(book["Responses"])[0][:2] == ["Respondent", "Department"]


def test_the_full_workbook_has_everyone_with_names_and_text_cells_that_never_run(store: Store) -> None:
    record, dashboard = _team(store)
    book = _open(workbook.workbook_bytes(store, record, BANK, _view(store, record), dashboard, full=True))
    sheet = book["Responses"]
    rows = _values(sheet)
    assert rows[0][:5] == ["Respondent", "Department", "Name", "Status", "Submitted (UTC)"]
    assert rows[0][5:] == [
        "plan: answer", "plan: score", "review: answer", "review: score", "notes: answer",
        "channels: answer", "channels: score", "speed: answer", "speed: score",
    ]  # fmt: skip
    assert [(r[0], r[1], r[2], r[3]) for r in rows[2:]] == [
        (1, "Marketing", "+Mia", "submitted"),
        (2, "Marketing", None, "submitted"),
        (3, "Marketing", None, "submitted"),
        (4, "Customer service", None, "submitted"),
        (5, "Customer service", None, "submitted"),
        (6, "Customer service", None, "submitted"),
        (7, "HR", "Hanna", "submitted"),
        (8, "HR", None, "submitted"),
        (9, "Legal", None, "submitted"),
        (10, "HR", "Started Only", "in_progress"),
    ]
    assert rows[11][4] is None and rows[11][5:] == [None] * 9  # started: nothing answered
    hostile = sheet.cell(3, 10)
    assert (hostile.value, hostile.data_type) == (HOSTILE, "s")  # text, not a formula
    name = sheet.cell(3, 3)
    assert (name.value, name.data_type) == ("+Mia", "s")
    scores = _values(book["Scores"])
    assert [row[0] for row in scores] == ["Group", "Everyone", "Marketing", "Customer service", "HR", "Legal",
                                          "Workshop consensus"]  # fmt: skip


def test_without_a_consensus_the_plan_sheet_says_so(store: Store) -> None:
    record, dashboard = _team(store, consensus=False)
    book = _open(workbook.workbook_bytes(store, record, BANK, _view(store, record), dashboard, full=False))
    assert _values(book["Plan"])[1][:2] == [None, workbook.NO_CONSENSUS]
    assert [row[0] for row in _values(book["Scores"])] == ["Group", "Everyone", "Marketing", "Customer service"]


def test_before_any_submission_the_client_workbook_has_headers_only(store: Store) -> None:
    bank_hash = store.put_bank(SMALL_TEXT, BANK.id, BANK.version)
    record, _, dashboard = store.create_engagement(bank_hash, "Acme Ltd", "Jo", "", ["HR"])
    store.add_respondent(record.id, "HR", "Hanna")
    book = _open(workbook.workbook_bytes(store, record, BANK, None, dashboard, full=False))
    assert len(_values(book["Responses"])) == 2
    assert _values(book["Scores"]) == [["Group", "Respondents", "Overall score", "Overall stage", "Strategy",
                                        "Customer care"]]  # fmt: skip


@pytest.mark.parametrize("control", ["\x00", "\x07", "\x1b"])
def test_characters_a_workbook_cannot_hold_are_dropped(store: Store, control: str) -> None:
    bank_hash = store.put_bank(SMALL_TEXT, BANK.id, BANK.version)
    record, _, dashboard = store.create_engagement(bank_hash, "Acme Ltd", "Jo", "", ["HR"])
    assessment_id, _ = store.add_respondent(record.id, "HR", "Hanna")
    store.save_answer(assessment_id, "notes", f"a{control}b")
    book = _open(workbook.workbook_bytes(store, record, BANK, None, dashboard, full=True))
    assert book["Responses"].cell(3, 10).value == "ab"


def test_the_plan_sheet_is_the_consensus_plan_start_here_first_numbered() -> None:
    agreed = {q.id: q.option_ids[0] for q in DEFAULT.questions.values() if q.type == "choice"}
    consensus = workbook.Consensus(agreed, {"social-organisation": "=we never met"})
    book = _open(workbook.engagement_workbook(DEFAULT, [], {}, None, consensus))
    rows = _values(book["Plan"])
    assert rows[1] == [
        1,
        "Cross-functional integration",
        "How is social media organised across the organisation?",
        "Different people and branches run their own accounts, largely unaware of each other.",
        1,
        "Bring everyone who runs an account together once, list who does what, and agree which team "
        "coordinates all the accounts from now on.",
        "=we never met",
    ]
    assert book["Plan"].cell(2, 7).data_type == "s"
    assert [(row[0], row[1]) for row in rows[1:] if row[0]] == [
        (1, "Cross-functional integration"),  # weighted 1.5, then bank order: every gap is the same
        (2, "Social customer care"),
        (3, "Strategy and objectives"),
        (4, "Leadership, governance and resources"),
        (5, "Brand and message consistency"),
    ]
