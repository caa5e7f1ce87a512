"""Specification of the Streamlit app's logic, driven headless through streamlit.testing (AppTest).

Every test gets its own SQLite file (DATABASE_URL) and, where it needs one, its own questions
folder (THREADLINE_QUESTIONS). Both are read through `st.cache_resource`, which lives as long as
the process, so the `app_env` fixture clears it before and after each test.

Facts about AppTest (Streamlit 1.67) these tests rely on, checked by experiment:
- `st.switch_page(page, query_params=...)` works: after a switch, `at.query_params` holds the new
  page's parameters and the tree shows the new page. AppTest has no URL path, so which page is
  shown is told by its content (the survey's progress text, the results' stage subheader).
- `at.switch_page("app_pages/survey.py")` opens a page directly, as a bookmarked URL would.
- Plotly charts have no typed accessor: `at.get("plotly_chart")[i].proto.spec` is the figure JSON.
- A radio's `set_value` takes the option's value (an option id), not its displayed label.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from scoring.answers import NA_LABEL
from scoring.bank import Bank
from scoring.validate import parse_bank
from tests.banks import SMALL
from threadline.catalog import load_catalog
from threadline.reporting.charts import axis_label
from threadline.storage import Store, content_hash
from threadline.web import session, ui
from threadline.web.ui import NA_CHOICE  # the value of the "Not applicable / don't know" option

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
DEFAULT_BANK_FILE = ROOT / "questions" / "social-integration.yaml"
EXAMPLE_BANK_FILE = ROOT / "questions" / "examples" / "customer-experience.yaml"
DEFAULT_TEXT = DEFAULT_BANK_FILE.read_text(encoding="utf-8")
DEFAULT = parse_bank(DEFAULT_TEXT)
SMALL_TEXT = SMALL.replace("OVERALL", "mean")
TITLES = [dimension.title for dimension in DEFAULT.dimensions]
SETTINGS = (
    "DATABASE_URL",
    "THREADLINE_QUESTIONS",
    "THREADLINE_DEFAULT_BANK",
    "THREADLINE_PUBLIC_URL",
    "THREADLINE_DEMO",
    "THREADLINE_PEER_MIN_GROUP",
)


# --- fixtures and helpers ------------------------------------------------------------------------


@pytest.fixture
def app_env(tmp_path, monkeypatch) -> str:
    """A fresh database for the app (and no other settings); returns its URL."""
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    url = f"sqlite:///{tmp_path / 'data' / 'threadline.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    st.cache_resource.clear()
    yield url
    st.cache_resource.clear()


@pytest.fixture
def db(app_env) -> Store:
    """The app's database, opened directly (the same SQLite file the app uses)."""
    opened = Store(app_env)
    opened.migrate()
    yield opened
    opened.dispose()


@pytest.fixture
def questions(tmp_path, monkeypatch, app_env) -> Path:
    """An empty questions folder the app reads its banks from."""
    folder = tmp_path / "questions"
    folder.mkdir()
    monkeypatch.setenv("THREADLINE_QUESTIONS", str(folder))
    return folder


