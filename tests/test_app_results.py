"""The results page as a person uses it (AppTest): stage and average, Start here, the plan, notes, downloads.

The numbers behind these screens are specified in test_summary, test_plan and test_confidence;
here the page is checked to show them, to the owner and to a share link.
"""

from __future__ import annotations

import json

import pytest
import streamlit as st

from scoring.answers import Responses, as_answers
from scoring.engine import score
from scoring.plan import plan
from tests import test_app
from tests.test_app import (
    DEFAULT,
    PRESET_AVERAGE,
    all_text,
    buttons,
    key,
    new_app,
    opened,
    preset_answers,
    run,
    stored_assessment,
)
from threadline.reporting import charts
from threadline.reporting.summary import default_targets
from threadline.web import session, ui

app_env = test_app.app_env  # the fixtures of tests/test_app.py: a fresh database per test
db = test_app.db


def preset_plan():
    answers = as_answers(preset_answers())
    plain = score(DEFAULT, Responses(answers))
    result = score(DEFAULT, Responses(answers, default_targets(DEFAULT, plain)))
    return plan(DEFAULT, result, answers)


def markdown(at) -> list[str]:
    return [m.value for m in at.markdown]


def test_start_here_opens_the_advice_with_the_capping_dimension_and_says_where_each_step_comes_from(app_env, db):
    _, token = stored_assessment(db, preset_answers())

    at = run(opened(new_app(resume=token)))

    headers = [h.value for h in at.header]
    assert headers.index("Start here") < headers.index("Where you stand")
    assert "Social customer care holds your overall stage down, so it comes first." in [c.value for c in at.caption]
    expected = preset_plan().start_here
    assert 3 <= len(expected) <= 5
    assert all(step.dimension_id == "customer-care" for step in expected)  # the only dimension short of target
    shown = markdown(at)
    positions = [next(k for k, line in enumerate(shown) if step.text in line) for step in expected]
    assert positions == sorted(positions)
    assert [line.split("\n\n")[0] for line in shown if line.startswith(tuple(f"**{n}. " for n in range(1, 6)))] == [
        f"**{n}. Social customer care**" for n in range(1, len(expected) + 1)
    ]
    # each step and where it comes from, in one element: "**1. Title**", the step, then its source in small type
    cards = [line for line in shown if line.startswith("**1. ")]
    assert cards[0].split("\n\n")[1] == expected[0].text
    assert cards[0].split("\n\n")[2].startswith((":small[You answered *", ":small[*"))


def test_the_average_and_the_rule_are_shown_beside_the_stage(app_env, db):
    _, token = stored_assessment(db, preset_answers())

    at = run(opened(new_app(resume=token)))

    assert PRESET_AVERAGE in markdown(at)
    (rule,) = at.info
    assert "Social customer care at Experimenting holds you at Broadcasting" in rule.value


def test_the_rule_is_stated_even_when_it_does_not_cap(app_env, db):
    answers = {
        q.id: (list(q.option_ids[:2]) if q.type == "multi" else q.option_ids[2])
        for q in DEFAULT.questions.values()
        if q.is_scored
    }
    _, token = stored_assessment(db, answers)

    at = run(opened(new_app(resume=token)))

    (rule,) = at.info
    assert rule.value.startswith("An organisation is at most one stage ahead of its weakest dimension.")


def test_the_plan_lists_every_assessed_dimension_most_pressing_first_with_how_sure_it_is(app_env, db):
    _, token = stored_assessment(db, preset_answers())

    at = run(opened(new_app(resume=token)))

    labels = [e.label for e in at.expander]
    ranked = [part.title for part in preset_plan().dimensions]
    assert ranked[0] == "Social customer care"
    plan_labels = [label for label in labels if label.split(":")[0] in ranked]
    assert [label.split(":")[0] for label in plan_labels] == ranked
    captions = [c.value for c in at.caption]
    assert "5 of 5 answered · every answer at Experimenting" in captions


