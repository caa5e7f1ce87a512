"""Results in words: the headline, the weakest-link explanation, strengths and gaps, default targets.

Pure functions of a bank and a result, so they are tested without Streamlit.
"""

from __future__ import annotations

from scoring.bank import Bank
from scoring.engine import Result

STRENGTH_COUNT = 3
GAP_COUNT = 3


def default_targets(bank: Bank, result: Result) -> dict[str, int]:
    """One level above each assessed dimension's current level, at most the top level."""
    return {d.id: min(d.level + 1, bank.level_count) for d in result.dimensions if d.level is not None}


def headline(bank: Bank, result: Result) -> str:
    """'Stage 3 of 5: Coordinating', or why there is no stage yet."""
    if result.level is None:
        return "Not enough answers for a stage yet"
    return f"Stage {result.level} of {bank.level_count}: {result.level_name}"


def weakest_link_note(bank: Bank, result: Result) -> str | None:
    """Why the overall stage is below the average's, in plain words (None when it is not)."""
    if result.limited_by is None or result.mean_level is None:
        return None
    weakest = next(d for d in result.dimensions if d.id == result.limited_by)
    average = bank.levels[result.mean_level - 1].name
    return (
        f"Your average ({result.score:.2f}) says {average}; {weakest.title} at {weakest.level_name} "
        f"holds you at {result.level_name}. An organisation is only one stage ahead of its weakest area."
    )


def strengths_and_gaps(result: Result) -> tuple[list[str], list[str]]:
    """The strongest dimensions and the largest gaps to target, as short sentences."""
    assessed = [d for d in result.dimensions if d.score is not None]
    best = sorted(assessed, key=lambda d: -d.score)[:STRENGTH_COUNT]
    top_score = best[0].score if best else None
    strengths = [f"{d.title}: {d.level_name} ({d.score:.2f})" for d in best if d.score >= top_score - 0.75]
    widest = sorted((d for d in assessed if d.gap and d.gap > 0.005), key=lambda d: -d.gap)[:GAP_COUNT]
    gaps = [f"{d.title}: {d.level_name} ({d.score:.2f}), {d.gap:.2f} below its target" for d in widest]
    return strengths, gaps
