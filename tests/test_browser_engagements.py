"""End-to-end tests of a consultant engagement (issue 4) in a real browser.

A consultant creates an engagement on /consultant; three respondents from two departments
answer the whole survey through the invite link, each in a fresh browser context (no shared
cookies or session), choosing different options so that the team disagrees; the consultant's
dashboard, opened in another fresh context, shows the responses, both departments, the team
stage and the questions with the widest disagreement; the workshop records one agreed answer.
The two links never stand in for each other. A closed engagement turns new respondents away
(also one whose join form was already open), and takes them again once reopened.

Expected figures (the team stage, the most disputed question) are computed with
`scoring.team` from the answers in the database, the way the unit tests check the aggregation.

The server, browser, waiting and screenshot helpers are shared with `tests/test_browser.py`
(`tests/browser_support.py`); the same skip rules apply (skipped without /usr/bin/chromium,
a failure under CI).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from scoring.answers import Responses
from scoring.bank import Bank
from scoring.batch import encode
from scoring.engine import score
from scoring.team import TeamView, team_view
from tests.browser_support import (  # noqa: F401  (the *_fixture imports register the fixtures)
    DESKTOP,
    PHONE,
    TIMEOUT_MS,
    LiveServer,
    Survey,
    bank_fixture,
    browser_fixture,
    chromium_available_fixture,
    live_server_fixture,
    screenshot,
    server_log_on_failure_fixture,
    settle,
    store_fixture,
)
from threadline.reporting.summary import headline
from threadline.reporting.teamdata import team_headline
from threadline.storage import Store
from threadline.web.context import ROLES

pytestmark = pytest.mark.browser

UNKNOWN_LINK = "This link doesn't open anything"
NO_SAVE_PICKER = "delete window.showSaveFilePicker"
"""Without the File System Access API, a dataframe's "Download as CSV" becomes a plain download."""


@dataclass(frozen=True)
class Engagement:
    id: int
    invite: str  # the whole invite link
    dashboard: str  # the whole dashboard link

    @property
    def invite_token(self) -> str:
        return self.invite.rsplit("=", 1)[1]

    @property
    def dashboard_token(self) -> str:
        return self.dashboard.rsplit("=", 1)[1]


@dataclass(frozen=True)
class Person:
    """Someone who answers through the invite link."""

    department: str
    name: str
    choice: int  # the option every choice question gets (its position in the list)


# Two Marketing people and one from Customer service, each choosing a different option on every
# choice question (so every one of them is disputed); the same boxes ticked on multi questions.
RESPONDENTS = (
    Person("Marketing", "Mina Rossi", 0),
    Person("Marketing", "", 1),
    Person("Customer service", "", 3),
)
DEPARTMENTS = {r.department for r in RESPONDENTS}


# --------------------------------------------------------------------------- helpers


