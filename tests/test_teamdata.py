"""The engagement pages' tables and texts (threadline/teamdata.py), with hand-worked figures.

The team, on the SMALL bank of tests/banks.py (Strategy: plan 1/3/5 and review 1/2.5/5 weighted 3;
Customer care, weight 2: channels, multi with points 1/2/1 of 4, and speed 1 to 5):

| respondent  | plan      | review      | channels      | speed | Strategy                  | Care        |
|-------------|-----------|-------------|---------------|-------|---------------------------|-------------|
| Marketing A | full (5)  | monthly (5) | all (5)       | 5     | (5 + 3 * 5) / 4 = 5       | 5           |
| Marketing B | some (3)  | yearly (2.5)| service (3)   | 3     | (3 + 3 * 2.5) / 4 = 2.625 | 3           |
| Marketing C | none (1)  | N/A         | none (1)      | 1     | 1                         | 1           |
| Support D   | some (3)  | never (1)   | marketing (2) | N/A   | (3 + 3 * 1) / 4 = 1.5     | 2           |

Strategy: mean 10.125 / 4 = 2.53, sd 1.54, alignment 1 - 1.54 / 2 = 0.23; Marketing 2.875.
Care: mean 11 / 4 = 2.75, sd 1.48, alignment 0.26; Marketing 3, Support 2.
Overall (mean rule): (2.53125 + 2 * 2.75) / 3 = 2.68, Broadcasting.
Questions: plan 5, 3, 1, 3 (mean 3, sd 1.41); review 5, 2.5, 1 and one N/A (mean 2.83, sd 1.65,
N/A 25%); channels 5, 3, 1, 2 (mean 2.75, sd 1.48); speed 5, 3, 1 and one N/A (mean 3, sd 1.63).
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from scoring.answers import NA_LABEL
from scoring.batch import encode
from scoring.engine import Result
from scoring.team import team_view as build_team_view
from tests.banks import SMALL, small_bank
from threadline.links import derive_consensus_token
from threadline.reporting import teamdata
from threadline.storage import EngagementRecord, Respondent, Store

BANK = small_bank("mean")
SMALL_TEXT = SMALL.replace("OVERALL", "mean")  # the stored text of BANK
ANSWERS = {
    1: {"plan": "full", "review": "monthly", "channels": ["marketing", "service", "sales"], "speed": "5", "notes": "x"},
    2: {"plan": "some", "review": "yearly", "channels": ["service"], "speed": "3"},
    3: {"plan": "none", "review": None, "channels": [], "speed": "1"},
    4: {"plan": "some", "review": "never", "channels": ["marketing"], "speed": None},
}
DEPARTMENTS = ["Marketing", "Marketing", "Marketing", "Support"]
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def team_view(answers: dict = ANSWERS, departments: list[str] = DEPARTMENTS, bank=BANK, order=("Marketing", "Support")):
    return build_team_view(bank, encode(bank, list(answers.values())), departments, order)


VIEW = team_view()


def engagement_record(departments=("Marketing", "Support", "Sales"), **fields) -> EngagementRecord:
    values = {
        "id": 1,
        "series_id": 1,
        "round": 1,
        "bank_hash": "0" * 64,
        "client": "Acme",
        "consultant": "",
        "logo_text": "",
        "departments": tuple(departments),
        "closes_on": None,
        "status": "open",
        "share_team": False,
        "created_at": NOW,
        "updated_at": NOW,
    }
    return EngagementRecord(**(values | fields))


def respondent(number: int, department: str | None, submitted_at: datetime | None = None) -> Respondent:
    status = "submitted" if submitted_at else "in_progress"
    return Respondent(number, department, None, status, NOW, submitted_at)


# --- responses -----------------------------------------------------------------------------------


def test_responses_by_department_counts_started_and_submitted_in_the_offered_order():
    people = [
        respondent(1, "Support", NOW),
        respondent(2, "Legal"),  # a department no longer offered still gets its row, after the others
        respondent(3, "Marketing", NOW),
        respondent(4, "Support"),
        respondent(5, "Marketing", NOW),
        respondent(6, "Marketing", NOW),
        respondent(7, "Marketing", NOW),
        respondent(8, "Support", NOW),
        respondent(9, "Support", NOW),
    ]

    table = teamdata.responses_by_department(engagement_record(), people)

    assert table.to_dict("records") == [
        {"Department": "Marketing", "Started": 4, "Submitted": 4, "Shown to the client": "yes"},
        {"Department": "Support", "Started": 4, "Submitted": 3, "Shown to the client": "yes"},
        {"Department": "Sales", "Started": 0, "Submitted": 0, "Shown to the client": "no (under 3)"},
        {"Department": "Legal", "Started": 1, "Submitted": 0, "Shown to the client": "no (under 3)"},
    ]


def test_responses_by_department_says_which_departments_client_safe_withholds():
    # Marketing 3, Support 3, Sales 2 submitted: Sales alone (2) could be read off as the team minus
    # the others, so the smallest shown department, Marketing (first of the two with 3), goes too.
    people = [respondent(n, "Marketing", NOW) for n in (1, 2, 3)]
    people += [respondent(n, "Support", NOW) for n in (4, 5, 6)]
    people += [respondent(n, "Sales", NOW) for n in (7, 8)]

    table = teamdata.responses_by_department(engagement_record(), people)

    assert list(table["Shown to the client"]) == ["no (would reveal a group under 3)", "yes", "no (under 3)"]
    answers = {n: {"plan": "full"} for n in range(1, 9)}
    safe = team_view(
        answers, ["Marketing"] * 3 + ["Support"] * 3 + ["Sales"] * 2, order=("Marketing", "Support", "Sales")
    )
    assert safe.client_safe().departments.names == ("Support",)  # the same as the client sees


def test_responses_by_department_before_anyone_answered():
    table = teamdata.responses_by_department(engagement_record(departments=("Marketing",)), [])

    assert table.to_dict("records") == [
        {"Department": "Marketing", "Started": 0, "Submitted": 0, "Shown to the client": "no (under 3)"}
    ]


def test_submissions_by_day_gives_the_running_total_per_utc_day():
    submitted = [
        respondent(1, "Marketing", datetime(2026, 3, 3, 0, 1, tzinfo=UTC)),
        respondent(2, "Marketing", datetime(2026, 3, 1, 10, 0, tzinfo=UTC)),
        respondent(3, "Support", datetime(2026, 3, 1, 23, 59, tzinfo=UTC)),
        respondent(4, "Support", datetime(2026, 3, 5, 8, 0, tzinfo=UTC)),
        respondent(5, "Support", datetime(2026, 3, 5, 9, 0, tzinfo=UTC)),
    ]

    days, totals = teamdata.submissions_by_day(submitted)

    assert days == [date(2026, 3, 1), date(2026, 3, 3), date(2026, 3, 5)]  # days without any are left out
    assert totals == [2, 3, 5]
    assert all(type(total) is int for total in totals)


def test_submissions_by_day_of_nobody():
    assert teamdata.submissions_by_day([]) == ([], [])
    assert teamdata.submissions_by_day([respondent(1, "Marketing")]) == ([], [])  # not submitted: no date


# --- team figures --------------------------------------------------------------------------------


def test_dimension_table_rounds_the_team_and_department_figures():
    expected = pd.DataFrame(
        {
            "Dimension": ["Strategy", "Customer care"],
            "Team mean": [2.53, 2.75],
            "Stage": ["Broadcasting", "Broadcasting"],
            "Lowest": [1.0, 1.0],
            "Highest": [5.0, 5.0],
            "Spread (sd)": [1.54, 1.48],
            "Alignment": [0.23, 0.26],
            "Responses": [4, 4],
            "Marketing (n=3)": [2.88, 3.0],
            "Support (n=1)": [1.5, 2.0],
        }
    )

    assert_frame_equal(teamdata.dimension_table(BANK, VIEW), expected, check_dtype=False, check_exact=True)


def test_dimension_table_of_a_team_that_assessed_nothing():
    view = team_view({1: {"notes": "Only a note"}}, ["Marketing"])

    table = teamdata.dimension_table(BANK, view)

    assert list(table["Stage"]) == ["not assessed", "not assessed"]
    assert list(table["Responses"]) == [0, 0]
    assert table["Team mean"].isna().all()
    assert table["Alignment"].isna().all()
    assert list(table.columns)[-2:] == ["Marketing (n=1)", "Support (n=0)"]


@pytest.mark.parametrize(
    ("question_id", "expected"),
    [
        ("plan", {"alignment": "0.29", "mean": "3.00", "sd": "1.41", "na_share": "0%"}),
        ("review", {"alignment": "0.18", "mean": "2.83", "sd": "1.65", "na_share": "25%"}),
        ("channels", {"alignment": "0.26", "mean": "2.75", "sd": "1.48", "na_share": "0%"}),
        ("speed", {"alignment": "0.18", "mean": "3.00", "sd": "1.63", "na_share": "25%"}),
    ],
)
def test_question_row_formats_a_question_for_a_caption(question_id, expected):
    assert teamdata.question_row(VIEW, question_id) == expected


def test_question_row_without_answers_shows_dashes():
    view = team_view({1: {"plan": "full", "review": None}, 2: {"plan": "none", "review": None}}, ["Marketing"] * 2)

    assert teamdata.question_row(view, "plan") == {"alignment": "0.00", "mean": "3.00", "sd": "2.00", "na_share": "0%"}
    assert teamdata.question_row(view, "review") == {"alignment": "–", "mean": "–", "sd": "–", "na_share": "100%"}
    assert teamdata.question_row(view, "speed") == {"alignment": "–", "mean": "–", "sd": "–", "na_share": "–"}


def test_distribution_rows_everyone_then_each_department_with_n_a_last():
    labels, rows, counts = teamdata.distribution_rows(BANK, VIEW, "review")

    assert labels == ["Never", "Yearly", "Monthly", NA_LABEL]
    assert rows == ["Everyone", "Marketing (n=3)", "Support (n=1)"]
    assert counts == [[1, 1, 1, 1], [0, 1, 1, 1], [1, 0, 0, 0]]
    assert all(type(n) is int for row in counts for n in row)


def test_distribution_rows_leave_out_n_a_when_nobody_chose_it():
    assert teamdata.distribution_rows(BANK, VIEW, "plan") == (
        ["No plan", "Some plan", "A full plan"],
        ["Everyone", "Marketing (n=3)", "Support (n=1)"],
        [[1, 2, 1], [1, 1, 1], [0, 1, 0]],
    )
    labels, _, counts = teamdata.distribution_rows(BANK, VIEW, "speed")
    assert labels == ["Days", "Hours", "Minutes", "Seconds", "Instantly", NA_LABEL]
    assert counts == [[1, 0, 1, 0, 1, 1], [1, 0, 1, 0, 1, 0], [0, 0, 0, 0, 0, 1]]


def test_distribution_rows_of_a_multi_question_count_ticks():
    assert teamdata.distribution_rows(BANK, VIEW, "channels") == (
        ["Marketing", "Service", "Sales"],
        ["Everyone", "Marketing (n=3)", "Support (n=1)"],
        [[2, 2, 1], [1, 2, 1], [1, 0, 0]],
    )


def test_question_table_per_question_team_and_department_figures():
    nan = math.nan
    expected = pd.DataFrame(
        {
            "Dimension": ["Strategy", "Strategy", "Customer care", "Customer care"],
            "Question": ["Is there a plan?", "How often is it reviewed?", "Which teams answer?", "How fast?"],
            "Team mean": [3.0, 2.83, 2.75, 3.0],
            "Spread (sd)": [1.41, 1.65, 1.48, 1.63],
            "Alignment": [0.29, 0.18, 0.26, 0.18],
            "N/A share": [0.0, 0.25, 0.0, 0.25],
            "Marketing: mean": [3.0, 3.75, 3.0, 3.0],
            "Marketing: sd": [1.63, 1.25, 1.63, 1.63],
            "Marketing: N/A": [0.0, 0.33, 0.0, 0.0],
            "Support: mean": [3.0, 1.0, 2.0, nan],
            "Support: sd": [0.0, 0.0, 0.0, nan],
            "Support: N/A": [0.0, 0.0, 0.0, 1.0],
        }
    )

    assert_frame_equal(teamdata.question_table(BANK, VIEW), expected, check_exact=True)


def test_team_headline_names_the_stage_and_the_mean():
    assert teamdata.team_headline(BANK, VIEW) == "Team stage 2 of 5: Broadcasting (mean 2.68)"
    assert teamdata.team_weakest_link_note(BANK, VIEW) is None  # the bank averages: no weakest link


def test_team_headline_before_anything_is_assessed():
    view = team_view({1: {"notes": "Only a note"}}, ["Marketing"])

    assert teamdata.team_headline(BANK, view) == "Not enough answers for a team stage yet"
    assert teamdata.team_weakest_link_note(BANK, view) is None


def test_team_weakest_link_note_explains_a_stage_held_down():
    # Strategy 1 (Experimenting), Customer care 5: the average (1 + 2 * 5) / 3 = 3.67 says
    # Coordinating, but a team is only one stage ahead of its weakest area.
    bank = small_bank("weakest_link")
    low_strategy = {"plan": "none", "review": "never", "channels": ["marketing", "service", "sales"], "speed": "5"}
    view = team_view({1: low_strategy, 2: dict(low_strategy)}, ["Marketing", "Support"], bank=bank)

    assert teamdata.team_headline(bank, view) == "Team stage 2 of 5: Broadcasting (mean 3.67)"
    assert teamdata.team_weakest_link_note(bank, view) == (
        "The team's average would say Coordinating; Strategy at Experimenting holds the team at Broadcasting."
    )


def test_values_turns_nan_into_none():
    values = teamdata.values(np.array([1.5, np.nan, 3.0]))

    assert values == [1.5, None, 3.0]
    assert all(type(v) is float for v in values if v is not None)


# --- consensus -----------------------------------------------------------------------------------


def test_consensus_summary_creates_the_consensus_once_and_counts_agreed_questions(store: Store):
    bank_hash = store.put_bank(SMALL_TEXT, "small", "1")
    record, _, dashboard = store.create_engagement(bank_hash, "Acme", "Jo", "", ["Marketing", "Support"])

    empty = teamdata.consensus_summary(store, record, BANK, dashboard)

    assert (empty.agreed, empty.total, empty.result, empty.reasons, empty.answers) == (0, 4, None, {}, {})
    assert empty.token == derive_consensus_token(dashboard, record.id)
    stored = store.assessment(empty.assessment_id)
    assert (stored.kind, stored.engagement_id, stored.context) == ("consensus", record.id, {"organisation": "Acme"})
    assert store.find_link(empty.token).assessment_id == empty.assessment_id
    assert teamdata.consensus_summary(store, record, BANK, dashboard).assessment_id == empty.assessment_id  # once

    store.save_answer(empty.assessment_id, "plan", "full")
    store.save_answer(empty.assessment_id, "review", None)  # agreed: not applicable
    store.save_answer(empty.assessment_id, "channels", ["service"])
    store.save_answer(empty.assessment_id, "notes", "Agreed in the March workshop")  # text: not counted
    store.save_reason(empty.assessment_id, "plan", "Everyone has seen the plan.")

    summary = teamdata.consensus_summary(store, record, BANK, dashboard)

    assert (summary.assessment_id, summary.agreed, summary.total) == (empty.assessment_id, 3, 4)
    assert summary.answers == {
        "plan": "full",
        "review": None,
        "channels": ("service",),  # lists become tuples, as the engine takes them
        "notes": "Agreed in the March workshop",
    }
    assert summary.reasons == {"plan": "Everyone has seen the plan."}
    assert isinstance(summary.result, Result)
    # Strategy: plan alone (review N/A) 5.0; Customer care: channels alone, 1 + 4 * 2 / 4 = 3.0
    assert [d.score for d in summary.result.dimensions] == [5.0, 3.0]
    assert summary.result.score == pytest.approx((5.0 + 2 * 3.0) / 3)


def test_consensus_summary_needs_the_current_dashboard_link(store: Store):
    bank_hash = store.put_bank(SMALL_TEXT, "small", "1")
    record, invite, dashboard = store.create_engagement(bank_hash, "Acme", "Jo", "", ["Marketing"])

    with pytest.raises(PermissionError):
        teamdata.consensus_summary(store, record, BANK, invite)

    new = store.rotate_engagement_link(record.id, "dashboard", dashboard)
    with pytest.raises(PermissionError):
        teamdata.consensus_summary(store, record, BANK, dashboard)
    assert teamdata.consensus_summary(store, record, BANK, new).token == derive_consensus_token(new, record.id)


def test_distribution_rows_leave_out_departments_nobody_answered_from():
    view = team_view(order=("Leadership", "Marketing", "Sales", "Support"))  # offered, two without responses

    assert teamdata.distribution_rows(BANK, view, "plan") == (
        ["No plan", "Some plan", "A full plan"],
        ["Everyone", "Marketing (n=3)", "Support (n=1)"],
        [[1, 2, 1], [1, 1, 1], [0, 1, 0]],
    )
