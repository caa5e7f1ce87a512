"""The consultant's portfolio in a real browser (issue 13): the dashboard's tab at desktop and phone width."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from scoring.answers import Responses, as_answers
from scoring.bank import Bank
from scoring.engine import score
from tests.browser_support import (  # noqa: F401  (the *_fixture imports register the fixtures)
    ARTIFACTS,
    BANK_FILE,
    DESKTOP,
    PHONE,
    LiveServer,
    bank_fixture,
    browser_fixture,
    chromium_available_fixture,
    context_fixture,
    fit_viewport_to_content,
    live_server_fixture,
    server_log_on_failure_fixture,
    settle,
    store_fixture,
)
from tests.test_browser_peers import _answers_at
from tests.test_browser_presenting import PROJECTOR
from threadline.storage import PeerScores, Store


def _engagement(store: Store, bank: Bank, client: str, level: float, joined: bool) -> str:
    """An engagement with two respondents and a complete consensus at `level`; its dashboard token."""
    bank_hash = store.put_bank(BANK_FILE.read_text(), bank.id, bank.version)
    record, _, dashboard = store.create_engagement(bank_hash, client, "Jo", "Jo & Co", ["Marketing", "Sales"])
    answers = _answers_at(bank, level)
    for department in ("Marketing", "Marketing", "Marketing", "Sales", "Sales", "Sales"):
        respondent, _ = store.add_respondent(record.id, department)
        for question_id, value in _answers_at(bank, max(1.0, level - 1)).items():
            store.save_answer(respondent, question_id, value)
        store.submit(respondent)
    consensus, _ = store.consensus_assessment(record.id, dashboard)
    for question_id, value in answers.items():
        store.save_answer(consensus, question_id, value)
    if joined:
        result = score(bank, Responses(as_answers(answers)))
        dimensions = {d.id: d.score for d in result.dimensions}
        store.set_portfolio(record.id, True, dashboard)
        row = PeerScores(consensus, bank.id, bank.version, "portfolio", None, None, result.score, dimensions)
        store.save_portfolio_scores(record.id, dashboard, row)
    return dashboard


def test_the_portfolio_tab_draws_the_client_against_the_band(
    live_server: LiveServer, context: Any, bank: Bank, store: Store
) -> None:
    store.migrate()  # the server migrates on its first page; these rows are written before it
    for n, level in enumerate((1.5, 2.0, 2.5, 3.0, 3.5, 4.0)):
        _engagement(store, bank, f"Other client {n}", level, joined=True)
    dashboard = _engagement(store, bank, "Harbour Tea", 3.0, joined=False)

    page = context.new_page()
    page.goto(f"{live_server.url}/?dashboard={dashboard}")
    tab = page.get_by_role("tab", name="Portfolio", exact=True)
    settle(page, tab)
    tab.click()
    panel = page.get_by_role("tabpanel", name="Portfolio")
    group = panel.get_by_text("Compared with your engagements with this bank version: 6 engagements")
    legend = panel.locator(".js-plotly-plot .legendtext").filter(has_text="Portfolio: middle half")
    settle(page, group, legend)
    expect(panel.get_by_text("Include this engagement's consensus in my portfolio")).to_be_visible()
    assert panel.locator(".js-plotly-plot .legendtext").filter(has_text="Agreed (consensus)").count() == 1
    for name, viewport in (("portfolio-1920", PROJECTOR), ("portfolio-1280", DESKTOP), ("portfolio-390", PHONE)):
        page.set_viewport_size(viewport)
        fit_viewport_to_content(page, viewport)
        settle(page, legend)
        panel.screenshot(path=str(ARTIFACTS / f"{name}.png"), animations="disabled")
    page.set_viewport_size(DESKTOP)
