"""End-to-end tests in a real browser: Playwright driving Debian's headless Chromium.

One Streamlit server runs for the module, on a free port with a fresh SQLite database
(`live_server`); one test stops and restarts it on the same port and database. The tests
walk the journey a business owner takes (start, survey, results, share link) and check that
nothing is lost on a refresh or a server restart, and that bad links get a friendly page.

Waiting: Streamlit marks its root element with `data-test-script-state`; that flag alone
misses fast reruns, so every wait is for the state *and* the content expected afterwards.
Answers are confirmed by the server's own "N of M answered" counter, and, before a refresh
or restart, by the database itself.

Screenshots (full page, desktop 1280x900 and phone 390x844) go to `test-artifacts/`.
Needs /usr/bin/chromium: skipped without it, except under CI (the CI variable set), where a
missing browser is a failure. Never runs `playwright install`.

The server, browser, waiting, screenshot and survey helpers live in `tests/browser_support.py`.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from scoring.answers import Responses
from scoring.bank import Bank
from scoring.engine import score
from tests.browser_support import (  # noqa: F401  (the *_fixture imports register the fixtures)
    DESKTOP,
    PHONE,
    TIMEOUT_MS,
    LiveServer,
    Survey,
    bank_fixture,
    browser_fixture,
    chromium_available_fixture,
    context_fixture,
    live_server_fixture,
    screenshot,
    server_log_on_failure_fixture,
    settle,
    store_fixture,
)
from threadline.reporting.summary import headline
from threadline.storage import Store
from threadline.web import browser

pytestmark = pytest.mark.browser


def _expected_headline(bank: Bank, answers: dict[str, Any]) -> str:
    return headline(bank, score(bank, Responses(dict(answers))))


def _eventually(read: Any, seconds: float = 10.0) -> Any:
    """What `read()` returns once it is truthy (a write the page sent may land a moment later)."""
    deadline = time.monotonic() + seconds
    value = read()
    while not value and time.monotonic() < deadline:
        time.sleep(0.1)
        value = read()
    return value


# --------------------------------------------------------------------------- tests


def test_complete_survey_see_results_and_share(
    live_server: LiveServer, browser: Any, context: Any, bank: Bank, store: Store
) -> None:
    page = context.new_page()
    page.goto(live_server.url + "/")
    settle(page, page.get_by_role("button", name="Start the assessment"))
    screenshot(page, "start-desktop")
    screenshot(page, "start-phone", PHONE)

    survey = Survey.begin(page, live_server, bank, store, organisation="Harbour & Co <Tea>")
    last = len(bank.dimensions) - 1
    for index in range(last + 1):
        survey.answer_dimension(index)
        if index == 0:
            first = next(q for q in bank.dimensions[0].questions if q.is_scored)
            # the dimension ends with a text question typed but not yet committed: leave it first, as a
            # person does before typing elsewhere (a box typed into during a rerun can lose its text: issue 8)
            page.keyboard.press("Tab")
            note = page.get_by_label("Evidence (optional): where could someone see this?").first
            settle(page, note)
            note.fill("Strategy deck 2026, slide 4")
            note.press("Enter")
            settle(page, note)
            assert _eventually(lambda: store.notes(survey.assessment_id)) == {first.id: "Strategy deck 2026, slide 4"}
            screenshot(page, "survey-desktop")
            screenshot(page, "survey-phone", PHONE)
        if index < last:
            survey.next()
    page.get_by_role("button", name="See my results").click()

    expected = _expected_headline(bank, survey.answers)
    stage = page.get_by_role("heading", name=expected, exact=True)
    radar = page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot')
    settle(page, page.get_by_role("heading", name="Harbour & Co <Tea>", exact=True), stage, radar)
    assert re.fullmatch(r"Stage [1-5] of 5: \w+", expected)
    assert survey.stored() == survey.answers, "the database holds other answers than the ones given"
    assert store.assessment(survey.assessment_id).status == "submitted"
    settle(page, page.get_by_role("heading", name="Start here", exact=True))
    assert page.get_by_text(re.compile(r"^Average score \d\.\d\d of 5, (lower|upper) half of|top of ")).count() == 1
    screenshot(page, "results-desktop")
    screenshot(page, "results-phone", PHONE)

    page.get_by_role("button", name="Create a read-only link").click()
    share_code = page.get_by_test_id("stCode").filter(has_text="?view=")
    settle(page, share_code, page.get_by_role("button", name="Turn this link off"))
    share_link = share_code.inner_text().strip()
    assert re.fullmatch(re.escape(live_server.url) + r"/\?view=[A-Za-z0-9_-]{20,100}", share_link), share_link

    viewer = browser.new_context(viewport=DESKTOP)
    viewer.set_default_timeout(TIMEOUT_MS)
    try:
        shared = viewer.new_page()
        shared.goto(share_link)
        settle(
            shared,
            shared.get_by_role("heading", name=expected, exact=True),
            shared.locator('[data-testid="stPlotlyChart"] .js-plotly-plot'),
            shared.get_by_role("button", name="Assess your own organisation"),
        )
        assert "/results" in shared.url and "view=" in shared.url and "resume=" not in shared.url
        for control in ("Create a read-only link", "Change my answers", "Turn this link off", "Start a new assessment"):
            assert shared.get_by_role("button", name=control).count() == 0, control
        text = shared.locator("body").inner_text()
        assert "read-only view" in text
        assert "Strategy deck 2026" not in shared.content(), "the share view shows notes the owner keeps private"
        assert survey.token not in text and survey.token not in shared.content(), (
            "the share view leaks the private link"
        )
        screenshot(shared, "shared-desktop")
    finally:
        viewer.close()


def test_refresh_mid_survey_keeps_every_answer(live_server: LiveServer, context: Any, bank: Bank, store: Store) -> None:
    page = context.new_page()
    survey = Survey.begin(page, live_server, bank, store)
    survey.answer_dimension(0)
    survey.next()
    survey.answer_dimension(1, limit=3)
    survey.wait_stored()

    page.reload()
    survey.expect_dimension(1)
    survey.check_shown(1)
    survey.back()
    survey.check_shown(0)


def test_server_restart_mid_survey_resumes_from_link(
    live_server: LiveServer, browser: Any, context: Any, bank: Bank, store: Store
) -> None:
    page = context.new_page()
    survey = Survey.begin(page, live_server, bank, store)
    survey.answer_dimension(0, limit=2)
    survey.type_note("goals-in-own-words", "Fewer calls to the contact centre; more qualified leads.")
    survey.next()
    survey.next()
    survey.answer_dimension(2, limit=3)  # the departments checkboxes, then two choices
    survey.wait_stored()
    link = survey.private_link()
    assert link == f"{live_server.url}/?resume={survey.token}"

    context.close()
    live_server.restart()

    returning = browser.new_context(viewport=DESKTOP)
    returning.set_default_timeout(TIMEOUT_MS)
    try:
        survey.page = returning.new_page()
        survey.page.goto(link)
        survey.expect_dimension(2)
        assert "/survey" in survey.page.url
        survey.check_shown(2)
        survey.back()
        survey.back()
        survey.check_shown(0)
    finally:
        returning.close()


@pytest.mark.parametrize(
    "query",
    ["view=notatoken", "view=" + "A" * 43, "resume=notatoken", "resume=" + "b" * 43, "view=%3Cscript%3E&x=1"],
    ids=["junk-view", "unknown-view", "junk-resume", "unknown-resume", "markup-view"],
)
def test_bad_links_get_a_friendly_page(live_server: LiveServer, context: Any, query: str) -> None:
    page = context.new_page()
    page.goto(f"{live_server.url}/?{query}")
    settle(
        page,
        page.get_by_role("heading", name="This link doesn't open anything"),
        page.get_by_role("button", name="Start a new assessment"),
    )
    assert "Traceback" not in page.content()
    if query == "view=notatoken":
        screenshot(page, "bad-link-desktop")
    page.get_by_role("button", name="Start a new assessment").click()
    settle(page, page.get_by_role("button", name="Start the assessment"))


# --------------------------------------------------------------------------- issue 8: the way around


_FOCUS_AND_SCROLL = """() => {
    const active = document.activeElement;
    const main = document.querySelector('[data-testid="stMain"]');
    return {tag: active.tagName, text: active.innerText.trim(), scroll: main.scrollTop};
}"""


def _landed(page: Any, tag: str, text: str) -> dict[str, Any]:
    """Where focus and scrolling settled: wait until the focused element is the expected one."""
    page.wait_for_function(
        "([tag, text]) => document.activeElement.tagName === tag && document.activeElement.innerText.trim() === text",
        arg=[tag, text],
    )
    time.sleep(0.3)  # the helper places the page once more after a frame
    return page.evaluate(_FOCUS_AND_SCROLL)


def test_a_page_turn_lands_at_the_top_with_focus_on_the_heading(
    live_server: LiveServer, context: Any, bank: Bank, store: Store
) -> None:
    page = context.new_page()
    survey = Survey.begin(page, live_server, bank, store)
    assert survey.private_link() == f"{live_server.url}/?resume={survey.token}"
    page.get_by_role("button", name="Next →").scroll_into_view_if_needed()
    assert page.evaluate(_FOCUS_AND_SCROLL)["scroll"] > 0
    survey.next()
    assert _landed(page, "H2", bank.dimensions[1].title) == {"tag": "H2", "text": bank.dimensions[1].title, "scroll": 0}

    page.get_by_role("button", name="← Back").scroll_into_view_if_needed()
    survey.back()
    assert _landed(page, "H2", bank.dimensions[0].title)["scroll"] == 0

    # "See my results" from the first page lists what is missing; an entry goes to the question itself
    page.get_by_role("button", name="See my results").click()
    entry = page.get_by_role("button", name=re.compile(r"^↩? ?Customer collaboration and openness: "))
    settle(page, entry)
    screenshot(page, "survey-missing-desktop")
    entry.click()
    survey.expect_dimension(7)
    target = next(q for q in bank.dimensions[7].questions if q.is_required)
    box = page.locator(f".st-key-question-{target.id}")
    page.wait_for_function(
        "(cls) => document.activeElement.classList.contains(cls)", arg=f"st-key-question-{target.id}"
    )
    top = box.bounding_box()["y"]
    assert 0 <= top < 120, top  # scrolled to the question, not to the top of the page
    assert page.evaluate(_FOCUS_AND_SCROLL)["scroll"] > 0


def test_the_survey_loads_the_chart_code_so_the_results_draw_at_once(
    live_server: LiveServer, context: Any, bank: Bank, store: Store
) -> None:
    page = context.new_page()
    chart_code: list[str] = []
    warm = browser.warm_code_names()
    page.on("request", lambda request: chart_code.append(request.url) if request.url.endswith(warm) else None)
    Survey.begin(page, live_server, bank, store)

    page.wait_for_function("() => document.documentElement.dataset.threadlineChartsWarm === 'true'", timeout=20_000)
    assert page.locator("[data-testid=stPlotlyChart]").count() == 0  # no chart on the survey: loaded, not drawn
    assert sorted(url.rsplit("/", 1)[1] for url in chart_code) == sorted(warm)  # Streamlit's own files, once each


def test_typed_text_survives_a_reload_without_leaving_the_box(
    live_server: LiveServer, context: Any, bank: Bank, store: Store
) -> None:
    page = context.new_page()
    survey = Survey.begin(page, live_server, bank, store)
    text_question = next(q for q in bank.dimensions[0].questions if q.type == "text")
    box = survey.widget(text_question.id).locator("textarea")
    box.click()
    page.keyboard.type("More qualified leads from LinkedIn")
    time.sleep(2.5)  # no blur, no Tab: the page commits the text after 1.5 s without typing
    assert page.evaluate("() => document.activeElement.tagName") == "TEXTAREA"  # the box keeps the focus
    assert _eventually(lambda: survey.stored().get(text_question.id)) == "More qualified leads from LinkedIn"

    page.reload()
    survey.expect_dimension(0)
    from playwright.sync_api import expect

    expect(survey.widget(text_question.id).locator("textarea")).to_have_value("More qualified leads from LinkedIn")


def test_the_start_page_offers_to_continue_after_a_reload(
    live_server: LiveServer, context: Any, bank: Bank, store: Store
) -> None:
    page = context.new_page()
    survey = Survey.begin(page, live_server, bank, store, organisation="Harbour Tea")
    first = next(q for q in bank.dimensions[0].questions if q.type == "choice")
    survey.choose(first.id, 1)
    kept = page.evaluate("() => Object.assign({}, localStorage)")
    assert {k: v for k, v in kept.items() if k.startswith("threadline")} == {"threadline.resume": survey.token}

    page.goto(live_server.url + "/")
    offer = page.get_by_text("Continue where you left off")
    settle(page, offer, page.get_by_role("button", name="Continue your assessment"))
    assert page.get_by_text("the assessment for Harbour Tea, 1 of 39 questions answered.").count() == 1
    start_button = page.get_by_role("button", name="Start the assessment")
    screenshot(page, "start-continue-desktop")
    screenshot(page, "start-continue-phone", PHONE)
    page.set_viewport_size(DESKTOP)

    page.get_by_role("button", name="Continue your assessment").click()
    page.wait_for_url(re.compile(r"/survey\?resume="))
    survey.expect_dimension(0)

    page.goto(live_server.url + "/")
    settle(page, page.get_by_role("button", name="Forget this browser"))
    page.get_by_role("button", name="Forget this browser").click()
    settle(page, start_button)
    assert page.get_by_text("Continue where you left off").count() == 0
    page.wait_for_function("() => localStorage.getItem('threadline.resume') === null")
    page.goto(live_server.url + "/")
    settle(page, start_button)
    assert "remembered=" not in page.url
    box = start_button.bounding_box()
    assert box["y"] + box["height"] <= DESKTOP["height"], box  # the Start button above the fold
    screenshot(page, "start-desktop-issue8")
    screenshot(page, "start-phone-issue8", PHONE)


def test_survey_screenshots_at_both_widths(live_server: LiveServer, context: Any, bank: Bank, store: Store) -> None:
    page = context.new_page()
    survey = Survey.begin(page, live_server, bank, store)
    survey.next()
    settle(page, page.get_by_test_id("stCode").filter(has_text="?resume="))
    screenshot(page, "survey-issue8-desktop")
    screenshot(page, "survey-issue8-phone", PHONE)
