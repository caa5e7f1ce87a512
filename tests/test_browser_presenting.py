"""The consultant in front of the client (issue 9), in a real browser.

Departments of 3 (Marketing, answering high), 3 (Customer service, low) and 2 (Leadership),
written through the store as submitted responses (answering through the invite link is
tests/test_browser_engagements.py's part). The consultant opens the dashboard, sees the
consultant-only view (every chart marked), switches presenting mode on (only Customer service
is shown: Leadership is small and Marketing would give it away), merges Leadership into
"Service and leadership" so that both groups are shown, opens the workshop (presenting by
default), reveals a question's answers, agrees it with a reason, agrees a target stage and
actions seeded from the bank's next steps, gives one an owner, and opens the client page.
Nothing of the group of two alone (its n, a trace, a row) appears in presenting mode or on the
client page. Screenshots at 1920 x 1080 and 1280 x 900 go to test-artifacts/.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from scoring.bank import Bank
from tests.browser_support import (  # noqa: F401  (the *_fixture imports register the fixtures)
    BANK_FILE,
    DESKTOP,
    TIMEOUT_MS,
    LiveServer,
    bank_fixture,
    browser_fixture,
    chromium_available_fixture,
    live_server_fixture,
    screenshot,
    server_log_on_failure_fixture,
    settle,
    store_fixture,
)
from tests.test_app_engagements import answers_at
from threadline.storage import Store
from threadline.web.context import ROLES

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1920, "height": 1080}
GROUP = "Service and leadership"
SMALL = ("(n=2", "Leadership (n=")


def expect(target: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def everything_shown(page: Any) -> str:
    """The page's text and every chart's SVG text (legends, axis labels, annotations)."""
    charts = " ".join(page.locator(".js-plotly-plot").all_text_contents())
    return page.locator("body").inner_text() + " " + charts


def assert_nothing_small(page: Any) -> None:
    shown = everything_shown(page)
    for part in SMALL:
        assert part not in shown, f"{part!r} is shown: {shown[:2000]}"


def open_tab(page: Any, name: str) -> Any:
    page.get_by_role("tab", name=name, exact=True).click()
    return page.get_by_role("tabpanel", name=name)


def presenting_switch(page: Any) -> Any:
    return page.get_by_test_id("stCheckbox").filter(has_text="Presenting mode")


def wait_until(condition: Any, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the change did not reach the database"
        time.sleep(0.1)


def choose(page: Any, box: Any, text: str) -> None:
    """Pick an option of a selectbox or multiselect: open its list, click where the option is.

    The list closes when the page scrolls under it (a chart resizing as the page settles), and
    re-renders its options while the pointer moves, so a click on the element itself can keep
    finding it detached: open it again until the option shows, then click at its place.
    """
    option = page.get_by_role("option").filter(has_text=re.compile(f"^{re.escape(text)}$"))
    field = box.locator("input")
    field.scroll_into_view_if_needed()
    settle(page)
    for _ in range(10):
        if not option.is_visible():
            field.click()
        try:
            expect(option).to_be_visible(timeout=1500)
            place = option.bounding_box()
        except AssertionError:
            continue
        if place is not None:
            page.mouse.click(place["x"] + place["width"] / 2, place["y"] + place["height"] / 2)
            return
    raise AssertionError(f"the option {text!r} never showed")


def both_sizes(page: Any, name: str) -> None:
    screenshot(page, f"{name}-1920", PROJECTOR)
    screenshot(page, f"{name}-1280", DESKTOP)


def test_presenting_merging_workshop_plan_and_client_page(
    live_server: LiveServer, browser: Any, bank: Bank, store: Store
) -> None:
    store.migrate()  # the server creates its tables on its first page; these rows come first
    bank_hash = store.put_bank(BANK_FILE.read_text(encoding="utf-8"), bank.id, bank.version)
    record, _, dashboard = store.create_engagement(
        bank_hash, "Fabrikam Outdoor", "Ada Consult", "Loom & Partners", list(ROLES)
    )
    for department, base, triage, count in [
        ("Marketing", 4, 4, 3),
        ("Customer service", 2, 1, 3),
        ("Leadership", 3, 3, 2),
    ]:
        for _ in range(count):
            assessment_id, _ = store.add_respondent(record.id, department)
            for question_id, value in answers_at(base, {"triage": triage}).items():
                store.save_answer(assessment_id, question_id, value)
            store.submit(assessment_id)

    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        # The consultant's view: every department, every chart marked "Consultant only".
        page.goto(f"{live_server.url}/?dashboard={dashboard}")
        settle(page, page.get_by_role("heading", name="Fabrikam Outdoor", exact=True), presenting_switch(page))
        team = open_tab(page, "Team picture")
        radar = team.locator(".js-plotly-plot").first
        settle(page, radar)
        expect(radar.locator(".legend")).to_contain_text("Leadership (n=2, not shown to client)")
        expect(radar).to_contain_text("Consultant only")
        expect(team.get_by_text("Consultant only").first).to_be_visible()
        both_sizes(page, "presenting-consultant-view")

        # Presenting mode: only Customer service; why the others are withheld, in words.
        presenting_switch(page).click()
        settle(page, page.get_by_text("Presenting mode: only what the client may see. Switch it off"))
        team = open_tab(page, "Team picture")
        radar = team.locator(".js-plotly-plot").first
        settle(page, radar)
        expect(radar.locator(".legend")).to_contain_text("Customer service (n=3)")
        expect(team.get_by_text("Marketing (3) is not shown: with Leadership (2) withheld")).to_be_visible()
        assert "Consultant only" not in everything_shown(page)
        assert page.get_by_role("tab", name="Responses").count() == 0
        assert_nothing_small(page)
        both_sizes(page, "presenting-before-merge")

        # Merge Leadership into a named group (consultant view), then present again: both groups shown.
        presenting_switch(page).click()
        settle(page, page.get_by_role("tab", name="Responses"))
        team = open_tab(page, "Team picture")
        team.get_by_text("Groups for the client").click()
        team.get_by_label("Group name").fill(GROUP)
        picker = team.get_by_test_id("stMultiSelect").filter(has_text="Departments in the group")
        for department in ("Leadership", "Customer service"):
            choose(page, picker, department)
            expect(picker).to_contain_text(department)
        page.keyboard.press("Escape")
        team.get_by_role("button", name="Add the group").click()
        wanted = ((GROUP, ("Leadership", "Customer service")),)
        wait_until(lambda: store.engagement(record.id).department_groups == wanted)
        settle(page)
        expect(page.get_by_text(f"{GROUP}: Leadership, Customer service")).to_be_attached()

        presenting_switch(page).click()
        settle(page, page.get_by_text("Presenting mode: only what the client may see. Switch it off"))
        summary = page.get_by_text("Where the groups differ most")
        settle(page, summary, page.get_by_text("Marketing rates Social customer care 1.72 points above"))
        team = open_tab(page, "Team picture")
        radar = team.locator(".js-plotly-plot").first
        settle(page, radar)
        for label in ("Team mean", f"{GROUP} (n=5)", "Marketing (n=3)"):
            expect(radar.locator(".legend")).to_contain_text(label)
        assert_nothing_small(page)
        both_sizes(page, "presenting-merged")
        disagreement = open_tab(page, "Disagreement")
        settle(page, disagreement.locator(".js-plotly-plot").nth(1))
        assert_nothing_small(page)
        screenshot(page, "presenting-disagreement-1920", PROJECTOR)

        # The workshop: presenting by default, the question first, then its answers.
        open_tab(page, "Workshop").get_by_role("button", name="Open the workshop").click()
        page.wait_for_url(re.compile(r"/workshop\?dashboard="))
        reveal = page.get_by_role("button", name="Reveal how people answered")
        settle(page, reveal)
        expect(presenting_switch(page).locator("input")).to_be_checked()
        reveal.click()
        bars = page.locator(".js-plotly-plot").first
        settle(page, bars)
        expect(bars).to_contain_text(f"{GROUP} (n=5)")
        assert_nothing_small(page)
        agreed = page.get_by_test_id("stRadio").filter(has_text="Agreed answer")
        agreed.get_by_test_id("stRadioOption").nth(0).click()
        why = page.get_by_label("Why the group agreed on it (a sentence or two)")
        why.fill("Nobody owns it yet.")
        why.press("Control+Enter")
        settle(page, page.get_by_text("0 of 39 questions agreed"))
        page.get_by_role("button", name="Save and go to the next").click()
        settle(page, page.get_by_text("1 of 39 questions agreed"))
        page.get_by_role("button", name="← Previous").click()
        settle(page, page.get_by_role("button", name=re.compile("^Add the bank's next steps")))

        # The plan of that dimension: the agreed target, the seeded actions, an owner.
        choose(page, page.get_by_test_id("stSelectbox").filter(has_text="Agreed target stage"), "3. Coordinating")
        consensus_id, _ = store.consensus_assessment(record.id, dashboard)
        wait_until(lambda: list((store.assessment(consensus_id).targets or {}).values()) == [3])
        settle(page)
        page.get_by_role("button", name=re.compile("^Add the bank's next steps")).click()
        owner = page.get_by_label("Owner").first
        settle(page, owner)
        owner.fill("Sam Lead")
        page.get_by_role("button", name="Save the action").first.click()
        settle(page, page.get_by_label("Owner").first)
        targets = store.assessment(consensus_id).targets or {}
        assert list(targets.values()) == [3]
        actions = store.actions(record.id)
        assert actions and actions[0].owner == "Sam Lead"
        both_sizes(page, "presenting-workshop")

        # The client page: the consultant's header, partial consensus, the pictures, the plan.
        page.get_by_role("button", name="Open the client page").click()
        page.wait_for_url(re.compile(r"/client\?dashboard="))
        settle(page, page.get_by_role("heading", name="Fabrikam Outdoor", exact=True), page.get_by_text("The plan"))
        expect(page.get_by_text("Loom & Partners")).to_be_visible()
        expect(page.get_by_text(re.compile("^Prepared by Ada Consult · "))).to_be_visible()
        expect(page.get_by_text("Partial consensus: 1 of 39 agreed.")).to_be_visible()
        assert "Agreed stage" not in everything_shown(page)
        expect(page.get_by_role("cell", name="Sam Lead")).to_be_visible()
        expect(page.get_by_text("Why: Nobody owns it yet.")).to_be_visible()
        assert_nothing_small(page)
        assert dashboard not in page.locator("body").inner_text()
        both_sizes(page, "presenting-client-page")
    finally:
        context.close()
