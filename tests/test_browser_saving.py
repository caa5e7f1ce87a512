"""A full disk under a running server, in a real browser (issue 14): the answer says it was not saved, and
the option shown is the stored one; once there is room, *Try again* stores it and nothing is lost.

The server's SQLite file lives on a 4 MB tmpfs mounted for this module (root only: skipped
elsewhere, required under CI); a filler file fills it while the survey is open.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from typing import Any

import pytest

from scoring.bank import Bank
from tests.browser_support import (  # noqa: F401  (the *_fixture imports register the fixtures)
    LiveServer,
    Survey,
    _free_port,
    bank_fixture,
    browser_fixture,
    chromium_available_fixture,
    context_fixture,
    screenshot,
    server_log_on_failure_fixture,
    settle,
    store_fixture,
)
from tests.disk_support import fill, small_disk
from threadline.storage import Store


@pytest.fixture(scope="module", name="live_server")
def small_disk_server_fixture(
    chromium_available: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("small-disk")
    with small_disk(folder):
        log = tmp_path_factory.mktemp("small-disk-log") / "streamlit.log"
        server = LiveServer(port=_free_port(), database=folder / "threadline.db", log=log)
        server.start()
        try:
            yield server
        finally:
            server.stop()


def test_a_full_disk_is_said_beside_the_answer_and_try_again_stores_it(
    live_server: LiveServer, context: Any, bank: Bank, store: Store
) -> None:
    page = context.new_page()
    survey = Survey.begin(page, live_server, bank, store)
    first, second = [q for q in bank.dimensions[0].questions if q.type == "choice"][:2]
    survey.choose(first.id, 1)
    assert page.locator(f".st-key-question-{first.id}").get_by_text("Saved").count() == 1

    filler = fill(live_server.database.parent)
    box = page.locator(f".st-key-question-{second.id}")
    box.get_by_test_id("stRadioOption").nth(2).click()
    message = box.get_by_text("Not saved: the server could not store this answer (its disk is full).")
    settle(page, message)
    assert box.locator("input[type=radio]:checked").count() == 0  # the stored value: none
    screenshot(page, "survey-not-saved-desktop")

    filler.unlink()
    box.get_by_role("button", name="Try again to save this answer").click()
    settle(page, box.get_by_text("Saved"))
    assert box.locator("input[type=radio]").nth(2).is_checked()
    assert store.assessment(survey.assessment_id).answers == {
        first.id: first.option_ids[1],
        second.id: second.option_ids[2],
    }


def test_a_click_the_server_never_got_before_it_died_is_said_beside_the_question(
    live_server: LiveServer, context: Any, bank: Bank, store: Store
) -> None:
    """The server stops reading, a click is sent, the server is killed (kill -9) and started again."""
    page = context.new_page()
    survey = Survey.begin(page, live_server, bank, store)
    first, second = [q for q in bank.dimensions[0].questions if q.type == "choice"][:2]
    survey.choose(first.id, 1)

    os.killpg(live_server.process.pid, signal.SIGSTOP)  # the server reads nothing from now on
    box = page.locator(f".st-key-question-{second.id}")
    box.get_by_test_id("stRadioOption").nth(2).click()
    time.sleep(0.5)
    os.killpg(live_server.process.pid, signal.SIGKILL)  # and dies with the click unread
    live_server.process.wait(timeout=10)
    live_server.process = None
    live_server.start()

    lost = page.locator(f".st-key-question-{second.id}").get_by_text(
        "Not saved: your last answer here did not reach the server before the connection broke."
    )
    settle(page, lost, timeout_ms=40_000)
    assert store.assessment(survey.assessment_id).answers == {first.id: first.option_ids[1]}
    assert "lost=" not in page.url
    screenshot(page, "survey-lost-click-desktop")

    survey.choose(second.id, 2)  # answered again: stored, and the message goes
    assert store.assessment(survey.assessment_id).answers == {
        first.id: first.option_ids[1],
        second.id: second.option_ids[2],
    }
    assert lost.count() == 0
