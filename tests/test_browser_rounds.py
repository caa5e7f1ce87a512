"""End-to-end test of the dashboard's Rounds tab (issue 10) in a real browser, and the consultant's home.

Round 2's dashboard of the series in tests/test_app_rounds.py (Customer service rises 1.40 -> 2.60
in Social customer care while the team stays at 2.50, because Sales / e-commerce answered in
round 2 only) opens on its Rounds tab at 1920x1080 and 1280x900: the department rows with their
n, and the mix marker in words. Screenshots go to test-artifacts/ (rounds-1920.png,
rounds-1280.png, home-1920.png). Helpers and skip rules are those of tests/browser_support.py.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import (  # noqa: F401  (the *_fixture imports register the fixtures)
    LiveServer,
    bank_fixture,
    browser_fixture,
    chromium_available_fixture,
    fit_viewport_to_content,
    server_log_on_failure_fixture,
    server_with_consultant_password,
    settle,
    store_fixture,
)
from tests.test_app_rounds import MIX_SENTENCE, two_rounds
from tests.test_browser_engagements import NO_SAVE_PICKER, dataframe_csv, open_tab
from threadline.storage import Store

pytestmark = pytest.mark.browser
PASSWORD = "rounds horse"
SHOTS = Path("test-artifacts")
WIDE = {"width": 1920, "height": 1080}
LAPTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module", name="live_server")
def live_server_with_password(
    chromium_available: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A server with a consultant password, so that /consultant shows the home."""
    folder = tmp_path_factory.mktemp("browser-rounds")
    yield from server_with_consultant_password(folder, PASSWORD)


def _shot(page: Any, name: str, viewport: dict[str, int]) -> Path:
    """A full-page screenshot at this width in test-artifacts/ (rounds-*.png, home-1920.png)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    fit_viewport_to_content(page, viewport)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    page.set_viewport_size(viewport)
    return path


def _rows(lines: list[str]) -> list[list[Any]]:
    """The CSV lines of a table: its header, then each row with every number as a number (two decimals)."""
    header, *rows = csv.reader(lines)

    def cell(value: str) -> Any:
        try:
            return round(float(value), 2)
        except ValueError:
            return value

    return [header, *([cell(v) for v in row] for row in rows)]


@pytest.mark.parametrize(("viewport", "name"), [(WIDE, "rounds-1920"), (LAPTOP, "rounds-1280")])
def test_round_2_shows_each_department_with_its_n_and_why_the_team_stayed_flat(
    browser: Any, live_server: LiveServer, store: Store, viewport: dict[str, int], name: str
) -> None:
    store.migrate()  # the server migrates at its first page; the test writes before that
    *_, dashboard = two_rounds(store)
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    context.add_init_script(NO_SAVE_PICKER)  # the grid's CSV then arrives as a download
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/?dashboard={dashboard}")
        settle(page, page.get_by_role("tab", name="Rounds", exact=True))
        panel = open_tab(page, "Rounds")
        settle(page, panel.get_by_text("Where a different mix of respondents explains the change"))

        assert panel.get_by_text(MIX_SENTENCE, exact=True).is_visible()
        frames = panel.get_by_test_id("stDataFrame")
        settle(page, frames.nth(2))
        assert frames.count() == 3  # the team per round, by department, what moved most
        assert _rows(dataframe_csv(page, frames.nth(1))) == [
            ["Group", "Round 1", "n, round 1", "Round 2", "n, round 2", "Change 1 → 2"],
            ["Team", 2.5, 10, 2.5, 14, 0.0],
            ["Marketing", 3.6, 5, 3.6, 5, 0.0],
            ["Customer service", 1.4, 5, 2.6, 5, 1.2],
            ["Sales / e-commerce", "", "", 1.0, 4, ""],  # absent in round 1: empty, not 0
        ]
        assert panel.get_by_role("heading", name="What moved most since round 1").is_visible()
        _shot(page, name, viewport)
    finally:
        context.close()


def test_the_consultant_home_lists_both_rounds(browser: Any, live_server: LiveServer, store: Store) -> None:
    store.migrate()
    two_rounds(store)
    context = browser.new_context(viewport=WIDE, accept_downloads=True)
    context.add_init_script(NO_SAVE_PICKER)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/consultant")
        password = page.get_by_label("Consultant password")
        settle(page, password)
        password.fill(PASSWORD)
        page.get_by_role("button", name="Continue").click()
        # the buttons drawn, not their placeholders: Streamlit loads a widget's code on first use
        settle(
            page,
            page.get_by_role("heading", name="Your engagements"),
            page.get_by_role("button", name="Open its dashboard"),
        )
        # other tests of this module share the server's database: their series are listed too
        listed = dataframe_csv(page, page.get_by_test_id("stDataFrame"))
        assert listed[0].startswith("Client,Round,Status")
        rounds = {tuple(line.split(",")[:3]) for line in listed[1:]}
        assert rounds == {("Acme Ltd", "1 of 2", "closed"), ("Acme Ltd", "2 of 2", "open")}
        _shot(page, "home-1920", WIDE)  # last: growing the window to the page and back moves the table's toolbar
    finally:
        context.close()