def expect(target: Any) -> Any:
    """Playwright's expect, imported when a test runs (so that this module imports without Playwright)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def fresh_page(browser: Any, viewport: dict[str, int] = DESKTOP) -> tuple[Any, Any]:
    """A page in a new browser context: no cookies, no Streamlit session shared with anyone."""
    opened = browser.new_context(viewport=viewport)
    opened.set_default_timeout(TIMEOUT_MS)
    return opened, opened.new_page()


def create_engagement(page: Any, server: LiveServer, store: Store, client: str, shot: str | None = None) -> Engagement:
    page.goto(server.url + "/consultant")
    create = page.get_by_role("button", name="Create the engagement")
    settle(page, create, page.get_by_text("Departments respondents choose from"))
    offered = page.get_by_test_id("stMultiSelect").filter(has_text="Departments respondents choose from")
    for role in ROLES:  # every role is offered by default
        expect(offered.get_by_text(role, exact=True)).to_be_visible()
    page.get_by_label("Client name").fill(client)
    page.get_by_label("Your name").fill("Ada Consult")
    page.get_by_label("Header text for the report").fill("Loom & Partners")
    create.click()

    invite_code = page.get_by_test_id("stCode").filter(has_text="?invite=")
    dashboard_code = page.get_by_test_id("stCode").filter(has_text="?dashboard=")
    settle(page, page.get_by_text("The engagement is ready."), invite_code, dashboard_code)
    invite = invite_code.inner_text().strip()
    dashboard = dashboard_code.inner_text().strip()
    token = r"[A-Za-z0-9_-]{20,100}"
    assert re.fullmatch(re.escape(server.url) + r"/\?invite=" + token, invite), invite
    assert re.fullmatch(re.escape(server.url) + r"/\?dashboard=" + token, dashboard), dashboard
    if shot:
        screenshot(page, shot)

    found = store.find_engagement_link(dashboard.rsplit("=", 1)[1])
    assert found is not None and found.kind == "dashboard" and not found.revoked
    engagement = Engagement(found.engagement_id, invite, dashboard)
    assert engagement.invite_token != engagement.dashboard_token
    record = store.engagement(engagement.id)
    assert (record.client, record.consultant, record.logo_text) == (client, "Ada Consult", "Loom & Partners")
    assert record.departments == ROLES and record.status == "open"
    return engagement


def join(page: Any, engagement: Engagement, client: str, respondent: Person, shots: bool = False) -> None:
    """Open the invite link, choose a department (and maybe give a name), start the survey."""
    open_join_form(page, engagement, client, respondent, shots)
    page.get_by_role("button", name="Start the survey").click()
    page.wait_for_url(re.compile(r"/survey\?resume="))


def open_join_form(page: Any, engagement: Engagement, client: str, respondent: Person, shots: bool = False) -> None:
    """Open the invite link and fill in the join form, without starting yet."""
    page.goto(engagement.invite)
    start = page.get_by_role("button", name="Start the survey")
    settle(page, page.get_by_role("heading", name=client, exact=True), start)
    assert "/join" in page.url and "invite=" in page.url
    if shots:
        screenshot(page, "join")
        screenshot(page, "join-phone", PHONE)
    department = page.get_by_role("combobox", name="Your department")
    department.click()
    page.get_by_role("option", name=respondent.department, exact=True).click()
    expect(department).to_have_value(respondent.department)
    if respondent.name:
        page.get_by_label("Your name (optional").fill(respondent.name)


def answer_whole_survey(page: Any, bank: Bank, store: Store, engagement: Engagement, respondent: Person) -> Survey:
    """Answer every scored question page by page through the survey's own widgets, then submit.

    Clicks follow one another without waiting for each rerun; the server's "N of M answered"
    counter at the end of each page (and the database afterwards) confirms that none was lost.
    """
    token = re.search(r"[?&]resume=([A-Za-z0-9_-]+)", page.url).group(1)
    found = store.find_link(token)
    assert found is not None and found.kind == "private"
    survey = Survey(page, bank, store, token, found.assessment_id)
    survey.expect_dimension(0)
    last = len(bank.dimensions) - 1
    for index, dimension in enumerate(bank.dimensions):
        for question in dimension.questions:
            if question.type == "choice":
                position = min(respondent.choice, len(question.option_ids) - 1)
                group = survey.widget(question.id)
                group.get_by_test_id("stRadioOption").nth(position).click()
                expect(group.locator("input[type=radio]").nth(position)).to_be_checked()
                survey.answers[question.id] = question.option_ids[position]
            elif question.type == "multi":
                box = survey.widget(question.id, question.option_ids[0])
                box.get_by_test_id("stCheckbox").click()
                expect(box.locator("input[type=checkbox]")).to_be_checked()
                survey.answers[question.id] = (question.option_ids[0],)
        settle(page, survey.progress(index))
        if index < last:
            survey.next()
    assert survey.answered == survey.total
    page.get_by_role("button", name="See my results").click()
    expected = headline(bank, score(bank, Responses(dict(survey.answers))))
    settle(
        page,
        page.get_by_role("heading", name=expected, exact=True),
        page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot'),
    )
    assert "/results" in page.url
    record = store.assessment(survey.assessment_id)
    assert survey.stored() == survey.answers, "the database holds other answers than the ones given"
    assert (record.status, record.kind, record.engagement_id) == ("submitted", "respondent", engagement.id)
    assert record.department == respondent.department
    assert record.respondent == (respondent.name or None)
    return survey


def expected_view(bank: Bank, store: Store, engagement: Engagement) -> TeamView:
    """The team view computed from the database with `scoring.team`, as the dashboard should show it."""
    submitted = [r for r in store.respondents(engagement.id) if r.status == "submitted"]
    answers = store.respondent_answers([engagement.id])
    table = encode(bank, [answers.get(r.assessment_id, {}) for r in submitted])
    order = store.engagement(engagement.id).departments
    return team_view(bank, table, [r.department or "" for r in submitted], order)


def open_tab(page: Any, name: str) -> Any:
    """Click a dashboard tab; return its panel."""
    page.get_by_role("tab", name=name, exact=True).click()
    panel = page.get_by_role("tabpanel", name=name)
    expect(panel).to_be_visible()
    return panel


def dataframe_csv(page: Any, frame: Any) -> list[str]:
    """The lines of a dataframe as its own toolbar exports them (the grid itself is a canvas)."""
    frame.hover()
    with page.expect_download() as download:
        frame.get_by_role("button", name="Download as CSV").click()
    return Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()


def metric(page: Any, label: str) -> Any:
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def plotted(chart: Any) -> Any:
    """The drawn marks of a Plotly chart (bars, or the radar's lines)."""
    return chart.locator(".barlayer .point path, .scatterlayer .trace path.js-line")


def assert_legend_clear_of(chart: Any, parts: str) -> None:
    """The chart's legend covers none of these parts (a CSS selector), as a legend of several rows can."""
    legend = chart.locator(".legend").bounding_box()
    boxes = [box for box in (part.bounding_box() for part in chart.locator(parts).all()) if box]
    assert legend and boxes, f"no legend or no {parts!r} in the chart"
    for box in boxes:
        apart = (
            legend["x"] + legend["width"] <= box["x"]
            or box["x"] + box["width"] <= legend["x"]
            or legend["y"] + legend["height"] <= box["y"]
            or box["y"] + box["height"] <= legend["y"]
        )
        assert apart, f"the legend {legend} covers {parts!r} at {box}"


# --------------------------------------------------------------------------- tests


def test_engagement_from_invites_to_dashboard_and_workshop(
    live_server: LiveServer, browser: Any, bank: Bank, store: Store
) -> None:
    client = "Northwind & Sons <Ltd>"
    consultant, page = fresh_page(browser)
    try:
        engagement = create_engagement(page, live_server, store, client, shot="consultant-created")
    finally:
        consultant.close()

    for number, respondent in enumerate(RESPONDENTS):
        context, page = fresh_page(browser)
        try:
            join(page, engagement, client, respondent, shots=number == 0)
            answer_whole_survey(page, bank, store, engagement, respondent)
        finally:
            context.close()

    view = expected_view(bank, store, engagement)
    disputed = view.disputed_questions()
    top = bank.questions[disputed[0]]
    assert top.type == "choice", "the respondents differ on choice questions only"

    context, page = fresh_page(browser)
    context.add_init_script(NO_SAVE_PICKER)
    try:
        # Responses: 3 started, 3 submitted, from 2 departments, both in the table.
        page.goto(engagement.dashboard)
        settle(page, page.get_by_role("heading", name=client, exact=True), metric(page, "Started"))
        assert "/dashboard" in page.url
        expect(metric(page, "Started")).to_have_text("3")
        expect(metric(page, "Submitted")).to_have_text("3")
        expect(metric(page, "Departments")).to_have_text("2")
        responses = open_tab(page, "Responses")
        table = dataframe_csv(page, responses.get_by_test_id("stDataFrame"))
        assert table[0] == "Department,Started,Submitted,Shown to the client"
        rows = {line.split(",")[0]: line for line in table[1:]}
        assert list(rows) == list(ROLES), table  # every department offered, in the order offered
        assert rows["Marketing"] == "Marketing,2,2,no (under 3)"
        assert rows["Customer service"] == "Customer service,1,1,no (under 3)"
        assert all(line.endswith(",0,0,no (under 3)") for name, line in rows.items() if name not in DEPARTMENTS)
        expect(page.get_by_test_id("stCode").filter(has_text="?invite=")).to_have_text(engagement.invite)
        days = {r.submitted_at.strftime("%d %b") for r in store.respondents(engagement.id)}
        over_time = responses.locator('[data-testid="stPlotlyChart"] .js-plotly-plot')
        for day in days:  # whole days on the time axis, not milliseconds around one
            expect(over_time.locator(".xtick").filter(has_text=day)).to_have_count(1)
        screenshot(page, "dashboard-responses")

        # Team picture: the team stage as scoring.team computes it, and the radar with both departments.
        team = open_tab(page, "Team picture")
        radar = team.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first
        settle(page, team.get_by_role("heading", name=team_headline(bank, view), exact=True), radar)
        for label in ("Team mean", "Marketing (n=2", "Customer service (n=1"):
            expect(radar.locator(".legend")).to_contain_text(label)
        assert plotted(radar).count() >= 3
        assert_legend_clear_of(radar, ".angularaxistick text")
        screenshot(page, "dashboard-team")
        screenshot(page, "dashboard-team-phone", PHONE)

        # Disagreement: the most disputed questions first, each with its distribution by department.
        panel = open_tab(page, "Disagreement")
        settle(page, panel.get_by_role("heading", name="Questions with the widest disagreement"))
        first = panel.get_by_test_id("stLayoutWrapper").filter(has=page.get_by_text(f"1. {top.text}", exact=True))
        bars = first.locator('[data-testid="stPlotlyChart"] .js-plotly-plot')
        expect(bars).to_be_visible()
        assert plotted(bars).count() >= len(RESPONDENTS), "the distribution chart draws no bars"
        rows = sorted((tick.bounding_box()["y"], tick.text_content()) for tick in bars.locator(".ytick text").all())
        assert [name for _, name in rows] == ["Everyone", "Marketing (n=2)", "Customer service (n=1)"]  # no n=0 rows
        assert_legend_clear_of(bars, ".nsewdrag, .xtick text, .g-xtitle text")
        shown = min(8, len(disputed))
        for rank, question_id in enumerate(disputed[:shown], start=1):
            expect(panel.get_by_text(f"{rank}. {bank.questions[question_id].text}", exact=True)).to_be_visible()
        expect(panel.locator('[data-testid="stPlotlyChart"] .js-plotly-plot')).to_have_count(1 + shown)
        screenshot(page, "dashboard-disagreement")

        # Workshop: the most disputed question comes first; agree an answer with a reason.
        open_tab(page, "Workshop")
        page.get_by_role("button", name="Open the workshop").click()
        page.wait_for_url(re.compile(r"/workshop\?dashboard="))
        total = sum(1 for q in bank.questions.values() if q.is_scored)
        agreed_answer = page.get_by_test_id("stRadio").filter(has_text="Agreed answer")
        settle(page, page.get_by_text(f"0 of {total} questions agreed"), page.get_by_text(top.text, exact=True))
        agreed_answer.get_by_test_id("stRadioOption").nth(1).click()
        expect(agreed_answer.locator("input[type=radio]").nth(1)).to_be_checked()
        reason = "Both departments agreed once they heard each other's examples."
        why = page.get_by_label("Why the group agreed on it (a sentence or two)")
        why.fill(reason)
        why.press("Control+Enter")
        settle(page, page.get_by_text(f"0 of {total} questions agreed"))
        page.get_by_role("button", name="Save and go to the next").click()
        settle(
            page,
            page.get_by_text(f"1 of {total} questions agreed"),
            page.get_by_text(bank.questions[disputed[1]].text, exact=True),
        )
        consensus_id, _ = store.consensus_assessment(engagement.id, engagement.dashboard_token)
        assert store.assessment(consensus_id).answers == {top.id: top.option_ids[1]}
        assert store.reasons(consensus_id) == {top.id: reason}
        screenshot(page, "workshop")
    finally:
        context.close()

    # The invite link never opens the dashboard, and the dashboard link is no invite.
    context, page = fresh_page(browser)
    try:
        page.goto(f"{live_server.url}/?dashboard={engagement.invite_token}")
        settle(page, page.get_by_role("heading", name=UNKNOWN_LINK))
        body = page.locator("body").inner_text()
        assert client not in body and "Started" not in body and "Invite link" not in body
        assert page.get_by_role("tab").count() == 0 and page.get_by_test_id("stMetric").count() == 0

        page.goto(f"{live_server.url}/?invite={engagement.dashboard_token}")
        settle(page, page.get_by_role("heading", name=UNKNOWN_LINK))
        assert page.get_by_role("button", name="Start the survey").count() == 0
        assert page.get_by_text("Your department").count() == 0
        assert client not in page.locator("body").inner_text()
    finally:
        context.close()


def test_closed_engagement_turns_new_respondents_away(live_server: LiveServer, browser: Any, store: Store) -> None:
    client = "Closing Time Ltd"
    consultant, dashboard = fresh_page(browser)
    early, early_page = fresh_page(browser)  # has the join form open when the engagement closes
    try:
        engagement = create_engagement(dashboard, live_server, store, client)
        open_join_form(early_page, engagement, client, Person("HR", "", 0))

        dashboard.goto(engagement.dashboard)
        settle(dashboard, dashboard.get_by_role("heading", name=client, exact=True))
        settings = open_tab(dashboard, "Export & settings")
        settings.get_by_role("button", name="Close to new responses").click()
        settle(dashboard, settings.get_by_role("button", name="Reopen for responses"))
        expect(dashboard.get_by_text("closed to new responses")).to_be_visible()
        assert store.engagement(engagement.id).status == "closed"

        late, page = fresh_page(browser)
        try:
            page.goto(engagement.invite)
            closed = page.get_by_text("This assessment is closed")
            settle(page, page.get_by_role("heading", name=client, exact=True), closed)
            assert "/join" in page.url
            assert page.get_by_role("button", name="Start the survey").count() == 0
            assert page.get_by_text("Your department").count() == 0
        finally:
            late.close()

        early_page.get_by_role("button", name="Start the survey").click()  # the form was open before closing
        settle(early_page, early_page.get_by_text("This assessment is closed"))
        assert "/survey" not in early_page.url
        assert early_page.get_by_role("button", name="Start the survey").count() == 0
        assert store.respondents(engagement.id) == []

        settings.get_by_role("button", name="Reopen for responses").click()
        settle(dashboard, settings.get_by_role("button", name="Close to new responses"))
        assert store.engagement(engagement.id).status == "open"
        reopened, page = fresh_page(browser)
        try:
            join(page, engagement, client, Person("HR", "", 0))
            assert [r.department for r in store.respondents(engagement.id)] == ["HR"]
        finally:
            reopened.close()
    finally:
        early.close()
        consultant.close()
