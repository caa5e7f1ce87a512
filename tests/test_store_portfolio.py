"""The consultant's portfolio in the store (threadline/storage/peers.py): the switch, its rows, who writes them."""

from __future__ import annotations

import pytest

from scoring.peers import compare_with_portfolio
from tests.store_support import rows_per_table
from threadline.reporting.peer_text import portfolio_too_small_line
from threadline.storage import PeerScores, Store

BANK_TEXT = "id: default\nversion: '1.0'\ntitle: Social business maturity\n"


def joined_engagement(
    store: Store, client: str = "Acme", overall: float = 3.0, series_id: int | None = None
) -> tuple[int, str, int]:
    """An engagement whose consensus is in the portfolio: its id, dashboard token and consensus id."""
    bank = store.put_bank(BANK_TEXT, "default", "1.0")
    record, _, dashboard = store.create_engagement(bank, client, "Jo", "Jo & Co", ["HR", "IT"], series_id=series_id)
    consensus, _ = store.consensus_assessment(record.id, dashboard)
    store.set_portfolio(record.id, True, dashboard)
    store.save_portfolio_scores(record.id, dashboard, portfolio_row(consensus, overall))
    return record.id, dashboard, consensus


def portfolio_row(consensus_id: int, overall: float = 3.0) -> PeerScores:
    """A consensus' row in the portfolio: scores only."""
    return PeerScores(consensus_id, "default", "1.0", "portfolio", None, None, overall, {"care": overall - 0.5})


def test_an_engagement_is_out_of_the_portfolio_until_its_consultant_switches_it_on(store: Store) -> None:
    bank = store.put_bank(BANK_TEXT, "default", "1.0")
    record, _, dashboard = store.create_engagement(bank, "Acme", "Jo", "Jo & Co", ["HR"])
    consensus, _ = store.consensus_assessment(record.id, dashboard)

    assert not store.in_portfolio(record.id)
    with pytest.raises(PermissionError, match="not included in the portfolio"):
        store.save_portfolio_scores(record.id, dashboard, portfolio_row(consensus))
    assert store.portfolio_scores("default", "1.0") == []


def test_switching_on_and_saving_puts_the_consensus_scores_in_the_portfolio(store: Store) -> None:
    engagement_id, _, consensus = joined_engagement(store, overall=3.25)

    assert store.in_portfolio(engagement_id)
    assert store.portfolio_scores("default", "1.0") == [portfolio_row(consensus, 3.25)]
    assert store.portfolio_row(engagement_id) == portfolio_row(consensus, 3.25)


def test_switching_off_deletes_the_row_at_once(store: Store) -> None:
    engagement_id, dashboard, _ = joined_engagement(store)
    store.set_portfolio(engagement_id, False, dashboard)

    assert not store.in_portfolio(engagement_id)
    assert store.portfolio_scores("default", "1.0") == []
    assert rows_per_table(store.engine)["peer_scores"] == 0


def test_saving_none_takes_a_partial_consensus_out_but_leaves_the_switch_on(store: Store) -> None:
    engagement_id, dashboard, _ = joined_engagement(store)
    store.save_portfolio_scores(engagement_id, dashboard, None)

    assert store.in_portfolio(engagement_id)
    assert store.portfolio_row(engagement_id) is None


def test_deleting_the_engagement_deletes_its_row(store: Store) -> None:
    engagement_id, dashboard, _ = joined_engagement(store)
    store.delete_engagement(engagement_id, dashboard)

    assert rows_per_table(store.engine)["peer_scores"] == 0


def test_only_the_current_dashboard_link_writes_the_switch_or_the_row(store: Store) -> None:
    engagement_id, dashboard, consensus = joined_engagement(store)
    other_id, other_dashboard, _ = joined_engagement(store, client="Beta")
    new_dashboard = store.rotate_engagement_link(engagement_id, "dashboard", dashboard)

    with pytest.raises(PermissionError):
        store.set_portfolio(engagement_id, False, dashboard)  # replaced
    with pytest.raises(PermissionError):
        store.set_portfolio(engagement_id, False, other_dashboard)  # another engagement's
    with pytest.raises(ValueError, match="own consensus"):
        store.save_portfolio_scores(other_id, other_dashboard, portfolio_row(consensus))
    assert store.in_portfolio(engagement_id)
    store.set_portfolio(engagement_id, False, new_dashboard)
    assert not store.in_portfolio(engagement_id)


def test_self_assessments_never_join_the_portfolio_and_portfolio_rows_never_join_the_peer_groups(
    store: Store,
) -> None:
    _, _, consensus = joined_engagement(store)
    bank = store.put_bank(BANK_TEXT, "default", "1.0")
    own, _ = store.create_assessment(bank, {"organisation": "Tea Ltd"})
    self_row = PeerScores(own, "default", "1.0", "self", "Retail", "10–49 people", 2.0, {"care": 2.0})
    store.save_peer_scores(self_row)

    assert store.portfolio_scores("default", "1.0") == [portfolio_row(consensus)]
    assert store.peer_scores("default", "1.0", kind="self") == [self_row]
    with pytest.raises(ValueError, match="save_portfolio_scores"):
        store.save_peer_scores(portfolio_row(consensus))


def test_the_clients_own_rounds_are_never_its_peers(store: Store) -> None:
    first, _, _ = joined_engagement(store, client="Acme")
    joined_engagement(store, client="Acme", series_id=first)  # round 2 of the same client
    _, _, other = joined_engagement(store, client="Beta")

    series = store.engagement(first).series_id
    assert store.portfolio_scores("default", "1.0", excluding_series=series) == [portfolio_row(other)]


def test_a_portfolio_of_k_minus_one_other_engagements_shows_nothing(store: Store) -> None:
    own, _, _ = joined_engagement(store, client="Acme")
    for n in range(4):
        joined_engagement(store, client=f"Client {n}", overall=1.0 + n)

    rows = store.portfolio_scores("default", "1.0", excluding_series=store.engagement(own).series_id)
    assert len(rows) == 4
    assert compare_with_portfolio(portfolio_row(0), rows, ["care"], k=5) is None
    assert portfolio_too_small_line(len(rows), 5) == (
        "Your portfolio has 4 engagements with this bank version; a comparison needs 5."
    )
