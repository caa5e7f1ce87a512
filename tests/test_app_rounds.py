"""Specification of the dashboard's Rounds tab (app_pages/dashboard.py `show_rounds`), driven through AppTest.

The series (`two_rounds`), on the default bank: every scored question answered at 3, except
Social customer care's five questions, answered at each respondent's care score, and crisis-plan,
answered at 5 by everyone in round 2 (so Leadership, governance and resources moves from 3.00 to
(4 * 3 + 5) / 5 = 3.40 for everyone, the same mix or not).

| round | Customer service     | Marketing            | Sales / e-commerce | team (care)    |
|-------|----------------------|----------------------|--------------------|----------------|
| 1     | 1 1 1 2 2: 1.40, n 5 | 3 4 4 3 4: 3.60, n 5 | nobody             | 25 / 10 = 2.50 |
| 2     | 3 3 3 2 2: 2.60, n 5 | 3 4 4 3 4: 3.60, n 5 | 1 1 1 1: 1.00, n 4 | 35 / 14 = 2.50 |

The team's care mean stays at 2.50 while Customer service rises 1.20: with round 1's mix the
team would have moved +0.60 (scoring/rounds.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests import test_app
from tests.test_app import DEFAULT, all_text, new_app, run
from tests.test_app_engagements import answers_at, new_engagement
from threadline.storage import EngagementRecord, Store

app_env = test_app.app_env
db = test_app.db

DEPARTMENTS = ["Marketing", "Customer service", "Sales / e-commerce"]
CARE = [q.id for q in DEFAULT.dimensions[3].questions if q.is_scored]
ROUND_1 = {"Customer service": [1, 1, 1, 2, 2], "Marketing": [3, 4, 4, 3, 4]}
ROUND_2 = {"Customer service": [3, 3, 3, 2, 2], "Marketing": [3, 4, 4, 3, 4], "Sales / e-commerce": [1, 1, 1, 1]}
MIX_SENTENCE = (
    "Social customer care, round 1 → 2: Customer service rose 1.40 → 2.60 while the team stayed at 2.50; "
    "with round 1's mix of departments the team would have moved +0.60. More of the team's answers came "
    "from Sales / e-commerce this round (0% → 29%)."
)
WHEN = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _answer_round(db: Store, engagement_id: int, care: dict[str, list[int]], crisis_plan: int) -> None:
    for department, scores in care.items():
        for score in scores:
            answers = answers_at(3, {**dict.fromkeys(CARE, score), "crisis-plan": crisis_plan})
            db.import_respondent(engagement_id, department, None, "submitted", answers, WHEN, WHEN)


def two_rounds(db: Store) -> tuple[EngagementRecord, str, EngagementRecord, str]:
    """The series of the module docstring: (round 1, its dashboard token, round 2, its dashboard token)."""
    first, _, first_dashboard = new_engagement(db, departments=DEPARTMENTS)
    _answer_round(db, first.id, ROUND_1, crisis_plan=3)
    db.set_engagement_status(first.id, "closed")
    second, _, second_dashboard = db.create_engagement(
        first.bank_hash, first.client, first.consultant, first.logo_text, DEPARTMENTS, series_id=first.id
    )
    _answer_round(db, second.id, ROUND_2, crisis_plan=5)
    return first, first_dashboard, second, second_dashboard


def _frame(at: AppTest, column: str) -> pd.DataFrame:
    """The one table with this column: "Group" (by department), "Mix of respondents" (the team) or
    "Change since round 1" (what moved most)."""
    (found,) = [frame.value for frame in at.dataframe if column in frame.value.columns]
    return found


def _rows(frame: pd.DataFrame) -> list[list]:
    return [[None if pd.isna(v) else (round(v, 2) if isinstance(v, float) else v) for v in row] for row in frame.values]


@pytest.fixture
def board(app_env, db) -> AppTest:
    *_, dashboard = two_rounds(db)
    return run(new_app(dashboard=dashboard))


def test_the_rounds_tab_opens_on_the_dimension_the_mix_explains_with_each_department_and_its_n(board):
    (picker,) = [s for s in board.selectbox if s.label == "Dimension"]
    assert picker.value == "Social customer care"
    groups = _frame(board, "Group")
    assert list(groups.columns) == ["Group", "Round 1", "n, round 1", "Round 2", "n, round 2", "Change 1 → 2"]
    assert _rows(groups) == [
        ["Team", 2.5, 10, 2.5, 14, 0.0],
        ["Marketing", 3.6, 5, 3.6, 5, 0.0],
        ["Customer service", 1.4, 5, 2.6, 5, 1.2],
        ["Sales / e-commerce", None, None, 1.0, 4, None],  # absent in round 1: empty, not 0
    ]


def test_the_mix_marker_says_in_words_why_the_team_stayed_flat(board):
    (box,) = [m.value for m in board.markdown if m.value.startswith("- Social customer care")]
    assert box.replace("\\", "") == f"- {MIX_SENTENCE}"
    assert "**Where a different mix of respondents explains the change**" in all_text(board)
    team = _frame(board, "Mix of respondents")
    marked = dict(zip(team["Dimension"], team["Mix of respondents"], strict=True))
    assert marked["Social customer care"] == "explains round 1 → 2"
    assert marked["Leadership, governance and resources"] == ""  # everyone rose 0.40: the mix explains nothing


def test_another_dimension_shows_its_departments_when_picked(board):
    (picker,) = [s for s in board.selectbox if s.label == "Dimension"]
    picker.select("Leadership, governance and resources")
    run(board)

    assert _rows(_frame(board, "Group")) == [
        ["Team", 3.0, 10, 3.4, 14, 0.4],
        ["Marketing", 3.0, 5, 3.4, 5, 0.4],
        ["Customer service", 3.0, 5, 3.4, 5, 0.4],
        ["Sales / e-commerce", None, None, 3.4, 4, None],
    ]


def test_what_moved_most_since_round_1_lists_the_largest_change_first_with_n(board):
    assert "What moved most since round 1" in [s.value for s in board.subheader]
    moved = _frame(board, "Change since round 1")
    assert list(moved.columns) == [
        "Question",
        "Dimension",
        "Round 1",
        "n, round 1",
        "Round 2",
        "n, round 2",
        "Change since round 1",
    ]
    assert _rows(moved)[0] == [
        DEFAULT.questions["crisis-plan"].text,
        "Leadership, governance and resources",
        3.0,
        10,
        5.0,
        14,
        2.0,
    ]
    assert len(moved) == 1  # every other question stayed where it was: not listed


def test_the_rounds_radar_has_a_name_a_summary_and_its_table(board):
    assert (
        "From round 1 to round 2 the team mean changed by +0.40 in Leadership, governance and resources (the "
        "highest change) down to +0.00 in Strategy and objectives (the lowest)."
    ) in all_text(board).replace("\\", "")
    team = _frame(board, "Mix of respondents")
    assert _rows(team)[3] == ["Social customer care", 2.5, 10, 2.5, 14, 0.0, "explains round 1 → 2"]


def test_presenting_mode_shows_the_rounds_without_the_consultants_parts(board):
    board.toggle[0].set_value(True)
    run(board)

    assert "The team in each round" in [s.value for s in board.subheader]
    assert "Consultant only" not in all_text(board)
    assert not [b for b in board.button if b.label.startswith("Start round")]
    assert _rows(_frame(board, "Group"))[2] == ["Customer service", 1.4, 5, 2.6, 5, 1.2]


def _pick(board: AppTest, dimension: str) -> None:
    (picker,) = [s for s in board.selectbox if s.label == "Dimension"]
    picker.select(dimension)
    run(board)


def test_presenting_mode_shows_a_group_only_in_the_rounds_where_the_client_could_see_it(app_env, db):
    first, _, _, dashboard = two_rounds(db)
    for _ in range(2):  # two Sales answers in round 1: too few to show, and Marketing's 5 would give them away
        answers = answers_at(3, {**dict.fromkeys(CARE, 5), "crisis-plan": 3})
        db.import_respondent(first.id, "Sales / e-commerce", None, "submitted", answers, WHEN, WHEN)
    board = run(new_app(dashboard=dashboard))
    _pick(board, "Social customer care")
    consultant = _rows(_frame(board, "Group"))
    board.toggle[0].set_value(True)
    run(board)
    _pick(board, "Social customer care")

    client = _rows(_frame(board, "Group"))
    assert consultant[3] == ["Sales / e-commerce", 5.0, 2, 1.0, 4, -4.0]
    # (25 + 10) / 12 = 2.92 for everyone; Sales (2) and the smallest shown group (Marketing, 5) withheld in round 1
    assert client == [
        ["Team", 2.92, 12, 2.5, 14, -0.42],
        ["Customer service", 1.4, 5, 2.6, 5, 1.2],
        ["Marketing", None, None, 3.6, 5, None],
        ["Sales / e-commerce", None, None, 1.0, 4, None],
    ]
    text = all_text(board)
    assert "Sales / e-commerce rose" not in text and "Sales / e-commerce fell" not in text
    # Customer service alone would have said the team "would have moved +1.20": it speaks for 5 of 12
    assert "would have moved" not in text
    assert "the mix of respondents is not compared" in text and "Social customer care" in text
