"""The dashboard's portfolio tab (issue 13), through AppTest: the switch, the k rule, the radar, the table.

Every other engagement's consensus scores the same in every dimension: 1, 2, 3, 4 and 5
(`OTHERS`). Their quartiles are 2, 3 and 4 per dimension and overall. The client's team answers
every question at 2 (a mean of 2.00 everywhere): above one engagement, tied with one, so its
percentile is (1 + 0.5) / 5 = 30%. The agreed result answers everything at 4: (3 + 0.5) / 5 = 70%.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests import test_app
from tests.test_app import DEFAULT, TITLES, charts, run
from tests.test_app_engagements import answers_at, new_engagement, respond, traces
from threadline.storage import PeerScores, Store
from threadline.web import ui
from threadline.web.portfolio import SWITCH_LABEL

app_env = test_app.app_env
db = test_app.db
OTHERS = (1.0, 2.0, 3.0, 4.0, 5.0)
PRESENTING = "Presenting mode: only what the client may see"


@pytest.fixture(autouse=True)
def no_consultant_password(monkeypatch):
    monkeypatch.delenv("CONSULTANT_PASSWORD", raising=False)


def portfolio_of(db: Store, overalls: tuple[float, ...]) -> None:
    """Other clients' engagements, each with its consensus in the portfolio at one score everywhere."""
    for n, overall in enumerate(overalls):
        record, _, dashboard = new_engagement(db)
        db.update_engagement(record.id, client=f"Other client {n}")
        consensus, _ = db.consensus_assessment(record.id, dashboard)
        db.set_portfolio(record.id, True, dashboard)
        scores = {d.id: overall for d in DEFAULT.dimensions}
        row = PeerScores(consensus, DEFAULT.id, DEFAULT.version, "portfolio", None, None, overall, scores)
        db.save_portfolio_scores(record.id, dashboard, row)


def client_engagement(db: Store, agreed: dict) -> tuple[int, str]:
    """The client: three Marketing and three Customer service answers at 2, and the given agreed answers."""
    record, _, dashboard = new_engagement(db)
    for department in ("Marketing", "Customer service"):
        for _ in range(3):
            respond(db, record.id, department, answers_at(2))
    consensus, _ = db.consensus_assessment(record.id, dashboard)
    for question_id, value in agreed.items():
        db.save_answer(consensus, question_id, value)
    return record.id, dashboard


def switch(at: AppTest):
    (found,) = [t for t in at.toggle if t.label == SWITCH_LABEL]
    return found


def portfolio_table(at: AppTest):
    (found,) = [d.value for d in at.dataframe if "Portfolio median" in d.value.columns]
    return found


def test_the_team_and_the_agreed_result_sit_among_five_other_engagements(app_env, db):
    portfolio_of(db, OTHERS)
    _, dashboard = client_engagement(db, answers_at(4))

    at = run(test_app.new_app(dashboard=dashboard))

    (radar,) = [c for c in charts(at) if "Portfolio: median" in traces(c)]
    assert traces(radar) == [
        None,  # the band's outer edge
        "Portfolio: middle half",
        "Portfolio: median",
        "Team mean (client-safe)",
        "Agreed (consensus)",
    ]
    assert radar["data"][2]["r"] == [3.0] * (len(TITLES) + 1)
    lines = [
        "Compared with your engagements with this bank version: 5 engagements whose agreed (consensus) result "
        "you included. This client's own rounds are never among them.",
        "The team's overall mean is higher than 30% of them; the agreed overall score is higher than 70% of them "
        "(ties count half). The portfolio's overall median is 3.00; its middle half runs from 2.00 to 4.00.",
    ]
    assert "  \n".join(ui.plain(line) for line in lines) in [m.value for m in at.markdown]
    table = portfolio_table(at)
    assert list(table.columns) == [
        "Dimension",
        "Team mean",
        "Agreed",
        "Portfolio median",
        "Middle half (P25–P75)",
        "Team percentile",
        "Agreed percentile",
    ]
    assert table.iloc[0].tolist() == [TITLES[0], 2.0, 4.0, 3.0, "2.00–4.00", "30%", "70%"]
    assert not switch(at).value


def test_a_portfolio_of_four_other_engagements_says_only_how_many_it_needs(app_env, db):
    portfolio_of(db, OTHERS[:4])
    _, dashboard = client_engagement(db, answers_at(4))

    at = run(test_app.new_app(dashboard=dashboard))

    too_small = "Your portfolio has 4 engagements with this bank version; a comparison needs 5."
    assert ui.plain(too_small) in [c.value for c in at.caption]
    assert not [c for c in charts(at) if "Portfolio: median" in traces(c)]
    assert not [d for d in at.dataframe if "Portfolio median" in d.value.columns]


def test_switching_on_puts_the_complete_consensus_in_and_switching_off_takes_it_out(app_env, db):
    portfolio_of(db, OTHERS)
    engagement_id, dashboard = client_engagement(db, answers_at(4))
    at = run(test_app.new_app(dashboard=dashboard))

    switch(at).set_value(True)
    run(at)
    row = db.portfolio_row(engagement_id)
    assert row is not None and (row.kind, row.overall, row.industry, row.size) == ("portfolio", 4.0, None, None)
    assert set(row.dimensions.values()) == {4.0}
    assert any(
        m.value.startswith(ui.plain("Compared with your engagements with this bank version: 5 engagements"))
        for m in at.markdown
    )  # never its own peer

    switch(at).set_value(False)
    run(at)
    assert db.portfolio_row(engagement_id) is None
    assert not db.in_portfolio(engagement_id)


def test_a_partial_consensus_never_joins_the_portfolio(app_env, db):
    portfolio_of(db, OTHERS)
    first = next(iter(answers_at(4).items()))
    engagement_id, dashboard = client_engagement(db, dict([first]))
    at = run(test_app.new_app(dashboard=dashboard))

    switch(at).set_value(True)
    run(at)

    assert db.in_portfolio(engagement_id)
    assert db.portfolio_row(engagement_id) is None
    required = sum(1 for q in DEFAULT.questions.values() if q.is_scored and q.is_required)
    assert f"Joins your portfolio once the consensus is complete (1 of {required} required questions agreed)." in [
        c.value for c in at.caption
    ]
    assert "Agreed" not in portfolio_table(at).columns


def test_presenting_mode_shows_the_portfolio_but_not_the_switch(app_env, db):
    portfolio_of(db, OTHERS)
    _, dashboard = client_engagement(db, answers_at(4))
    at = run(test_app.new_app(dashboard=dashboard))

    (presenting,) = [t for t in at.toggle if t.label.startswith(PRESENTING)]
    presenting.set_value(True)
    run(at)

    assert "Portfolio" in [t.label for t in at.tabs]
    assert not [t for t in at.toggle if t.label == SWITCH_LABEL]
    assert portfolio_table(at).iloc[0].tolist() == [TITLES[0], 2.0, 4.0, 3.0, "2.00–4.00", "30%", "70%"]
    assert "Other client" not in "\n".join(str(e.value) for e in at.markdown)
