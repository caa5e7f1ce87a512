"""Specification of the consultant engagement pages, driven headless through streamlit.testing (AppTest).

Creation (/consultant), the password gate, the invite flow (join, survey, a respondent's results
with the shared team section), closed engagements, the separation of invite and dashboard links,
the dashboard (responses, team radar, small groups, disagreement, perception gap) and the
workshop with its consensus share link. The fixtures and helpers are those of tests/test_app.py
(its docstring lists the AppTest facts relied on); answers are written through the store where
the page under test is not the survey.

The dashboard team: every scored question of the default bank answered at one score per
respondent (multi questions by ticking options worth that score), with three exceptions:

| respondent         | base | crisis-plan | triage | sponsor |
|--------------------|------|-------------|--------|---------|
| Marketing 1        | 4    | 5           | 5      | 3       |
| Marketing 2        | 4    | 5           | 4      | 3       |
| Marketing 3        | 4    | 5           | 3      | 3       |
| Customer service 1 | 2    | 1           | 2      | 3       |
| Customer service 2 | 2    | 1           | 1      | 3       |

So every dimension scores 4 for Marketing and 2 for Customer service (Governance too: its five
questions average (3 + 5 + 3 * 4) / 5 = 4 and (3 + 1 + 3 * 2) / 5 = 2), except Social customer
care, where triage moves the five scores to 4.2, 4.0, 3.8, 2.0, 1.8 (means 4.0 and 1.9, team
3.16). The team mean is 3.2 elsewhere; overall (3.2 * 7.5 + 3.16 * 1.5) / 9 = 3.19, Coordinating.
Alignment: crisis-plan (5, 5, 5, 1, 1: sd 1.96, 0.02) is the most disputed, then triage
(5, 4, 3, 2, 1: sd 1.41, 0.29), then the 4/2 questions (0.51), and sponsor (all 3: 1.0) last.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import re

import pytest
import sqlalchemy as sa
import streamlit as st
from streamlit.testing.v1 import AppTest

from scoring.batch import encode
from scoring.team import team_view
from tests import test_app
from tests.test_app import (
    DEFAULT,
    DEFAULT_TEXT,
    TITLES,
    all_text,
    buttons,
    charts,
    click,
    new_app,
    progress,
    run,
    stage,
)
from threadline.reporting import teamdata
from threadline.reporting.charts import axis_label
from threadline.storage import EngagementRecord, Store
from threadline.storage.schema import assessments, engagements
from threadline.throttle import Failures, Limits, overall_limits
from threadline.web import guard, session, ui
from threadline.web.context import ROLES

app_env = test_app.app_env  # the fixtures of tests/test_app.py: a fresh database per test
db = test_app.db

CLIENT = "Acme Ltd"
SMALL_LABEL = ", not shown to client"
CLOSED_TEXT = "This assessment is closed: it no longer takes new responses. Thank you for your interest."
TEAM_PLAN = [
    ("Marketing", 4, {"crisis-plan": 5, "triage": 5, "sponsor": 3}),
    ("Marketing", 4, {"crisis-plan": 5, "triage": 4, "sponsor": 3}),
    ("Marketing", 4, {"crisis-plan": 5, "triage": 3, "sponsor": 3}),
    ("Customer service", 2, {"crisis-plan": 1, "triage": 2, "sponsor": 3}),
    ("Customer service", 2, {"crisis-plan": 1, "triage": 1, "sponsor": 3}),
]
CARE = TITLES.index("Social customer care")


@pytest.fixture(autouse=True)
def no_consultant_password(monkeypatch):
    """No consultant password unless a test sets one (app_env leaves this variable alone)."""
    monkeypatch.delenv("CONSULTANT_PASSWORD", raising=False)


# --- helpers -------------------------------------------------------------------------------------


def option_at(question_id: str, wanted: float):
    """The answer to a scored question of the default bank that scores `wanted` (1 to 5)."""
    question = DEFAULT.questions[question_id]
    if question.type == "choice":
        return next(option for option, value in DEFAULT.option_scores[question_id].items() if value == wanted)
    points = DEFAULT.option_points[question_id]
    target = (wanted - 1) / (DEFAULT.level_count - 1) * sum(points.values())
    for size in range(len(points) + 1):
        for ticked in itertools.combinations(points, size):
            if abs(sum(points[o] for o in ticked) - target) < 1e-9:
                return list(ticked)
    raise ValueError(f"no options of {question_id} score {wanted}")


def answers_at(base: float, overrides: dict[str, float] | None = None) -> dict:
    """Every scored question of the default bank answered at `base`, some at their own score."""
    chosen = overrides or {}
    return {q.id: option_at(q.id, chosen.get(q.id, base)) for q in DEFAULT.questions.values() if q.is_scored}


def new_engagement(db: Store, departments=ROLES, **options) -> tuple[EngagementRecord, str, str]:
    bank_hash = db.put_bank(DEFAULT_TEXT, DEFAULT.id, DEFAULT.version)
    return db.create_engagement(bank_hash, CLIENT, "Jo Adviser", "Adviser & Co", list(departments), **options)


def respond(db: Store, engagement_id: int, department: str, answers: dict, *, submit: bool = True) -> tuple[int, str]:
    """A respondent who joined and answered on an earlier visit; returns the id and private token."""
    assessment_id, token = db.add_respondent(engagement_id, department)
    for question_id, value in answers.items():
        db.save_answer(assessment_id, question_id, value)
    if submit:
        db.submit(assessment_id)
    return assessment_id, token


def team_engagement(db: Store) -> tuple[EngagementRecord, str, str]:
    """The engagement of the module docstring: default departments, five submitted respondents."""
    record, invite, dashboard = new_engagement(db)
    for department, base, overrides in TEAM_PLAN:
        respond(db, record.id, department, answers_at(base, overrides))
    return record, invite, dashboard


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def consultant_page() -> AppTest:
    at = new_app()
    at.switch_page("app_pages/consultant.py")
    return run(at)


def engagement_count(db: Store) -> int:
    with db.engine.connect() as conn:
        return conn.scalar(sa.select(sa.func.count()).select_from(engagements))


def text_input(at: AppTest, label: str):
    (found,) = [t for t in at.text_input if t.label == label]
    return found


def traces(chart: dict) -> list[str]:
    return [trace.get("name") for trace in chart["data"]]


def chart_with(at: AppTest, name: str) -> dict:
    """The one chart with a trace called `name`."""
    (found,) = [chart for chart in charts(at) if name in traces(chart)]
    return found


def trace(chart: dict, name: str) -> dict:
    (found,) = [t for t in chart["data"] if t.get("name") == name]
    return found


def closed_spokes(values: list[float]) -> list:
    """A radar trace's values: one per dimension, the first repeated to close the line."""
    return pytest.approx([*values, values[0]])


