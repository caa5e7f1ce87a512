"""Specification of comparing an engagement's rounds (scoring/rounds.py): pure, hand-worked on the small bank.

Customer care is the small bank's `speed` question alone here (option "k" scores k; `channels`
is left unanswered), and Strategy is `plan` (weight 1) with `review` (weight 3). Everyone
answers plan "some" (3); review is "never" (1) in round 1 and "monthly" (5) in round 2, so
Strategy is (3 + 3 * 1) / 4 = 1.50 for everyone in round 1 and (3 + 3 * 5) / 4 = 4.50 in round 2.

The mix case, Customer care:

| round | Customer service     | Marketing            | Sales            | team            |
|-------|----------------------|----------------------|------------------|-----------------|
| 1     | 1 1 1 2 2: 1.40, n 5 | 3 4 4 3 4: 3.60, n 5 | nobody           | 25 / 10 = 2.50  |
| 2     | 3 3 3 2 2: 2.60, n 5 | 3 4 4 3 4: 3.60, n 5 | 1 1 1 1: 1.00, 4 | 35 / 14 = 2.50  |

With round 1's mix (Customer service and Marketing half each) the team would have moved
0.5 * 1.20 + 0.5 * 0.00 = +0.60; it moved 0.00: the mix explains 0.60 >= 0.25 points.
"""

from __future__ import annotations

import pytest

from scoring.batch import encode
from scoring.rounds import MIX_THRESHOLD, Figure, compare_rounds
from scoring.team import TeamView, team_view
from tests.banks import small_bank

BANK = small_bank("mean")
DIMENSIONS = [(d.id, d.title) for d in BANK.dimensions]
QUESTIONS = ["plan", "review", "channels", "speed"]
ORDER = ["Customer service", "Marketing", "Sales"]


def _view(speeds: dict[str, list[int]], review: str, order=ORDER) -> TeamView:
    """A round: per department the speed answers; everyone answers plan 'some' and review `review`."""
    departments = [name for name, answers in speeds.items() for _ in answers]
    answers = [{"plan": "some", "review": review, "speed": str(s)} for row in speeds.values() for s in row]
    return team_view(BANK, encode(BANK, answers), departments, order)


ROUND_1 = {"Customer service": [1, 1, 1, 2, 2], "Marketing": [3, 4, 4, 3, 4]}
ROUND_2 = {"Customer service": [3, 3, 3, 2, 2], "Marketing": [3, 4, 4, 3, 4], "Sales": [1, 1, 1, 1]}


def _compare(*views: TeamView | None):
    return compare_rounds(views, list(range(1, len(views) + 1)), DIMENSIONS, QUESTIONS)


def _dimension(comparison, dimension_id: str):
    (found,) = [d for d in comparison.dimensions if d.id == dimension_id]
    return found


def _line(dimension, name: str):
    (found,) = [line for line in dimension.departments if line.name == name]
    return found


def test_customer_service_rises_while_the_team_stays_flat_and_the_mix_marker_says_why() -> None:
    care = _dimension(_compare(_view(ROUND_1, "never"), _view(ROUND_2, "monthly")), "care")

    assert care.team.figures == (Figure(pytest.approx(2.50), 10), Figure(pytest.approx(2.50), 14))
    assert care.team.from_previous == (None, pytest.approx(0.0))
    service = _line(care, "Customer service")
    assert service.figures == (Figure(pytest.approx(1.40), 5), Figure(pytest.approx(2.60), 5))
    assert service.from_previous == (None, pytest.approx(1.20))
    assert _line(care, "Marketing").from_first == (None, pytest.approx(0.0))
    (shift,) = care.mix
    assert (shift.before, shift.after) == (0, 1)
    assert shift.team_change == pytest.approx(0.0)
    assert shift.standardised_change == pytest.approx(0.60)
    assert shift.sentence == (
        "Customer care, round 1 → 2: Customer service rose 1.40 → 2.60 while the team stayed at 2.50; "
        "with round 1's mix of departments the team would have moved +0.60. "
        "More of the team's answers came from Sales this round (0% → 29%)."
    )


def test_a_department_absent_in_a_round_is_shown_absent_not_as_zero() -> None:
    care = _dimension(_compare(_view(ROUND_1, "never"), _view(ROUND_2, "monthly")), "care")

    assert [line.name for line in care.departments] == ORDER
    assert _line(care, "Sales").figures == (Figure(None, 0), Figure(pytest.approx(1.00), 4))
    assert _line(care, "Sales").from_previous == (None, None)


