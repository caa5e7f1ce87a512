"""Figures for the engagement dashboard's aggregation (scoring/team.py) on the default bank.

Answers are random (bench.core.random_answers) and stored as the store returns them: long
rows (assessment id, question id, value), a multi answer as a list. Rows are built before
timing; each figure is the best of 3 runs.
"""

from __future__ import annotations

import random

from bench.core import DEFAULT_BANK, best_of, random_answers
from scoring.team import encode_rows, team_view
from scoring.validate import load_bank

DEPARTMENTS = ("leadership", "marketing", "customer service", "pr", "sales", "hr")
FIRST_ID = 10_000


def stored_rows(bank, count: int, rng: random.Random) -> list[tuple[int, str, object]]:
    """Long rows of `count` random assessments with ids FIRST_ID, FIRST_ID + 1, ... (text answers included)."""
    text_questions = [question.id for question in bank.questions.values() if question.type == "text"]
    rows = []
    for respondent in range(FIRST_ID, FIRST_ID + count):
        for question_id, value in random_answers(bank, rng).items():
            rows.append((respondent, question_id, list(value) if isinstance(value, tuple) else value))
        rows.extend((respondent, question_id, "a comment") for question_id in text_questions)
    return rows


def measure(bank, count: int, rng: random.Random) -> tuple[float, float]:
    """Best-of-3 seconds of encode_rows and of team_view for `count` respondents in 6 departments."""
    rows = stored_rows(bank, count, rng)
    ids = list(range(FIRST_ID, FIRST_ID + count))
    departments = [rng.choice(DEPARTMENTS) for _ in ids]
    encode_time = best_of(3, lambda: encode_rows(bank, rows, ids))
    table = encode_rows(bank, rows, ids)
    view_time = best_of(3, lambda: team_view(bank, table, departments))
    return encode_time, view_time


def run() -> list[tuple[str, float, str, str]]:
    """Measure the team aggregation; rows of (what, value, unit, target)."""
    bank = load_bank(DEFAULT_BANK)
    rng = random.Random(11)
    small_encode, small_view = measure(bank, 2_000, rng)
    large_encode, large_view = measure(bank, 100_000, rng)
    return [
        ("team: encode_rows, 2,000 respondents", small_encode * 1000, "ms", "-"),
        ("team: team_view, 2,000 respondents, 6 departments", small_view * 1000, "ms", "-"),
        ("team: dashboard aggregation, 2,000 respondents (sum)", (small_encode + small_view) * 1000, "ms", "< 200 ms"),
        ("team: encode_rows, 100,000 respondents", large_encode * 1000, "ms", "-"),
        ("team: team_view, 100,000 respondents", large_view * 1000, "ms", "-"),
        ("team: aggregation, 100,000 respondents (sum)", (large_encode + large_view) * 1000, "ms", "< 1000 ms"),
    ]