def new_app(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    for name, value in params.items():
        at.query_params[name] = value
    return at


RESULT_SECTIONS = ("open:scores", "open:targets", "open:gaps", "open:answers", "open:team", "open:reasons")
"""The results page's expanders whose content runs only while open (threadline.web.ui.lazy_expander)."""


def opened(at: AppTest, bank: Bank | None = None) -> AppTest:
    """`at` with every section of the results page opened, as a person who opens them all sees it."""
    for key in (*RESULT_SECTIONS, *(f"open:plan:{d.id}" for d in (bank or DEFAULT).dimensions)):
        at.session_state[key] = True
    return at


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def buttons(at: AppTest, label: str) -> list:
    return [b for b in at.button if b.label == label]


def click(at: AppTest, label: str) -> AppTest:
    (button,) = buttons(at, label)
    button.click()
    return run(at)


def start(
    at: AppTest,
    organisation: str = "",
    industry: str | None = None,
    role: str | None = None,
    size: str | None = None,
    industry_detail: str = "",
) -> str:
    """Fill the start form, start, and return the private token the survey's URL now carries.

    The form's widgets keep their values only until the next run, so everything is set at once
    (a bank chosen in the selectbox outside the form must be run before calling this).
    """
    if not at.title:
        run(at)
    (organisation_input, detail_input) = at.text_input
    organisation_input.input(organisation)
    detail_input.input(industry_detail)
    for label, value in (("Your role", role), ("Organisation size", size), ("Industry", industry)):
        if value is not None:
            (widget,) = [s for s in at.selectbox if s.label == label]
            widget.set_value(value)
    click(at, "Start the assessment")
    return at.query_params["resume"]


def progress(at: AppTest) -> str:
    """The survey's progress indicator text ("Dimension 2 of 8 · 5 of 39 answered")."""
    texts = [c.value for c in at.caption] + [p.proto.text for p in at.get("progress")]
    found = [text for text in texts if "Dimension " in text and " answered" in text]
    assert len(found) == 1, texts
    return found[0]


def header(at: AppTest) -> str:
    (shown,) = at.header
    return shown.value


def key(assessment_id: int, question_id: str, part: str = "") -> str:
    return f"answer:{assessment_id}:{question_id}:{part}"


def assessment_id(db: Store, token: str) -> int:
    return db.find_link(token).assessment_id


def answer_page(at: AppTest, aid: int, page: int, pick=lambda question: question.option_ids[0]) -> None:
    """Answer every scored question of a page of the default bank through its widgets."""
    for question in DEFAULT.dimensions[page].questions:
        if question.type == "choice":
            at.radio(key=key(aid, question.id)).set_value(pick(question))
        elif question.type == "multi":
            at.checkbox(key=key(aid, question.id, question.option_ids[0])).check()
    run(at)


def stage(at: AppTest) -> str:
    found = [s.value for s in at.subheader if s.value.startswith(("Stage ", "Not enough answers"))]
    assert len(found) == 1, [s.value for s in at.subheader]
    return found[0]


def charts(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def all_text(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("title", "header", "subheader", "markdown", "caption", "code", "info")
        for e in at.get(kind)
    ]
    parts += [b.label for b in at.button] + [e.label for e in at.expander]
    return "\n".join(str(part) for part in parts)


# The preset answers: every choice question its option scored 4, every multi question all its
# options (5.0), except Social customer care, answered with its lowest options (1.0).
# Dimension scores: 4.0, 4.0, 4.2, 1.0, 4.0, 4.2, 4.2, 4.0; with Cross-functional integration and
# Social customer care weighted 1.5, the average is 32.2 / 9 = 3.58 (Integrating: the nearest stage), and
# the weakest-link rule holds the organisation one stage above customer care: 2, Broadcasting.
def preset_answers() -> dict:
    answers = {}
    for dimension in DEFAULT.dimensions:
        for question in dimension.questions:
            if question.type == "multi":
                answers[question.id] = [] if dimension.id == "customer-care" else list(question.option_ids)
            elif question.type == "choice":
                scores = DEFAULT.option_scores[question.id]
                wanted = 1.0 if dimension.id == "customer-care" else 4.0
                answers[question.id] = next(option for option, value in scores.items() if value == wanted)
    return answers


PRESET_SCORES = [4.0, 4.0, 4.2, 1.0, 4.0, 4.2, 4.2, 4.0]
# (4 + 4 + 1.5 * 4.2 + 1.5 * 1 + 4 + 4.2 + 4.2 + 4) / 9 = 32.2 / 9 = 3.58
PRESET_NOTE = (
    "Your average (3.58) says Integrating, but Social customer care at Experimenting holds you at Broadcasting: "
    "an organisation is at most one stage ahead of its weakest dimension."
)
PRESET_NOTE_THIRD_PERSON = (
    "Their average (3.58) says Integrating, but Social customer care at Experimenting holds them at Broadcasting: "
    "an organisation is at most one stage ahead of its weakest dimension."
)
PRESET_AVERAGE = "**Average score 3.58 of 5, lower half of Integrating**"


def stored_assessment(
    db: Store, answers: dict, *, text: str = DEFAULT_TEXT, context: dict | None = None, submit: bool = True
) -> tuple[int, str]:
    """An assessment made directly in the database, as an earlier visit would have left it."""
    bank = parse_bank(text)
    bank_hash = db.put_bank(text, bank.id, bank.version)
    aid, token = db.create_assessment(bank_hash, context if context is not None else {"organisation": "Acme"})
    for question_id, value in answers.items():
        db.save_answer(aid, question_id, value)
    if submit:
        db.submit(aid)
    return aid, token


# --- start page ----------------------------------------------------------------------------------


def test_start_page_explains_the_assessment_and_offers_one_bank(app_env):
    at = run(new_app())

    assert [t.value for t in at.title] == ["Threadline"]
    assert (
        "**Social media integration maturity**: 8 areas, 39 questions and 2 free-text, about 25 minutes."
        in all_text(at)
    )
    assert [s.label for s in at.selectbox] == ["Your role", "Organisation size", "Industry"]  # no bank choice
    assert [b.label for b in at.button] == ["Start the assessment"]
    assert not at.error


def test_starting_stores_the_context_and_opens_the_first_dimension(app_env, db):
    at = new_app()
    token = start(
        at,
        organisation="  Acme  ",
        industry="Retail and e-commerce",
        industry_detail=" tea shops ",
        role="Marketing",
        size="10–49 people",
    )

    record = db.assessment(assessment_id(db, token))
    assert record.context == {
        "organisation": "Acme",
        "role": "Marketing",
        "industry": "Retail and e-commerce",
        "industry_detail": "tea shops",
        "size": "10–49 people",
    }
    assert record.status == "in_progress"
    assert record.page == 0
    assert record.answers == {}
    assert db.bank_content(record.bank_hash) == DEFAULT_TEXT
    assert progress(at).endswith("Dimension 1 of 8 · 0 of 39 answered")
    assert header(at) == "Strategy and objectives"
    assert [s.value for s in at.success] == ["Your assessment has started. Every answer is saved as you give it."]
    # the private link is shown plainly, to save
    assert any(f"?resume={token}" in code.value for code in at.code)


# --- survey --------------------------------------------------------------------------------------


def test_survey_flow_next_back_and_every_answer_saved(app_env, db):
    at = new_app()
    token = start(at, organisation="Acme")
    aid = assessment_id(db, token)

    assert buttons(at, "← Back")[0].disabled
    answer_page(at, aid, 0)
    at.text_area(key=key(aid, "goals-in-own-words")).input("More leads from LinkedIn")
    run(at)
    assert progress(at).endswith("Dimension 1 of 8 · 5 of 39 answered")  # the text question is not counted
    assert db.assessment(aid).answers == {
        "social-objectives": "none",
        "plan-review": "never",
        "channel-choice": "ad-hoc",
        "paid-social": "impulse",
        "strategy-known": "nobody",
        "goals-in-own-words": "More leads from LinkedIn",
    }

    click(at, "Next →")
    assert progress(at).endswith("Dimension 2 of 8 · 5 of 39 answered")
    assert header(at) == "Leadership, governance and resources"
    assert db.assessment(aid).page == 1
    assert not buttons(at, "← Back")[0].disabled

    at.radio(key=key(aid, "sponsor")).set_value("named-sponsor")
    run(at)
    assert progress(at).endswith("Dimension 2 of 8 · 6 of 39 answered")

    click(at, "← Back")
    assert progress(at).endswith("Dimension 1 of 8 · 6 of 39 answered")
    assert header(at) == "Strategy and objectives"
    assert db.assessment(aid).page == 0
    assert at.radio(key=key(aid, "social-objectives")).value == "none"
    assert at.text_area(key=key(aid, "goals-in-own-words")).value == "More leads from LinkedIn"

    # changing an answer replaces it; clearing the text removes it
    at.radio(key=key(aid, "social-objectives")).set_value("cascaded")
    at.text_area(key=key(aid, "goals-in-own-words")).input("   ")
    run(at)
    answers = db.assessment(aid).answers
    assert answers["social-objectives"] == "cascaded"
    assert "goals-in-own-words" not in answers
    assert answers["sponsor"] == "named-sponsor"


def test_go_to_dimension_jumps_to_any_page(app_env, db):
    at = new_app()
    aid = assessment_id(db, start(at))

    jump = at.selectbox(key="jump")
    assert jump.label == "Go to dimension"
    assert len(jump.options) == 8
    for number, (option, title) in enumerate(zip(jump.options, TITLES, strict=True), start=1):
        assert option.startswith(f"{number}. {title}")

    jump.set_value(5)
    run(at)
    assert progress(at).endswith("Dimension 6 of 8 · 0 of 39 answered")
    assert header(at) == "Measuring outcomes"
    assert at.selectbox(key="jump").value == 5
    assert db.assessment(aid).page == 5

    at.selectbox(key="jump").set_value(7)
    run(at)
    assert header(at) == "Customer collaboration and openness"
    assert not buttons(at, "Next →")
    assert buttons(at, "See my results")

    click(at, "← Back")  # the selectbox follows the Back and Next buttons
    assert header(at) == "Employee enablement and advocacy"
    assert at.selectbox(key="jump").value == 6


def test_the_resume_link_brings_back_every_answer_and_the_page(app_env, db):
    at = new_app()
    token = start(at)
    aid = assessment_id(db, token)
    answer_page(at, aid, 0, pick=lambda question: question.option_ids[2])
    at.text_area(key=key(aid, "goals-in-own-words")).input("Fewer calls")
    run(at)
    click(at, "Next →")
    click(at, "Next →")
    at.checkbox(key=key(aid, "departments", "sales")).check()
    at.checkbox(key=key(aid, "departments", "hr")).check()
    run(at)

    # a new browser session (refresh, closed tab, server restart) opening the private link
    st.cache_resource.clear()
    again = run(new_app(resume=token))
    assert progress(again).endswith("Dimension 3 of 8 · 6 of 39 answered")
    assert header(again) == "Cross-functional integration"
    assert again.checkbox(key=key(aid, "departments", "sales")).value is True
    assert again.checkbox(key=key(aid, "departments", "hr")).value is True
    assert again.checkbox(key=key(aid, "departments", "marketing")).value is False

    again.selectbox(key="jump").set_value(0)
    run(again)
    for question in DEFAULT.dimensions[0].questions:
        if question.type == "choice":
            assert again.radio(key=key(aid, question.id)).value == question.option_ids[2]
    assert again.text_area(key=key(aid, "goals-in-own-words")).value == "Fewer calls"


def test_multi_questions_none_of_these_and_options_exclude_each_other(app_env, db):
    at = new_app()
    aid = assessment_id(db, start(at))
    at.selectbox(key="jump").set_value(2)
    run(at)

    at.checkbox(key=key(aid, "departments", "sales")).check()
    run(at)
    assert db.assessment(aid).answers["departments"] == ["sales"]

    at.checkbox(key=key(aid, "departments", "__none__")).check()
    run(at)
    assert at.checkbox(key=key(aid, "departments", "sales")).value is False
    assert db.assessment(aid).answers["departments"] == []  # answered: none of them

    at.checkbox(key=key(aid, "departments", "__none__")).uncheck()
    run(at)
    assert "departments" not in db.assessment(aid).answers  # unanswered again


def test_required_questions_are_listed_each_a_way_back_and_nothing_is_lost(app_env, db):
    at = new_app()
    token = start(at)
    aid = assessment_id(db, token)
    answer_page(at, aid, 0)
    before = db.assessment(aid).answers
    at.selectbox(key="jump").set_value(7)
    run(at)

    click(at, "See my results")

    assert [e.value for e in at.error] == ["34 required questions still need an answer:"]
    # 34 missing answers: one button per dimension, with its count, to the first of them
    missing = [b for b in at.button if b.key and b.key.startswith("missing")]
    left = {d.id: [q.id for q in d.questions if q.is_required] for d in DEFAULT.dimensions[1:]}
    assert [(b.key, b.label) for b in missing] == [
        (f"missing-dimension:{d.id}", f"{d.title}: {len(left[d.id])} questions · go to the first")
        for d in DEFAULT.dimensions[1:]
    ]
    assert progress(at).endswith("Dimension 8 of 8 · 5 of 39 answered")  # still on the survey
    # the unanswered required questions of the page are flagged (the optional notes are not)
    assert [w.value for w in at.warning] == ["This question needs an answer."] * 5
    record = db.assessment(aid)
    assert record.status == "in_progress"
    assert record.answers == before

    (care,) = [b for b in missing if b.key == "missing-dimension:customer-care"]
    care.click()
    run(at)
    assert progress(at).endswith("Dimension 4 of 8 · 5 of 39 answered")
    assert header(at) == "Social customer care"
    assert db.assessment(aid).page == 3
    assert [w.value for w in at.warning] == ["This question needs an answer."] * 5

    # answering takes the question off the list
    first = left["customer-care"][0]
    at.radio(key=key(aid, first)).set_value(DEFAULT.questions[first].option_ids[1])
    run(at)
    assert [e.value for e in at.error] == ["33 required questions still need an answer:"]
    assert [b.label for b in at.button if b.key == "missing-dimension:customer-care"] == [
        "Social customer care: 4 questions · go to the first"
    ]
    assert db.assessment(aid).answers == {**before, first: DEFAULT.questions[first].option_ids[1]}


def test_answering_every_dimension_submits_and_shows_the_results(app_env, db):
    at = new_app()
    token = start(at, organisation="Acme")
    aid = assessment_id(db, token)
    for page in range(8):
        answer_page(at, aid, page)
        if page < 7:
            click(at, "Next →")
    assert progress(at).endswith("Dimension 8 of 8 · 39 of 39 answered")

    click(at, "See my results")

    assert not at.error
    assert at.query_params == {"resume": token}
    assert stage(at) == "Stage 1 of 5: Experimenting"
    assert db.assessment(aid).status == "submitted"
    assert [t.value for t in at.title] == ["Acme"]
    radar = charts(at)[0]
    # the first option scores 1 everywhere; a single ticked box of a multi question scores a little more
    assert radar["data"][0]["r"][3] == 1.0

    # reopening the private link of a submitted assessment goes to the results
    again = run(new_app(resume=token))
    assert stage(again) == "Stage 1 of 5: Experimenting"

    # "Change my answers" goes back to the survey, with everything kept
    click(again, "Change my answers")
    assert progress(again).endswith(" of 8 · 39 of 39 answered")


def test_not_applicable_is_stored_as_null_and_left_out_of_the_score(app_env, db):
    at = new_app()
    token = start(at)
    aid = assessment_id(db, token)

    objectives = at.radio(key=key(aid, "social-objectives"))
    assert NA_LABEL not in objectives.options  # only where the bank allows it
    paid = at.radio(key=key(aid, "paid-social"))
    assert paid.options[-1] == NA_LABEL
    assert paid.format_func(NA_CHOICE) == NA_LABEL

    paid.set_value(NA_CHOICE)
    run(at)
    stored = db.assessment(aid).answers
    assert "paid-social" in stored
    assert stored["paid-social"] is None
    assert progress(at).endswith("Dimension 1 of 8 · 1 of 39 answered")  # N/A counts as answered

    # the other four Strategy questions at their top option (5); if N/A counted as 1, Strategy would be 4.2
    answer_page(
        at, aid, 0, pick=lambda question: NA_CHOICE if question.id == "paid-social" else question.option_ids[-1]
    )
    assert db.assessment(aid).answers["paid-social"] is None

    # the rest answered on another visit, then submitted from the survey
    rest = {qid: value for qid, value in preset_answers().items() if DEFAULT.dimension_of[qid].id != "strategy"}
    for question_id, value in rest.items():
        db.save_answer(aid, question_id, value)
    st.cache_resource.clear()
    again = run(new_app(resume=token))
    again.selectbox(key="jump").set_value(7)
    run(again)
    click(again, "See my results")

    assert stage(again) == "Stage 2 of 5: Broadcasting"
    labels = [e.label for e in again.expander]
    assert "Strategy and objectives: Converged · 5.00" in labels
    assert charts(again)[0]["data"][0]["r"][0] == 5.0
    # after reopening, the N/A choice is shown as chosen
    click(again, "Change my answers")
    again.selectbox(key="jump").set_value(0)
    run(again)
    assert again.radio(key=key(aid, "paid-social")).value == NA_CHOICE


# --- results -------------------------------------------------------------------------------------


def test_results_for_a_preset_set_of_answers(app_env, db):
    _, token = stored_assessment(db, preset_answers(), context={"organisation": "Acme", "industry": "Retail"})

    at = run(opened(new_app(resume=token)))

    assert at.query_params == {"resume": token}
    assert [t.value for t in at.title] == ["Acme"]
    assert stage(at) == "Stage 2 of 5: Broadcasting"
    assert [i.value for i in at.info] == [PRESET_NOTE]
    assert PRESET_AVERAGE in [m.value for m in at.markdown]
    assert not at.warning  # complete: no "partial picture" warning

    radar, gaps = charts(at)
    score_trace, target_trace = radar["data"]
    assert score_trace["name"] == "Your score"
    assert score_trace["r"] == [*PRESET_SCORES, 4.0]
    assert score_trace["theta"] == [axis_label(title) for title in [*TITLES, TITLES[0]]]
    assert target_trace["name"] == "Target"
    assert target_trace["r"] == [3] * 9  # default: one stage above the overall stage, for every dimension
    axis = radar["layout"]["polar"]["radialaxis"]
    assert axis["range"] == [0, 5.5]
    assert axis["ticktext"] == ["1 Experimenting", "2 Broadcasting", "3 Coordinating", "4 Integrating", "5 Converged"]
    # the weakest dimension has the only gap: the others are past the common target
    assert list(gaps["data"][0]["y"]) == [axis_label("Social customer care", width=28)]
    assert list(gaps["data"][0]["x"]) == [pytest.approx(2.0)]

    table = at.dataframe[0].value
    assert list(table["Dimension"]) == TITLES
    assert list(table["Score"]) == PRESET_SCORES
    assert list(table["Stage"]) == ["Integrating"] * 3 + ["Experimenting"] + ["Integrating"] * 4
    assert "Social customer care: Experimenting · 1.00" in [e.label for e in at.expander]
    markdown = [m.value for m in at.markdown]
    lines = [line for text in markdown for line in text.splitlines()]
    # strengths and gaps in words (a list a column)
    assert [line for line in lines if re.fullmatch(r"- [^:]+: \w+ \(\d\.\d\d\)", line)] == [
        "- Cross-functional integration: Integrating (4.20)",
        "- Measuring outcomes: Integrating (4.20)",
        "- Employee enablement and advocacy: Integrating (4.20)",
    ]
    assert [line for line in lines if line.endswith("below its target")] == [
        "- Social customer care: Experimenting (1.00), 2.00 below its target",
    ]
    # the bank's recommendations for the next stage, per dimension
    (care_plan,) = [text for text in markdown if "**To move to Broadcasting:**" in text]
    care = DEFAULT.dimensions[3]
    care_steps = [r.step for r in care.recommendations[1]]
    recommendations = care_plan.split("**To move to Broadcasting:**\n\n")[1]
    assert recommendations == "\n\n".join(f"- {step}" for step in care_steps)
    assert "5 of 5 answered · every answer at Experimenting" in [c.value for c in at.caption]

    # the owner's controls
    assert buttons(at, "Create a read-only link")
    assert buttons(at, "Change my answers")
    assert len(at.select_slider) == 8


def test_the_owner_sets_a_target_and_the_charts_follow(app_env, db):
    aid, token = stored_assessment(db, preset_answers())
    at = run(opened(new_app(resume=token)))

    at.select_slider(key=f"target:{aid}:customer-care").set_value(4)
    run(at)

    assert db.assessment(aid).targets == {"customer-care": 4}  # the others keep following the default (3)
    radar, gaps = charts(at)
    assert radar["data"][1]["r"] == [3, 3, 3, 4, 3, 3, 3, 3, 3]
    assert gaps["data"][0]["y"][0] == axis_label("Social customer care", width=28)
    assert gaps["data"][0]["x"][0] == pytest.approx(3.0)

    # kept for the next visit
    st.cache_resource.clear()
    again = run(opened(new_app(resume=token)))
    assert charts(again)[0]["data"][1]["r"][3] == 4


def test_target_changes_in_two_tabs_are_both_kept(app_env, db):
    assessment_id, token = stored_assessment(db, preset_answers())
    first, second = run(opened(new_app(resume=token))), run(opened(new_app(resume=token)))

    first.select_slider(key=f"target:{assessment_id}:customer-care").set_value(5)
    run(first)
    second.select_slider(key=f"target:{assessment_id}:strategy").set_value(4)
    run(second)

    assert db.assessment(assessment_id).targets == {"customer-care": 5, "strategy": 4}
    targets = {s.label: s.value for s in second.select_slider}
    assert (targets["Strategy and objectives"], targets["Social customer care"]) == (4, 5)


def test_a_share_link_opens_read_only_results(app_env, db):
    aid, token = stored_assessment(db, preset_answers(), context={"organisation": "Acme"})
    owner = run(new_app(resume=token))
    click(owner, "Create a read-only link")
    (share_url,) = [c.value for c in owner.code if "?view=" in c.value]
    share = share_url.split("?view=")[1]
    assert share == db.current_share_token(aid, token)
    assert buttons(owner, "Turn this link off")

    st.cache_resource.clear()
    viewer = run(new_app(view=share))

    assert viewer.query_params == {"view": share}
    assert [t.value for t in viewer.title] == ["Acme"]
    assert stage(viewer) == "Stage 2 of 5: Broadcasting"
    assert [i.value for i in viewer.info] == [PRESET_NOTE_THIRD_PERSON]
    assert charts(viewer)[0]["data"][0]["r"] == [*PRESET_SCORES, 4.0]
    assert "read-only view" in all_text(viewer)
    # no edit controls
    assert not buttons(viewer, "Create a read-only link")
    assert not buttons(viewer, "Turn this link off")
    assert not buttons(viewer, "Change my answers")
    assert not viewer.select_slider
    assert not viewer.radio
    assert [b.label for b in viewer.button] == ["Assess your own organisation"]
    # and never the private link
    assert token not in all_text(viewer)


def test_a_share_token_never_opens_the_survey(app_env, db):
    aid, token = stored_assessment(db, preset_answers(), submit=False)
    share = db.enable_share(aid, token)

    # given as the private link: it opens nothing
    as_resume = run(new_app(resume=share))
    assert [t.value for t in as_resume.title] == ["This link doesn't open anything"]

    # the survey page with a share link forwards to the read-only results
    viewer = new_app(view=share)
    viewer.switch_page("app_pages/survey.py")
    run(viewer)
    assert viewer.query_params == {"view": share}
    assert stage(viewer).startswith("Stage ")
    assert not viewer.radio
    assert not viewer.checkbox
    assert not viewer.select_slider
    assert db.assessment(aid).answers == preset_answers()


def test_a_read_only_assessment_can_change_nothing(app_env, db):
    aid, token = stored_assessment(db, preset_answers())
    share = db.enable_share(aid, token)
    record = db.assessment(aid)
    viewer = session.Assessment(
        token=share,
        editable=False,
        id=aid,
        bank=DEFAULT,
        answers={},
        context={},
        targets={},
        page=0,
        status=record.status,
        share_active=True,
    )

    with pytest.raises(PermissionError):
        session.record_answer(viewer, "sponsor", "nobody")
    with pytest.raises(PermissionError):
        session.record_answer(viewer, "sponsor", session.UNANSWERED)
    with pytest.raises(PermissionError):
        session.set_targets(viewer, {"strategy": 1})
    with pytest.raises(PermissionError):
        session.submit(viewer)
    with pytest.raises(PermissionError):
        session.revoke_share(viewer)
    session.go_to_page(viewer, 3)  # a viewer may look around, but the page is not stored

    after = db.assessment(aid)
    assert after.answers == preset_answers()
    assert after.targets is None
    assert after.page == 0
    assert after.share_active is True
    assert db.find_link(share).revoked is False


def test_a_turned_off_share_link_says_so(app_env, db):
    aid, token = stored_assessment(db, preset_answers())
    owner = run(new_app(resume=token))
    click(owner, "Create a read-only link")
    old = db.current_share_token(aid, token)
    click(owner, "Turn this link off")
    assert buttons(owner, "Create a read-only link")
    assert db.current_share_token(aid, token) is None

    viewer = run(new_app(view=old))

    assert [t.value for t in viewer.title] == ["This link was turned off"]
    assert "turned this link off" in all_text(viewer)
    assert stage_free(viewer)
    click(viewer, "Start a new assessment")
    assert [t.value for t in viewer.title] == ["Threadline"]
    assert viewer.query_params == {}

    # a new link works, the old one stays off
    click(owner, "Create a read-only link")
    new = db.current_share_token(aid, token)
    assert new != old
    assert stage(run(new_app(view=new))) == "Stage 2 of 5: Broadcasting"
    assert [t.value for t in run(new_app(view=old)).title] == ["This link was turned off"]


def test_a_share_link_turned_off_while_open_says_so_on_the_next_run(app_env, db):
    aid, token = stored_assessment(db, preset_answers())
    share = db.enable_share(aid, token)
    viewer = run(new_app(view=share))
    assert stage(viewer) == "Stage 2 of 5: Broadcasting"

    db.revoke_share(aid)
    run(viewer)

    assert [t.value for t in viewer.title] == ["This link was turned off"]
    assert stage_free(viewer)


def stage_free(at: AppTest) -> bool:
    """No results, no survey: a link-problem page."""
    return not at.get("plotly_chart") and not at.radio and not [s for s in at.subheader if s.value.startswith("Stage")]


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"resume": "junk"},
        {"view": "junk"},
        {"resume": ""},
        {"view": ""},
        {"resume": "A" * 43},  # looks like a token, is not one
        {"view": "<script>alert(1)</script>"},
        {"resume": "x" * 5000},
        {"resume": "junk", "view": "junk", "utm_source": "mail"},
    ],
)
def test_a_bad_token_opens_a_friendly_page_with_a_way_to_start_over(app_env, params):
    at = run(new_app(**params))

    assert [t.value for t in at.title] == ["This link doesn't open anything"]
    assert stage_free(at)
    assert [b.label for b in at.button] == ["Start a new assessment"]

    click(at, "Start a new assessment")
    assert [t.value for t in at.title] == ["Threadline"]
    assert buttons(at, "Start the assessment")
    assert at.query_params == {}


