"""Scoring many assessments of one bank at once, vectorised with numpy.

Answers are first encoded as arrays (`encode`, once per stored assessment), then
`score_table` applies the same rules as `scoring.engine.score` to all of them together.
The consultant dashboards and peer benchmarks use it; tests check both paths agree.
"""

from __future__ import annotations

import gc
from collections.abc import Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter

import numpy as np

from scoring.answers import NA, Answer, StoredAnswer
from scoring.bank import Bank, ScoredQuestion
from scoring.engine import TOLERANCE

UNANSWERED = -1
NOT_APPLICABLE = -2


@dataclass(frozen=True)
class AnswerTable:
    """Answers of N assessments to a bank's Q scored questions (bank order).

    `codes[n, q]` is -1 unanswered, -2 N/A, the chosen option's index for a choice question
    and 0 for an answered multi question, whose chosen options are the True cells of
    `chosen[n, offset:offset + options]` (multi questions' options side by side).
    """

    codes: np.ndarray
    chosen: np.ndarray


@dataclass(frozen=True)
class TableScores:
    """Scores of N assessments: NaN / level 0 where not assessed."""

    dimension_scores: np.ndarray
    dimension_levels: np.ndarray
    overall_scores: np.ndarray
    overall_levels: np.ndarray
    question_scores: np.ndarray
    """(N, Q) score of each scored question, NaN where unanswered or N/A."""


def scored_questions(bank: Bank) -> list[ScoredQuestion]:
    """The bank's choice and multi questions in bank order: the columns of `AnswerTable.codes`."""
    return list(bank.scored_questions.values())


def encode(bank: Bank, answer_sets: Iterable[Mapping[str, Answer | StoredAnswer]]) -> AnswerTable:
    """Encode answer sets (question id -> answer) into an `AnswerTable`, column by column.

    Accepts checked answers (`scoring.answers`) and answers as stored (a multi answer as a
    list). Values that are not an option of the bank (a bank edited since, free text) are
    left unanswered. The per-answer work runs in C (`map` over dict lookups), not in a
    Python loop, so 100,000 answer sets encode in a fraction of a second.
    """
    with _collector_paused():
        return _encode(bank, answer_sets)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off meanwhile (back on after, if it was on).

    Encoding makes a tuple per answer set and per question; every few hundred new tuples the
    collector walks the objects alive, here the 100,000 answer sets: a third to a half of the
    time at 100,000. Nothing made here holds a cycle. Another thread pausing it too never
    leaves it off: only the caller that found it on turns it back on.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _encode(bank: Bank, answer_sets: Iterable[Mapping[str, Answer | StoredAnswer]]) -> AnswerTable:
    questions = scored_questions(bank)
    answer_sets = answer_sets if isinstance(answer_sets, list) else list(answer_sets)
    codes = np.full((len(answer_sets), len(questions)), UNANSWERED, dtype=np.int16)
    chosen = np.zeros((len(answer_sets), sum(len(q.options) for q in questions if q.type == "multi")), dtype=bool)
    offsets = multi_offsets(questions)
    columns = _columns(answer_sets, [question.id for question in questions])
    for column, (question, values) in enumerate(zip(questions, columns, strict=True)):
        if question.type == "choice":
            codes[:, column] = _choice_codes(question, values)
        else:
            _encode_multi(question, values, codes[:, column], chosen[:, offsets[question.id] :])
    return AnswerTable(codes, chosen)


_ABSENT = object()


def _columns(answer_sets: list, ids: list[str]) -> list[tuple]:
    """The answers to each question id, one tuple a question (`_ABSENT` where not answered).

    Read row by row (each answer set visited once, which keeps memory access local), with
    one C-level lookup of all ids per set, then transposed.
    """
    if not answer_sets or not ids:
        return [(_ABSENT,) * len(answer_sets) for _ in ids]
    every = itemgetter(*ids)
    single = len(ids) == 1

    def row(answers: Mapping) -> tuple:
        try:
            found = every(answers)
        except KeyError:  # some question unanswered
            return tuple(answers.get(i, _ABSENT) for i in ids)
        return (found,) if single else found

    return list(zip(*map(row, answer_sets), strict=True))


def _choice_codes(question: ScoredQuestion, values: tuple[object, ...]) -> np.ndarray:
    lookup: dict[object, int] = {option_id: i for i, option_id in enumerate(question.option_ids)}
    lookup[NA] = NOT_APPLICABLE
    try:
        return np.fromiter(map(lookup.get, values, repeat(UNANSWERED)), np.int16, len(values))
    except TypeError:  # an unhashable value (a list where a choice was expected): slower, one by one
        return np.fromiter(
            (lookup.get(v, UNANSWERED) if isinstance(v, Hashable) else UNANSWERED for v in values),
            np.int16,
            len(values),
        )