def test_a_closed_section_shows_its_label_and_runs_its_content_only_once_opened(app_env, db):
    _, token = stored_assessment(db, preset_answers())
    db.save_note(_, "social-objectives", "Strategy deck 2026, slide 4")

    at = run(new_app(resume=token))

    labels = [e.label for e in at.expander]
    assert {
        "Scores as a table",
        "Set your target stage per dimension",
        "Social customer care: Experimenting · 1.00",
    } <= set(labels)
    assert not at.dataframe and not at.select_slider
    assert "5 of 5 answered · every answer at Experimenting" not in [c.value for c in at.caption]
    assert ":small[Evidence: Strategy deck 2026, slide 4]" not in all_text(at)

    at.session_state["open:plan:customer-care"] = True  # what the browser sends when the expander is opened
    at.session_state["open:answers"] = True
    run(at)
    assert "5 of 5 answered · every answer at Experimenting" in [c.value for c in at.caption]
    assert ":small[Evidence: Strategy deck 2026, slide 4]" in all_text(at)
    assert not at.dataframe  # the others stay closed
    assert [e.label for e in at.expander] == labels


def test_an_evidence_note_typed_in_the_survey_is_kept_and_shown_with_the_answer(app_env, db):
    aid, token = stored_assessment(db, preset_answers(), submit=False)
    survey = run(opened(new_app(resume=token)))
    survey.text_input(key=key(aid, "social-objectives", "note")).input("Strategy deck 2026, slide 4")
    run(survey)

    assert db.notes(aid) == {"social-objectives": "Strategy deck 2026, slide 4"}

    db.submit(aid)
    st.cache_resource.clear()
    results = run(opened(new_app(resume=token)))
    assert ":small[Evidence: Strategy deck 2026, slide 4]" in all_text(results)


def test_the_share_view_shows_notes_only_when_the_owner_shares_them_and_says_which(app_env, db):
    aid, token = stored_assessment(db, preset_answers())
    db.save_note(aid, "social-objectives", "Strategy deck 2026, slide 4")
    share = db.enable_share(aid, token)

    hidden = run(opened(new_app(view=share)))
    assert "Strategy deck 2026" not in all_text(hidden)
    assert "The owner keeps their evidence notes private: they are not shown on this view." in all_text(hidden)

    owner = run(opened(new_app(resume=token)))
    (toggle,) = [t for t in owner.toggle if t.label == "Show my evidence notes on the shared view"]
    toggle.set_value(True)
    run(owner)
    assert db.assessment(aid).context["share_notes"] is True

    st.cache_resource.clear()
    shown = run(opened(new_app(view=share)))
    assert ":small[Evidence: Strategy deck 2026, slide 4]" in all_text(shown)
    assert "The owner shares their evidence notes on this view." in all_text(shown)
    assert not shown.toggle  # the viewer cannot change it


def test_owner_and_share_link_both_get_the_scores_and_the_plan_as_files(app_env, db):
    aid, token = stored_assessment(db, preset_answers())
    share = db.enable_share(aid, token)

    for at in (run(opened(new_app(resume=token))), run(opened(new_app(view=share)))):
        labels = [element.proto.label for element in at.get("download_button")]
        assert labels == ["Scores (CSV)", "Plan and answers (CSV)", "Report (PDF)"]


def test_a_read_only_link_cannot_write_a_note(app_env, db):
    aid, token = stored_assessment(db, preset_answers())
    share = db.enable_share(aid, token)
    viewer = run(new_app(view=share))
    held = viewer.session_state["assessment"]

    with pytest.raises(PermissionError):
        session.record_note(held, "social-objectives", "sneaky")
    with pytest.raises(PermissionError):
        session.set_share_notes(held, True)
    assert db.notes(aid) == {}
    assert "share_notes" not in db.assessment(aid).context
    assert not buttons(viewer, "Change my answers")


# --- headings, charts in words, the share view ---------------------------------------------------

RADAR_SUMMARY = (
    "Strongest: Cross-functional integration, Measuring outcomes and Employee enablement and advocacy (4.20); "
    "weakest: Social customer care (1.00); 7 of 8 dimensions at or above their target."
)
GAP_SUMMARY = "Social customer care is the only dimension below its target, by 2.00 levels."


