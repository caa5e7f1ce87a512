"""Specification of the results in words: headline, weakest-link note, strengths and gaps, default targets."""

from __future__ import annotations

import pytest

from scoring.answers import NA, Responses
from scoring.engine import score
from scoring.validate import parse_bank
from tests.banks import FIVE_LEVELS, small_bank
from threadline.summary import default_targets, headline, strengths_and_gaps, weakest_link_note

# The SMALL bank answered lowest in Strategy (score 1.0) and highest in Customer care (5.0, weight 2):
# the average is (1 + 2 * 5) / 3 = 3.67, level 3 (Coordinating); Strategy at level 1 caps a
# weakest-link bank at level 2 (Broadcasting).
LOPSIDED = {"plan": "none", "review": "never", "channels": ("marketing", "service", "sales"), "speed": "5"}


def four_bank():
    """Four equally weighted dimensions of one five-option question each (option "k" scores k)."""
    dimensions = "".join(
        f"""
  - id: {dimension_id}
    title: {dimension_id.title()}
    questions:
      - id: {dimension_id}-q
        text: How far along?
        allow_na: true
        options: [{{label: One}}, {{label: Two}}, {{label: Three}}, {{label: Four}}, {{label: Five}}]
"""
        for dimension_id in ("alpha", "beta", "gamma", "delta")
    )
    return parse_bank('schema: 1\nid: four\nversion: "1"\ntitle: Four\n' + FIVE_LEVELS + "dimensions:\n" + dimensions)


def four_result(answers: dict, targets: dict | None = None):
    bank = four_bank()
    return bank, score(bank, Responses({f"{key}-q": value for key, value in answers.items()}, targets or {}))


# --- headline ------------------------------------------------------------------------------------


def test_headline_names_the_stage_out_of_the_level_count():
    bank = small_bank("weakest_link")

    assert headline(bank, score(bank, Responses(LOPSIDED))) == "Stage 2 of 5: Broadcasting"


def test_headline_under_the_mean_rule_is_the_average_level():
    bank = small_bank("mean")

    assert headline(bank, score(bank, Responses(LOPSIDED))) == "Stage 3 of 5: Coordinating"


def test_headline_without_any_scored_answer():
    bank = small_bank()

    assert headline(bank, score(bank, Responses({}))) == "Not enough answers for a stage yet"
    assert headline(bank, score(bank, Responses({"review": NA, "speed": NA, "notes": "n"}))) == (
        "Not enough answers for a stage yet"
    )


# --- weakest-link note ---------------------------------------------------------------------------


def test_weakest_link_note_explains_why_the_stage_is_below_the_average():
    bank = small_bank("weakest_link")

    assert weakest_link_note(bank, score(bank, Responses(LOPSIDED))) == (
        "Your average (3.67) says Coordinating; Strategy at Experimenting holds you at Broadcasting. "
        "An organisation is only one stage ahead of its weakest area."
    )


def test_no_weakest_link_note_under_the_mean_rule():
    bank = small_bank("mean")

    assert weakest_link_note(bank, score(bank, Responses(LOPSIDED))) is None


def test_no_weakest_link_note_when_the_rule_changes_nothing():
    bank = small_bank("weakest_link")
    # Strategy 1.5 (level 1), Customer care 3.0 (level 3): the average 2.5 is level 2, one above the
    # weakest, so the rule does not lower it.
    answers = {"plan": "some", "review": "never", "channels": ("service",), "speed": "3"}
    result = score(bank, Responses(answers))

    assert result.score == pytest.approx(2.5)
    assert result.level == result.mean_level == 2
    assert weakest_link_note(bank, result) is None


def test_no_weakest_link_note_without_answers():
    bank = small_bank("weakest_link")

    assert weakest_link_note(bank, score(bank, Responses({}))) is None


# --- default targets -----------------------------------------------------------------------------


def test_default_targets_are_one_level_above_capped_at_the_top():
    bank = small_bank("weakest_link")

    assert default_targets(bank, score(bank, Responses(LOPSIDED))) == {"strategy": 2, "care": 5}


def test_default_targets_leave_out_dimensions_not_assessed():
    bank, result = four_result({"alpha": "1", "beta": "3", "gamma": NA})  # delta unanswered

    assert default_targets(bank, result) == {"alpha": 2, "beta": 4}


def test_default_targets_follow_the_level_not_the_raw_score():
    bank = small_bank()
    # Strategy: (3 * 1 + 2.5 * 3) / 4 = 2.625, level 2: the target is 3.
    result = score(bank, Responses({"plan": "some", "review": "yearly"}))

    assert result.dimensions[0].score == pytest.approx(2.625)
    assert default_targets(bank, result) == {"strategy": 3}


def test_default_targets_without_answers_are_empty():
    bank = small_bank()

    assert default_targets(bank, score(bank, Responses({}))) == {}


# --- strengths and gaps --------------------------------------------------------------------------


def test_strengths_are_the_best_dimensions_near_the_top_score():
    # Within 0.75 of the best score (5.0): Gamma and Beta (4.5 would count; 4.0 does not).
    _, result = four_result({"alpha": "1", "beta": "5", "gamma": "5", "delta": "4"})

    strengths, gaps = strengths_and_gaps(result)

    assert strengths == ["Beta: Converged (5.00)", "Gamma: Converged (5.00)"]
    assert gaps == []


def test_strengths_are_at_most_three():
    _, result = four_result({"alpha": "3", "beta": "3", "gamma": "3", "delta": "3"})

    strengths, _ = strengths_and_gaps(result)

    assert strengths == ["Alpha: Coordinating (3.00)", "Beta: Coordinating (3.00)", "Gamma: Coordinating (3.00)"]


def test_gaps_are_the_largest_three_gaps_to_target():
    _, result = four_result(
        {"alpha": "1", "beta": "2", "gamma": "4", "delta": "3"},
        targets={"alpha": 3, "beta": 5, "gamma": 5, "delta": 5},
    )

    _, gaps = strengths_and_gaps(result)

    assert gaps == [
        "Beta: Broadcasting (2.00), 3.00 below its target",
        "Alpha: Experimenting (1.00), 2.00 below its target",
        "Delta: Coordinating (3.00), 2.00 below its target",
    ]


def test_gaps_leave_out_reached_targets_and_dimensions_without_one():
    _, result = four_result(
        {"alpha": "5", "beta": "2", "gamma": "1", "delta": NA},
        targets={"alpha": 4, "beta": 3, "delta": 5},
    )

    _, gaps = strengths_and_gaps(result)

    assert gaps == ["Beta: Broadcasting (2.00), 1.00 below its target"]


def test_strengths_and_gaps_on_the_small_bank_with_default_targets():
    bank = small_bank("weakest_link")
    plain = score(bank, Responses(LOPSIDED))
    result = score(bank, Responses(LOPSIDED, default_targets(bank, plain)))

    assert strengths_and_gaps(result) == (
        ["Customer care: Converged (5.00)"],
        ["Strategy: Experimenting (1.00), 1.00 below its target"],
    )


def test_strengths_and_gaps_without_answers():
    _, result = four_result({})

    assert strengths_and_gaps(result) == ([], [])
