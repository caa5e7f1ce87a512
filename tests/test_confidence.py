"""Specification of how sure a dimension's score is (scoring/confidence.py)."""

from __future__ import annotations

from scoring.answers import NA
from scoring.confidence import confidence, confidences
from tests.banks import nearest_bank

BANK = nearest_bank()
STRATEGY, CARE = BANK.dimensions


def test_coverage_counts_scored_questions_answered_and_not_applicable():
    sure = confidence(BANK, CARE, {"channels": ("service",), "speed": NA})

    assert (sure.questions, sure.answered, sure.not_applicable, sure.scored) == (2, 2, 1, 1)


def test_text_questions_are_not_counted():
    sure = confidence(BANK, STRATEGY, {"notes": "see the plan", "plan": "full"})

    assert (sure.questions, sure.answered) == (2, 1)


def test_the_range_runs_from_the_stage_of_the_lowest_answer_to_the_highest():
    # plan "none" scores 1 (Experimenting), review "yearly" 2.5 (Coordinating on nearest-anchor thresholds)
    sure = confidence(BANK, STRATEGY, {"plan": "none", "review": "yearly"})

    assert (sure.lowest_level, sure.highest_level, sure.level_range) == (1, 3, 2)


def test_not_applicable_answers_are_left_out_of_the_range():
    sure = confidence(BANK, STRATEGY, {"plan": "some", "review": NA})

    assert (sure.lowest_level, sure.highest_level, sure.level_range) == (3, 3, 0)


def test_no_scored_answer_has_no_range():
    sure = confidences(BANK, {})["care"]

    assert (sure.answered, sure.lowest_level, sure.highest_level, sure.level_range) == (0, None, None, None)


def test_every_dimension_gets_one_in_bank_order():
    assert list(confidences(BANK, {})) == ["strategy", "care"]