def dataframe_with(at: AppTest, column: str):
    (found,) = [frame.value for frame in at.dataframe if column in frame.value.columns]
    return found


def join(at: AppTest, department: str, name: str = "") -> str:
    """Choose a department on the join page (and a name), start, and return the private token."""
    (choice,) = [s for s in at.selectbox if s.label == "Your department"]
    choice.set_value(department)
    text_input(at, "Your name (optional: leave it empty to stay anonymous)").input(name)
    click(at, "Start the survey")
    return at.query_params["resume"]


def small_group_warnings(at: AppTest) -> list[str]:
    """The dashboard's warnings but the one above the exports with names (always there)."""
    return [w.value for w in at.warning if w.value != teamdata.FULL_EXPORT_WARNING]


def link_code(at: AppTest, param: str) -> str:
    (found,) = [code.value for code in at.code if f"?{param}=" in code.value]
    return found.split(f"?{param}=")[1]


# --- creating an engagement ----------------------------------------------------------------------


def test_creating_an_engagement_shows_an_invite_and_a_dashboard_link(app_env, db):
    at = consultant_page()

    assert titles(at) == ["Run an assessment with a client team"]
    assert not [t for t in at.text_input if t.label == "Consultant password"]  # no password set: no gate
    (departments,) = at.multiselect
    assert departments.value == list(ROLES)  # the start page's roles by default
    text_input(at, "Client name").input("  Acme Ltd  ")
    text_input(at, "Your name").input("Jo Adviser")
    text_input(at, "Header text for the report").input("Adviser & Co")
    departments.set_value(["Marketing", "Customer service"])
    closes = session.today() + dt.timedelta(days=30)
    at.date_input[0].set_value(closes)
    click(at, "Create the engagement")

    assert not at.error
    assert [s.value for s in at.success] == ["The engagement is ready."]
    (invite_url, dashboard_url) = [code.value for code in at.code]
    assert invite_url.startswith("http://localhost:8501/?invite=")
    assert dashboard_url.startswith("http://localhost:8501/?dashboard=")
    invite, dashboard = link_code(at, "invite"), link_code(at, "dashboard")
    assert invite != dashboard
    invite_link, dashboard_link = db.find_engagement_link(invite), db.find_engagement_link(dashboard)
    assert (invite_link.kind, invite_link.revoked) == ("invite", False)
    assert (dashboard_link.kind, dashboard_link.revoked) == ("dashboard", False)
    assert invite_link.engagement_id == dashboard_link.engagement_id
    assert db.find_link(invite) is None  # neither is an assessment link
    assert db.find_link(dashboard) is None

    record = db.engagement(invite_link.engagement_id)
    assert (record.client, record.consultant, record.logo_text) == ("Acme Ltd", "Jo Adviser", "Adviser & Co")
    assert record.departments == ("Marketing", "Customer service")
    assert record.closes_on == closes
    assert (record.status, record.share_team, record.round) == ("open", False, 1)
    assert db.bank_content(record.bank_hash) == DEFAULT_TEXT
    assert engagement_count(db) == 1

    click(at, "Open the dashboard")
    assert at.query_params == {"dashboard": dashboard}
    assert titles(at) == ["Acme Ltd"]
    assert "No responses yet. Send the invite link above to the client's people." in [i.value for i in at.info]
    assert link_code(at, "invite") == invite


def test_create_another_engagement_shows_an_empty_form_again(app_env, db):
    at = consultant_page()
    text_input(at, "Client name").input("Acme Ltd")
    click(at, "Create the engagement")
    click(at, "Create another engagement")

    assert buttons(at, "Create the engagement")
    assert not at.code
    assert engagement_count(db) == 1


@pytest.mark.parametrize("client", ["", "   "])
def test_an_engagement_needs_a_client_name(app_env, db, client):
    at = consultant_page()
    text_input(at, "Client name").input(client)
    click(at, "Create the engagement")

    assert [e.value for e in at.error] == ["Give the client's name."]
    assert not at.success
    assert buttons(at, "Create the engagement")  # the form is still there
    assert engagement_count(db) == 0


def test_an_engagement_needs_a_department(app_env, db):
    at = consultant_page()
    text_input(at, "Client name").input("Acme Ltd")
    at.multiselect[0].set_value([])
    click(at, "Create the engagement")

    assert [e.value for e in at.error] == ["Offer at least one department."]
    assert not at.success
    assert engagement_count(db) == 0


