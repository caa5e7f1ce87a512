"""Figures for the engagement dashboard's aggregation (scoring/team.py) on the default bank.

Answers are random (bench.core.random_answers) and in the form the dashboard gets them from
`Store.respondent_answers`: one answer set (question id -> value) per respondent, a multi
answer as a list, text answers included. Answer sets are built before timing; each figure
is the best of 3 runs. The aggregation is `scoring.batch.encode` then `scoring.team.team_view`.
"""

from __future__ import annotations

import random

from bench.core import DEFAULT_BANK, best_of, random_answers
from scoring.answers import as_stored
from scoring.batch import encode
from scoring.team import team_view
from scoring.validate import load_bank

DEPARTMENTS = ("leadership", "marketing", "customer service", "pr", "sales", "hr")


def stored_answer_sets(bank, count: int, rng: random.Random) -> list[dict[str, object]]:
    """`count` random answer sets as the store returns them (text answers included)."""
    text_questions = [question.id for question in bank.questions.values() if question.type == "text"]
    sets = []
    for _ in range(count):
        answers: dict[str, object] = {q: as_stored(v) for q, v in random_answers(bank, rng).items()}
        answers.update(dict.fromkeys(text_questions, "a comment"))
        sets.append(answers)
    return sets


def measure(bank, count: int, rng: random.Random) -> tuple[float, float]:
    """Best-of-3 seconds of encoding and of team_view for `count` respondents in 6 departments."""
    answer_sets = stored_answer_sets(bank, count, rng)
    departments = [rng.choice(DEPARTMENTS) for _ in answer_sets]
    encode_time = best_of(3, lambda: encode(bank, answer_sets))
    table = encode(bank, answer_sets)
    view_time = best_of(3, lambda: team_view(bank, table, departments))
    return encode_time, view_time


def run() -> list[tuple[str, float, str, str]]:
    """Measure the team aggregation; rows of (what, value, unit, target)."""
    bank = load_bank(DEFAULT_BANK)
    rng = random.Random(11)
    small_encode, small_view = measure(bank, 2_000, rng)
    large_encode, large_view = measure(bank, 100_000, rng)
    return [
        ("team: encode answers, 2,000 respondents", small_encode * 1000, "ms", "-"),
        ("team: team_view, 2,000 respondents, 6 departments", small_view * 1000, "ms", "-"),
        ("team: dashboard aggregation, 2,000 respondents (sum)", (small_encode + small_view) * 1000, "ms", "< 200 ms"),
        ("team: encode answers, 100,000 respondents", large_encode * 1000, "ms", "-"),
        ("team: team_view, 100,000 respondents", large_view * 1000, "ms", "-"),
        ("team: aggregation, 100,000 respondents (sum)", (large_encode + large_view) * 1000, "ms", "< 1000 ms"),
    ]
