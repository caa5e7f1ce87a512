"""The survey's way around and the start page's promises (issue 8), driven headless through AppTest.

Uses the fixtures and helpers of tests/test_app.py: a fresh database per test, `start` to begin
an assessment from the start page, `stored_assessment` for one an earlier visit left behind.
What runs in the browser (scrolling, focus, localStorage) is tested in tests/test_browser.py;
here the instructions the page hands the browser are read from the hidden script element's HTML.
"""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from scoring.validate import parse_bank
from tests import test_app
from tests.test_app import (
    DEFAULT,
    SMALL_TEXT,
    TITLES,
    all_text,
    assessment_id,
    buttons,
    click,
    header,
    key,
    new_app,
    preset_answers,
    progress,
    run,
    start,
    stored_assessment,
)
from threadline.web import browser, context, ui

app_env = test_app.app_env  # the fixtures of tests/test_app.py: a fresh database per test
db = test_app.db
questions = test_app.questions

REQUIRED = {d.id: [q.id for q in d.questions if q.is_required] for d in DEFAULT.dimensions}


WARM = list(browser.warm_code_names())


def test_the_survey_knows_the_element_code_of_this_streamlit_to_load_ahead():
    """Each element's file is found by name in the installed Streamlit (a rename shows here)."""
    assert [name.split(".")[0] for name in WARM] == list(browser.WARM_ELEMENTS)
    assert browser.chart_code_name() == WARM[0]


def jump_options(at: AppTest) -> list[str]:
    return list(at.selectbox(key="jump").options)


def browser_config(at: AppTest) -> dict:
    """The instructions the page hands the browser helper (parsed from its script element)."""
    (source,) = [e.proto.body for e in at.get("html") if "__threadlineHelper.run(" in e.proto.body]
    found = re.search(r"window\.__threadlineHelper\.run\((\".*?\")\);", source)
    assert found, source[-500:]
    return json.loads(json.loads(found.group(1)))


def answer_all_but(store, aid: int, leave_out: set[str]) -> None:
    for question_id, value in preset_answers().items():
        if question_id not in leave_out:
            store.save_answer(aid, question_id, value)


def missing_buttons(at: AppTest) -> list[tuple[str, str]]:
    return [(b.key, b.label) for b in at.button if b.key and b.key.startswith("missing")]


# --- 2: the jump menu marks finished dimensions ----------------------------------------------------


def test_the_jump_menu_ticks_every_finished_dimension(app_env, db):
    at = new_app()
    aid = assessment_id(db, start(at))
    assert jump_options(at) == [f"{n}. {title}" for n, title in enumerate(TITLES, start=1)]

    for question_id in REQUIRED["strategy"]:
        at.radio(key=key(aid, question_id)).set_value(DEFAULT.questions[question_id].option_ids[0])
    run(at)
    assert jump_options(at)[:2] == ["✓ 1. Strategy and objectives", "2. Leadership, governance and resources"]

    # every required answer but one of the third dimension: not finished
    for question_id in REQUIRED["integration"][:-1]:
        value = preset_answers()[question_id]
        db.save_answer(aid, question_id, value)
    db.save_answer(aid, REQUIRED["governance"][0], preset_answers()[REQUIRED["governance"][0]])
    again = run(new_app(resume=at.query_params["resume"]))
    assert jump_options(again) == [
        "✓ 1. Strategy and objectives",
        *[f"{n}. {title}" for n, title in enumerate(TITLES[1:], start=2)],
    ]

    # an answer taken away takes the tick away
    db.clear_answer(aid, REQUIRED["strategy"][0])
    assert jump_options(run(new_app(resume=at.query_params["resume"])))[0] == "1. Strategy and objectives"


# --- 3: missing answers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "text"),
    [(1, "1 required question still needs an answer:"), (3, "3 required questions still need an answer:")],
)
def test_the_missing_answers_message_speaks_correct_english(app_env, db, count, text):
    leave_out = set(REQUIRED["brand"][:count])
    aid, token = stored_assessment(db, {}, submit=False)
    answer_all_but(db, aid, leave_out)
    at = run(new_app(resume=token))

    click(at, "See my results")

    assert [e.value for e in at.error] == [text]
    title = "Brand and message consistency"
    assert DEFAULT.dimensions[4].title == title
    assert missing_buttons(at) == [
        (f"missing:{qid}", f"{title}: {ui.plain_cut(DEFAULT.questions[qid].text, 90, '…')}")
        for qid in REQUIRED["brand"][:count]
    ]
    assert db.assessment(aid).status == "in_progress"


