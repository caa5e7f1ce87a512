"""Figures for the assessment core: loading the default bank, scoring one and 100,000 assessments."""

from __future__ import annotations

import random
import time
from pathlib import Path

from scoring.answers import NA, Responses
from scoring.batch import encode, score_table
from scoring.engine import score
from scoring.validate import load_bank

DEFAULT_BANK = Path(__file__).resolve().parent.parent / "questions" / "social-integration.yaml"


def best_of(repeats: int, action) -> float:
    """The fastest of `repeats` runs of `action`, in seconds."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def random_answers(bank, rng: random.Random) -> dict:
    """A plausible full set of answers: every scored question answered, some N/A."""
    answers = {}
    for question in bank.questions.values():
        if question.allow_na and rng.random() < 0.1:
            answers[question.id] = NA
        elif question.type == "choice":
            answers[question.id] = rng.choice(question.option_ids)
        elif question.type == "multi":
            answers[question.id] = tuple(o for o in question.option_ids if rng.random() < 0.5)
    return answers


def run() -> list[tuple[str, float, str, str]]:
    """Measure the core; rows of (what, value, unit, target)."""
    bank = load_bank(DEFAULT_BANK)
    load_time = best_of(10, lambda: load_bank(DEFAULT_BANK))
    rng = random.Random(7)
    one = Responses(random_answers(bank, rng))
    loops = 2000
    per_score = best_of(5, lambda: [score(bank, one) for _ in range(loops)]) / loops
    many = [random_answers(bank, rng) for _ in range(100_000)]
    encode_time = best_of(1, lambda: encode(bank, many))
    table = encode(bank, many)
    batch_time = best_of(3, lambda: score_table(bank, table))
    return [
        ("load and validate the default bank", load_time * 1000, "ms", "< 100 ms"),
        ("score one assessment (engine)", per_score * 1000, "ms", "< 0.2 ms"),
        ("score 100,000 stored assessments (vectorised)", batch_time * 1000, "ms", "< 500 ms"),
        ("encode 100,000 answer sets into arrays (once, on storing)", encode_time * 1000, "ms", "-"),
    ]
