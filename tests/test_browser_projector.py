"""The dashboard, the workshop and the client page on a projector (issue 9), in a real browser.

At 1920 x 1080 and 1280 x 900: the page is laid out wide and stays wide on a rerun (app.py sets
the layout once per run, for the page it runs); the base type is 18 px on the wide screen and
Streamlit's 16 px on the laptop; chart text is larger than the builders' own (which the results
page and the PDF keep); every legend lies inside its chart; the per-question table and the
plan's table show their last column without a horizontal scroll. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
import re
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
from tests.test_browser_presenting import PROJECTOR, open_tab, presenting_switch
from threadline.reporting import charts
from threadline.storage import Store
from threadline.web.context import ROLES

pytestmark = pytest.mark.browser

SIZES = {"1920": PROJECTOR, "1280": DESKTOP}
BUILDER_TICK_PX = 12  # charts._polar's spoke labels, as the results page and the PDF show them
MAIN_WIDTH = "document.querySelector('[data-testid=stMainBlockContainer]').getBoundingClientRect().width"
BASE_FONT = "parseFloat(getComputedStyle(document.documentElement).fontSize)"


def expect(target: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def _engagement(store: Store, bank: Bank) -> str:
    """Departments of 3, 3 and 2, the two smaller merged; one agreed answer, a target, two actions."""
    store.migrate()
    bank_hash = store.put_bank(BANK_FILE.read_text(encoding="utf-8"), bank.id, bank.version)
    record, _, dashboard = store.create_engagement(bank_hash, "Northwind Retail", "Ada Consult", "", list(ROLES))
    for department, base, count in [("Marketing", 4, 3), ("Customer service", 2, 3), ("Leadership", 3, 2)]:
        for _ in range(count):
            assessment_id, _ = store.add_respondent(record.id, department)
            for question_id, value in answers_at(base, {"triage": base}).items():
                store.save_answer(assessment_id, question_id, value)
            store.submit(assessment_id)
    store.set_department_groups(record.id, [("Service and leadership", ["Customer service", "Leadership"])])
    consensus, _ = store.consensus_assessment(record.id, dashboard)
    dimension = bank.dimensions[0]
    question = next(q for q in dimension.questions if q.is_scored and q.type == "choice")
    store.save_answer(consensus, question.id, question.option_ids[1])
    store.set_target(consensus, dimension.id, 3)
    long_text = "Write one social media plan that marketing, customer service and sales agree on and review it"
    store.add_action(record.id, dimension.id, long_text, "Head of marketing", dt.date(2026, 9, 30), "in_progress")
    store.add_action(record.id, dimension.id, "Name an owner for every channel", "Sam Lead", None, "open")
    return dashboard


def _inside(inner: dict[str, float], outer: dict[str, float]) -> bool:
    return (
        inner["x"] >= outer["x"] - 0.5
        and inner["y"] >= outer["y"] - 0.5
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 0.5
    )


def assert_charts_legible(page: Any, scope: Any) -> None:
    """Every chart in scope: its legend inside the chart, its tick text larger than the builders' own."""
    plots = scope.locator(".js-plotly-plot")
    assert plots.count() > 0
    for n in range(plots.count()):
        plot = plots.nth(n)
        plot.scroll_into_view_if_needed()
        box = plot.locator(".main-svg").first.bounding_box()
        legend = plot.locator(".legend").first
        if legend.count():
            assert _inside(legend.bounding_box(), box), f"chart {n}: the legend is cut"
            bars = legend.locator("rect.scrollbar").evaluate_all("els => els.map(e => +e.getAttribute('height'))")
            assert not any(bars), f"chart {n}: the legend scrolls, so part of it is hidden"
        ticks = plot.locator(".angularaxistick text, .ytick text")
        sizes = ticks.evaluate_all("els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")
        assert sizes and min(sizes) > BUILDER_TICK_PX, f"chart {n}: tick text of {sizes}"


def assert_no_sideways_scroll(table: Any) -> None:
    """The table shows every column: nothing to scroll sideways to."""
    widths = table.evaluate(
        "el => { const s = el.querySelector('.dvn-scroller') || el; return [s.scrollWidth, s.clientWidth]; }"
    )
    assert widths[0] <= widths[1], f"scrolls sideways: {widths}"


def check_size(page: Any, size: str) -> None:
    """The page at this width: wide, its base type, and the same after a rerun."""
    width = page.evaluate(MAIN_WIDTH)
    assert width > 0.85 * SIZES[size]["width"] - 200, f"a {width} px column at {size}"
    assert page.evaluate(BASE_FONT) == (18 if size == "1920" else 16)


def test_the_builders_keep_their_own_text_size_for_the_pdf(bank: Bank) -> None:
    radar = charts.team_radar(bank, [d.title for d in bank.dimensions], {"Team mean": [3.0] * len(bank.dimensions)})
    assert (radar.layout.font.size, radar.layout.polar.angularaxis.tickfont.size) == (14, BUILDER_TICK_PX)
    bigger = charts.for_projector(radar)
    assert (bigger.layout.font.size, bigger.layout.polar.angularaxis.tickfont.size) == (18, 16)


@pytest.mark.parametrize("size", list(SIZES))
def test_projector_pages_are_wide_large_and_scroll_free(
    live_server: LiveServer, browser: Any, bank: Bank, store: Store, size: str
) -> None:
    dashboard = _engagement(store, bank)
    context = browser.new_context(viewport=SIZES[size])
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/?dashboard={dashboard}")
        settle(page, page.get_by_role("heading", name="Northwind Retail", exact=True), presenting_switch(page))
        check_size(page, size)
        presenting_switch(page).click()  # a rerun: the layout holds
        settle(page, page.get_by_text("Presenting mode: only what the client may see. Switch it off"))
        check_size(page, size)
        team = open_tab(page, "Team picture")
        settle(page, team.locator(".js-plotly-plot").first)
        assert_charts_legible(page, team)
        questions = open_tab(page, "Questions")
        table = questions.get_by_test_id("stDataFrame")
        settle(page, table)
        assert_no_sideways_scroll(table)
        screenshot(page, f"projector-dashboard-{size}", SIZES[size])
        page.set_viewport_size(SIZES[size])

        open_tab(page, "Workshop").get_by_role("button", name="Open the workshop").click()
        page.wait_for_url(re.compile(r"/workshop\?dashboard="))
        reveal = page.get_by_role("button", name="Reveal how people answered")
        settle(page, reveal)
        check_size(page, size)
        reveal.click()
        settle(page, page.locator(".js-plotly-plot").first)
        check_size(page, size)
        assert_charts_legible(page, page.locator("body"))
        screenshot(page, f"projector-workshop-{size}", SIZES[size])
        page.set_viewport_size(SIZES[size])

        page.get_by_role("button", name="Open the client page").click()
        page.wait_for_url(re.compile(r"/client\?dashboard="))
        settle(page, page.get_by_role("heading", name="The plan"), page.locator(".js-plotly-plot").nth(1))
        check_size(page, size)
        assert_charts_legible(page, page.locator("body"))
        plan = page.get_by_test_id("stTable").first
        expect(plan.get_by_role("cell", name="Sam Lead")).to_be_visible()
        assert_no_sideways_scroll(plan)
        screenshot(page, f"projector-client-{size}", SIZES[size])
    finally:
        context.close()
