"""Peer comparison on the results page (AppTest): joining and withdrawing, the group shown, the band, percentiles.

The group rules themselves are specified in test_peers; here the page is checked to use them
with what is stored, to name the group and its size, and to keep the owner's choice.
"""

from __future__ import annotations

import json
import re

import streamlit as st

from scoring.answers import Responses, as_answers
from scoring.engine import score
from tests import test_app
from tests.test_app import DEFAULT, all_text, new_app, opened, preset_answers, run, stored_assessment
from threadline.storage import PeerScores

app_env = test_app.app_env
db = test_app.db

RETAIL, SMALL = "Retail and e-commerce", "10–49 people"
CONTEXT = {"organisation": "Acme", "industry": RETAIL, "size": SMALL}
GROUP = "Compared with Retail and e-commerce, 10–49 people: 5 organisations."


def peer(db, overall: float, industry: str = RETAIL, size: str = SMALL) -> int:
    """Another organisation in the comparison, every dimension at `overall`."""
    aid, _ = stored_assessment(db, {}, context={"organisation": f"Peer {overall}", "industry": industry, "size": size})
    dimensions = {d.id: overall for d in DEFAULT.dimensions}
    db.save_peer_scores(PeerScores(aid, DEFAULT.id, DEFAULT.version, "self", industry, size, overall, dimensions))
    return aid


def five_peers(db) -> None:
    for overall in (1.0, 2.0, 3.0, 4.0, 5.0):
        peer(db, overall)


def own_result():
    return score(DEFAULT, Responses(as_answers(preset_answers())))


def table(at) -> dict:
    (frame,) = [d.value for d in at.dataframe if "How even" in d.value.columns]  # the scores, not the gaps
    return frame.set_index("Dimension").to_dict()


def shown(at) -> str:
    """Every text on the page as a person reads it (Markdown's escapes removed)."""
    return re.sub(r"\\(.)", r"\1", all_text(at))


def test_joining_is_off_until_the_owner_turns_it_on_and_withdrawing_removes_the_row(app_env, db):
    aid, token = stored_assessment(db, preset_answers(), context=CONTEXT)
    at = run(opened(new_app(resume=token)))
    (choice,) = [t for t in at.toggle if t.label.startswith("Include my anonymous scores")]
    assert choice.value is False
    assert not db.in_comparison(aid)

    choice.set_value(True)
    run(at)
    (row,) = db.peer_scores(DEFAULT.id, DEFAULT.version)
    result = own_result()
    assert (row.assessment_id, row.industry, row.size, row.overall) == (aid, RETAIL, SMALL, result.score)
    assert row.dimensions == {d.id: d.score for d in result.dimensions}
    assert db.assessment(aid).context["compare"] is True

    next(t for t in at.toggle if t.label.startswith("Include my anonymous scores")).set_value(False)
    run(at)
    assert db.peer_scores(DEFAULT.id, DEFAULT.version) == []


def test_the_results_name_the_group_and_place_the_organisation_in_it(app_env, db):
    five_peers(db)
    _, token = stored_assessment(db, preset_answers(), context=CONTEXT)

    at = run(opened(new_app(resume=token)))

    text = shown(at)
    assert GROUP in text
    # overall 3.58 among 1, 2, 3, 4, 5: three below, no tie
    assert "Your overall score is higher than 60% of them (ties count half)." in text
    assert "The group's median is 3.00; its middle half runs from 2.00 to 4.00." in text
    scores = table(at)
    assert scores["Peer median"]["Strategy and objectives"] == 3.0
    assert scores["Percentile"]["Strategy and objectives"] == "70%"  # 4.00: three below, one tie
    assert scores["Percentile"]["Social customer care"] == "10%"  # 1.00: none below, one tie
    radar = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = [trace.get("name") for trace in radar["data"]]
    assert names[1:3] == ["Peers: middle half", "Peers: median"]
    assert radar["data"][2]["r"] == [3.0] * 9


def test_a_group_of_four_falls_back_and_says_so(app_env, db):
    for overall in (1.0, 2.0, 3.0, 4.0):
        peer(db, overall)
    peer(db, 5.0, size="50–249 people")
    _, token = stored_assessment(db, preset_answers(), context=CONTEXT)

    text = shown(run(opened(new_app(resume=token))))

    assert GROUP not in text
    assert (
        "Compared with Retail and e-commerce: 5 organisations. Groups are shown from 5 organisations, "
        "so this is the closest group that can be shown." in text
    )


def test_without_enough_others_there_is_no_comparison_and_no_band(app_env, db):
    for overall in (1.0, 2.0, 3.0, 4.0):
        peer(db, overall)
    _, token = stored_assessment(db, preset_answers(), context=CONTEXT)

    at = run(opened(new_app(resume=token)))

    assert (
        "No comparison yet: a group is shown once at least 5 other organisations that took this assessment "
        "have chosen to be compared." in shown(at)
    )
    radar = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [trace["name"] for trace in radar["data"]] == ["Your score", "Target"]
    assert "Percentile" not in table(at)


def test_the_organisation_is_never_its_own_peer(app_env, db):
    for overall in (1.0, 2.0, 3.0, 4.0):
        peer(db, overall)
    aid, token = stored_assessment(db, preset_answers(), context={**CONTEXT, "compare": True})
    owner = run(opened(new_app(resume=token)))
    assert db.in_comparison(aid)  # written on the visit: submitted and chosen

    assert "No comparison yet" in shown(owner)  # four others, not five with itself


def test_the_share_view_shows_the_comparison_in_the_third_person_without_the_choice(app_env, db):
    five_peers(db)
    aid, token = stored_assessment(db, preset_answers(), context=CONTEXT)
    share = db.enable_share(aid, token)

    viewer = run(opened(new_app(view=share)))

    assert GROUP in shown(viewer)
    assert "Their overall score is higher than 60% of them (ties count half)." in shown(viewer)
    assert not [t for t in viewer.toggle if t.label.startswith("Include my anonymous scores")]


def test_changed_answers_reach_the_comparison_on_the_next_visit(app_env, db):
    aid, token = stored_assessment(db, preset_answers(), context={**CONTEXT, "compare": True})
    run(opened(new_app(resume=token)))
    before = db.peer_scores(DEFAULT.id, DEFAULT.version)[0].overall

    care = DEFAULT.dimensions[3].questions[0]
    best = max(DEFAULT.option_scores[care.id], key=DEFAULT.option_scores[care.id].get)
    db.save_answer(aid, care.id, best)
    st.cache_resource.clear()
    run(opened(new_app(resume=token)))

    after = db.peer_scores(DEFAULT.id, DEFAULT.version)[0].overall
    assert after > before
    answers = as_answers({**preset_answers(), care.id: best})
    assert after == score(DEFAULT, Responses(answers)).score


def test_the_choice_is_offered_beside_submit_and_joins_at_submit(app_env, db):
    aid, token = stored_assessment(db, preset_answers(), context=CONTEXT, submit=False)
    db.set_page(aid, len(DEFAULT.dimensions) - 1)
    at = run(opened(new_app(resume=token)))
    (choice,) = [c for c in at.checkbox if c.label.startswith("Include my anonymous scores")]
    assert choice.value is False

    choice.check()
    run(at)
    assert not db.in_comparison(aid)  # chosen, but nothing joins before the assessment is submitted
    (finish,) = [b for b in at.button if b.label == "See my results"]
    finish.click()
    run(at)

    assert db.assessment(aid).status == "submitted"
    assert [row.assessment_id for row in db.peer_scores(DEFAULT.id, DEFAULT.version)] == [aid]
