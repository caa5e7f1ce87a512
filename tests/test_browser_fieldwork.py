"""End-to-end tests of the fieldwork rules and the consultant's home (issue 10) in a real browser.

A survey tab open when the engagement closes says so at its next answer, keeps what was
stored and shows it; after reopening (and a reload, as the notice says) the next answer is
saved. The consultant signs in on /consultant
(the server runs with a consultant password), sees every engagement, searches, and opens a
dashboard the session does not hold, which gives it a new link. Screenshots of the home go to
test-artifacts/. Helpers and skip rules are those of tests/browser_support.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser_support import (  # noqa: F401  (the *_fixture imports register the fixtures)
    BANK_FILE,
    LiveServer,
    Survey,
    bank_fixture,
    browser_fixture,
    chromium_available_fixture,
    screenshot,
    server_log_on_failure_fixture,
    server_with_consultant_password,
    settle,
    store_fixture,
)
from threadline.storage import Store
from threadline.web.session import CLOSED_NOTICE

pytestmark = pytest.mark.browser
PASSWORD = "browser horse"


@pytest.fixture(scope="module", name="live_server")
def live_server_with_password(
    chromium_available: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The shared server, started with a consultant password (the server copies the environment at start)."""
    folder = tmp_path_factory.mktemp("browser-fieldwork")
    yield from server_with_consultant_password(folder, PASSWORD)


def _engagement(store: Store, bank: Any, client: str, departments: list[str]) -> tuple[Any, str, str]:
    store.migrate()  # the server migrates at its first page; these tests write before that
    bank_hash = store.put_bank(BANK_FILE.read_text(encoding="utf-8"), bank.id, bank.version)
    return store.create_engagement(bank_hash, client, "Jo Adviser", "Adviser & Co", departments)


def test_the_close_freezes_an_open_survey_tab_and_reopening_lets_it_go_on(
    browser: Any, live_server: LiveServer, store: Store, bank: Any
) -> None:
    record, _, _ = _engagement(store, bank, "Frozen Ltd", ["Marketing", "Customer service"])
    assessment_id, token = store.add_respondent(record.id, "Marketing", "Ann")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/?resume={token}")
        page.wait_for_url(re.compile(r"/survey\?resume="))
        survey = Survey(page, bank, store, token, assessment_id)
        survey.expect_dimension(0)
        first, second = bank.dimensions[0].questions[:2]
        survey.choose(first.id, 1)
        survey.wait_stored()

        store.set_engagement_status(record.id, "closed")
        survey.widget(second.id).get_by_test_id("stRadioOption").nth(2).click()

        notice = page.get_by_text(CLOSED_NOTICE)
        settle(page, notice)
        assert survey.stored() == {first.id: first.option_ids[1]}  # nothing changed, nothing lost
        survey.check_shown(0)  # the page shows what is stored: the refused answer is not ticked

        store.set_engagement_status(record.id, "open")
        page.reload()  # as the notice says: the browser's radio still holds the refused click
        survey.expect_dimension(0)
        assert page.get_by_text(CLOSED_NOTICE).count() == 0
        survey.choose(second.id, 2)
        survey.wait_stored()
        settle(page, survey.progress(0))
        assert page.get_by_text(CLOSED_NOTICE).count() == 0
    finally:
        context.close()


def test_the_consultant_home_lists_searches_and_opens_a_dashboard(
    browser: Any, live_server: LiveServer, store: Store, bank: Any
) -> None:
    acme, acme_invite, acme_dashboard = _engagement(store, bank, "Acme Ltd", ["Marketing", "Customer service", "HR"])
    for department in ("Marketing", "Marketing", "Customer service"):
        respondent, _ = store.add_respondent(acme.id, department)
        store.submit(respondent)
    store.add_respondent(acme.id, "HR", "Hanna")
    store.create_engagement(acme.bank_hash, "Acme Ltd", "Jo Adviser", "Adviser & Co", ["Marketing"], series_id=acme.id)
    _engagement(store, bank, "Beta plc", ["Sales"])
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/consultant")
        password = page.get_by_label("Consultant password")
        settle(page, password)
        password.fill(PASSWORD)
        page.get_by_role("button", name="Continue").click()
        heading = page.get_by_role("heading", name="Your engagements")
        settle(page, heading, page.get_by_role("button", name="Open its dashboard"))
        screenshot(page, "consultant-home")

        page.get_by_label("Search your engagements").fill("acme")
        page.get_by_label("Search your engagements").press("Enter")
        settle(page, page.get_by_text("Acme Ltd, round 1", exact=False))
        screenshot(page, "consultant-home-search")

        page.get_by_role("button", name="Open its dashboard").click()
        page.wait_for_url(re.compile(r"/dashboard\?dashboard="))
        settle(page, page.get_by_text("Here is your new dashboard link", exact=False))
        new = re.search(r"[?&]dashboard=([A-Za-z0-9_-]+)", page.url).group(1)
        assert new != acme_dashboard
        assert store.find_engagement_link(acme_dashboard).revoked is True
        assert store.find_engagement_link(acme_invite).revoked is False
        assert store.find_engagement_link(new).engagement_id == acme.id
    finally:
        context.close()