def test_the_missing_list_stands_above_the_buttons_and_each_entry_leads_to_its_question(app_env, db):
    leave_out = {REQUIRED["brand"][1], REQUIRED["community"][0]}
    aid, token = stored_assessment(db, {}, submit=False)
    answer_all_but(db, aid, leave_out)
    at = run(new_app(resume=token))
    assert header(at) == TITLES[0]

    click(at, "See my results")  # the secondary button beside Next, on the first page

    order = [b.key or b.label for b in at.button]
    entries = [f"missing:{REQUIRED['brand'][1]}", f"missing:{REQUIRED['community'][0]}"]
    assert order[-5:] == [*entries, "← Back", "finish-early", "Next →"]
    assert [e.value for e in at.error] == ["2 required questions still need an answer:"]

    (entry,) = [b for b in at.button if b.key == entries[0]]
    entry.click()
    run(at)
    assert header(at) == TITLES[4]
    assert db.assessment(aid).page == 4
    assert [w.value for w in at.warning] == ["This question needs an answer."]
    turn = browser_config(at)["turn"]
    assert turn["page"] == 4
    assert turn["target"] == browser.key_class(f"question-{REQUIRED['brand'][1]}")
    assert turn["target"] == f"st-key-question-{REQUIRED['brand'][1]}"
    # the target is handed over once: the next run only says which page is shown
    run(at)
    assert browser_config(at)["turn"]["target"] is None

    # answering takes the entry away at once
    question = DEFAULT.questions[REQUIRED["brand"][1]]
    at.radio(key=key(aid, question.id)).set_value(question.option_ids[0])
    run(at)
    assert missing_buttons(at) == [
        (entries[1], f"{TITLES[7]}: {DEFAULT.questions[REQUIRED['community'][0]].text}"),
    ]
    assert [e.value for e in at.error] == ["1 required question still needs an answer:"]
    assert not at.warning


def test_many_missing_answers_are_grouped_per_dimension(app_env, db):
    at = new_app()
    aid = assessment_id(db, start(at))

    click(at, "See my results")

    assert [e.value for e in at.error] == ["39 required questions still need an answer:"]
    assert missing_buttons(at) == [
        (f"missing-dimension:{d.id}", f"{d.title}: {len(REQUIRED[d.id])} questions · go to the first")
        for d in DEFAULT.dimensions
    ]
    assert [b.icon for b in at.button if b.key and b.key.startswith("missing")] == ["↩"] * 8

    # down to one in a dimension
    for question_id in REQUIRED["governance"][:-1]:
        db.save_answer(aid, question_id, preset_answers()[question_id])
    again = run(new_app(resume=at.query_params["resume"]))
    click(again, "See my results")
    last = REQUIRED["governance"][-1]
    labels = dict(missing_buttons(again))
    assert labels["missing-dimension:governance"] == "Leadership, governance and resources: 1 question · go to it"

    (entry,) = [b for b in again.button if b.key == "missing-dimension:governance"]
    entry.click()
    run(again)
    assert header(again) == TITLES[1]
    assert browser_config(again)["turn"]["target"] == f"st-key-question-{last}"


def test_see_my_results_is_on_every_page_and_submits_when_complete(app_env, db):
    aid, token = stored_assessment(db, preset_answers(), submit=False)
    at = run(new_app(resume=token))
    for page in range(8):
        at.selectbox(key="jump").set_value(page)
        run(at)
        results = buttons(at, "See my results")
        assert len(results) == 1, page
        assert results[0].proto.type == ("primary" if page == 7 else "secondary")
        assert bool(buttons(at, "Next →")) == (page < 7)

    at.selectbox(key="jump").set_value(2)
    run(at)
    click(at, "See my results")
    assert db.assessment(aid).status == "submitted"
    assert any(s.value.startswith("Stage ") for s in at.subheader)


# --- 4: the way back -----------------------------------------------------------------------------


def test_the_private_link_is_at_the_top_of_every_survey_page(app_env, db):
    at = new_app()
    token = start(at)
    assert [c.value for c in at.code] == [f"http://localhost:8501/?resume={token}"]
    assert at.caption[0].value == (
        "**Your private link to continue later** (anyone with it can change your answers). "
        "Or bookmark this page: its address is your link."
    )
    # on starting, the browser is told to keep the token, and only then
    assert browser_config(at) == {"remember": token, "turn": browser_config(at)["turn"], "warm": WARM}
    click(at, "Next →")
    assert "remember" not in browser_config(at)
    assert [c.value for c in at.code] == [f"http://localhost:8501/?resume={token}"]
    assert at.caption[0].value.startswith("**Your private link to continue later**")


def test_a_remembered_assessment_is_offered_back_on_the_start_page(app_env, db):
    _, token = stored_assessment(
        db,
        {"social-objectives": "none", "plan-review": "never", "goals-in-own-words": "x"},
        submit=False,
        context={"organisation": "Harbour *Tea*"},
    )
    at = run(new_app(remembered=token))

    assert "**Continue where you left off**: the assessment for Harbour \\*Tea\\*, 2 of 39 questions answered." in [
        m.value for m in at.markdown
    ]
    assert [b.label for b in at.button] == ["Continue your assessment", "Forget this browser", "Start the assessment"]
    assert browser_config(at) == {}  # nothing to probe or forget

    click(at, "Continue your assessment")
    assert at.query_params == {"resume": token}
    assert progress(at).endswith("Dimension 1 of 8 · 2 of 39 answered")