@pytest.mark.parametrize("page", ["app_pages/survey.py", "app_pages/results.py"])
def test_a_page_opened_without_a_link_says_so(app_env, page):
    at = new_app()
    at.switch_page(page)
    run(at)

    assert [t.value for t in at.title] == ["No assessment in this link"]
    assert [b.label for b in at.button] == ["Start a new assessment"]


def test_unknown_parameters_alone_show_the_start_page(app_env):
    at = run(new_app(utm_source="newsletter", ref="x"))

    assert [t.value for t in at.title] == ["Threadline"]
    assert buttons(at, "Start the assessment")


def test_organisation_names_and_free_text_are_shown_as_text(app_env, db):
    at = new_app()
    token = start(at, organisation="<b>Acme</b> *Ltd*", industry_detail="[click](https://evil.example) # big")
    aid = assessment_id(db, token)
    assert db.assessment(aid).context == {
        "organisation": "<b>Acme</b> *Ltd*",
        "industry_detail": "[click](https://evil.example) # big",
    }
    at.selectbox(key="jump").set_value(7)
    run(at)
    at.text_area(key=key(aid, "notes")).input("<img src=x onerror=alert(1)> **bold**")
    run(at)
    for question_id, value in preset_answers().items():
        db.save_answer(aid, question_id, value)
    db.submit(aid)

    st.cache_resource.clear()
    results = run(opened(new_app(resume=token)))

    # Markdown with every special character escaped: shown exactly as typed, never as HTML
    assert [t.value for t in results.title] == [r"\<b\>Acme\</b\> \*Ltd\*"]
    assert r"\[click\]\(https\://evil\.example\) \# big" in [c.value for c in results.caption]
    # free text goes through st.text, which never interprets Markdown or HTML
    assert "<img src=x onerror=alert(1)> **bold**" in [t.value for t in results.text]
    assert [element.proto.body for element in results.get("html")] == [ui.FOCUS_STYLE]  # the app's own style only