# --- the consultant password ---------------------------------------------------------------------


def test_the_consultant_password_hides_the_form_until_it_is_given(app_env, db, monkeypatch):
    monkeypatch.setenv("CONSULTANT_PASSWORD", "correct horse")
    at = consultant_page()

    assert [t.label for t in at.text_input] == ["Consultant password"]
    assert [b.label for b in at.button] == ["Continue"]
    assert not at.multiselect
    assert not buttons(at, "Create the engagement")

    for wrong in ("", "correct", "correct horse ", "Correct horse"):
        text_input(at, "Consultant password").input(wrong)
        click(at, "Continue")
        assert [e.value for e in at.error] == ["That password is not right."]
        assert [t.label for t in at.text_input] == ["Consultant password"]
        assert not buttons(at, "Create the engagement")
    assert engagement_count(db) == 0

    text_input(at, "Consultant password").input("correct horse")
    click(at, "Continue")
    assert not at.error
    assert not [t for t in at.text_input if t.label == "Consultant password"]
    assert buttons(at, "Create the engagement")

    # remembered for this browser session: the form works on the next runs
    text_input(at, "Client name").input("Acme Ltd")
    click(at, "Create the engagement")
    assert [s.value for s in at.success] == ["The engagement is ready."]
    assert engagement_count(db) == 1

    # another browser session asks again
    assert [t.label for t in consultant_page().text_input] == ["Consultant password"]


def test_the_consultant_password_may_come_from_streamlit_secrets(app_env, db):
    at = new_app()
    at.secrets["CONSULTANT_PASSWORD"] = "from secrets"
    at.switch_page("app_pages/consultant.py")
    run(at)
    assert [t.label for t in at.text_input] == ["Consultant password"]

    text_input(at, "Consultant password").input("wrong")
    click(at, "Continue")
    assert [e.value for e in at.error] == ["That password is not right."]

    text_input(at, "Consultant password").input("from secrets")
    click(at, "Continue")
    assert buttons(at, "Create the engagement")
    assert engagement_count(db) == 0


def test_fifty_wrong_passwords_in_a_minute_lock_out_that_address_only(app_env, db, monkeypatch, caplog):
    monkeypatch.setenv("CONSULTANT_PASSWORD", "correct horse")
    monkeypatch.setenv("THREADLINE_THROTTLE_MAX_DELAY_SECONDS", "0")  # no waits: the 10th failure locks at once
    address = {"now": "198.51.100.7"}
    monkeypatch.setattr(guard, "client_address", lambda: address["now"])
    caplog.set_level(logging.INFO, logger="threadline.guard")
    at = consultant_page()

    shown = []
    for guess in range(1, 51):
        text_input(at, "Consultant password").input("correct horse" if guess == 50 else f"guess {guess}")
        click(at, "Continue")
        shown.append(at.error[0].value)
        assert not buttons(at, "Create the engagement")
    locked = "Too many wrong passwords: the password is not checked for 15 minutes. Try again later."
    assert shown == ["That password is not right."] * 10 + [locked] * 40  # the 50th is right, and refused

    address["now"] = "203.0.113.9"  # the consultant, from another address
    other = consultant_page()
    text_input(other, "Consultant password").input("correct horse")
    click(other, "Continue")
    assert not other.error
    assert buttons(other, "Create the engagement")

    assert db.guess_failures(guard.CONSULTANT_PASSWORD, "198.51.100.7").count == 10
    assert db.guess_failures(guard.CONSULTANT_PASSWORD, "203.0.113.9") == Failures()
    messages = [record.getMessage() for record in caplog.records if record.name == "threadline.guard"]
    assert messages[0] == (
        "consultant-password: wrong guess from 198.51.100.7 (1 failures from this address, 1 overall)"
    )
    assert messages[9:12] == [
        "consultant-password: wrong guess from 198.51.100.7 (10 failures from this address, 10 overall)",
        "consultant-password: locked out after 10 failures from 198.51.100.7 (10 overall) for 900 s",
        "consultant-password: attempt from 198.51.100.7 refused unchecked (locked out, 900 s to go; "
        "10 failures from this address, 10 overall)",
    ]
    assert messages[-1] == "consultant-password: right from 203.0.113.9"
    assert len(messages) == 10 + 1 + 40 + 1
    assert [r.levelname for r in caplog.records if "wrong guess" in r.getMessage()] == ["WARNING"] * 10
    logged = caplog.text
    assert "correct horse" not in logged and "guess 1" not in logged


def test_the_consultant_password_waits_after_five_quick_failures(app_env, db, monkeypatch):
    monkeypatch.setenv("CONSULTANT_PASSWORD", "correct horse")
    monkeypatch.setattr(guard, "client_address", lambda: "198.51.100.7")
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=0.4)  # the wait is 1.4 s less the time the page takes
    for _ in range(5):  # five failures, as if from another browser session
        db.begin_attempt(guard.CONSULTANT_PASSWORD, "198.51.100.7", Limits(), overall_limits(Limits(), 100), now=soon)
    at = consultant_page()
    text_input(at, "Consultant password").input("correct horse")
    click(at, "Continue")
    assert [e.value for e in at.error] == ["Too many wrong passwords: wait 1 second before trying again."]
    assert not buttons(at, "Create the engagement")


