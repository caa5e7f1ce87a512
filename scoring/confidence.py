"""How sure a dimension's score is: how much of it was answered, and how even the answers are.

The measures are defined in docs/measures.md ("How sure the score is").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scoring.answers import NA, Answer
from scoring.bank import Bank, Dimension
from scoring.engine import level_of, question_score


@dataclass(frozen=True)
class Confidence:
    """One dimension's coverage and evenness; the levels are None when no answer was scored."""

    dimension_id: str
    questions: int
    answered: int
    not_applicable: int
    lowest_level: int | None
    highest_level: int | None

    @property
    def scored(self) -> int:
        """Answers that count in the score: answered, less N/A."""
        return self.answered - self.not_applicable

    @property
    def level_range(self) -> int | None:
        """How many stages lie between the lowest and the highest answer (0: all at one stage)."""
        if self.lowest_level is None or self.highest_level is None:
            return None
        return self.highest_level - self.lowest_level


def confidence(bank: Bank, dimension: Dimension, answers: Mapping[str, Answer]) -> Confidence:
    """Coverage and the stage of the lowest and highest answer in one dimension."""
    scored = [question for question in dimension.questions if question.is_scored]
    given = [question for question in scored if question.id in answers]
    levels = [
        level_of(bank, question_score(bank, question, answers[question.id]))
        for question in given
        if answers[question.id] is not NA
    ]
    known = [level for level in levels if level is not None]
    return Confidence(
        dimension_id=dimension.id,
        questions=len(scored),
        answered=len(given),
        not_applicable=sum(1 for question in given if answers[question.id] is NA),
        lowest_level=min(known, default=None),
        highest_level=max(known, default=None),
    )


def confidences(bank: Bank, answers: Mapping[str, Answer]) -> dict[str, Confidence]:
    """Every dimension's confidence, by dimension id in bank order."""
    return {dimension.id: confidence(bank, dimension, answers) for dimension in bank.dimensions}
