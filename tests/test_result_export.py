"""Specification of a self-assessment's exports (threadline/result_export.py): exact files."""

from __future__ import annotations

import csv
import io

from scoring.answers import NA, Responses
from scoring.confidence import confidences
from scoring.engine import score
from scoring.plan import plan
from tests.banks import planned_bank
from tests.test_exports import formula_cells
from threadline.reporting.result_export import PLAN_COLUMNS, SCORE_COLUMNS, answer_text, plan_csv, scores_csv
from threadline.reporting.summary import default_targets

BANK = planned_bank("weakest_link")
# Strategy 1.0 caps the stage at 2; Customer care 5.0; average 11 / 3 = 3.67; default targets 3.
CAPPED = {"plan": "none", "review": "never", "channels": ("marketing", "service", "sales"), "speed": "5"}


def rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def capped_result():
    plain = score(BANK, Responses(CAPPED))
    return score(BANK, Responses(CAPPED, default_targets(BANK, plain)))


def test_the_scores_file_gives_the_overall_stage_average_and_rule_then_each_dimension():
    result = capped_result()

    assert rows(scores_csv(BANK, result, confidences(BANK, CAPPED))) == [
        list(SCORE_COLUMNS),
        [
            "Overall",
            "3.6667",
            "Stage 2 of 5: Broadcasting",
            "Average score 3.67 of 5, lower half of Integrating",
            *[""] * 7,
            "Your average (3.67) says Integrating, but Strategy at Experimenting holds you at Broadcasting: "
            "an organisation is at most one stage ahead of its weakest dimension.",
        ],
        [
            "Strategy",
            "1",
            "Experimenting",
            "1.00, lower half of Experimenting",
            "3 Coordinating",
            "2",
            "1",
            "1",
            "2 of 2",
            "0",
            "every answer at Experimenting",
            "holds the overall stage down",
        ],
        [
            "Customer care",
            "5",
            "Converged",
            "5.00, top of Converged",
            "3 Coordinating",
            "0",
            "",
            "2",
            "2 of 2",
            "0",
            "every answer at Converged",
            "",
        ],
    ]


def test_the_plan_file_lists_every_question_in_plan_order_with_its_step_start_here_and_note():
    result = capped_result()
    notes = {"plan": "=HYPERLINK(evil)", "speed": "Service dashboard"}

    assert rows(plan_csv(BANK, plan(BANK, result, CAPPED), CAPPED, notes)) == [
        list(PLAN_COLUMNS),
        ["2", "Strategy", "Is there a plan?", "No plan", "1", "Write a one-page plan.", "'=HYPERLINK(evil)"],
        ["1", "Strategy", "How often is it reviewed?", "Never", "1", "Review it yearly.", ""],
        ["", "Strategy", "Notes", "", "", "", ""],
        ["", "Strategy", "(for the whole dimension)", "", "", "Name an owner for the plan.", ""],
        ["", "Strategy", "(for the whole dimension)", "", "", "Review the plan every quarter.", ""],
        ["", "Customer care", "Which teams answer?", "Marketing; Service; Sales", "5", "", ""],
        ["", "Customer care", "How fast?", "Instantly", "5", "", "Service dashboard"],
    ]


def test_a_multi_question_gets_a_row_per_missing_option_and_unassessed_dimensions_come_last():
    answers = {"channels": ("marketing",), "speed": "2"}
    plain = score(BANK, Responses(answers))
    result = score(BANK, Responses(answers, default_targets(BANK, plain)))

    table = rows(plan_csv(BANK, plan(BANK, result, answers), answers, {}))

    assert [row[:6] for row in table[1:]] == [
        ["1", "Customer care", "Which teams answer?", "Marketing", "2", "Add service."],
        ["2", "Customer care", "Which teams answer?", "Marketing", "2", "Add sales."],
        ["3", "Customer care", "How fast?", "Hours", "2", "Answer within minutes."],
        ["", "Strategy", "Is there a plan?", "", "", ""],
        ["", "Strategy", "How often is it reviewed?", "", "", ""],
        ["", "Strategy", "Notes", "", "", ""],
    ]


def test_answers_in_words():
    questions = BANK.questions

    assert answer_text(questions["plan"], {"plan": "some"}) == "Some plan"
    assert answer_text(questions["review"], {"review": NA}) == "Not applicable / don't know"
    assert answer_text(questions["channels"], {"channels": ()}) == "None of these"
    assert answer_text(questions["channels"], {"channels": ("sales", "service")}) == "Sales; Service"
    assert answer_text(questions["notes"], {"notes": "typed"}) == "typed"
    assert answer_text(questions["plan"], {}) is None


def test_a_semicolon_excel_runs_no_formula_from_either_file():
    result = capped_result()
    hostile = {**CAPPED, "notes": "x;=1+1;"}
    notes = {"plan": "x;=1+1;", "review": "a,@SUM(A1)", "speed": "one\n=two"}
    plan_file = plan_csv(BANK, plan(BANK, result, hostile), hostile, notes)
    scores_file = scores_csv(BANK, result, confidences(BANK, hostile))

    assert formula_cells(plan_file) == [] and formula_cells(scores_file) == []
    assert [row[6] for row in rows(plan_file)[1:3]] == ["x;'=1+1;'", "a,'@SUM(A1)"]
    assert plan_file.decode("utf-8-sig").startswith('"start here","dimension",')