def test_names_with_bidi_controls_stored_earlier_show_clean_and_keep_the_legend_count_in_place(app_env, db):
    record, _, dashboard = team_engagement(db)
    with db.engine.begin() as conn:  # as an older Threadline stored them
        departments = ["Marketing\u202e" if name == "Marketing" else name for name in ROLES]
        conn.execute(
            engagements.update()
            .where(engagements.c.id == record.id)
            .values(client="\u202edtL evil.exe", departments=departments)
        )
        conn.execute(
            assessments.update().where(assessments.c.department == "Marketing").values(department="Marketing\u202e")
        )
    board = run(new_app(dashboard=dashboard))

    assert titles(board) == ["dtL evil\\.exe"]  # markdown-escaped by ui.plain; shown as "dtL evil.exe"
    radar = chart_with(board, "Team mean")
    assert traces(radar)[3:] == ["Marketing (n=3, not shown to client)", "Customer service (n=2, not shown to client)"]
    assert not [name for chart in charts(board) for name in traces(chart) if name and "\u202e" in name]


# --- the invite flow -----------------------------------------------------------------------------


def test_an_invite_link_shows_the_client_and_starting_creates_an_anonymous_respondent(app_env, db):
    record, invite, _ = new_engagement(db, departments=["Marketing", "Customer service"])

    at = run(new_app(invite=invite))  # the start page forwards to the join page

    assert at.query_params == {"invite": invite}
    assert titles(at) == ["Acme Ltd"]
    assert [s.value for s in at.subheader] == [DEFAULT.title]
    assert "Adviser & Co" in [c.value for c in at.caption]
    assert "You are invited by Jo Adviser to give your view of how Acme Ltd uses social media." in all_text(at)
    (department,) = at.selectbox
    assert department.label == "Your department"
    assert department.options == ["Marketing", "Customer service"]
    assert department.value is None

    # no department chosen: nothing starts
    click(at, "Start the survey")
    assert [e.value for e in at.error] == ["Choose your department first."]
    assert db.respondents(record.id) == []

    token = join(at, "Customer service")

    (respondent,) = db.respondents(record.id)
    assert respondent.department == "Customer service"
    assert respondent.respondent is None  # anonymous
    assert respondent.status == "in_progress"
    stored = db.assessment(respondent.assessment_id)
    assert (stored.kind, stored.engagement_id, stored.department) == ("respondent", record.id, "Customer service")
    assert stored.bank_hash == record.bank_hash
    assert db.find_link(token).assessment_id == respondent.assessment_id
    # the survey is open, as for a self-assessment
    assert progress(at).endswith("Dimension 1 of 8 · 0 of 39 answered")
    assert [s.value for s in at.success] == ["Your assessment has started. Every answer is saved as you give it."]
    assert any(f"?resume={token}" in code.value for code in at.code)


def test_a_respondent_may_give_a_name(app_env, db):
    record, invite, _ = new_engagement(db)
    at = run(new_app(invite=invite))

    join(at, "Marketing", name="  Sam Lee  ")

    (respondent,) = db.respondents(record.id)
    assert (respondent.department, respondent.respondent) == ("Marketing", "Sam Lee")


def test_respondents_see_the_team_only_when_shared_and_never_a_small_department(app_env, db):
    record, invite, dashboard = new_engagement(db, departments=["Marketing", "Customer service", "HR"])
    joining = run(new_app(invite=invite))
    token = join(joining, "Marketing")
    me = db.find_link(token).assessment_id
    for question_id, value in answers_at(4).items():  # the survey, answered on another visit
        db.save_answer(me, question_id, value)
    db.submit(me)
    respond(db, record.id, "Marketing", answers_at(4))
    respond(db, record.id, "Marketing", answers_at(5))
    respond(db, record.id, "Customer service", answers_at(2))  # 1 respondent
    respond(db, record.id, "HR", answers_at(1))  # 2 respondents: 3 withheld in all
    respond(db, record.id, "HR", answers_at(1))

    results = run(new_app(resume=token))
    assert stage(results) == "Stage 4 of 5: Integrating"
    assert "Your team" not in [s.value for s in results.subheader]
    assert traces(charts(results)[0]) == ["Your score", "Target"]
    assert not [chart for chart in charts(results) if "Team mean" in traces(chart)]

    # the consultant turns sharing on, on the dashboard
    board = run(new_app(dashboard=dashboard))
    (share,) = [t for t in board.toggle if t.label.startswith("Respondents see")]
    assert share.label == "Respondents see the team results (departments under 3 responses are left out)"
    assert share.value is False
    share.set_value(True)
    run(board)
    assert db.engagement(record.id).share_team is True
    assert next(t for t in board.toggle if t.label.startswith("Respondents see")).value is True

    run(results)
    assert "Your team" in [s.value for s in results.subheader]
    # six respondents: 4, 4, 5 (Marketing), 2, 1, 1 in every dimension
    assert "Team stage 3 of 5: Coordinating (mean 2.83)" in [m.value for m in results.markdown]
    team = chart_with(results, "You")
    assert traces(team) == ["Team mean", "You", "Marketing (n=3)"]  # Customer service (1) and HR (2) left out
    assert trace(team, "Team mean")["r"] == closed_spokes([17 / 6] * 8)
    assert trace(team, "You")["r"] == closed_spokes([4.0] * 8)
    assert trace(team, "Marketing (n=3)")["r"] == closed_spokes([13 / 3] * 8)
    note = (
        "Customer service (1) is not shown: fewer than 3 responses. HR (2) is not shown: fewer than 3 responses. "
        "A department is shown on its own from 3 responses, and only when showing it cannot reveal a smaller "
        "group's answers; the team figures include everyone."
    )
    assert ui.plain(note) in [c.value for c in results.caption]
    shown = all_text(results)
    assert "Customer service (n=" not in shown
    assert "HR (n=" not in shown

    # and off again
    db.set_share_team(record.id, False)
    run(results)
    assert "Your team" not in [s.value for s in results.subheader]