def test_every_department_rising_with_the_same_mix_sets_no_marker() -> None:
    strategy = _dimension(_compare(_view(ROUND_1, "never"), _view(ROUND_2, "monthly")), "strategy")

    assert strategy.team.figures == (Figure(pytest.approx(1.50), 10), Figure(pytest.approx(4.50), 14))
    assert [line.from_previous for line in strategy.departments] == [
        (None, pytest.approx(3.0)),
        (None, pytest.approx(3.0)),
        (None, None),
    ]
    assert strategy.mix == ()


def test_a_new_mix_of_departments_that_all_score_the_same_sets_no_marker() -> None:
    same = {"Customer service": [3, 3, 3], "Marketing": [3, 3, 3, 3, 3, 3, 3]}
    comparison = _compare(_view({"Customer service": [3] * 5, "Marketing": [3] * 5}, "never"), _view(same, "never"))

    care = _dimension(comparison, "care")
    assert care.team.from_previous == (None, pytest.approx(0.0))
    assert care.mix == () and comparison.mix_sentences == []


def test_the_marker_needs_the_mix_to_explain_at_least_a_quarter_point() -> None:
    # Round 2: Customer service 2.60 (n 5), Marketing 3.60 (n 5), Sales 2.00 (n 1): team 33 / 11 = 3.00
    # against 2.50; the standardised change is +0.60, so the mix explains 0.50 - 0.60 = -0.10: no marker.
    almost = {"Customer service": [3, 3, 3, 2, 2], "Marketing": [3, 4, 4, 3, 4], "Sales": [2]}
    care = _dimension(_compare(_view(ROUND_1, "never"), _view(almost, "never")), "care")

    assert MIX_THRESHOLD == 0.25
    assert care.team.change(0, 1) == pytest.approx(0.50)
    assert care.team.figures[1] == Figure(pytest.approx(33 / 11), 11)
    assert care.mix == ()


def test_what_moved_most_since_round_1_lists_the_largest_change_first_with_n_per_round() -> None:
    comparison = _compare(_view(ROUND_1, "never"), _view(ROUND_2, "monthly"))

    assert [(move.id, round(move.change, 2)) for move in comparison.moved] == [
        ("review", 4.0),
    ]  # plan and speed stayed (0.00: not a movement); channels: nobody answered it, no change to list
    assert comparison.moved[0].figures == (Figure(1.0, 10), Figure(5.0, 14))


def test_a_round_without_submissions_is_absent_and_changes_skip_it() -> None:
    comparison = _compare(_view(ROUND_1, "never"), None, _view(ROUND_2, "monthly"))

    strategy = _dimension(comparison, "strategy")
    assert strategy.team.figures[1] == Figure(None, 0)
    assert strategy.team.from_previous == (None, None, None)
    assert strategy.team.from_first == (None, None, pytest.approx(3.0))
    assert strategy.mix == ()
    assert comparison.rounds == (1, 2, 3)


def test_client_safe_views_show_a_department_only_in_the_rounds_it_was_shown() -> None:
    # Round 1 has Sales with 2: withheld, and with it Customer service (5), the smallest shown, so that
    # Sales cannot be read off as the team minus the rest. Round 2 shows all three.
    with_two = {**ROUND_1, "Sales": [1, 1]}
    first, second = _view(with_two, "never").client_safe(), _view(ROUND_2, "monthly").client_safe()
    care = _dimension(_compare(first, second), "care")

    assert first.departments.names == ("Marketing",)
    assert [line.name for line in care.departments] == ["Marketing", "Customer service", "Sales"]
    assert _line(care, "Customer service").figures == (Figure(None, 0), Figure(pytest.approx(2.60), 5))
    assert _line(care, "Sales").figures == (Figure(None, 0), Figure(pytest.approx(1.00), 4))
    assert care.team.figures == (Figure(pytest.approx(27 / 12), 12), Figure(pytest.approx(2.50), 14))
    # Marketing (5 of 12) is all the client sees of round 1: a standardised change over it alone would
    # speak for the whole team, so the mix is not compared, and the dimension says so
    assert care.mix == ()
    assert care.unaccounted


def test_the_mix_is_compared_when_the_departments_hold_every_answer() -> None:
    care = _dimension(_compare(_view(ROUND_1, "never"), _view(ROUND_2, "monthly")), "care")
    assert not care.unaccounted and len(care.mix) == 1


def test_views_and_round_numbers_must_match() -> None:
    with pytest.raises(ValueError, match="2 views for 1 rounds"):
        compare_rounds([None, None], [1], DIMENSIONS, QUESTIONS)
