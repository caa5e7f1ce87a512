"""Specification of scoring/peer_population.py: the array comparison gives exactly what `compare` gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.peer_population import compare_population, population
from scoring.peers import OTHER, PeerRow, compare

DIMENSIONS = ["care", "strategy"]
INDUSTRIES = [None, "Retail", "Software", OTHER, "Health"]
SIZES = [None, "1–9 people", "10–49 people", "50–249 people"]
SCORES = st.one_of(st.none(), st.sampled_from([1.0, 1.5, 2.0, 2.4, 3.0, 3.25, 4.0, 5.0]))

rows = st.builds(
    lambda industry, size, overall, care, strategy: PeerRow(
        industry, size, overall, {d: v for d, v in (("care", care), ("strategy", strategy)) if v is not None}
    ),
    st.sampled_from(INDUSTRIES),
    st.sampled_from(SIZES),
    SCORES,
    SCORES,
    SCORES,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(rows, max_size=60), rows, st.integers(min_value=3, max_value=6), st.data())
def test_the_array_comparison_equals_the_row_by_row_one(people, own, k, data):
    excluding = data.draw(st.one_of(st.none(), st.integers(0, len(people) - 1)) if people else st.none())
    others = [row for n, row in enumerate(people) if n != excluding]
    assert compare_population(own, population(people, DIMENSIONS), k, excluding) == compare(own, others, DIMENSIONS, k)


def test_leaving_out_the_one_looking_can_pool_its_industry_into_other():
    # five retailers with the one looking, four without: Retail (4 < 5) counts as Other
    people = [PeerRow("Retail", None, 2.0, {"care": 2.0}) for _ in range(5)]
    people += [PeerRow("Software", None, 4.0, {"care": 4.0}) for _ in range(5)]
    found = compare_population(
        PeerRow("Retail", None, 3.0, {"care": 3.0}), population(people, ["care"]), 5, excluding=0
    )
    assert found is not None
    assert (found.group.label(), found.n) == ("Everyone who took this assessment", 9)
    assert found.overall is not None and found.overall.percentile == 100 * 4 / 9