def test_a_department_that_would_reveal_a_small_group_by_subtraction_is_left_out_too(app_env, db):
    record, _, _ = team_engagement(db)  # 3 Marketing, 2 Customer service
    db.set_share_team(record.id, True)
    _, token = respond(db, record.id, "Marketing", answers_at(4))  # a fourth from Marketing, but still 2 withheld

    results = run(new_app(resume=token))
    team = chart_with(results, "You")
    assert traces(team) == ["Team mean", "You"]  # the team minus Marketing would be Customer service's answers
    # 4.0 * 4 + 2.0 * 2 = 20 / 6 in every dimension but customer care: (4.2 + 4 + 3.8 + 4 + 2 + 1.8) / 6
    assert trace(team, "Team mean")["r"] == closed_spokes(
        [10 / 3 if k != CARE else 19.8 / 6 for k in range(len(TITLES))]
    )
    assert "Customer service (n=" not in all_text(results)
    # the caption says why a department of four is not shown, not "fewer than 3"
    why = (
        "Marketing (4) is not shown: with Customer service (2) withheld, showing it would let Customer "
        "service's answers be worked out from the team's."
    )
    assert any(c.value.startswith(ui.plain(why)) for c in results.caption)


def test_a_respondent_results_page_of_an_unshared_engagement_has_no_team_section(app_env, db):
    record, _, _ = team_engagement(db)
    _, token = respond(db, record.id, "Marketing", answers_at(4))

    results = run(new_app(resume=token))

    assert "Your team" not in [s.value for s in results.subheader]
    assert len(charts(results)) == 2  # the radar and the gaps, nothing about the team


# --- closed engagements --------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["closed", "past closing date"])
def test_a_closed_engagement_says_so_and_offers_no_start(app_env, db, how):
    if how == "closed":
        record, invite, _ = new_engagement(db)
        db.set_engagement_status(record.id, "closed")
    else:
        record, invite, _ = new_engagement(db, closes_on=session.today() - dt.timedelta(days=1))

    at = run(new_app(invite=invite))

    assert titles(at) == ["Acme Ltd"]
    assert [i.value for i in at.info] == [CLOSED_TEXT]
    assert not at.button
    assert not at.selectbox
    assert not at.text_input
    assert db.respondents(record.id) == []


def test_an_engagement_takes_responses_on_its_closing_date(app_env, db):
    record, invite, _ = new_engagement(db, closes_on=session.today())

    at = run(new_app(invite=invite))

    assert not at.info
    join(at, "HR")
    assert len(db.respondents(record.id)) == 1


def test_the_dashboard_closes_and_reopens_the_engagement(app_env, db):
    record, invite, dashboard = new_engagement(db)
    board = run(new_app(dashboard=dashboard))
    assert " · round 1 · open · consultant Jo Adviser" in all_text(board)
    assert not buttons(board, "Reopen for responses")

    click(board, "Close to new responses")

    assert db.engagement(record.id).status == "closed"
    assert " · round 1 · closed to new responses · consultant Jo Adviser" in all_text(board)
    assert buttons(board, "Reopen for responses")
    assert not buttons(board, "Close to new responses")
    joining = run(new_app(invite=invite))
    assert [i.value for i in joining.info] == [CLOSED_TEXT]
    assert not buttons(joining, "Start the survey")

    click(board, "Reopen for responses")

    assert db.engagement(record.id).status == "open"
    assert buttons(board, "Close to new responses")
    assert buttons(run(new_app(invite=invite)), "Start the survey")


def test_a_past_closing_date_shows_as_closed_on_the_dashboard(app_env, db):
    yesterday = session.today() - dt.timedelta(days=1)
    _, _, dashboard = new_engagement(db, closes_on=yesterday)

    board = run(new_app(dashboard=dashboard))

    assert f" · round 1 · closed to new responses · closes {yesterday:%d %b %Y}" in all_text(board)


# --- link separation -----------------------------------------------------------------------------


@pytest.mark.parametrize("given_as", ["dashboard", "invite"])
def test_an_engagement_token_opens_nothing_under_the_other_parameter(app_env, db, given_as):
    record, invite, dashboard = new_engagement(db)
    token = invite if given_as == "dashboard" else dashboard

    at = run(new_app(**{given_as: token}))

    assert titles(at) == ["This link doesn't open anything"]
    assert [b.label for b in at.button] == ["Start a new assessment"]
    assert not at.code  # never the other link
    assert CLIENT not in all_text(at)
    assert db.respondents(record.id) == []


@pytest.mark.parametrize("token_kind", ["invite", "dashboard"])
def test_engagement_tokens_open_no_assessment(app_env, db, token_kind):
    _, invite, dashboard = new_engagement(db)
    token = invite if token_kind == "invite" else dashboard

    for param in ("resume", "view"):
        assert titles(run(new_app(**{param: token}))) == ["This link doesn't open anything"]


def test_the_workshop_opens_only_with_the_dashboard_link(app_env, db):
    _, invite, dashboard = new_engagement(db)

    at = new_app(dashboard=invite)
    at.switch_page("app_pages/workshop.py")
    run(at)
    assert titles(at) == ["This link doesn't open anything"]

    at = new_app(dashboard=dashboard)
    at.switch_page("app_pages/workshop.py")
    run(at)
    assert titles(at) == ["Workshop: Acme Ltd"]