def test_a_submitted_remembered_assessment_offers_its_results(app_env, db):
    _, token = stored_assessment(db, preset_answers(), context={})
    at = run(new_app(remembered=token))
    assert "**Your results are waiting**: the assessment for your organisation is complete." in [
        m.value for m in at.markdown
    ]
    click(at, "See your results")
    assert at.query_params == {"resume": token}
    assert any(s.value == "Stage 2 of 5: Broadcasting" for s in at.subheader)


@pytest.mark.parametrize("bad", ["junk", "A" * 43, "share"])
def test_a_bad_remembered_token_offers_nothing_and_is_forgotten(app_env, db, bad):
    aid, token = stored_assessment(db, {}, submit=False)
    if bad == "share":
        bad = db.enable_share(aid, token)  # a read-only link never opens the survey
    at = run(new_app(remembered=bad))

    assert [b.label for b in at.button] == ["Start the assessment"]
    assert "Continue where you left off" not in all_text(at)
    assert at.query_params == {}
    assert browser_config(at) == {"forget": True}


def test_forget_this_browser_clears_the_offer_and_the_kept_token(app_env, db):
    _, token = stored_assessment(db, {}, submit=False)
    at = run(new_app(remembered=token))

    click(at, "Forget this browser")

    assert [b.label for b in at.button] == ["Start the assessment"]
    assert at.query_params == {}
    assert browser_config(at) == {"forget": True}
    run(at)  # afterwards the start page asks the browser again (it has nothing left to give)
    assert browser_config(at) == {"probe": True}


def test_a_fresh_start_page_asks_the_browser_for_a_kept_token(app_env):
    at = run(new_app())
    assert browser_config(at) == {"probe": True}


# --- 6: honest time ------------------------------------------------------------------------------


def test_the_time_comes_from_the_words_to_read():
    small = parse_bank(SMALL_TEXT)
    # strategy: "Is there a plan?" 4 + 3 options (2 + 2 + 3) + "How often is it reviewed?" 5 + 3 options (1 + 1 + 1)
    # + "Notes" 1; care: "Which teams answer?" 3 + 3 options (1 + 1 + 1) + "How fast?" 2 + 5 options (1 each)
    assert context.words_to_read(small) == 4 + 7 + 5 + 3 + 1 + 3 + 3 + 2 + 5 == 33
    # 33 / 200 + 5 questions x 5 s = 0.165 + 0.417 = 0.58 minutes: at least 5
    assert context.minutes_to_answer(small) == 5

    # 2,500 more words of help: 12.5 + 0.165 + 0.417 = 13.08 minutes, nearest 5: 15
    longer = parse_bank(SMALL_TEXT.replace("text: Notes\n", "text: Notes\n        help: " + "word " * 2500 + "\n"))
    assert context.words_to_read(longer) == 2533
    assert context.minutes_to_answer(longer) == 15
    # 1,900 more words: 9.5 + 0.58 = 10.08 minutes, nearest 5: 10
    shorter = parse_bank(SMALL_TEXT.replace("text: Notes\n", "text: Notes\n        help: " + "word " * 1900 + "\n"))
    assert context.minutes_to_answer(shorter) == 10


def test_the_default_bank_takes_about_25_minutes(app_env):
    # 3,951 words (543 question text, 364 help, 2,793 option labels, 251 dimension descriptions)
    # and 41 questions: 19.76 + 3.42 = 23.2 minutes
    assert context.words_to_read(DEFAULT) == 3951
    assert context.minutes_to_answer(DEFAULT) == 25
    at = run(new_app())
    assert (
        "**Social media integration maturity**: 8 areas, 39 questions and 2 free-text, about 25 minutes. "
        "Your answers are saved as you go."
    ) in [m.value for m in at.markdown]


# --- 7: trust ------------------------------------------------------------------------------------


def test_the_start_page_says_what_it_is_based_on_and_where_answers_are_kept(app_env):
    at = run(new_app())
    assert (
        "Each answer describes what an outsider would see at one of 5 stages; your stage is the one your answers "
        "describe most closely.  \n"
        "Your answers are kept only on this server, in this app's own database; they are sent nowhere else."
    ) in [m.value for m in at.markdown]


def test_each_page_has_one_h1_and_no_skipped_level(app_env, db):
    at = run(new_app())
    assert [t.value for t in at.title] == ["Threadline"]
    assert [h.value for h in at.header] == ["About this assessment"]
    assert not at.subheader

    start(at)
    assert [t.value for t in at.title] == ["Social media integration maturity"]
    assert [h.value for h in at.header] == [TITLES[0]]
    assert not at.subheader
