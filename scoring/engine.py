"""The scoring engine: answers in, a maturity level per dimension and overall out.

The rules are those of questions/README.md ("How scores are worked out"); this module is
pure and keeps no state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

from scoring.answers import NA, Answer, Responses
from scoring.bank import Bank, Dimension, Question, ScoredQuestion

TOLERANCE = 1e-9
MIN_GAP = 0.005  # a gap that rounds to 0.00 is no gap


@dataclass(frozen=True)
class DimensionResult:
    """One dimension's outcome; score, level and level_name are None when not assessed."""

    id: str
    title: str
    weight: float
    score: float | None
    level: int | None
    level_name: str | None
    answered: int
    questions: int
    target: int | None
    gap: float | None


@dataclass(frozen=True)
class Result:
    """The outcome of one assessment.

    `level` is the overall level under the bank's rule; `mean_level` is the level of the
    overall score alone, and `limited_by` names the dimension that holds the overall level
    below it under the weakest-link rule (None when the rule changes nothing).
    """

    bank_id: str
    bank_version: str
    complete: bool
    score: float | None
    level: int | None
    level_name: str | None
    mean_level: int | None
    limited_by: str | None
    dimensions: tuple[DimensionResult, ...]
    missing: tuple[str, ...]

    def to_json(self) -> dict:
        """The JSON form printed by `python -m scoring score`."""
        return {
            "bank": {"id": self.bank_id, "version": self.bank_version},
            "complete": self.complete,
            "missing": list(self.missing),
            "overall": {
                "score": self.score,
                "level": self.level,
                "level_name": self.level_name,
                "mean_level": self.mean_level,
                "limited_by": self.limited_by,
            },
            "dimensions": [asdict(dimension) for dimension in self.dimensions],
        }


def question_score(bank: Bank, question: Question, answer: Answer) -> float | None:
    """The score in [1, L] of one answer; None for text questions and N/A."""
    if answer is NA or not isinstance(question, ScoredQuestion):
        return None
    if question.type == "choice":
        if not isinstance(answer, str):
            raise TypeError(f"question '{question.id}' takes one option id, not {answer!r}")
        return bank.option_scores[question.id][answer]
    points = bank.option_points[question.id]
    chosen = sum(points[option_id] for option_id in set(answer))
    return 1 + (bank.level_count - 1) * chosen / sum(points.values())


def level_of(bank: Bank, score: float | None) -> int | None:
    """The highest level whose min_score is at most `score` (within 1e-9); 1 below them all."""
    if score is None:
        return None
    level = 1
    for k, threshold in enumerate(bank.thresholds, start=1):
        if threshold <= score + TOLERANCE:
            level = k
    return level


def stage_band(bank: Bank, level: int) -> tuple[float, float]:
    """The scores that place on `level`: from its threshold up to the next one (the top level: up to L)."""
    low = 1.0 if level == 1 else bank.thresholds[level - 1]
    high = float(bank.level_count) if level == bank.level_count else bank.thresholds[level]
    return low, high


def weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    """The mean of (value, weight) pairs; None when there are none or the weights sum to 0."""
    total = weights = 0.0
    for value, weight in pairs:
        total += value * weight
        weights += weight
    return total / weights if weights > 0 else None


def score(bank: Bank, responses: Responses) -> Result:
    """Score checked responses against their bank."""
    answers = responses.answers
    dimensions = tuple(_dimension_result(bank, dimension, answers, responses.targets) for dimension in bank.dimensions)
    overall = weighted_mean((d.score, d.weight) for d in dimensions if d.score is not None)
    mean_level = level_of(bank, overall)
    level, limited_by = overall_level_of(bank, mean_level, dimensions)
    missing = tuple(q.id for q in bank.questions.values() if q.is_required and not _is_given(q, answers))
    return Result(
        bank_id=bank.id,
        bank_version=bank.version,
        complete=not missing,
        score=overall,
        level=level,
        level_name=_level_name(bank, level),
        mean_level=mean_level,
        limited_by=limited_by,
        dimensions=dimensions,
        missing=missing,
    )


def _dimension_result(
    bank: Bank, dimension: Dimension, answers: Mapping[str, Answer], targets: Mapping[str, int]
) -> DimensionResult:
    scored = [q for q in dimension.questions if q.is_scored]
    answered = [q for q in scored if q.id in answers]
    scores = ((question_score(bank, q, answers[q.id]), q.weight) for q in answered)
    value = weighted_mean((score, weight) for score, weight in scores if score is not None)
    level = level_of(bank, value)
    target = targets.get(dimension.id)
    return DimensionResult(
        id=dimension.id,
        title=dimension.title,
        weight=dimension.weight,
        score=value,
        level=level,
        level_name=_level_name(bank, level),
        answered=len(answered),
        questions=len(scored),
        target=target,
        gap=None if target is None or value is None else max(0.0, target - value),
    )


def overall_level_of(bank: Bank, mean_level: int | None, dimensions) -> tuple[int | None, str | None]:
    """The overall level under the bank's rule and the dimension that limits it (weakest link), else None."""
    if mean_level is None or bank.overall_level == "mean":
        return mean_level, None
    weakest = min((d for d in dimensions if d.level is not None and d.weight > 0), key=lambda d: d.level)
    if weakest.level + 1 < mean_level:
        return weakest.level + 1, weakest.id
    return mean_level, None


def _is_given(question: Question, answers) -> bool:
    if question.id not in answers:
        return False
    answer = answers[question.id]
    return not (question.type == "text" and isinstance(answer, str) and not answer.strip())


def _level_name(bank: Bank, level: int | None) -> str | None:
    return None if level is None else bank.levels[level - 1].name