def test_a_replaced_invite_link_says_so(app_env, db):
    record, old, dashboard = new_engagement(db)
    board = run(new_app(dashboard=dashboard))
    assert link_code(board, "invite") == old

    click(board, "Replace the invite link")

    new = link_code(board, "invite")
    assert new != old
    assert db.find_engagement_link(new).kind == "invite"
    replaced = run(new_app(invite=old))
    assert titles(replaced) == ["This invite link was replaced"]
    assert "The consultant has issued a new invite link. Please ask them for it." in all_text(replaced)
    assert not replaced.button
    assert titles(run(new_app(invite=new))) == ["Acme Ltd"]
    assert db.respondents(record.id) == []


def test_a_replaced_dashboard_link_says_so(app_env, db):
    _, invite, old = new_engagement(db)
    board = run(new_app(dashboard=old))

    click(board, "Replace this dashboard link (links already sent keep working)")

    new = board.query_params["dashboard"]
    assert new != old
    assert titles(board) == ["Acme Ltd"]  # the consultant is on the new link
    assert db.find_engagement_link(new).kind == "dashboard"
    replaced = run(new_app(dashboard=old))
    assert titles(replaced) == ["This dashboard link was replaced"]
    assert "A newer dashboard link exists for this engagement. Use that one." in all_text(replaced)
    assert not replaced.code
    assert not replaced.button
    # the invite link already sent keeps working
    assert buttons(run(new_app(invite=invite)), "Start the survey")


# --- the dashboard -------------------------------------------------------------------------------


def test_the_dashboard_before_any_response(app_env, db):
    _, _, dashboard = new_engagement(db)

    board = run(new_app(dashboard=dashboard))

    assert [(m.label, m.value) for m in board.metric] == [
        ("Started", "0"),
        ("Submitted", "0"),
        ("Departments", "0"),
        ("Questions agreed", "0 of 39"),
    ]
    assert [i.value for i in board.info] == [
        "No responses yet. Send the invite link above to the client's people.",
        "The team picture appears once a response is submitted.",
        "Disagreement appears once a response is submitted.",
        "The question table appears once a response is submitted.",
    ]
    assert small_group_warnings(board) == []


def test_the_dashboard_shows_responses_the_team_and_small_groups(app_env, db):
    record, _, dashboard = team_engagement(db)
    respond(db, record.id, "HR", answers_at(3), submit=False)  # started, not submitted

    board = run(new_app(dashboard=dashboard))

    assert titles(board) == ["Acme Ltd"]
    metrics = {m.label: m.value for m in board.metric}
    assert (metrics["Started"], metrics["Submitted"], metrics["Departments"]) == ("6", "5", "2")

    responses = dataframe_with(board, "Shown to the client")
    assert responses.to_dict("records") == [
        {"Department": "Leadership", "Started": 0, "Submitted": 0, "Shown to the client": "no (under 3)"},
        # three, but the team minus Marketing would be Customer service's two: withheld too (client_safe)
        {
            "Department": "Marketing",
            "Started": 3,
            "Submitted": 3,
            "Shown to the client": "no (would reveal a group under 3)",
        },
        {"Department": "Customer service", "Started": 2, "Submitted": 2, "Shown to the client": "no (under 3)"},
        {"Department": "PR / communications", "Started": 0, "Submitted": 0, "Shown to the client": "no (under 3)"},
        {"Department": "Sales / e-commerce", "Started": 0, "Submitted": 0, "Shown to the client": "no (under 3)"},
        {"Department": "HR", "Started": 1, "Submitted": 0, "Shown to the client": "no (under 3)"},
        {"Department": "Other", "Started": 0, "Submitted": 0, "Shown to the client": "no (under 3)"},
    ]
    over_time = chart_with(board, "Submitted")
    assert over_time["data"][0]["y"] == [5]

    assert "Team stage 3 of 5: Coordinating (mean 3.19)" in [s.value for s in board.subheader]
    team_mean = [3.2 if k != CARE else 3.16 for k in range(len(TITLES))]
    radar = chart_with(board, "Team mean")
    small = f"Customer service (n=2{SMALL_LABEL})"
    # Marketing has 3, but showing it would reveal Customer service's 2 by subtraction from the team
    marketing = "Marketing (n=3, not shown to client)"
    # the band, the team, and one trace per department with responses
    assert traces(radar) == ["Highest answer", "Lowest answer", "Team mean", marketing, small]
    assert trace(radar, "Team mean")["r"] == closed_spokes(team_mean)
    assert trace(radar, "Team mean")["theta"] == [axis_label(t) for t in [*TITLES, TITLES[0]]]
    assert trace(radar, marketing)["r"] == closed_spokes([4.0] * 8)
    assert trace(radar, small)["r"] == closed_spokes([2.0 if k != CARE else 1.9 for k in range(len(TITLES))])
    assert trace(radar, "Highest answer")["r"] == closed_spokes([4.0 if k != CARE else 4.2 for k in range(8)])
    assert trace(radar, "Lowest answer")["r"] == closed_spokes([2.0 if k != CARE else 1.8 for k in range(8)])
    assert small_group_warnings(board) == [
        "Departments marked 'not shown to client' have fewer than 3 submitted responses, or showing them "
        "would let a group under 3 be worked out from the team total. They appear here only; "
        "the client's team results and reports leave them out."
    ]

    scores = dataframe_with(board, "Lowest")  # the team scores as a table
    assert list(scores["Dimension"]) == TITLES
    assert list(scores["Team mean"]) == team_mean
    assert list(scores["Marketing (n=3)"]) == [4.0] * 8
    assert list(scores["Customer service (n=2)"]) == [2.0 if k != CARE else 1.9 for k in range(8)]