# --- question banks ------------------------------------------------------------------------------


FIND_DETAILS = "Whoever looks after this Threadline finds the details in the server log or with `make validate`."


def test_a_broken_bank_is_reported_by_file_name_and_lines_and_the_other_bank_still_works(questions, db, caplog):
    (questions / "small.yaml").write_text(SMALL_TEXT, encoding="utf-8")
    broken = questions / "broken.yaml"
    broken.write_text(SMALL_TEXT.replace("    title: Customer care\n", "    titel: Customer care\n"), encoding="utf-8")

    at = run(new_app())

    assert [e.value for e in at.error] == [
        r"The question bank broken\.yaml is not offered: it has 2 mistakes, on lines 36 and 37. " + FIND_DETAILS
    ]
    assert f"question bank not offered: {broken}:37: unknown key 'titel' (did you mean 'title'?)" in caplog.text
    assert "Which assessment?" not in [s.label for s in at.selectbox]  # the broken bank is not offered
    assert "**Small bank**: 2 areas, 4 questions" in all_text(at)

    token = start(at)
    assert progress(at).endswith("Dimension 1 of 2 · 0 of 4 answered")
    assert header(at) == "Strategy"
    assert db.bank_content(db.assessment(assessment_id(db, token)).bank_hash) == SMALL_TEXT


