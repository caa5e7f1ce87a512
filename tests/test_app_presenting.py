"""In front of the client (issue 9), through AppTest: presenting mode, named groups, the silo summary,
the workshop's reveal, targets and actions, and the client page of a partial and a full consensus.

The team: every scored question of the default bank answered at one score per respondent, but
triage (Social customer care) for Customer service and Marketing:

| department       | n | base | triage | Social customer care (5 questions) |
|------------------|---|------|--------|------------------------------------|
| Marketing        | 3 | 4    | 4      | 4.00                               |
| Customer service | 3 | 2    | 1      | (4 * 2 + 1) / 5 = 1.80             |
| Leadership       | 2 | 3    | 3      | 3.00                               |

Without groups the client sees Customer service only: Leadership (2) is small, and Marketing
(the first of the smallest shown) is withheld with it so that Leadership's answers cannot be
worked out from the team's. Counting Leadership with Customer service as "Service and
leadership" (5) shows both groups: 2.40 in every dimension ((3 * 2 + 2 * 3) / 5), and in Social
customer care (3 * 1.8 + 2 * 3) / 5 = 2.28, so Marketing is 1.72 above there and 1.60 elsewhere.
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests import test_app
from tests.test_app import DEFAULT, TITLES, all_text, charts, click, new_app, run
from tests.test_app_engagements import answers_at, client_page, new_engagement, respond, traces
from threadline.storage import Store
from threadline.web import ui

app_env = test_app.app_env
db = test_app.db
CARE = TITLES.index("Social customer care")
GROUP = "Service and leadership"
CONSULTANT_ONLY = ":material/lock: **Consultant only**: includes what the client does not see."


@pytest.fixture(autouse=True)
def no_consultant_password(monkeypatch):
    monkeypatch.delenv("CONSULTANT_PASSWORD", raising=False)


def silo_team(db: Store, merged: bool = False):
    record, invite, dashboard = new_engagement(db)
    for department, base, triage, count in [
        ("Marketing", 4, 4, 3),
        ("Customer service", 2, 1, 3),
        ("Leadership", 3, 3, 2),
    ]:
        for _ in range(count):
            respond(db, record.id, department, answers_at(base, {"triage": triage}))
    if merged:
        db.set_department_groups(record.id, [(GROUP, ["Leadership", "Customer service"])])
    return record, invite, dashboard


def present(at: AppTest, on: bool = True) -> AppTest:
    (toggle,) = [t for t in at.toggle if t.label.startswith("Presenting mode")]
    toggle.set_value(on)
    return run(at)


def radar_traces(at: AppTest) -> list[str]:
    (radar,) = [
        c for c in charts(at) if ("Team mean" in traces(c) and len(c["data"]) > 2) or "Highest answer" in traces(c)
    ]
    return traces(radar)


def silo_lines(at: AppTest) -> list[str]:
    found = [m.value for m in at.markdown if m.value.startswith("- ")]
    return found[0].split("\n") if found else []


def test_presenting_mode_on_the_dashboard_shows_exactly_the_client_safe_view(app_env, db):
    _, _, dashboard = silo_team(db)
    board = run(new_app(dashboard=dashboard))

    # the consultant's view: every department, every chart marked
    assert "Leadership (n=2, not shown to client)" in radar_traces(board)
    assert CONSULTANT_ONLY in [c.value for c in board.caption]
    assert any(c.value.endswith("?invite=" + c.value.rsplit("=", 1)[1]) for c in board.code if "?invite=" in c.value)

    present(board)
    assert traces(charts(board)[0]) == ["Team mean", "Customer service (n=3)"]  # no band: one person's answers
    assert CONSULTANT_ONLY not in [c.value for c in board.caption]
    assert not [c for c in board.code if "?invite=" in c.value]
    assert [t.label for t in board.tabs] == [
        "Team picture",
        "Disagreement",
        "Questions",
        "Workshop",
        "Portfolio",
        "Rounds",
    ]
    text = all_text(board)
    assert "(n=2" not in text and "Leadership (n=" not in text and "Marketing (n=" not in text
    why = (
        "Leadership (2) is not shown: fewer than 3 responses. Marketing (3) is not shown: with Leadership (2) "
        "withheld, showing it would let Leadership's answers be worked out from the team's."
    )
    assert any(c.value.startswith(ui.plain(why)) for c in board.caption)
    assert "Differences between groups appear once the client may see two groups." in [c.value for c in board.caption]
    for chart in charts(board):
        assert "Leadership (n=" not in json.dumps(chart) and "Marketing (n=" not in json.dumps(chart)


def test_the_consultant_merges_a_small_department_into_a_named_group_and_both_groups_are_shown(app_env, db):
    record, _, dashboard = silo_team(db)
    board = run(new_app(dashboard=dashboard))

    (name,) = [t for t in board.text_input if t.label == "Group name"]
    (members,) = [m for m in board.multiselect if m.label.startswith("Departments in the group")]
    name.input(GROUP)
    members.set_value(["Leadership", "Customer service"])
    (add,) = [b for b in board.button if b.label == "Add the group"]
    add.click()
    run(board)
    assert db.engagement(record.id).department_groups == ((GROUP, ("Leadership", "Customer service")),)
    assert f"Leadership (n=2, shown in {GROUP})" in radar_traces(board)

    present(board)
    assert traces(charts(board)[0]) == ["Team mean", f"{GROUP} (n=5)", "Marketing (n=3)"]
    assert silo_lines(board) == [
        "- "
        + ui.plain("Marketing rates Social customer care 1.72 points above Service and leadership (4.00 vs 2.28)."),
        "- " + ui.plain(f"Marketing rates {TITLES[0]} 1.60 points above Service and leadership (4.00 vs 2.40)."),
        "- " + ui.plain(f"Marketing rates {TITLES[1]} 1.60 points above Service and leadership (4.00 vs 2.40)."),
    ]
    note = f"{GROUP} counts Leadership and Customer service together."
    assert any(ui.plain(note) in c.value for c in board.caption)
    # the perception gap opens on the two groups that differ most, its table largest difference first
    assert board.multiselect(key="gap-a-presenting").value == ["Marketing"]
    assert board.multiselect(key="gap-b-presenting").value == [GROUP]
    (gap,) = [d.value for d in board.dataframe if "Difference" in d.value.columns]
    assert gap["Dimension"].iloc[0] == "Social customer care"
    assert list(gap["Difference"]) == [1.72] + [1.6] * 7
    assert "(n=2" not in all_text(board)


def test_a_group_needs_two_departments_and_can_be_removed(app_env, db):
    record, _, dashboard = silo_team(db, merged=True)
    board = run(new_app(dashboard=dashboard))
    (name,) = [t for t in board.text_input if t.label == "Group name"]
    (members,) = [m for m in board.multiselect if m.label.startswith("Departments in the group")]
    assert members.options == ["Marketing", "PR / communications", "Sales / e-commerce", "HR", "Other"]
    name.input("Alone")
    members.set_value(["Marketing"])
    (add,) = [b for b in board.button if b.label == "Add the group"]
    add.click()
    run(board)
    assert [e.value for e in board.error] == ["The group 'Alone' needs at least two departments."]
    click(board, "Remove")
    assert db.engagement(record.id).department_groups == ()


def open_workshop(dashboard: str) -> AppTest:
    at = run(new_app(dashboard=dashboard))
    click(at, "Open the workshop")
    return at


def test_the_workshop_presents_by_default_and_reveals_the_answers_on_request(app_env, db):
    _, _, dashboard = silo_team(db, merged=True)
    at = open_workshop(dashboard)

    (toggle,) = [t for t in at.toggle if t.label.startswith("Presenting mode")]
    assert toggle.value is True
    assert silo_lines(at)[0].startswith("- " + ui.plain("Marketing rates Social customer care 1.72 points"))
    assert not [c for c in charts(at) if "Everyone" in str(c)]  # the question first
    click(at, "Reveal how people answered")
    (distribution,) = [c for c in charts(at) if c["data"] and c["data"][0]["type"] == "bar"]
    rows = distribution["data"][0]["y"]
    assert "Everyone" in str(rows) and "Marketing (n=3)" in str(rows) and f"{GROUP} (n=5)" in str(rows)
    assert "(n=2" not in str(distribution) and "(n=2" not in all_text(at)
    assert CONSULTANT_ONLY not in [c.value for c in at.caption]

    present(at, on=False)  # the consultant-only view, marked
    assert CONSULTANT_ONLY in [c.value for c in at.caption]
    (distribution,) = [c for c in charts(at) if c["data"] and c["data"][0]["type"] == "bar"]
    assert "Leadership (n=2)" in str(distribution["data"][0]["y"])


def test_the_workshop_records_a_target_and_actions_seeded_from_the_next_steps(app_env, db):
    record, _, dashboard = silo_team(db, merged=True)
    at = open_workshop(dashboard)
    question_id = at.selectbox(key="workshop_pick").value
    dimension_id = DEFAULT.dimension_of[question_id].id
    question = DEFAULT.scored_questions[question_id]
    lowest = question.option_ids[0]
    if question.type == "multi":
        at.multiselect(key=f"agreed:{question_id}").set_value([])
    else:
        at.radio(key=f"agreed:{question_id}").set_value(lowest)
    at.text_area(key=f"reason:{question_id}").input("Nobody owns it yet.")
    run(at)
    click(at, "Save and go to the next")
    at.selectbox(key="workshop_pick").set_value(question_id)
    run(at)

    at.selectbox(key=f"target:{dimension_id}").set_value(3)
    run(at)
    consensus_id, _ = db.consensus_assessment(record.id, dashboard)
    assert db.assessment(consensus_id).targets == {dimension_id: 3}

    (seed,) = [b for b in at.button if b.label.startswith("Add the bank's next steps")]
    seed.click()
    run(at)
    actions = db.actions(record.id)
    assert actions and all(a.dimension_id == dimension_id and a.status == "open" for a in actions)
    first = actions[0]
    at.text_input(key=f"action-owner:{first.id}").input("Sam Lead")
    at.selectbox(key=f"action-status:{first.id}").set_value("in_progress")
    (save,) = [b for b in at.button if b.label == "Save the action" and b.form_id == f"action-{first.id}"]
    save.click()
    run(at)
    saved = db.actions(record.id)[0]
    assert (saved.owner, saved.status, saved.text) == ("Sam Lead", "in_progress", first.text)

    (what,) = [t for t in at.text_input if t.label == "What"]
    what.input("Name an owner for social care")
    (add,) = [b for b in at.button if b.label == "Add the action"]
    add.click()
    run(at)
    assert db.actions(record.id)[-1].text == "Name an owner for social care"
    assert "Partial: 1 of 39 agreed." in " ".join(c.value for c in at.caption)

    # the client page: the partial consensus, the plan with its actions, nothing of Leadership's two alone
    client = client_page(dashboard=dashboard)
    text = all_text(client)
    assert "Partial consensus: 1 of 39 agreed." in client.warning[0].value
    assert "Agreed stage" not in text
    assert "(n=2" not in text and "Leadership (n=" not in text
    (plan,) = [t.value for t in client.table if "Owner" in t.value.columns]
    assert plan["Owner"].iloc[0] == "Sam Lead" and plan["Status"].iloc[0] == "In progress"
    assert "Name an owner for social care" in list(plan["Action"])
    (dimension,) = [d for d in DEFAULT.dimensions if d.id == dimension_id]
    scored = len([q for q in dimension.questions if q.is_scored])
    assert any(
        c.value.startswith(f"1 of {scored} questions agreed · agreed target stage: 3. Coordinating")
        for c in client.caption
    )


def test_the_client_page_of_a_full_consensus_gives_the_agreed_stage(app_env, db):
    record, _, dashboard = silo_team(db, merged=True)
    consensus_id, _ = db.consensus_assessment(record.id, dashboard)
    for question_id, value in answers_at(3).items():
        db.save_answer(consensus_id, question_id, value)

    client = client_page(dashboard=dashboard)

    assert {m.label: m.value for m in client.metric}["Questions agreed"] == "39 of 39 agreed"
    assert not client.warning
    assert "### Agreed stage 3 of 5: Coordinating" in [m.value for m in client.markdown]
    team, agreed = charts(client)
    assert traces(team) == ["Team mean", f"{GROUP} (n=5)", "Marketing (n=3)"]
    assert traces(agreed) == ["Team mean", "Agreed"]
    assert "(n=2" not in all_text(client)


def test_evidence_notes_show_without_names_and_only_from_groups_the_client_may_see(app_env, db):
    record, _, dashboard = silo_team(db)
    at = open_workshop(dashboard)
    question_id = at.selectbox(key="workshop_pick").value
    by_department = {}
    for respondent in db.respondents(record.id):
        by_department.setdefault(respondent.department, respondent.assessment_id)
    db.save_note(by_department["Customer service"], question_id, "Tickets pile up on Mondays")
    db.save_note(by_department["Leadership"], question_id, "We review it every quarter")
    run(at)
    click(at, "Reveal how people answered")

    (notes,) = [e for e in at.expander if e.label.startswith("What people noted as evidence")]
    assert notes.label == "What people noted as evidence (1)"  # Leadership (2) is not shown to the client
    assert "- **Customer service**: Tickets pile up on Mondays" in [m.value for m in at.markdown]
    assert "We review it every quarter" not in all_text(at)

    present(at, on=False)
    (notes,) = [e for e in at.expander if e.label.startswith("What people noted as evidence")]
    assert notes.label == "What people noted as evidence (2)"
    assert "We review it every quarter" in all_text(at)