def test_no_small_group_warning_when_every_answering_department_has_three(app_env, db):
    record, _, dashboard = new_engagement(db)  # the default departments, most with nobody
    for _ in range(3):
        respond(db, record.id, "Marketing", answers_at(4))
        respond(db, record.id, "Customer service", answers_at(2))

    board = run(new_app(dashboard=dashboard))

    shown = dataframe_with(board, "Shown to the client").set_index("Department")["Shown to the client"]
    assert (shown["Marketing"], shown["Customer service"], shown["Leadership"]) == ("yes", "yes", "no (under 3)")
    assert traces(chart_with(board, "Team mean")) == [
        "Highest answer",
        "Lowest answer",
        "Team mean",
        "Marketing (n=3)",
        "Customer service (n=3)",
    ]
    assert small_group_warnings(board) == []


def test_the_disagreement_list_is_ordered_by_alignment(app_env, db):
    _, _, dashboard = team_engagement(db)
    board = run(new_app(dashboard=dashboard))
    # the same answers aggregated by scoring.team directly, not through the store
    answer_sets = [answers_at(base, overrides) for _, base, overrides in TEAM_PLAN]
    expected = team_view(
        DEFAULT, encode(DEFAULT, answer_sets), [d for d, _, _ in TEAM_PLAN], ROLES
    ).disputed_questions()
    assert expected[:2] == ["crisis-plan", "triage"]
    assert expected[-1] == "sponsor"
    by_text = {question.text: question.id for question in DEFAULT.questions.values()}

    def listed() -> list[str]:
        found = [re.fullmatch(r"\*\*(\d+)\. (.+)\*\*", m.value) for m in board.markdown]
        ranked = [(int(match[1]), by_text[match[2]]) for match in found if match]
        assert [rank for rank, _ in ranked] == list(range(1, len(ranked) + 1))
        return [question_id for _, question_id in ranked]

    (how_many,) = board.slider
    assert (how_many.label, how_many.value) == ("How many questions", 8)
    assert listed() == expected[:8]
    captions = [c.value for c in board.caption]
    assert "Leadership, governance and resources · alignment 0.02 · mean 3.40 · spread (sd) 1.96 · N/A 0%" in captions
    assert "Social customer care · alignment 0.29 · mean 3.00 · spread (sd) 1.41 · N/A 0%" in captions
    # the answer distribution of the most disputed question, everyone then by department
    # option 1 of crisis-plan, its whole wording wrapped (issue 9: not cut at 40 characters)
    crisis = chart_with(board, axis_label("Whoever notices first deals with it as best they can.", width=44))
    assert len(crisis["data"]) == 5  # its five options; no N/A column, as nobody chose N/A
    lowest, highest = crisis["data"][0], crisis["data"][-1]
    rows = ["Everyone", "Marketing (n=3)", "Customer service (n=2)"]
    assert [dict(zip(lowest["y"], lowest["x"], strict=True))[row] for row in rows] == [2, 0, 2]
    assert [dict(zip(highest["y"], highest["x"], strict=True))[row] for row in rows] == [3, 3, 0]
    assert lowest["y"][0] == "Everyone"

    scored = [question.id for question in DEFAULT.questions.values() if question.is_scored]
    assert len(scored) == len(expected) == 39
    how_many.set_value(len(scored))
    run(board)
    assert listed() == expected


def test_the_perception_gap_compares_the_first_department_with_the_others_without_leadership(app_env, db):
    _, _, dashboard = team_engagement(db)  # the default departments start with Leadership; nobody answered

    board = run(new_app(dashboard=dashboard))

    group_a, group_b = board.multiselect(key="gap-a"), board.multiselect(key="gap-b")
    assert group_a.value == ["Marketing"]
    assert group_b.value == ["Customer service"]
    assert group_a.options == ["Marketing", "Customer service"]  # only departments with responses
    gap = chart_with(board, "Customer service")
    assert traces(gap) == ["Marketing", "Customer service"]
    assert trace(gap, "Marketing")["r"] == closed_spokes([4.0] * 8)
    assert trace(gap, "Customer service")["r"] == closed_spokes([2.0 if k != CARE else 1.9 for k in range(8)])
    table = dataframe_with(board, "Difference")  # largest difference first, then in bank order
    assert list(table["Dimension"]) == [TITLES[CARE]] + [t for k, t in enumerate(TITLES) if k != CARE]
    assert list(table["Difference"]) == [2.1] + [2.0] * 7


def test_the_perception_gap_compares_leadership_with_everyone_else(app_env, db):
    record, _, dashboard = team_engagement(db)
    for _ in range(2):
        respond(db, record.id, "Leadership", answers_at(5))

    board = run(new_app(dashboard=dashboard))

    assert board.multiselect(key="gap-a").value == ["Leadership"]
    assert board.multiselect(key="gap-b").value == ["Marketing", "Customer service"]
    gap = chart_with(board, "Leadership")
    assert traces(gap) == ["Leadership", "Marketing + Customer service"]
    assert trace(gap, "Leadership")["r"] == closed_spokes([5.0] * 8)
    # pooled: the five others, not the mean of the two departments' means
    assert trace(gap, "Marketing + Customer service")["r"] == closed_spokes(
        [3.2 if k != CARE else 3.16 for k in range(8)]
    )


def test_the_perception_gap_needs_responses_from_two_departments(app_env, db):
    record, _, dashboard = new_engagement(db)  # seven departments offered
    for _ in range(3):
        respond(db, record.id, "Marketing", answers_at(4))

    board = run(new_app(dashboard=dashboard))

    assert "The perception gap needs responses from at least two departments." in [c.value for c in board.caption]
    assert not [m for m in board.multiselect if m.key in ("gap-a", "gap-b")]
    assert traces(chart_with(board, "Team mean")) == ["Highest answer", "Lowest answer", "Team mean", "Marketing (n=3)"]
    assert small_group_warnings(board) == []


