"""Defects of issue 12, each driven through the app (AppTest) as a person would meet it.

- A bank with exactly three scored questions broke the dashboard's Disagreement tab (a slider from 3 to 3).
- The Disagreement tab said it needed two submitted responses; it shows from the first one.
- The consultant's closing date could be set from the local date, while engagements close by the UTC date.
- The survey cut question texts after escaping them, which could leave a stray backslash.
"""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from scoring.validate import parse_bank
from tests import test_app
from tests.banks import SMALL
from tests.test_app import click, key, new_app, run, stored_assessment
from threadline.reporting import teamdata
from threadline.storage import Store
from threadline.web import session, ui
from threadline.web.context import ROLES

app_env = test_app.app_env  # the fixtures of tests/test_app.py: a fresh database per test
db = test_app.db

# the SMALL bank without its multi question: exactly three scored questions (plan, review, speed)
_CHANNELS = SMALL[SMALL.index("      - id: channels") : SMALL.index("      - id: speed")]
THREE_QUESTIONS = SMALL.replace("OVERALL", "mean").replace(_CHANNELS, "")
THREE = parse_bank(THREE_QUESTIONS)
THREE_ANSWERS = [
    ("Marketing", {"plan": "none", "review": "never", "speed": "2"}),
    ("Marketing", {"plan": "full", "review": "never", "speed": "2"}),
    ("HR", {"plan": "some", "review": "yearly", "speed": "2"}),
]

# the 200th character of LABEL_CUT (where a widget's label is cut) and the 89th of LIST_CUT (where the list
# of missing answers cuts, before its '…') are Markdown specials
LABEL_CUT = "a" * 199 + "!" + " Is it?"
LIST_CUT = "b" * 88 + "." + "c" * 20
LONG_BANK = f"""\
schema: 1
id: long
version: "1"
title: Long questions
levels:
  - name: Low
  - name: High
dimensions:
  - id: strategy
    title: Strategy
    questions:
      - id: label-cut
        text: "{LABEL_CUT}"
        options:
          - {{id: none, label: No plan}}
          - {{id: full, label: A full plan}}
      - id: list-cut
        text: "{LIST_CUT}"
        options:
          - {{id: none, label: No plan}}
          - {{id: full, label: A full plan}}
"""


def three_question_engagement(db: Store, answers=THREE_ANSWERS) -> str:
    """An engagement on THREE with the given submitted respondents; returns the dashboard token."""
    bank_hash = db.put_bank(THREE_QUESTIONS, THREE.id, THREE.version)
    record, _, dashboard = db.create_engagement(bank_hash, "Acme Ltd", "Jo", "", list(ROLES))
    for department, given in answers:
        assessment_id, _ = db.add_respondent(record.id, department)
        for question_id, value in given.items():
            db.save_answer(assessment_id, question_id, value)
        db.submit(assessment_id)
    return dashboard


def listed_questions(at: AppTest) -> list[str]:
    """The question texts listed under 'Questions with the widest disagreement', in order."""
    texts = {f"**{n}. {q.text}**": q.id for n in range(1, 10) for q in THREE.questions.values()}
    return [texts[m.value] for m in at.markdown if m.value in texts]


# --- a: three scored questions -------------------------------------------------------------------


def test_the_disagreement_tab_lists_all_three_questions_of_a_three_question_bank(app_env, db):
    board = run(new_app(dashboard=three_question_engagement(db)))

    assert not board.slider  # nothing to choose: all three are listed
    assert sorted(listed_questions(board)) == ["plan", "review", "speed"]
    # plan 1, 5, 3 (alignment 0.18), review 1, 1, 2.5 (0.65), speed all 2 (1.00): the widest disagreement first
    assert listed_questions(board) == ["plan", "review", "speed"]


@pytest.mark.parametrize(("count", "expected"), [(0, None), (2, None), (3, None), (4, (3, 4, 4)), (39, (3, 39, 8))])
def test_how_many_disputed_questions_can_be_chosen(count, expected):
    assert teamdata.disputed_count_choice(count) == expected


# --- b: one submitted response is enough ---------------------------------------------------------


def test_the_disagreement_tab_waits_for_one_submitted_response_and_says_so(app_env, db):
    before = run(new_app(dashboard=three_question_engagement(db, answers=[])))
    assert "Disagreement appears once a response is submitted." in [i.value for i in before.info]
    assert not [i.value for i in before.info if "two responses" in i.value]

    after = run(new_app(dashboard=three_question_engagement(db, answers=THREE_ANSWERS[:1])))
    assert teamdata.DISAGREEMENT_WAITING not in [i.value for i in after.info]
    assert "Questions with the widest disagreement" in [s.value for s in after.subheader]
    assert sorted(listed_questions(after)) == ["plan", "review", "speed"]


# --- c: closing dates by the UTC calendar --------------------------------------------------------


def test_the_earliest_closing_date_is_today_in_utc(app_env, db, monkeypatch):
    utc_today = dt.datetime.now(dt.UTC).date()
    # a UTC date that is no local date of today anywhere, so the local calendar cannot pass for it
    elsewhere = utc_today + dt.timedelta(days=5)
    monkeypatch.setattr(session, "today", lambda: elsewhere)
    at = new_app()
    at.switch_page("app_pages/consultant.py")

    (closes,) = run(at).date_input

    assert closes.label == "Closing date (optional)"
    assert closes.min == elsewhere


# --- d: cut, then escape -------------------------------------------------------------------------


def test_a_long_question_text_is_cut_before_it_is_escaped(app_env, db):
    assert ui.plain(LABEL_CUT)[:200].endswith("\\")  # cut after escaping: a stray backslash
    aid, token = stored_assessment(db, {}, text=LONG_BANK, submit=False)
    survey = run(new_app(resume=token))

    label = survey.radio(key=key(aid, "label-cut")).label
    assert label == "a" * 199 + "\\!"
    assert label == ui.plain(LABEL_CUT[:200])

    click(survey, "See my results")
    labels = {b.key: b.label for b in survey.button}
    assert labels["missing:list-cut"] == "Strategy: " + "b" * 88 + "\\.…"
    assert labels["missing:label-cut"] == "Strategy: " + "a" * 89 + "…"


def test_plain_cut_cuts_first_and_marks_the_cut():
    assert ui.plain_cut("a.b", 2) == "a\\."
    assert ui.plain_cut("a.b", 3) == "a\\.b"
    assert ui.plain_cut("a.bc", 3, "…") == "a\\.…"
    assert ui.plain_cut("*" * 5, 5, "…") == "\\*" * 5