def _encode_multi(question: ScoredQuestion, values: tuple, codes: np.ndarray, chosen: np.ndarray) -> None:
    """Fill one multi question's codes column and its block of `chosen` (views into the table).

    Each answer becomes a bit mask of its chosen options (-1 unanswered, -2 N/A), each distinct
    selection worked out once: at 100,000 answers a handful of selections repeat, and the
    option-by-option loop ran once per answer (about half of encoding's time).
    """
    position = {option_id: i for i, option_id in enumerate(question.option_ids)}
    if len(position) > _MASK_BITS:
        _encode_multi_row_by_row(position, values, codes, chosen)
        return
    known: dict[tuple, int] = {}

    def mask(value: object) -> int:
        if value is NA:
            return NOT_APPLICABLE
        if not isinstance(value, (list, tuple)):
            return UNANSWERED  # absent, or not a list (left by a bank edit)
        try:
            return known[tuple(value)]
        except KeyError:
            found = known[tuple(value)] = _selection_mask(position, value)
            return found
        except TypeError:  # an unhashable option id: worked out, not kept
            return _selection_mask(position, value)

    masks = np.fromiter(map(mask, values), np.int64, len(values))
    codes[masks == NOT_APPLICABLE] = NOT_APPLICABLE
    answered = masks >= 0
    codes[answered] = 0
    for column in range(len(position)):
        chosen[:, column] = answered & ((masks >> column) & 1).astype(bool)


_MASK_BITS = 62
"""Options a multi question may have for its selections to be bit masks in an int64."""


def _selection_mask(position: Mapping[str, int], value: list | tuple) -> int:
    mask = 0
    for option_id in value:
        if isinstance(option_id, str) and option_id in position:  # not an option a bank edit removed
            mask |= 1 << position[option_id]
    return mask


def _encode_multi_row_by_row(position: Mapping[str, int], values: tuple, codes: np.ndarray, chosen: np.ndarray) -> None:
    for row, value in enumerate(values):
        if value is NA:
            codes[row] = NOT_APPLICABLE
        elif isinstance(value, (list, tuple)):
            codes[row] = 0
            for option_id in value:
                if isinstance(option_id, str) and option_id in position:
                    chosen[row, position[option_id]] = True


def score_table(bank: Bank, table: AnswerTable) -> TableScores:
    """Score every row of `table` by the engine's rules."""
    questions = scored_questions(bank)
    question_scores = question_scores_of(bank, questions, table)
    answered = ~np.isnan(question_scores)
    weights = _question_weights(bank, questions)
    dimension_scores = _weighted_means(question_scores, answered, weights)
    dimension_weights = np.array([[d.weight] for d in bank.dimensions])
    assessed = ~np.isnan(dimension_scores)
    overall = _weighted_means(dimension_scores, assessed, dimension_weights)[:, 0]
    dimension_levels = levels_of(bank, dimension_scores)
    overall_levels = levels_of(bank, overall)
    if bank.overall_level == "weakest_link":
        counted = assessed & (dimension_weights[:, 0] > 0)
        weakest = np.where(counted, dimension_levels, bank.level_count).min(axis=1, initial=bank.level_count)
        overall_levels = np.where(overall_levels > 0, np.minimum(overall_levels, weakest + 1), 0)
    return TableScores(dimension_scores, dimension_levels, overall, overall_levels, question_scores)


def levels_of(bank: Bank, scores: np.ndarray) -> np.ndarray:
    """The level of each score (0 where the score is NaN)."""
    thresholds = np.array(bank.thresholds)
    reached = (thresholds <= scores[..., None] + TOLERANCE).sum(axis=-1)
    return np.where(np.isnan(scores), 0, np.maximum(reached, 1))


def question_scores_of(bank: Bank, questions: list[ScoredQuestion], table: AnswerTable) -> np.ndarray:
    scores = np.full(table.codes.shape, np.nan)
    lookup = np.full((len(questions), max((len(q.options) for q in questions), default=1)), np.nan)
    for column, question in enumerate(questions):
        if question.type == "choice":
            lookup[column, : len(question.options)] = list(bank.option_scores[question.id].values())
    valid = table.codes >= 0
    choice_scores = lookup[np.arange(len(questions)), np.maximum(table.codes, 0)]
    scores[valid] = choice_scores[valid]
    offsets = multi_offsets(questions)
    for column, question in enumerate(questions):
        if question.type == "multi":
            points = np.array(list(bank.option_points[question.id].values()))
            block = table.chosen[:, offsets[question.id] : offsets[question.id] + len(points)]
            multi = 1 + (bank.level_count - 1) * (block @ points) / points.sum()
            scores[:, column] = np.where(valid[:, column], multi, np.nan)
    return scores


def _question_weights(bank: Bank, questions: list[ScoredQuestion]) -> np.ndarray:
    """A (questions x dimensions) matrix holding each question's weight in its dimension's column."""
    columns = {dimension.id: i for i, dimension in enumerate(bank.dimensions)}
    weights = np.zeros((len(questions), len(bank.dimensions)))
    for row, question in enumerate(questions):
        weights[row, columns[bank.dimension_of[question.id].id]] = question.weight
    return weights


def _weighted_means(values: np.ndarray, present: np.ndarray, weights: np.ndarray) -> np.ndarray:
    totals = np.where(present, values, 0.0) @ weights
    weight_sums = present.astype(float) @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(weight_sums > 0, totals / weight_sums, np.nan)


def multi_offsets(questions: list[ScoredQuestion]) -> dict[str, int]:
    """Where each multi question's options start in `AnswerTable.chosen` (multi options side by side)."""
    offsets, position = {}, 0
    for question in questions:
        if question.type == "multi":
            offsets[question.id] = position
            position += len(question.options)
    return offsets