def client_page(**params: str) -> AppTest:
    """The client page (/client) opened with these query parameters."""
    at = new_app(**params)
    at.switch_page("app_pages/client.py")
    return run(at)


# --- the workshop --------------------------------------------------------------------------------


def open_workshop(dashboard: str) -> AppTest:
    at = run(new_app(dashboard=dashboard))
    click(at, "Open the workshop")
    assert titles(at) == ["Workshop: Acme Ltd"]
    assert at.query_params == {"dashboard": dashboard}
    return at


def workshop_progress(at: AppTest) -> str:
    (bar,) = at.get("progress")
    return bar.proto.text


def test_the_workshop_records_an_agreed_answer_and_its_reason(app_env, db):
    record, _, dashboard = team_engagement(db)
    at = open_workshop(dashboard)

    assert workshop_progress(at) == "0 of 39 questions agreed · disputed questions first"
    assert at.selectbox(key="workshop_pick").value == "crisis-plan"  # the most disputed first
    agreed = at.radio(key="agreed:crisis-plan")
    assert agreed.value is None
    agreed.set_value("rehearsed")
    at.text_area(key="reason:crisis-plan").input("Marketing rehearses it; service never heard of it.")
    run(at)
    click(at, "Save and go to the next")

    assert not at.error
    assert workshop_progress(at) == "1 of 39 questions agreed · disputed questions first"
    assert at.selectbox(key="workshop_pick").value == "triage"  # on to the next
    consensus_id, _ = db.consensus_assessment(record.id, dashboard)
    consensus = db.assessment(consensus_id)
    assert consensus.answers == {"crisis-plan": "rehearsed"}
    assert (consensus.kind, consensus.engagement_id) == ("consensus", record.id)
    assert db.reasons(consensus_id) == {"crisis-plan": "Marketing rehearses it; service never heard of it."}
    assert [traces(chart) for chart in charts(at)][-1] == ["Team mean", "Agreed so far (partial)"]

    click(at, "← Back to the dashboard")
    assert {m.label: m.value for m in at.metric}["Questions agreed"] == "1 of 39"


def test_the_workshop_asks_for_an_answer_before_saving(app_env, db):
    record, _, dashboard = team_engagement(db)
    at = open_workshop(dashboard)
    at.text_area(key="reason:crisis-plan").input("A reason without an answer")
    run(at)

    click(at, "Save and go to the next")

    assert [e.value for e in at.error] == ["Choose the agreed answer first."]
    assert workshop_progress(at) == "0 of 39 questions agreed · disputed questions first"
    assert at.selectbox(key="workshop_pick").value == "crisis-plan"  # still on the same question
    consensus_id, _ = db.consensus_assessment(record.id, dashboard)
    assert db.assessment(consensus_id).answers == {}
    assert db.reasons(consensus_id) == {}


def test_the_client_page_link_opens_the_partial_consensus_with_the_reasons_and_the_plan(app_env, db):
    record, _, dashboard = team_engagement(db)
    at = open_workshop(dashboard)
    at.radio(key="agreed:crisis-plan").set_value("rehearsed")
    at.text_area(key="reason:crisis-plan").input("Rehearsed <twice> a *year*")
    run(at)
    click(at, "Save and go to the next")
    click(at, "← Back to the dashboard")
    assert not [c for c in at.code if "consensus=" in c.value]

    click(at, "Give the client a link to the client page")
    (link,) = [c.value for c in at.code if "/client?consensus=" in c.value]
    share = link.rsplit("consensus=", 1)[1]
    consensus_id, consensus_token = db.consensus_assessment(record.id, dashboard)
    assert share == db.current_share_token(consensus_id, consensus_token)

    st.cache_resource.clear()
    client = client_page(consensus=share)

    assert titles(client) == ["Acme Ltd"]
    assert any(c.value.startswith("Prepared by Jo Adviser · ") for c in client.caption)
    assert "Adviser & Co" in [c.value for c in client.caption]  # the consultant's header
    assert {m.label: m.value for m in client.metric}["Questions agreed"] == "1 of 39 agreed"
    assert [w.value for w in client.warning] == [
        "Partial consensus: 1 of 39 agreed. The agreed stage is given once every question is agreed."
    ]
    assert "Agreed stage" not in all_text(client) and "Stage 4 of 5" not in all_text(client)
    assert f"**{ui.plain(DEFAULT.questions['crisis-plan'].text)}**" in [m.value for m in client.markdown]
    assert f"Why: {ui.plain('Rehearsed <twice> a *year*')}" in [c.value for c in client.caption]
    assert "Assess your own organisation" not in [b.label for b in client.button]
    assert not client.radio and not client.text_area
    assert dashboard not in all_text(client)
    assert consensus_token not in all_text(client)
    assert "Customer service (n=2)" not in all_text(client)  # client-safe: no group under 3

    # the same token as a results-page link (?view=) opens the client page, never the self-assessment page
    st.cache_resource.clear()
    forwarded = run(new_app(view=share))
    assert titles(forwarded) == ["Acme Ltd"]
    assert forwarded.query_params == {"consensus": share}
    assert "Assess your own organisation" not in [b.label for b in forwarded.button]

    # turned off from the dashboard, the link says so
    click(at, "Turn the client page link off")
    assert titles(client_page(consensus=share)) == ["This link was turned off"]
