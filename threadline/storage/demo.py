"""Demonstration data for trying Threadline and for screenshots: `make demo` (issue 13).

`python -m threadline.storage.demo DATABASE_URL BANK_FILE` fills a database of its own with
made-up organisations ("Demo organisation 17"), every one marked `"demo": true` in its
context: submitted self-assessments of the bank, with industry and size choices, answers drawn
around a level that differs a little by industry, and each joined to the peer comparison.
Start an assessment of your own on the demo server to see where it sits among them.

It never mixes demonstration data into a real database: it refuses one that holds any
assessment not marked as a demonstration. The app shows a "demonstration data" banner on
every page when `THREADLINE_DEMO` is set (`make demo` sets it and uses `data/demo.db`).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from scoring.answers import Responses, as_answers
from scoring.bank import Bank
from scoring.engine import score
from scoring.validate import load_bank
from threadline.organisation import INDUSTRIES as ORGANISATION_INDUSTRIES
from threadline.organisation import SIZES as ORGANISATION_SIZES
from threadline.storage.peers import PeerScores
from threadline.storage.schema import assessments
from threadline.storage.store import Store

DEMO_KEY = "demo"
INDUSTRIES = ORGANISATION_INDUSTRIES[:-1]  # every industry of the list but "Other"
SIZES = ORGANISATION_SIZES[:-1]  # no one of a thousand people or more
COUNT = 240


class NotADemoDatabaseError(RuntimeError):
    """The database holds real assessments: demonstration data is never mixed into it."""


def answers_around(bank: Bank, level: float, rng: random.Random) -> dict[str, Any]:
    """One organisation's answers: each choice near `level` (give or take one stage), multi options by chance."""
    answers: dict[str, Any] = {}
    for question in bank.questions.values():
        if question.type == "choice":
            wanted = min(max(rng.gauss(level, 0.8), 1.0), float(bank.level_count))
            scores = bank.option_scores[question.id]
            answers[question.id] = min(scores, key=lambda option: abs(scores[option] - wanted))
        elif question.type == "multi":
            share = (level - 1) / max(bank.level_count - 1, 1)
            answers[question.id] = [o for o in question.option_ids if rng.random() < share]
    return answers


def load(store: Store, bank_text: str, bank: Bank, count: int = COUNT, seed: int = 7) -> None:
    """Fill the store with `count` demonstration organisations, each joined to the peer comparison."""
    _refuse_real_data(store)
    rng = random.Random(seed)
    bank_hash = store.put_bank(bank_text, bank.id, bank.version)
    lean = {industry: rng.uniform(-0.6, 0.6) for industry in INDUSTRIES}
    for number in range(1, count + 1):
        industry, size = rng.choice(INDUSTRIES), rng.choice(SIZES)
        level = min(max(rng.gauss(2.6 + lean[industry], 0.7), 1.2), bank.level_count - 0.3)
        context = {"organisation": f"Demo organisation {number}", "industry": industry, "size": size}
        aid = _submitted(
            store, bank_hash, {**context, DEMO_KEY: True, "compare": True}, answers_around(bank, level, rng)
        )
        result = score(bank, Responses(as_answers(store.assessment(aid).answers)))
        dimensions = {d.id: d.score for d in result.dimensions}
        store.save_peer_scores(PeerScores(aid, bank.id, bank.version, "self", industry, size, result.score, dimensions))


def _submitted(store: Store, bank_hash: str, context: dict[str, Any], answers: dict[str, Any]) -> int:
    aid, _ = store.create_assessment(bank_hash, context)
    for question_id, value in answers.items():
        store.save_answer(aid, question_id, value)
    store.submit(aid)
    return aid


def _refuse_real_data(store: Store) -> None:
    with store.engine.connect() as conn:
        contexts = conn.execute(sa.select(assessments.c.context)).scalars().all()
    real = sum(1 for context in contexts if not (context or {}).get(DEMO_KEY))
    if real:
        raise NotADemoDatabaseError(
            f"this database holds {real} real assessments: demonstration data goes into a database of its own"
        )


def main(argv: list[str]) -> int:
    """`python -m threadline.storage.demo DATABASE_URL BANK_FILE`: fill it and print a link to try."""
    url, bank_file = argv
    store = Store(url)
    store.migrate()
    try:
        with store.engine.connect() as conn:
            already = conn.execute(sa.select(sa.func.count()).select_from(assessments)).scalar()
        if already:
            _refuse_real_data(store)
            print(f"{url} already holds the demonstration data ({already} assessments).")
            return 0
        text = Path(bank_file).read_text(encoding="utf-8")
        load(store, text, load_bank(Path(bank_file)))
        print(f"{url}: {COUNT} demonstration organisations, all joined to the peer comparison.")
        print("Start an assessment on the demo server (choose an industry and a size) to compare with them.")
        return 0
    except NotADemoDatabaseError as refused:
        print(f"Refused: {refused}", file=sys.stderr)
        return 1
    finally:
        store.dispose()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