def test_a_bank_error_shows_no_server_path_no_file_content_and_no_markup(questions, tmp_path, db):
    (questions / "small.yaml").write_text(SMALL_TEXT, encoding="utf-8")
    secret = tmp_path / "secret.yaml"
    secret.write_text("database_password: hunter2\n", encoding="utf-8")
    (questions / "linked.yaml").symlink_to(secret)
    (questions / "ticks.yaml").write_text(SMALL_TEXT.replace("id: small", "id: small\n`x`](http://evil.example): 1"))
    (questions / "[click](http:evil).yaml").write_text("{", encoding="utf-8")

    at = run(new_app())

    shown = [e.value for e in at.error]
    assert shown == [
        r"The question bank \[click\]\(http\:evil\)\.yaml is not offered: it has 1 mistake, on line 1. " + FIND_DETAILS,
        r"The question bank linked\.yaml is not offered: it has 7 mistakes, on line 1. " + FIND_DETAILS,
        r"The question bank ticks\.yaml is not offered: it has 1 mistake, on line 4. " + FIND_DETAILS,
    ]
    text = " ".join(shown)
    assert "hunter2" not in text and "database_password" not in text and str(tmp_path) not in text
    assert "evil.example" not in text


def test_a_second_bank_with_an_id_already_offered_is_refused(questions, db, caplog):
    (questions / "a-small.yaml").write_text(SMALL_TEXT, encoding="utf-8")
    (questions / "b-small.yaml").write_text(SMALL_TEXT.replace("title: Small bank", "title: Impostor"))

    at = run(new_app())

    assert [e.value for e in at.error] == [
        r"The question bank b\-small\.yaml is not offered: its id is already used by the bank in a\-small\.yaml. "
        + FIND_DETAILS
    ]
    assert "Which assessment?" not in [s.label for s in at.selectbox]
    assert "**Small bank**: 2 areas, 4 questions" in all_text(at)
    assert f"bank id 'small' is already offered by {questions / 'a-small.yaml'}" in caplog.text


