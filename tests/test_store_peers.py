"""The peer comparison's rows (threadline/storage/peers.py): written, rewritten, withdrawn, deleted."""

from __future__ import annotations

import numpy as np
import sqlalchemy as sa

from tests.store_support import all_stored_text
from threadline.storage import PeerScores, Store
from threadline.storage.schema import peer_scores

BANK_TEXT = "id: default\nversion: '1.0'\ntitle: Social business maturity\n"


def _assessment(store: Store, organisation: str = "Acme Ltd") -> tuple[int, str]:
    bank = store.put_bank(BANK_TEXT, "default", "1.0")
    return store.create_assessment(bank, {"organisation": organisation, "industry_detail": "we sell tea"})


def _scores(assessment_id: int, overall: float = 2.5, version: str = "1.0") -> PeerScores:
    return PeerScores(assessment_id, "default", version, "self", "Retail", "10–49 people", overall, {"care": 1.5})


def test_a_row_holds_only_scores_industry_and_size(store: Store) -> None:
    assessment_id, _ = _assessment(store)
    store.save_peer_scores(_scores(assessment_id))

    assert store.peer_scores("default", "1.0") == [_scores(assessment_id)]
    assert store.in_comparison(assessment_id)
    with store.engine.connect() as conn:
        (row,) = conn.execute(sa.select(peer_scores)).mappings()
    assert set(row) == {
        "assessment_id",
        "bank_id",
        "bank_version",
        "kind",
        "industry",
        "size",
        "overall",
        "dimensions",
        "updated_at",
        "score_ids",
        "score_vector",
    }


def test_saving_again_rewrites_the_row(store: Store) -> None:
    assessment_id, _ = _assessment(store)
    store.save_peer_scores(_scores(assessment_id, 2.5))
    store.save_peer_scores(_scores(assessment_id, 3.75))

    assert [row.overall for row in store.peer_scores("default", "1.0")] == [3.75]


def test_withdrawing_leaves_nothing_in_the_comparison(store: Store) -> None:
    assessment_id, _ = _assessment(store)
    store.save_peer_scores(_scores(assessment_id))
    store.withdraw_peer_scores(assessment_id)

    assert store.peer_scores("default", "1.0") == []
    assert not store.in_comparison(assessment_id)


def test_deleting_the_assessment_deletes_its_row(store: Store) -> None:
    assessment_id, token = _assessment(store)
    store.save_peer_scores(_scores(assessment_id))
    store.delete_assessment(assessment_id, token)

    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(peer_scores)).scalar() == 0


def test_rows_are_read_per_bank_version_and_kind(store: Store) -> None:
    first, _ = _assessment(store)
    second, _ = _assessment(store, "Beta")
    store.save_peer_scores(_scores(first, version="1.0"))
    store.save_peer_scores(_scores(second, version="2.0"))

    assert [row.assessment_id for row in store.peer_scores("default", "1.0")] == [first]
    assert [row.assessment_id for row in store.peer_scores("default", "2.0", kind="self")] == [second]
    assert store.peer_scores("default", "2.0", kind="consensus") == []


def test_the_columns_are_the_rows_of_one_version_and_kind_in_assessment_order(store: Store) -> None:
    first, _ = _assessment(store)
    second, _ = _assessment(store, "Beta")
    other, _ = _assessment(store, "Gamma")
    store.save_peer_scores(_scores(second, overall=3.0))
    store.save_peer_scores(_scores(first, overall=2.0))
    store.save_peer_scores(_scores(other, version="2.0"))

    columns = store.peer_columns("default", "1.0")
    assert (columns.assessment_ids.tolist(), columns.dimension_ids) == ([first, second], ("care",))
    assert columns.scores.tolist() == [[2.0, 1.5], [3.0, 1.5]]
    assert (columns.industries, columns.sizes) == (["Retail", "Retail"], ["10–49 people", "10–49 people"])
    assert store.peer_columns("default", "1.0", kind="portfolio").assessment_ids.tolist() == []
    assert store.peer_row(first) == _scores(first, overall=2.0)
    assert store.peer_row(other) == _scores(other, version="2.0")
    store.withdraw_peer_scores(first)
    assert store.peer_row(first) is None


def test_rows_of_different_dimensions_and_rows_without_packed_scores_read_into_one_matrix(store: Store) -> None:
    first, _ = _assessment(store)
    second, _ = _assessment(store, "Beta")
    old, _ = _assessment(store, "Gamma")
    store.save_peer_scores(PeerScores(first, "default", "1.0", "self", None, None, 2.0, {"care": 1.5, "ads": None}))
    store.save_peer_scores(PeerScores(second, "default", "1.0", "self", None, None, None, {"strategy": 3.0}))
    store.save_peer_scores(PeerScores(old, "default", "1.0", "self", None, None, 1.0, {"care": 2.0, "strategy": 4.0}))
    with store.engine.begin() as conn:  # as a server still on revision 0006 writes it
        unpacked = peer_scores.update().values(score_ids=None, score_vector=None)
        conn.execute(unpacked.where(peer_scores.c.assessment_id == old))

    columns = store.peer_columns("default", "1.0")
    assert columns.dimension_ids == ("ads", "care", "strategy")
    np.testing.assert_array_equal(
        columns.scores, [[2.0, np.nan, 1.5, np.nan], [np.nan, np.nan, np.nan, 3.0], [1.0, np.nan, 2.0, 4.0]]
    )


def test_the_marker_changes_with_every_write(store: Store) -> None:
    first, _ = _assessment(store)
    second, _ = _assessment(store, "Beta")
    seen = [store.peer_marker("default", "1.0")]
    store.save_peer_scores(_scores(first))
    seen.append(store.peer_marker("default", "1.0"))
    store.save_peer_scores(_scores(second))
    seen.append(store.peer_marker("default", "1.0"))
    store.withdraw_peer_scores(first)
    seen.append(store.peer_marker("default", "1.0"))

    assert seen[0] == (0, None, 0)
    assert len(set(seen)) == 4


def test_no_name_or_typed_text_reaches_the_comparison_table(store: Store) -> None:
    assessment_id, _ = _assessment(store)
    store.save_peer_scores(_scores(assessment_id))
    with store.engine.connect() as conn:
        text = " ".join(str(value) for row in conn.execute(sa.select(peer_scores)) for value in row)
    assert "Acme" not in text and "tea" not in text
    assert "Acme" in all_stored_text(store.engine)  # it is in the assessment's own row