def test_the_headings_go_from_one_h1_to_h2_sections_and_h3_inside_them(app_env, db):
    _, token = stored_assessment(db, preset_answers())

    at = run(opened(new_app(resume=token)))

    assert [t.value for t in at.title] == ["Acme"]
    assert [h.value for h in at.header] == [
        "Overall stage",
        "Start here",
        "Where you stand",
        "Gaps to your targets",
        "Your plan, dimension by dimension",
        "Take it with you",
        "Share these results",
    ]
    assert [s.value for s in at.subheader] == ["Stage 2 of 5: Broadcasting"]


def test_every_chart_has_an_accessible_name_a_summary_under_it_and_a_table(app_env, db):
    _, token = stored_assessment(db, preset_answers())

    at = run(opened(new_app(resume=token)))

    radar, gaps = at.get("plotly_chart")
    assert radar.proto.alt == "Radar chart of the scores of 8 dimensions on the 5-stage scale, with the target stages"
    assert gaps.proto.alt == "Bar chart of how far each dimension is below its target, the widest gap first"
    for chart in (radar, gaps):
        assert json.loads(chart.proto.config) == charts.PLOTLY_CONFIG
        assert json.loads(chart.proto.spec)["layout"]["dragmode"] is False
    shown = markdown(at)
    assert ui.plain(RADAR_SUMMARY) in shown
    assert ui.plain(GAP_SUMMARY) in shown
    assert shown.index(ui.plain(RADAR_SUMMARY)) < shown.index(ui.plain(GAP_SUMMARY))
    assert [e.label for e in at.expander][:3] == [
        "Scores as a table",
        "Set your target stage per dimension",
        "Gaps as a table",
    ]
    scores, gap_table = at.dataframe
    assert list(scores.value["Dimension"]) == [d.title for d in test_app.DEFAULT.dimensions]
    assert gap_table.value.to_dict("list") == {
        "Dimension": ["Social customer care"],
        "Score": [1.0],
        "Target": ["Coordinating"],
        "Gap": [2.0],
    }
    # the first column stays in view when a phone scrolls the table sideways
    for table in (scores, gap_table):
        assert json.loads(table.proto.columns)["Dimension"]["pinned"] is True


def test_the_owner_page_says_when_it_was_submitted(app_env, db):
    aid, token = stored_assessment(db, preset_answers())
    submitted = db.assessment(aid).submitted_at

    at = run(opened(new_app(resume=token)))

    assert f"Submitted {submitted.day} {submitted:%B %Y}" in [c.value for c in at.caption]


def test_the_share_view_says_who_shared_it_and_when_and_speaks_of_them(app_env, db):
    aid, token = stored_assessment(db, preset_answers(), context={"organisation": "Acme Ltd"})
    share = db.enable_share(aid, token)
    submitted = db.assessment(aid).submitted_at

    viewer = run(opened(new_app(view=share)))

    captions = [c.value for c in viewer.caption]
    assert f"Shared by Acme Ltd · submitted {submitted.day} {submitted:%B %Y}" in captions
    assert [h.value for h in viewer.header] == [
        "Overall stage",
        "Start here",
        "Where they stand",
        "Gaps to their targets",
        "Acme Ltd's plan, dimension by dimension",
        "Take it with you",
    ]
    assert "Social customer care holds their overall stage down, so it comes first." in captions
    assert "Most pressing first. Every step comes from one of their answers." in captions
    assert ":small[You answered" not in all_text(viewer)
    assert ":small[They answered *" in all_text(viewer)
    assert "Their answers" in [e.label for e in viewer.expander]
    radar = json.loads(viewer.get("plotly_chart")[0].proto.spec)
    assert [trace["name"] for trace in radar["data"]] == ["Their score", "Target"]
    # the same summaries as the owner's: they name no one
    assert ui.plain(RADAR_SUMMARY) in markdown(viewer)
    assert ui.plain(GAP_SUMMARY) in markdown(viewer)


def test_the_share_view_of_an_unnamed_organisation(app_env, db):
    aid, token = stored_assessment(db, preset_answers(), context={})
    share = db.enable_share(aid, token)

    viewer = run(opened(new_app(view=share)))

    assert [t.value for t in viewer.title] == ["Shared results"]
    assert any(c.value.startswith("Shared by its owner · submitted ") for c in viewer.caption)
    assert "Their plan, dimension by dimension" in [h.value for h in viewer.header]
