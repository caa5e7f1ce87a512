"""The plan: next steps drawn from the answers given, ranked, with "Start here" first.

Every step comes from the bank: an option's `next_step` (for a choice question, the option
chosen; for a multi question, each option not ticked) or a dimension's recommendation for
its current level, left out when its `done_if` answers say it is already done. The ranking
rules are in docs/measures.md ("The plan").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scoring.answers import NA, Answer
from scoring.bank import Bank, Dimension, Question, Recommendation, ScoredQuestion
from scoring.engine import MIN_GAP, DimensionResult, Result, question_score

START_HERE_MOST = 5


@dataclass(frozen=True)
class Step:
    """One thing to do, and the answer it comes from (`ticked` False: a multi option left unticked)."""

    dimension_id: str
    question_id: str
    option_id: str
    text: str
    ticked: bool
    answer_score: float


@dataclass(frozen=True)
class DimensionPlan:
    """The steps for one assessed dimension, most pressing first, and its open recommendations."""

    dimension_id: str
    title: str
    caps_overall: bool
    gap: float | None
    steps: tuple[Step, ...]
    recommendations: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    """The whole plan: `start_here` (at most five steps) and every assessed dimension's part, ranked."""

    start_here: tuple[Step, ...]
    dimensions: tuple[DimensionPlan, ...]


def plan(bank: Bank, result: Result, answers: Mapping[str, Answer]) -> Plan:
    """Rank the dimensions (the one capping the overall stage first, then by gap and weight) and their steps."""
    outcomes = {d.id: d for d in result.dimensions}
    ranked = sorted(
        (dimension for dimension in bank.dimensions if outcomes[dimension.id].score is not None),
        key=lambda dimension: _dimension_rank(outcomes[dimension.id], result.limited_by),
    )
    parts = tuple(_dimension_plan(bank, dimension, outcomes[dimension.id], result, answers) for dimension in ranked)
    return Plan(start_here=_start_here(parts), dimensions=parts)


def is_done(bank: Bank, recommendation: Recommendation, answers: Mapping[str, Answer]) -> bool:
    """True when every `done_if` condition holds: a choice answer among the options, a multi ticking all of them."""
    if not recommendation.done_if:
        return False
    return all(
        _condition_holds(bank.questions[question_id], option_ids, answers.get(question_id))
        for question_id, option_ids in recommendation.done_if.items()
    )


def _condition_holds(question: Question, option_ids: tuple[str, ...], answer: Answer | None) -> bool:
    if question.type == "multi":
        return isinstance(answer, tuple) and set(option_ids) <= set(answer)
    return isinstance(answer, str) and answer in option_ids


def _dimension_rank(outcome: DimensionResult, limited_by: str | None) -> tuple[int, float, float]:
    return (0 if outcome.id == limited_by else 1, -(outcome.gap or 0.0), -outcome.weight)


def _dimension_plan(
    bank: Bank, dimension: Dimension, outcome: DimensionResult, result: Result, answers: Mapping[str, Answer]
) -> DimensionPlan:
    steps = [step for question in dimension.questions for step in _steps_of(bank, question, answers)]
    weights = {question.id: question.weight for question in dimension.questions}
    order = {question.id: n for n, question in enumerate(dimension.questions)}
    steps.sort(key=lambda step: (step.answer_score, -weights[step.question_id], order[step.question_id]))
    level = outcome.level or 1
    open_recommendations = tuple(
        recommendation.step
        for recommendation in dimension.recommendations.get(level, ())
        if not is_done(bank, recommendation, answers)
    )
    return DimensionPlan(
        dimension_id=dimension.id,
        title=dimension.title,
        caps_overall=dimension.id == result.limited_by,
        gap=outcome.gap,
        steps=tuple(steps),
        recommendations=open_recommendations,
    )


