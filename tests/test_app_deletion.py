"""An owner deletes their assessment from the results page (threadline/web/deletion.py), through AppTest."""

from __future__ import annotations

from tests import test_app
from tests.store_support import rows_per_table
from tests.test_app import buttons, click, new_app, preset_answers, run, stored_assessment
from threadline.web.deletion import DELETED_TEXT

app_env = test_app.app_env  # the fixtures of tests/test_app.py: a fresh database per test
db = test_app.db

DELETE = "Delete this assessment…"
CONFIRM = "Yes, delete it for good"


def test_the_owner_deletes_the_assessment_after_confirming_and_nothing_of_it_stays(app_env, db):
    context = {"organisation": "Private Org", "compare": True}  # in the peer comparison too
    assessment_id, token = stored_assessment(db, preset_answers(), context=context)
    db.save_note(assessment_id, next(iter(preset_answers())), "Our handbook")
    share = db.enable_share(assessment_id, token)
    at = run(new_app(resume=token))
    assert not buttons(at, CONFIRM)
    assert db.in_comparison(assessment_id)

    click(at, DELETE)
    assert [w.value for w in at.warning] == ["Delete this assessment and its links for good?"]
    assert rows_per_table(db.engine)["assessments"] == 1  # asking deletes nothing
    click(at, CONFIRM)

    assert [s.value for s in at.success] == [DELETED_TEXT]
    assert [t.value for t in at.title] == ["Threadline"]  # the start page
    assert "resume" not in at.query_params
    assert rows_per_table(db.engine) == {
        "answers": 0,
        "assessments": 0,
        "banks": 1,  # the question bank's text, shared by every assessment made with it
        "consensus_actions": 0,
        "consensus_reasons": 0,
        "engagements": 0,
        "links": 0,
        "peer_scores": 0,
        "schema_version": 1,
    }
    assert db.find_link(token) is None and db.find_link(share) is None
    assert [t.value for t in run(new_app(resume=token)).title] == ["This link doesn't open anything"]
    assert not run(new_app()).success  # another session is told nothing


def test_keep_it_leaves_the_assessment_alone(app_env, db):
    assessment_id, token = stored_assessment(db, preset_answers())
    at = run(new_app(resume=token))
    click(at, DELETE)
    click(at, "Keep it")

    assert not buttons(at, CONFIRM)
    assert buttons(at, DELETE)
    assert db.assessment(assessment_id).answers == preset_answers()


def test_a_share_link_is_not_offered_the_deletion(app_env, db):
    assessment_id, token = stored_assessment(db, preset_answers())
    at = run(new_app(view=db.enable_share(assessment_id, token)))
    assert not buttons(at, DELETE)
    assert not [e for e in at.expander if e.label == "Delete this assessment"]
