"""Figures for the peer comparison (issue 13) at 100,000 stored assessments of the default bank.

The database (SQLite, a temporary file) holds 100,000 submitted self-assessments, each with
its row in `peer_scores` (its scores packed too, as `PeerStore` writes them): random industry
and size choices, scores from random answers (bench.core.random_answers scored by the engine,
2,000 distinct answer sets reused). The
figures are the server CPU (this process) of what a results page does, through
`threadline.web.peers` as the page calls it:

- rows read: the first comparison after a row changed reads every row of the bank version;
- comparison: a results page's comparison once the rows are kept (the usual case: the
  database is asked only whether they changed), best of 5.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from datetime import UTC, datetime
from types import SimpleNamespace
from unittest import mock

import sqlalchemy as sa

from bench.core import DEFAULT_BANK, random_answers
from scoring.answers import Responses
from scoring.engine import score
from scoring.validate import load_bank
from threadline.storage import Store
from threadline.storage.peers import packed_scores
from threadline.storage.schema import assessments, peer_scores
from threadline.web.context import INDUSTRIES, SIZES

COUNT = 100_000


def _fill(store: Store, bank, bank_hash: str, rng: random.Random) -> None:
    now = datetime.now(UTC)
    results = [score(bank, Responses(random_answers(bank, rng))) for _ in range(2_000)]
    people = [
        {
            "id": k + 1,
            "bank_hash": bank_hash,
            "context": {},
            "status": "submitted",
            "created_at": now,
            "updated_at": now,
            "submitted_at": now,
        }
        for k in range(COUNT)
    ]
    rows = []
    for k in range(COUNT):
        result = results[k % len(results)]
        dimensions = {d.id: d.score for d in result.dimensions}
        score_ids, score_vector = packed_scores(result.score, dimensions)
        rows.append(
            {
                "assessment_id": k + 1,
                "bank_id": bank.id,
                "bank_version": bank.version,
                "kind": "self",
                "industry": rng.choice(INDUSTRIES),
                "size": rng.choice(SIZES),
                "overall": result.score,
                "dimensions": dimensions,
                "updated_at": now,
                "score_ids": score_ids,
                "score_vector": score_vector,
            }
        )
    with store.engine.begin() as conn:
        conn.execute(sa.insert(assessments), people)
        conn.execute(sa.insert(peer_scores), rows)


def run() -> list[tuple[str, float, str, str]]:
    """Measure the comparison; rows of (what, value, unit, target)."""
    from threadline.web import peers, resources

    bank = load_bank(DEFAULT_BANK)
    rng = random.Random(13)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/peers.db"
        store = Store(url)
        store.migrate()
        bank_hash = store.put_bank(DEFAULT_BANK.read_text(), bank.id, bank.version)
        _fill(store, bank, bank_hash, rng)
        answers = random_answers(bank, rng)
        result = score(bank, Responses(answers))
        # the page's assessment, as much of it as the comparison reads (assessment 1 is left out of its peers)
        holder = SimpleNamespace(id=1, bank=bank, context={"industry": INDUSTRIES[0], "size": SIZES[1]})
        with mock.patch.dict(os.environ, {"DATABASE_URL": url}), mock.patch.object(resources, "store", lambda: store):
            start = time.process_time()
            first = peers.comparison(holder, result)
            cold = time.process_time() - start
            warm = []
            for _ in range(5):
                start = time.process_time()
                peers.comparison(holder, result)
                warm.append(time.process_time() - start)
        store.dispose()
    assert first is not None and first.n > 0
    return [
        (f"peers: first comparison after a change, {COUNT:,} assessments (rows read)", cold * 1000, "ms", "< 1000 ms"),
        (f"peers: comparison, {COUNT:,} assessments, rows kept, server CPU", min(warm) * 1000, "ms", "< 200 ms"),
    ]