def _steps_of(bank: Bank, question: Question, answers: Mapping[str, Answer]) -> list[Step]:
    answer = answers.get(question.id)
    if answer is None or answer is NA or not isinstance(question, ScoredQuestion):
        return []
    answer_score = question_score(bank, question, answer)
    assert answer_score is not None  # a scored question with an answer other than N/A has a score
    dimension_id = bank.dimension_of[question.id].id
    if question.type == "choice":
        ticked = {answer} if isinstance(answer, str) else set()
        return [
            Step(dimension_id, question.id, option.id, option.next_step, True, answer_score)
            for option in question.options
            if option.id in ticked and option.next_step
        ]
    ticked = set(answer)
    points = bank.option_points[question.id]
    unticked = sorted(
        (option for option in question.options if option.id not in ticked),
        key=lambda option: -points[option.id],
    )
    return [
        Step(dimension_id, question.id, option.id, option.next_step, False, answer_score)
        for option in unticked
        if option.next_step
    ]


def _start_here(parts: tuple[DimensionPlan, ...]) -> tuple[Step, ...]:
    """One step from each dimension with a gap in rank order, round after round, up to five."""
    behind = [part for part in parts if part.gap is not None and part.gap > MIN_GAP and part.steps]
    chosen: list[Step] = []
    depth = 0
    while len(chosen) < START_HERE_MOST and any(depth < len(part.steps) for part in behind):
        chosen.extend(part.steps[depth] for part in behind if depth < len(part.steps))
        depth += 1
    return tuple(chosen[:START_HERE_MOST])


# --------------------------------------------------------------------------- the workshop's plan (issue 9)


@dataclass(frozen=True)
class AgreedAnswer:
    """A question the workshop agreed on, in bank order, with the reason given ('' when none)."""

    question_id: str
    answer: Answer
    reason: str


@dataclass(frozen=True)
class ConsensusDimension:
    """One dimension of the workshop's plan: what is agreed, the agreed target and the seed actions.

    agreed, questions: scored questions agreed and in the dimension; target: the agreed target
    stage (None: none agreed yet); seeds: the next steps of the agreed answers, most pressing
    first (`plan`'s order inside a dimension), to start the list of actions from.
    """

    dimension_id: str
    title: str
    agreed: int
    questions: int
    target: int | None
    seeds: tuple[str, ...]


@dataclass(frozen=True)
class ConsensusProgress:
    """How far the workshop got: required scored questions agreed, of all of them.

    complete: every required scored question is agreed; before that the consensus is partial
    and has no stage headline.
    """

    agreed: int
    required: int

    @property
    def complete(self) -> bool:
        """Every required question is agreed."""
        return self.agreed >= self.required

    def text(self) -> str:
        """'7 of 39 agreed'."""
        return f"{self.agreed} of {self.required} agreed"


def consensus_progress(bank: Bank, answers: Mapping[str, Answer]) -> ConsensusProgress:
    """Required scored questions with an agreed answer (not applicable counts as agreed), of all of them."""
    required = [q.id for q in bank.questions.values() if q.is_scored and q.is_required]
    return ConsensusProgress(sum(1 for q in required if q in answers), len(required))


def agreed_answers(bank: Bank, answers: Mapping[str, Answer], reasons: Mapping[str, str]) -> list[AgreedAnswer]:
    """The agreed answers with their reasons, in bank order."""
    return [
        AgreedAnswer(question.id, answers[question.id], reasons.get(question.id, ""))
        for dimension in bank.dimensions
        for question in dimension.questions
        if question.is_scored and question.id in answers
    ]


def consensus_dimensions(
    bank: Bank, answers: Mapping[str, Answer], targets: Mapping[str, int] | None
) -> list[ConsensusDimension]:
    """Per dimension in bank order: agreed questions, the agreed target and the next steps of the agreed answers."""
    chosen = targets or {}
    parts = []
    for dimension in bank.dimensions:
        scored = [q for q in dimension.questions if q.is_scored]
        steps = [step for question in scored for step in _steps_of(bank, question, answers)]
        order = {question.id: n for n, question in enumerate(scored)}
        weights = {question.id: question.weight for question in scored}
        steps.sort(key=lambda step: (step.answer_score, -weights[step.question_id], order[step.question_id]))
        parts.append(
            ConsensusDimension(
                dimension_id=dimension.id,
                title=dimension.title,
                agreed=sum(1 for q in scored if q.id in answers),
                questions=len(scored),
                target=chosen.get(dimension.id),
                seeds=tuple(dict.fromkeys(step.text for step in steps)),
            )
        )
    return parts