def test_no_usable_bank_means_no_start_button(questions):
    (questions / "broken.yaml").write_text("schema: 1\nid: x\n  bad: [\n", encoding="utf-8")

    at = run(new_app())

    assert len(at.error) == 1
    assert [w.value for w in at.warning] == ["No question bank can be used right now, so no assessment can start."]
    assert not buttons(at, "Start the assessment")


def test_a_second_bank_is_offered_in_a_selectbox_default_first(questions, db):
    shutil.copy(DEFAULT_BANK_FILE, questions / "social-integration.yaml")
    shutil.copy(EXAMPLE_BANK_FILE, questions / "customer-experience.yaml")
    example = parse_bank(EXAMPLE_BANK_FILE.read_text(encoding="utf-8"))

    at = run(new_app())
    (choice,) = [s for s in at.selectbox if s.label == "Which assessment?"]
    assert choice.options == ["Social media integration maturity", example.title]
    assert choice.value.bank.id == "social-integration"

    choice.set_value(load_catalog(questions, "social-integration")[1])
    run(at)
    token = start(at)

    assert f"Dimension 1 of {len(example.dimensions)} · 0 of " in progress(at)
    assert header(at) == example.dimensions[0].title
    stored = db.assessment(assessment_id(db, token)).bank_hash
    assert stored == content_hash(EXAMPLE_BANK_FILE.read_text(encoding="utf-8"))


def test_an_assessment_keeps_its_bank_when_the_file_changes(questions, db):
    bank_file = questions / "small.yaml"
    bank_file.write_text(SMALL_TEXT, encoding="utf-8")
    at = new_app()
    token = start(at)

    bank_file.write_text(SMALL_TEXT.replace("title: Strategy", "title: Direction"), encoding="utf-8")
    st.cache_resource.clear()
    again = run(new_app(resume=token))

    assert header(again) == "Strategy"
    assert progress(again).endswith("Dimension 1 of 2 · 0 of 4 answered")
