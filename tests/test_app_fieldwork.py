"""Specification of the fieldwork rules in the app (issue 10), driven through AppTest.

The close reaches an open survey tab at its next action: the write is refused by the store, the
page says so in plain words, keeps every stored answer and shows the stored one again; reopening
lets the respondent go on. An answer a submitted respondent changes reaches the dashboard at once,
with the same figures as the responses CSV. Helpers and fixtures are those of
tests/test_app_engagements.py (its docstring lists the dashboard team).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict

from tests import test_app
from tests.test_app import DEFAULT, click, new_app, progress, run
from tests.test_app_engagements import (
    TEAM_PLAN,
    answers_at,
    dataframe_with,
    new_engagement,
    no_consultant_password,  # noqa: F401  (autouse fixture)
    option_at,
    respond,
)
from threadline.reporting import exports
from threadline.web import session

app_env = test_app.app_env
db = test_app.db

CLOSED = session.CLOSED_NOTICE
FIRST = DEFAULT.dimensions[0].questions[0]  # social-objectives, a choice question


def widget(assessment_id: int, question_id: str, part: str = "") -> str:
    return f"answer:{assessment_id}:{question_id}:{part}"


REFUSED_ANSWER = "Not saved: the survey has closed, so this answer can no longer be changed."


def errors(at) -> list[str]:
    return [e.value for e in at.error]


def open_survey(token: str):
    at = new_app(resume=token)
    at.switch_page("app_pages/survey.py")
    return run(at)


def test_the_close_reaches_an_open_survey_tab_at_its_next_answer(app_env, db):
    record, _, _ = new_engagement(db)
    aid, token = respond(db, record.id, "Marketing", {FIRST.id: "activity"}, submit=False)
    at = open_survey(token)
    assert errors(at) == []
    db.set_engagement_status(record.id, "closed")

    at.radio(key=widget(aid, FIRST.id)).set_value("cascaded")
    run(at)

    assert errors(at) == [CLOSED, REFUSED_ANSWER]  # at the top, and beside the question
    assert db.assessment(aid).answers == {FIRST.id: "activity"}  # nothing given is lost, nothing changed
    assert at.radio(key=widget(aid, FIRST.id)).value == "activity"  # the page shows what is stored
    assert progress(at).endswith("Dimension 1 of 8 · 1 of 39 answered")

    second = DEFAULT.dimensions[0].questions[1]
    at.radio(key=widget(aid, second.id)).set_value(second.option_ids[0])
    run(at)
    assert errors(at) == [CLOSED, REFUSED_ANSWER, REFUSED_ANSWER]
    assert db.assessment(aid).answers == {FIRST.id: "activity"}

    db.set_engagement_status(record.id, "open")
    at.radio(key=widget(aid, second.id)).set_value(second.option_ids[0])
    run(at)
    assert errors(at) == []
    assert db.assessment(aid).answers == {FIRST.id: "activity", second.id: second.option_ids[0]}
    assert progress(at).endswith("Dimension 1 of 8 · 2 of 39 answered")  # the working copy has it too
    at.radio(key=widget(aid, FIRST.id)).set_value("cascaded")
    run(at)
    assert db.assessment(aid).answers == {FIRST.id: "cascaded", second.id: second.option_ids[0]}


def test_a_note_after_the_close_is_refused_and_the_stored_note_comes_back(app_env, db):
    record, _, _ = new_engagement(db)
    aid, token = respond(db, record.id, "Marketing", {FIRST.id: "activity"}, submit=False)
    db.save_note(aid, FIRST.id, "the plan, page 3")
    at = open_survey(token)
    db.update_engagement(record.id, closes_on=session.today().replace(year=2000))

    at.text_input(key=widget(aid, FIRST.id, "note")).input("changed")
    run(at)

    assert errors(at) == [CLOSED, "Not saved: the survey has closed, so this note can no longer be changed."]
    assert db.notes(aid) == {FIRST.id: "the plan, page 3"}
    assert at.text_input(key=widget(aid, FIRST.id, "note")).value == "the plan, page 3"


def test_submitting_after_the_close_is_refused_and_keeps_the_survey_open(app_env, db):
    record, _, _ = new_engagement(db)
    aid, token = respond(db, record.id, "Marketing", answers_at(3), submit=False)
    at = open_survey(token)
    at.session_state["jump"] = 7
    db.set_engagement_status(record.id, "closed")
    at = open_survey(token)  # a survey opened after the close says so at once
    assert errors(at) == [CLOSED]

    (finish,) = [b for b in at.button if b.label == "See my results"]
    finish.click()
    run(at)

    assert db.assessment(aid).status == "in_progress"
    assert errors(at) == [CLOSED]
    assert progress(at).endswith("39 of 39 answered")  # still the survey, every answer kept


def test_an_answer_changed_after_submitting_reaches_the_dashboard_and_the_csv_alike(app_env, db):
    record, _, dashboard = new_engagement(db)
    ids = [
        respond(db, record.id, department, answers_at(base, overrides))[0] for department, base, overrides in TEAM_PLAN
    ]
    board = run(new_app(dashboard=dashboard))
    assert _dashboard_mean(board, "sponsor") == 3.0  # everyone answered 3
    assert _csv_mean(db, record, "sponsor") == 3.0

    db.save_answer(ids[0], "sponsor", option_at("sponsor", 5))  # Marketing 1, already submitted
    board = run(new_app(dashboard=dashboard))  # the same process: the team view's cache is warm

    assert _dashboard_mean(board, "sponsor") == 3.4  # (5 + 3 + 3 + 3 + 3) / 5
    assert _csv_mean(db, record, "sponsor") == 3.4
    assert "1 submitted response was changed after it was submitted; every figure includes the change." in [
        c.value for c in board.caption
    ]


def _dashboard_mean(board, question_id: str) -> float:
    table = dataframe_with(board, "N/A share")
    (row,) = table[table["Question"] == DEFAULT.questions[question_id].text].to_dict("records")
    return float(row["Team mean"])


def _csv_mean(db, record, question_id: str) -> float:
    text = exports.responses_csv(db, record, DEFAULT).decode("utf-8-sig")
    scores: dict[str, list[float]] = defaultdict(list)
    for row in csv.DictReader(io.StringIO(text)):
        if row["status"] == "submitted" and row["score"]:
            scores[row["question_id"]].append(float(row["score"]))
    return round(sum(scores[question_id]) / len(scores[question_id]), 2)


# --- fieldwork: who has not finished, corrections, rounds ----------------------------------------


def _selectbox(at, label: str):
    (found,) = [s for s in at.selectbox if s.label == label]
    return found


def test_the_dashboard_lists_who_has_not_finished_names_only_where_given(app_env, db):
    record, _, dashboard = new_engagement(db)
    respond(db, record.id, "Marketing", answers_at(3))
    ann, _ = db.add_respondent(record.id, "Marketing", "Ann")
    db.save_answer(ann, FIRST.id, "activity")
    db.add_respondent(record.id, "Marketing")
    db.add_respondent(record.id, "Customer service")
    db.add_respondent(record.id, "Customer service", "Bo")

    board = run(new_app(dashboard=dashboard))

    counts = dataframe_with(board, "Anonymous").to_dict("records")
    assert counts == [
        {"Department": "Marketing", "Not submitted": 2, "Named": 1, "Anonymous": 1},
        {"Department": "Customer service", "Not submitted": 2, "Named": 1, "Anonymous": 1},
    ]
    named = dataframe_with(board, "Last answer")
    assert [(r["Name"], r["Department"]) for r in named.to_dict("records")] == [
        ("Ann", "Marketing"),
        ("Bo", "Customer service"),
    ]
    assert named["Last answer"].iloc[1] == "none yet"
    assert _selectbox(board, "Response").options == [
        "#1 · Marketing · anonymous · submitted",
        "#2 · Marketing · Ann · not submitted",
        "#3 · Marketing · anonymous · not submitted",
        "#4 · Customer service · anonymous · not submitted",
        "#5 · Customer service · Bo · not submitted",
    ]


def test_moving_a_respondent_to_another_department_from_the_dashboard(app_env, db):
    record, _, dashboard = new_engagement(db, departments=["Marketing", "Customer service"])
    first, _ = respond(db, record.id, "Marketing", answers_at(3))
    second, _ = respond(db, record.id, "Marketing", answers_at(2))
    board = run(new_app(dashboard=dashboard))

    _selectbox(board, "Response").set_value(second)
    run(board)
    assert _selectbox(board, "Move it to").options == ["Customer service"]
    _selectbox(board, "Move it to").set_value("Customer service")
    run(board)
    click(board, "Move")

    assert [r.department for r in db.respondents(record.id)] == ["Marketing", "Customer service"]
    assert "Response #2 is now in Customer service." in [s.value for s in board.success]
    assert first  # the other response stays where it was


def test_deleting_a_test_response_asks_first(app_env, db):
    record, _, dashboard = new_engagement(db)
    keep, _ = respond(db, record.id, "Marketing", answers_at(3))
    test_response, _ = respond(db, record.id, "Marketing", answers_at(1), submit=False)
    board = run(new_app(dashboard=dashboard))
    _selectbox(board, "Response").set_value(test_response)
    run(board)

    click(board, "Delete this response…")
    assert "Delete response #2 · Marketing · anonymous · not submitted for good, with its answers and notes? " in (
        " ".join(w.value for w in board.warning)
    )
    click(board, "Keep it")
    assert len(db.respondents(record.id)) == 2

    _selectbox(board, "Response").set_value(test_response)
    run(board)
    click(board, "Delete this response…")
    click(board, "Yes, delete this response")
    assert [r.assessment_id for r in db.respondents(record.id)] == [keep]
    assert "Response #2 · Marketing · anonymous · not submitted was deleted." in [s.value for s in board.success]


def test_a_new_round_gets_a_closing_date_and_closes_the_last(app_env, db):
    record, _, dashboard = new_engagement(db)
    board = run(new_app(dashboard=dashboard))
    closes = session.today() + dt.timedelta(days=20)
    (closing,) = [d for d in board.date_input if d.label == "Closing date of the new round (optional)"]
    closing.set_value(closes)
    assert board.checkbox(key="close-latest-round").value is True
    click(board, "Start round 2")

    first, second = db.series(record.series_id)
    assert (first.status, first.closes_on) == ("closed", None)
    assert (second.round, second.status, second.closes_on) == (2, "open", closes)


def test_a_new_round_may_leave_the_last_open(app_env, db):
    record, _, dashboard = new_engagement(db)
    board = run(new_app(dashboard=dashboard))
    board.checkbox(key="close-latest-round").uncheck()
    click(board, "Start round 2")
    assert [r.status for r in db.series(record.series_id)] == ["open", "open"]
