"""Specification of the consultant's home on /consultant (issue 10), driven through AppTest.

Behind the consultant password: every round with client, status, dates and counts, a search,
and the actions (open the dashboard, close, reopen, new links, settings, archive, delete after a
confirmation). With no password set there is no list, only the sentence naming the setting.
Helpers and fixtures are those of tests/test_app_engagements.py.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests import test_app
from tests.test_app import buttons, click, run
from tests.test_app_engagements import (
    answers_at,
    consultant_page,
    dataframe_with,
    link_code,
    new_engagement,
    no_consultant_password,  # noqa: F401  (autouse fixture)
    respond,
    text_input,
    titles,
)
from threadline.web import home, session

app_env = test_app.app_env
db = test_app.db
PASSWORD = "correct horse"


@pytest.fixture
def password(monkeypatch):
    monkeypatch.setenv("CONSULTANT_PASSWORD", PASSWORD)


def signed_in():
    at = consultant_page()
    text_input(at, "Consultant password").input(PASSWORD)
    return click(at, "Continue")


def listing(at) -> list[dict]:
    return dataframe_with(at, "Submitted").to_dict("records")


def shown_token(at, param: str) -> str:
    """The one token of a kind the page shows (in the notice and beside the round: the same)."""
    (token,) = {code.value.split(f"?{param}=")[1] for code in at.code if f"?{param}=" in code.value}
    return token


def successes(at) -> list[str]:
    return [s.value for s in at.success]


def test_without_a_password_there_is_no_list_only_the_setting_to_set(app_env, db):
    new_engagement(db)
    at = consultant_page()
    assert [i.value for i in at.info] == [home.NO_PASSWORD]
    assert "Your engagements" not in [h.value for h in at.header]
    assert not [d for d in at.dataframe if "Submitted" in d.value.columns]
    assert buttons(at, "Create the engagement")  # creating one works as before


def test_the_home_lists_every_round_with_status_dates_and_counts(app_env, db, password):
    first, _, _ = new_engagement(db)
    respond(db, first.id, "Marketing", answers_at(3))
    respond(db, first.id, "Marketing", answers_at(3), submit=False)
    db.create_engagement(first.bank_hash, "Acme Ltd", "Jo", "", ["HR"], series_id=first.id)
    beta, _, _ = db.create_engagement(first.bank_hash, "Beta plc", "Sam", "", ["HR"], closes_on=dt.date(2000, 1, 1))
    db.set_engagement_status(first.id, "closed")
    created = f"{first.created_at:%d %b %Y}"

    at = signed_in()

    assert "Your engagements" in [h.value for h in at.header]
    assert listing(at) == [
        {"Client": "Beta plc", "Round": "1 of 1", "Status": "closed (closing date passed)", "Created": created,
         "Closes": "01 Jan 2000", "Started": 0, "Submitted": 0},
        {"Client": "Acme Ltd", "Round": "1 of 2", "Status": "closed", "Created": created, "Closes": "",
         "Started": 2, "Submitted": 1},
        {"Client": "Acme Ltd", "Round": "2 of 2", "Status": "open", "Created": created, "Closes": "",
         "Started": 0, "Submitted": 0},
    ]  # fmt: skip

    text_input(at, "Search your engagements").input("acme open")
    run(at)
    assert [(r["Client"], r["Round"]) for r in listing(at)] == [("Acme Ltd", "2 of 2")]
    text_input(at, "Search your engagements").input("nobody")
    run(at)
    assert "No engagement matches." in [c.value for c in at.caption]

    text_input(at, "Search your engagements").input("")
    run(at)
    db.set_archived(beta.id, True)
    run(at)
    assert [r["Client"] for r in listing(at)] == ["Acme Ltd", "Acme Ltd"]
    at.toggle(key="home-archived").set_value(True)
    run(at)
    assert listing(at)[0]["Status"] == "closed (closing date passed), archived"


def test_opening_a_dashboard_the_session_does_not_hold_gives_it_a_new_link(app_env, db, password):
    record, invite, old = new_engagement(db)
    at = signed_in()
    assert (
        "Its links can't be shown again (only their fingerprints are stored). Opening the dashboard from here "
        "gives it a new dashboard link; the invite link already sent keeps working."
    ) in [c.value for c in at.caption]

    click(at, "Open its dashboard")

    new = at.query_params["dashboard"]
    assert new != old
    assert titles(at) == ["Acme Ltd"]
    assert successes(at) == ["Here is your new dashboard link (bookmark it). " + home.NEW_DASHBOARD_NOTE]
    assert link_code(at, "dashboard") == new
    assert db.find_engagement_link(old).revoked is True
    assert db.find_engagement_link(invite).revoked is False
    assert db.find_engagement_link(new).engagement_id == record.id


def test_a_dashboard_this_session_holds_opens_without_a_new_link(app_env, db, password):
    at = signed_in()
    text_input(at, "Client name").input("Acme Ltd")
    click(at, "Create the engagement")
    dashboard = link_code(at, "dashboard")
    click(at, "Create another engagement")
    assert link_code(at, "dashboard") == dashboard  # the home shows the links it holds

    click(at, "Open its dashboard")

    assert at.query_params == {"dashboard": dashboard}
    assert successes(at) == []
    assert db.find_engagement_link(dashboard).revoked is False


def test_close_reopen_and_new_links_from_the_home(app_env, db, password):
    record, invite, old = new_engagement(db)
    at = signed_in()

    click(at, "Close to new responses")
    assert db.engagement(record.id).status == "closed"
    assert listing(at)[0]["Status"] == "closed"
    click(at, "Reopen for responses")
    assert db.engagement(record.id).status == "open"

    click(at, "New invite link")
    assert successes(at) == [
        "Here is your new invite link. The old invite link no longer works: send this one. Making it needed a "
        "new dashboard link too (the second link). " + home.NEW_DASHBOARD_NOTE
    ]
    new_invite = shown_token(at, "invite")
    assert db.find_engagement_link(invite).revoked is True
    assert db.find_engagement_link(new_invite).revoked is False
    assert db.find_engagement_link(old).revoked is True

    click(at, "New dashboard link")
    assert successes(at) == ["Here is your new dashboard link. " + home.NEW_DASHBOARD_NOTE]
    newest = shown_token(at, "dashboard")
    assert db.find_engagement_link(newest).revoked is False
    assert db.find_engagement_link(new_invite).revoked is False  # the invite already sent keeps working

    click(at, "New invite link")  # the session holds the dashboard now: only the invite changes
    assert successes(at) == ["Here is your new invite link. The old invite link no longer works: send this one."]
    assert db.find_engagement_link(newest).revoked is False


def test_editing_the_settings_from_the_home(app_env, db, password):
    record, _, _ = new_engagement(db, departments=["Marketing", "HR"])
    at = signed_in()
    text_input(at, "Client").input("Acme Group")
    (departments,) = [m for m in at.multiselect if m.label == "Departments"]
    departments.set_value(["Marketing", "Sales"])
    closes = session.today() + dt.timedelta(days=10)
    (closing,) = [d for d in at.date_input if d.label == "Closing date (empty: none; a past date closes it)"]
    closing.set_value(closes)
    text_input(at, "Header text").input("Adviser & Co")
    click(at, "Save the settings")

    stored = db.engagement(record.id)
    assert (stored.client, stored.departments, stored.closes_on, stored.logo_text) == (
        "Acme Group",
        ("Marketing", "Sales"),
        closes,
        "Adviser & Co",
    )
    assert successes(at) == ["The settings of Acme Ltd, round 1, are saved."]

    text_input(at, "Client").input("  ")
    click(at, "Save the settings")
    assert [e.value for e in at.error] == ["Give the client's name."]
    assert db.engagement(record.id).client == "Acme Group"


def test_deleting_from_the_home_asks_first_and_removes_everything_of_the_round(app_env, db, password):
    record, _, _ = new_engagement(db)
    respond(db, record.id, "Marketing", answers_at(3))
    at = signed_in()

    click(at, "Delete…")
    (warning,) = [w.value for w in at.warning]
    assert warning.startswith("Delete round 1 of Acme Ltd for good? Its 1 responses")
    click(at, "Keep it")
    assert [s.engagement.id for s in db.engagement_summaries()] == [record.id]

    click(at, "Delete…")
    click(at, "Yes, delete it for good")
    assert db.engagement_summaries() == []
    assert db.respondents(record.id) == []
    assert successes(at) == ["Round 1 of Acme Ltd was deleted."]
    assert "No engagements yet: create the first one below." in [i.value for i in at.info]


def test_archiving_from_the_home(app_env, db, password):
    record, _, _ = new_engagement(db)
    at = signed_in()
    click(at, "Archive")
    assert db.engagement(record.id).archived_at is not None
    assert "No engagement matches." in [c.value for c in at.caption]
    at.toggle(key="home-archived").set_value(True)
    run(at)
    click(at, "Bring back")
    assert db.engagement(record.id).archived_at is None
