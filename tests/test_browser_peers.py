"""The peer comparison in a real browser (issue 13): the band on the radar, the group in words, at both widths."""

from __future__ import annotations

from typing import Any

from scoring.answers import Responses, as_answers
from scoring.bank import Bank
from scoring.engine import score
from tests.browser_support import (  # noqa: F401  (the *_fixture imports register the fixtures)
    BANK_FILE,
    PHONE,
    LiveServer,
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
from threadline.storage import PeerScores, Store

RETAIL, SMALL = "Retail and e-commerce", "10–49 people"


def _answers_at(bank: Bank, level: float) -> dict[str, Any]:
    """Every choice question at the option scored `level`; multi questions all ticked or none."""
    answers: dict[str, Any] = {}
    for question in bank.questions.values():
        if question.type == "choice":
            scores = bank.option_scores[question.id]
            answers[question.id] = min(scores, key=lambda option: abs(scores[option] - level))
        elif question.type == "multi":
            answers[question.id] = list(question.option_ids) if level >= 3 else []
    return answers


def _submitted(store: Store, bank: Bank, text: str, answers: dict[str, Any], context: dict) -> tuple[int, str]:
    bank_hash = store.put_bank(text, bank.id, bank.version)
    aid, token = store.create_assessment(bank_hash, context)
    for question_id, value in answers.items():
        store.save_answer(aid, question_id, value)
    store.submit(aid)
    return aid, token


def test_the_radar_shows_the_peer_band_and_the_page_names_the_group(
    live_server: LiveServer, context: Any, bank: Bank, store: Store
) -> None:
    store.migrate()  # the server migrates on its first page; these rows are written before it
    text = BANK_FILE.read_text()
    for n, level in enumerate((1.5, 2.0, 2.5, 3.0, 3.5, 4.0)):
        answers = _answers_at(bank, level)
        result = score(bank, Responses(as_answers(answers)))
        about = {"organisation": f"Peer {n}", "industry": RETAIL, "size": SMALL}
        aid, _ = _submitted(store, bank, text, answers, about)
        dimensions = {d.id: d.score for d in result.dimensions}
        store.save_peer_scores(PeerScores(aid, bank.id, bank.version, "self", RETAIL, SMALL, result.score, dimensions))
    _, token = _submitted(
        store, bank, text, _answers_at(bank, 3.0), {"organisation": "Harbour Tea", "industry": RETAIL, "size": SMALL}
    )

    page = context.new_page()
    page.goto(f"{live_server.url}/results?resume={token}")
    group = page.get_by_text("Compared with Retail and e-commerce, 10–49 people: 6 organisations.")
    legend = page.locator(".js-plotly-plot .legendtext").filter(has_text="Peers: middle half")
    settle(page, group, legend)
    assert page.get_by_text("Your overall score is higher than").count() == 1
    assert page.locator(".js-plotly-plot .legendtext").filter(has_text="Peers: median").count() == 1
    screenshot(page, "results-peers-desktop")
    screenshot(page, "results-peers-phone", PHONE)
