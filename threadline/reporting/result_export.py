"""A self-assessment's exports: the scores with the stage rule and confidence, and the plan with every answer.

Both files are what the results page shows, in the same words (threadline.summary); a share
link gets the same files as the owner, with notes only where the owner shares them.
"""

from __future__ import annotations

from collections.abc import Mapping

from scoring.answers import NA, NA_LABEL, Answer
from scoring.bank import Bank, Question
from scoring.confidence import Confidence
from scoring.engine import Result, question_score
from scoring.plan import Plan
from threadline.reporting.exports import csv_bytes, number
from threadline.reporting.summary import average_line, evenness, headline, position, ranked_gaps, stage_rule

SCORE_COLUMNS = (
    "dimension",
    "score",
    "stage",
    "where the score sits",
    "target stage",
    "gap to target",
    "gap rank",
    "weight",
    "answered",
    "not applicable",
    "how even the answers are",
    "note",
)
PLAN_COLUMNS = (
    "start here",
    "dimension",
    "question",
    "your answer",
    "answer score",
    "next step",
    "evidence note",
)


def scores_csv(bank: Bank, result: Result, confidences: Mapping[str, Confidence]) -> bytes:
    """One row for the overall result (stage, average and the rule), then one per dimension."""
    gap_rank = {d.id: n for n, d in enumerate(ranked_gaps(result), start=1)}
    overall: list[object] = [
        "Overall",
        number(result.score),
        headline(bank, result),
        average_line(bank, result),
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        stage_rule(bank, result),
    ]
    rows = [overall]
    for d in result.dimensions:
        confidence = confidences[d.id]
        rows.append(
            [
                d.title,
                number(d.score),
                d.level_name or "not assessed",
                position(bank, d.score),
                None if d.target is None else f"{d.target} {bank.levels[d.target - 1].name}",
                number(d.gap),
                gap_rank.get(d.id),
                number(d.weight),
                f"{confidence.answered} of {confidence.questions}",
                confidence.not_applicable,
                evenness(bank, confidence),
                "holds the overall stage down" if d.id == result.limited_by else None,
            ]
        )
    return csv_bytes(SCORE_COLUMNS, rows)


def plan_csv(bank: Bank, plan: Plan, answers: Mapping[str, Answer], notes: Mapping[str, str]) -> bytes:
    """Every question with the answer given, the next step it leads to and its note; the plan's order.

    Dimensions come in the plan's rank order; "start here" numbers the steps the page puts first.
    The dimension's own recommendations follow its questions, one row each.
    """
    first = {(step.question_id, step.option_id): n for n, step in enumerate(plan.start_here, start=1)}
    rows: list[list[object]] = []
    ranked = [part.dimension_id for part in plan.dimensions]
    unassessed = [d.id for d in bank.dimensions if d.id not in ranked]
    parts = {part.dimension_id: part for part in plan.dimensions}
    for dimension_id in [*ranked, *unassessed]:
        dimension = next(d for d in bank.dimensions if d.id == dimension_id)
        part = parts.get(dimension_id)
        steps = {} if part is None else _steps_by_question(part.steps)
        for question in dimension.questions:
            given = answers.get(question.id)
            score = None if given is None else question_score(bank, question, given)
            question_steps = steps.get(question.id, [("", None)])
            for option_id, text in question_steps:
                rows.append(
                    [
                        first.get((question.id, option_id)),
                        dimension.title,
                        question.text,
                        answer_text(question, answers),
                        number(score),
                        text,
                        notes.get(question.id),
                    ]
                )
        for recommendation in () if part is None else part.recommendations:
            rows.append([None, dimension.title, "(for the whole dimension)", None, None, recommendation, None])
    return csv_bytes(PLAN_COLUMNS, rows)


def _steps_by_question(steps) -> dict[str, list[tuple[str, str | None]]]:
    grouped: dict[str, list[tuple[str, str | None]]] = {}
    for step in steps:
        grouped.setdefault(step.question_id, []).append((step.option_id, step.text))
    return grouped


def answer_text(question: Question, answers: Mapping[str, Answer]) -> str | None:
    """The answer in words: the option's label, the ticked labels joined by '; ', the text or N/A (None: not given)."""
    if question.id not in answers:
        return None
    given = answers[question.id]
    if given is NA:
        return NA_LABEL
    if question.type == "text":
        return given if isinstance(given, str) else None
    labels = {option.id: option.label for option in question.options}
    if isinstance(given, str):
        return labels.get(given, given)
    return "; ".join(labels.get(option_id, option_id) for option_id in given) or "None of these"
