"""Calibration from first principles: an organisation described at stage k is placed on stage k.

Each option of the shipped banks describes what an observer sees at one stage, so answering
every question with its stage-k description must give stage k, on every dimension and
overall; a dimension mostly at k with one answer a stage lower is still at k; and one
dimension at stage 1 caps the overall stage at 2 (docs/calibration.md).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from scoring.answers import Answer, Responses
from scoring.bank import Bank, Question
from scoring.engine import level_of, question_score, score
from scoring.validate import load_bank

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = {
    "social-integration": ROOT / "questions" / "social-integration.yaml",
    "customer-experience": ROOT / "questions" / "examples" / "customer-experience.yaml",
}


def answer_at(bank: Bank, question: Question, stage: int) -> Answer:
    """The answer whose score is nearest `stage`: a choice option, or the nearest set of ticks."""
    if question.type == "choice":
        scores = bank.option_scores[question.id]
        return min(scores, key=lambda option_id: abs(scores[option_id] - stage))
    ids = question.option_ids
    subsets = (combo for size in range(len(ids) + 1) for combo in itertools.combinations(ids, size))
    return min(subsets, key=lambda combo: abs(question_score(bank, question, combo) - stage))


def answers_at(bank: Bank, stage: int) -> dict[str, Answer]:
    return {q.id: answer_at(bank, q, stage) for q in bank.questions.values() if q.is_scored}


@pytest.fixture(params=sorted(SHIPPED), scope="module")
def bank(request) -> Bank:
    return load_bank(SHIPPED[request.param])


def test_every_answer_at_stage_k_places_every_dimension_and_the_whole_on_stage_k(bank):
    for stage in range(1, bank.level_count + 1):
        result = score(bank, Responses(answers_at(bank, stage)))

        assert [d.level for d in result.dimensions] == [stage] * len(bank.dimensions), f"stage {stage}"
        assert result.level == stage


def test_one_answer_a_stage_lower_leaves_the_dimension_on_its_stage(bank):
    for stage in range(2, bank.level_count + 1):
        for dimension in bank.dimensions:
            answers = answers_at(bank, stage)
            lowest = min((q for q in dimension.questions if q.is_scored), key=lambda q: q.weight)
            answers[lowest.id] = answer_at(bank, lowest, stage - 1)

            outcome = next(d for d in score(bank, Responses(answers)).dimensions if d.id == dimension.id)

            assert outcome.level == stage, f"{dimension.id} at stage {stage}, score {outcome.score:.2f}"


def test_four_answers_in_five_at_k_and_one_at_k_minus_1_is_stage_k():
    bank = load_bank(SHIPPED["social-integration"])
    dimension = next(d for d in bank.dimensions if sum(q.is_scored for q in d.questions) == 5)
    first = next(q for q in dimension.questions if q.is_scored)
    for stage in range(2, bank.level_count + 1):
        answers = answers_at(bank, stage)
        answers[first.id] = answer_at(bank, first, stage - 1)
        outcome = next(d for d in score(bank, Responses(answers)).dimensions if d.id == dimension.id)

        assert outcome.score == pytest.approx(stage - 0.2)
        assert outcome.level == stage


def test_one_dimension_at_stage_1_caps_the_overall_stage_at_2():
    bank = load_bank(SHIPPED["social-integration"])
    for weak in bank.dimensions:
        answers = answers_at(bank, 5)
        answers.update({q.id: answer_at(bank, q, 1) for q in weak.questions if q.is_scored})

        result = score(bank, Responses(answers))

        assert result.mean_level >= 4
        assert (result.level, result.limited_by) == (2, weak.id)


def test_a_score_belongs_to_the_stage_whose_anchor_it_is_nearest():
    bank = load_bank(SHIPPED["social-integration"])

    assert bank.thresholds == (1.0, 1.5, 2.5, 3.5, 4.5)
    assert [level_of(bank, s) for s in (1.0, 1.49, 1.5, 2.49, 2.5, 2.96, 3.49, 3.5, 4.49, 4.5, 4.95, 5.0)] == [
        1,
        1,
        2,
        2,
        3,
        3,
        3,
        4,
        4,
        5,
        5,
        5,
    ]
