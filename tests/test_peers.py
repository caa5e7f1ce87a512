"""Peer comparison (scoring/peers.py): groups, the k rule, the fallback order, quartiles and percentiles."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.peers import (
    OTHER,
    Group,
    PeerRow,
    Spread,
    compare,
    compare_with_portfolio,
    percentile,
    pooled,
    shown_groups,
    spread,
)

SMALL, MID = "10–49 people", "50–249 people"


def org(industry: str | None, size: str | None, overall: float = 3.0, **dimensions: float) -> PeerRow:
    return PeerRow(industry, size, overall, dimensions)


def many(count: int, industry: str | None, size: str | None, overall: float = 3.0) -> list[PeerRow]:
    return [org(industry, size, overall, care=overall) for _ in range(count)]


# --- percentiles and quartiles, worked by hand ------------------------------------------------


def test_a_percentile_counts_the_scores_below_and_half_the_ties():
    scores = [1.0, 2.0, 3.0, 4.0]
    assert percentile(3.0, scores) == 62.5  # 2 below, 1 tie: (2 + 0.5) / 4
    assert percentile(2.5, scores) == 50.0  # 2 below, no tie
    assert percentile(5.0, scores) == 100.0
    assert percentile(0.5, scores) == 0.0
    assert percentile(3.0, [3.0, 3.0, 3.0]) == 50.0  # everyone level: the middle


def test_quartiles_interpolate_between_the_ordered_scores():
    five = spread([5.0, 1.0, 4.0, 2.0, 3.0], own=4.0)
    assert (five.n, five.p25, five.median, five.p75, five.percentile) == (5, 2.0, 3.0, 4.0, 70.0)
    four = spread([1.0, 2.0, 3.0, 4.0], own=None)
    # positions (n - 1) * q: 0.75, 1.5, 2.25 between the ordered scores 1, 2, 3, 4
    assert (four.p25, four.median, four.p75, four.percentile) == (1.75, 2.5, 3.25, None)


def test_organisations_that_did_not_assess_a_dimension_are_left_out_of_its_spread():
    assert spread([2.0, None, 4.0, None], own=3.0) == spread([2.0, 4.0], own=3.0)
    assert spread([None, None], own=3.0) is None


# --- the k rule and the fallback order --------------------------------------------------------


def test_a_group_of_k_minus_one_never_shows():
    others = many(4, "Retail", MID) + many(6, "Software", SMALL)
    shown = shown_groups(pooled(others, 5), 5)
    assert Group("industry and size", "Retail", MID) not in shown
    assert Group("industry", "Retail") not in shown
    assert shown[Group("everyone")] == 10


def test_the_fallback_goes_from_industry_and_size_to_industry_to_size_to_everyone():
    own = org("Retail", MID, 2.0, care=2.0)
    # industry and size first, when it holds k
    crowd = many(5, "Retail", MID) + many(5, "Retail", SMALL) + many(5, "Software", MID)
    assert compare(own, crowd, ["care"]).group == Group("industry and size", "Retail", MID)
    # Retail at 50-249 people holds 4: Retail (9) is next
    crowd = many(4, "Retail", MID) + many(5, "Retail", SMALL) + many(5, "Software", MID)
    comparison = compare(own, crowd, ["care"])
    assert (comparison.group, comparison.n, comparison.fell_back) == (Group("industry", "Retail"), 9, True)
    # Retail holds 4 in all (pooled into Other, which is too small): the size group
    crowd = many(4, "Retail", MID) + many(5, "Software", MID) + many(5, "Health", MID)
    assert compare(own, crowd, ["care"]).group == Group("size", size=MID)
    # ...unless it is another shown group but fewer than k (Software's 10, and the 4 of Retail)
    crowd = many(4, "Retail", MID) + many(5, "Software", MID) + many(5, "Software", SMALL)
    assert compare(own, crowd, ["care"]).group == Group("everyone")
    # no size given: industry, else everyone
    assert compare(org("Retail", None), crowd, ["care"]).group == Group("everyone")


def test_small_industries_pool_into_other():
    others = many(2, "Mining", MID) + many(3, "Forestry", MID) + many(6, "Software", MID)
    rows = pooled(others, 5)
    assert [row.industry for row in rows].count(OTHER) == 5
    comparison = compare(org("Mining", None), others, ["care"])
    assert (comparison.group, comparison.n) == (Group("industry", OTHER), 5)
    assert comparison.group.label() == "Other"


def test_nothing_shows_with_fewer_than_k_others_in_all():
    assert compare(org("Retail", MID), many(4, "Retail", MID), ["care"]) is None


def test_k_below_three_is_refused():
    with pytest.raises(ValueError, match="at least 3"):
        shown_groups([], 2)


def test_the_group_is_named_with_its_organisations():
    assert Group("industry and size", "Retail", MID).label() == "Retail, 50–249 people"
    assert Group("size", size=MID).label() == "50–249 people"
    assert Group("everyone").label() == "Everyone who took this assessment"


def test_the_spread_and_the_percentile_are_the_groups():
    crowd = [org("Retail", MID, score, care=score) for score in (1.0, 2.0, 3.0, 4.0, 5.0)]
    comparison = compare(org("Retail", MID, 3.5, care=1.0), crowd, ["care", "brand"])
    assert comparison.n == 5
    assert (comparison.overall.median, comparison.overall.percentile) == (3.0, 60.0)
    assert (comparison.dimensions["care"].p25, comparison.dimensions["care"].percentile) == (2.0, 10.0)
    assert comparison.dimensions["brand"] is None  # nobody assessed it


# --- differencing -----------------------------------------------------------------------------


def test_asking_twice_with_different_groups_tells_nothing_about_one_organisation():
    """Retail at 10-49 people holds 5, Retail 6: the one difference is the victim.

    Whoever asks as "Retail, 10-49" and again as "Retail" (or under any other choice) must
    never get two answers whose difference isolates the victim: the smaller group is not
    shown, both questions get the same group and the same figures.
    """
    crowd = many(5, "Retail", SMALL, 2.0) + many(9, "Software", MID, 3.0)
    for victim_score in (1.0, 5.0):
        victim = org("Retail", MID, victim_score, care=victim_score)
        others = [*crowd, victim]
        as_small_retail = compare(org("Retail", SMALL), others, ["care"])
        as_retail = compare(org("Retail", None), others, ["care"])
        assert (as_small_retail.group, as_small_retail.overall, as_small_retail.dimensions) == (
            as_retail.group,
            as_retail.overall,
            as_retail.dimensions,
        )
        assert as_retail.group == Group("industry", "Retail") and as_retail.n == 6


def test_a_size_group_that_is_an_industry_but_one_is_not_shown_beside_it():
    """Everyone at 10-49 people is in Retail, and Retail holds one more (the victim, at 50-249)."""
    crowd = many(5, "Retail", SMALL, 2.0) + many(9, "Software", MID, 3.0) + [org("Retail", MID, 5.0)]
    shown = shown_groups(pooled(crowd, 5), 5)
    assert Group("size", size=SMALL) not in shown
    assert Group("industry and size", "Retail", SMALL) not in shown
    assert compare(org(None, SMALL), crowd, ["care"]).group == Group("everyone")


def test_nested_shown_groups_differ_by_none_or_at_least_k():
    crowd = many(5, "Retail", SMALL) + many(2, "Retail", MID) + many(9, "Software", MID)
    shown = shown_groups(pooled(crowd, 5), 5)
    assert Group("industry and size", "Retail", SMALL) not in shown  # 5 inside Retail's 7
    assert shown[Group("industry", "Retail")] == 7


INDUSTRIES = ["Retail", "Software", "Health", None]
SIZES = [SMALL, MID, None]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(INDUSTRIES), st.sampled_from(SIZES)), max_size=40),
    st.integers(min_value=3, max_value=6),
)
def test_no_two_shown_groups_isolate_fewer_than_k_organisations(members, k):
    rows = pooled([org(industry, size) for industry, size in members], k)
    shown = shown_groups(rows, k)
    held = {group: {n for n, row in enumerate(rows) if group.holds(row)} for group in shown}
    for a, b in itertools.permutations(shown, 2):
        assert len(held[a]) == shown[a] >= k
        only_in_a = len(held[a] - held[b])
        assert only_in_a == 0 or only_in_a >= k, (a, b, shown)


# The consultant's portfolio: one fixed group, the same k rule.


def _engagement(overall: float | None, care: float | None = None) -> PeerRow:
    return PeerRow(None, None, overall, {} if care is None else {"care": care})


def test_a_portfolio_of_k_minus_one_engagements_shows_nothing():
    others = [_engagement(v) for v in (1.0, 2.0, 3.0, 4.0)]
    assert compare_with_portfolio(_engagement(2.5), others, [], k=5) is None


def test_the_portfolio_spread_and_percentile_are_worked_by_hand():
    # overall scores 1, 2, 3, 4, 5: quartiles at positions 1, 2, 3 of 0..4 are 2, 3, 4;
    # 3.0 is above 1 and 2 and ties 3: (2 + 0.5) / 5 = 50%
    others = [_engagement(v) for v in (5.0, 1.0, 4.0, 2.0, 3.0)]
    found = compare_with_portfolio(_engagement(3.0), others, [], k=5)
    assert found is not None
    assert (found.group.label(), found.n, found.fell_back) == ("your engagements with this bank version", 5, False)
    assert found.overall == Spread(5, 2.0, 3.0, 4.0, 50.0)


def test_a_dimension_fewer_than_k_engagements_assessed_shows_nothing():
    # every engagement has an overall score; only four assessed "care", so its spread would be theirs
    others = [_engagement(v, care=v if v < 5 else None) for v in (1.0, 2.0, 3.0, 4.0, 5.0)]
    found = compare_with_portfolio(_engagement(3.0, care=2.0), others, ["care"], k=5)
    assert found is not None
    assert found.dimensions == {"care": None}
    assert found.overall is not None and found.overall.n == 5


def test_a_dimension_fewer_than_k_peers_assessed_shows_nothing_beside_the_groups_overall():
    # six retailers; only two assessed "care" (the rest answered it all not applicable)
    others = [org("Retail", MID, 3.0, care=2.0), org("Retail", MID, 4.0, care=4.0)]
    others += [org("Retail", MID, 3.0) for _ in range(4)]
    found = compare(org("Retail", MID, 3.5, care=3.0), others, ["care"], k=5)
    assert found is not None and found.n == 6
    assert found.dimensions == {"care": None}
    assert found.overall == Spread(6, 3.0, 3.0, 3.0, pytest.approx(500 / 6))  # 5 of 6 below 3.5


def _shown_groups_pair_by_pair(rows, k):
    """The rule as first written, group by group and pair by pair: the reference for the array version."""
    cells: dict = {}
    for row in rows:
        cells[(row.industry, row.size)] = cells.get((row.industry, row.size), 0) + 1
    candidates = {Group("everyone")}
    for industry, size in cells:
        if industry is not None:
            candidates.add(Group("industry", industry=industry))
        if size is not None:
            candidates.add(Group("size", size=size))
        if industry is not None and size is not None:
            candidates.add(Group("industry and size", industry=industry, size=size))
    members = {g: frozenset(c for c in cells if g.holds(PeerRow(c[0], c[1], None))) for g in candidates}
    size = {g: sum(cells[c] for c in held) for g, held in members.items()}
    shown = {g for g, n in size.items() if n >= k}

    def apart(a, b):
        only_a = sum(cells[c] for c in members[a] - members[b])
        only_b = sum(cells[c] for c in members[b] - members[a])
        return all(n == 0 or n >= k for n in (only_a, only_b))

    order = ("industry and size", "industry", "size", "everyone")
    while True:
        clashing = {a for a in shown for b in shown if a != b and not apart(a, b)}
        if not clashing:
            return {g: size[g] for g in shown}
        shown.discard(min(clashing, key=lambda g: (size[g], order.index(g.kind), g.label())))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([None, "Retail", "Software", "Health", OTHER]), st.sampled_from([None, SMALL, MID])),
        max_size=80,
    ),
    st.integers(min_value=3, max_value=7),
)
def test_the_shown_groups_are_those_of_the_rule_checked_pair_by_pair(members, k):
    rows = pooled([org(industry, size) for industry, size in members], k)
    assert shown_groups(rows, k) == _shown_groups_pair_by_pair(rows, k)
