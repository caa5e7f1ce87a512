"""Results in words: the headline, where the average sits, the stage rule, strengths and gaps, targets.

Pure functions of a bank and a result, so they are tested without Streamlit. The results
page, the share view and the exports all take their sentences from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from scoring.bank import Bank
from scoring.confidence import Confidence
from scoring.engine import MIN_GAP, DimensionResult, Result, level_of, stage_band

STRENGTH_COUNT = 3
GAP_COUNT = 3
UNEVEN_RANGE = 2  # answers two stages or more apart
STRENGTH_MARGIN = 0.25  # a quarter of a stage above the average


def default_targets(bank: Bank, result: Result) -> dict[str, int]:
    """One stage above the overall stage, for every assessed dimension (at most the top stage).

    One target for all makes the weakest dimension the one with the biggest gap.
    """
    if result.level is None:
        return {}
    target = min(result.level + 1, bank.level_count)
    return {d.id: target for d in result.dimensions if d.level is not None}


def headline(bank: Bank, result: Result) -> str:
    """'Stage 3 of 5: Coordinating', or why there is no stage yet."""
    if result.level is None:
        return "Not enough answers for a stage yet"
    return f"Stage {result.level} of {bank.level_count}: {result.level_name}"


def position(bank: Bank, score: float | None) -> str | None:
    """Where a score sits: '2.80, lower half of Coordinating' (the stage's band split in two)."""
    if score is None:
        return None
    level = level_of(bank, score)
    assert level is not None
    low, high = stage_band(bank, level)
    half = "top of" if level == bank.level_count and score >= high - 1e-9 else _half(score, low, high)
    return f"{score:.2f}, {half} {bank.levels[level - 1].name}"


def _half(score: float, low: float, high: float) -> str:
    if high <= low:
        return "in"
    return "lower half of" if score < (low + high) / 2 else "upper half of"


def average_line(bank: Bank, result: Result) -> str | None:
    """'Average score 2.80 of 5, lower half of Coordinating', shown beside the stage every time."""
    where = position(bank, result.score)
    if where is None:
        return None
    score_text, _, band = where.partition(", ")
    return f"Average score {score_text} of {bank.level_count}, {band}"


def stage_rule(bank: Bank, result: Result, viewer: bool = False) -> str | None:
    """The rule that set the overall stage, in plain words, naming the dimension that caps it when one does.

    `viewer`: in the third person ("Their average ... holds them at ..."), for a share link.
    """
    if result.level is None or result.mean_level is None:
        return None
    your, you = ("Their", "them") if viewer else ("Your", "you")
    average = bank.levels[result.mean_level - 1].name
    if bank.overall_level == "mean":
        return f"The overall stage is the stage of the weighted average of the dimension scores: {average}."
    if result.limited_by is not None:
        weakest = _dimension(result, result.limited_by)
        return (
            f"{your} average ({result.score:.2f}) says {average}, but {weakest.title} at {weakest.level_name} "
            f"holds {you} at {result.level_name}: an organisation is at most one stage ahead of its weakest dimension."
        )
    weakest = min(
        (d for d in result.dimensions if d.level is not None and d.weight > 0), key=lambda d: (d.level, d.score)
    )
    return (
        f"An organisation is at most one stage ahead of its weakest dimension. {your} weakest, "
        f"{weakest.title} at {weakest.level_name}, does not hold the stage below {your.lower()} average ({average})."
    )


def ranked_gaps(result: Result) -> list[DimensionResult]:
    """Dimensions short of their target, the largest gap first (the heavier dimension first on a tie)."""
    behind = [d for d in result.dimensions if d.gap is not None and d.gap > MIN_GAP]
    return sorted(behind, key=lambda d: (-round(d.gap or 0.0, 2), -d.weight))


def strengths_and_gaps(result: Result) -> tuple[list[str], list[str]]:
    """The largest gaps to target and the strongest other dimensions, as short sentences.

    A strength has reached its target or stands at least a quarter of a stage above the
    average; it is chosen from the dimensions not listed as gaps, so none is both. A flat
    profile has no strength.
    """
    widest = ranked_gaps(result)[:GAP_COUNT]
    listed = {d.id for d in widest}
    candidates = [d for d in result.dimensions if d.id not in listed and _stands_out(d, result.score)]
    best = sorted(candidates, key=lambda d: -(d.score or 0.0))[:STRENGTH_COUNT]
    strengths = [f"{d.title}: {d.level_name} ({d.score:.2f})" for d in best]
    gaps = [f"{d.title}: {d.level_name} ({d.score:.2f}), {d.gap:.2f} below its target" for d in widest]
    return strengths, gaps


def _stands_out(dimension: DimensionResult, average: float | None) -> bool:
    if dimension.score is None or average is None:
        return False
    reached = dimension.target is not None and dimension.gap is not None and dimension.gap <= MIN_GAP
    return reached or dimension.score >= average + STRENGTH_MARGIN - 1e-9


def confidence_line(bank: Bank, confidence: Confidence) -> str:
    """'7 of 8 answered · 1 not applicable · answers range from Broadcasting to Integrating'."""
    parts = [f"{confidence.answered} of {confidence.questions} answered"]
    if confidence.not_applicable:
        parts.append(f"{confidence.not_applicable} not applicable")
    parts.append(evenness(bank, confidence))
    return " · ".join(parts)


def evenness(bank: Bank, confidence: Confidence) -> str:
    """How uneven the answers in a dimension are, in words (docs/measures.md)."""
    low, high = confidence.lowest_level, confidence.highest_level
    if low is None or high is None:
        return "no scored answer"
    if confidence.scored == 1:
        return f"one scored answer, at {bank.levels[low - 1].name}"
    if low == high:
        return f"every answer at {bank.levels[low - 1].name}"
    spread = " (uneven)" if (confidence.level_range or 0) >= UNEVEN_RANGE else ""
    return f"answers range from {bank.levels[low - 1].name} to {bank.levels[high - 1].name}{spread}"


def _dimension(result: Result, dimension_id: str) -> DimensionResult:
    return next(d for d in result.dimensions if d.id == dimension_id)


# --- who the page speaks to: the owner ("Your ...") or a share link's viewer ("Their ...") -------


@dataclass(frozen=True)
class Wording:
    """The results page's words that change with who reads it."""

    title: str  # the page title when the organisation has no name
    where: str
    gaps: str
    plan: str
    plan_caption: str
    answers: str
    score_name: str  # the radar's score trace
    answered: str  # how a plan step names its answer: "You answered *Q* with: ..."
    holds: str  # "{dimension} holds ... down, so it comes first."


def wording(viewer: bool, organisation: str | None = None) -> Wording:
    """The owner's page says "Your"; a share link's page speaks of the organisation in the third person."""
    if not viewer:
        return Wording(
            title="Your results",
            where="Where you stand",
            gaps="Gaps to your targets",
            plan="Your plan, dimension by dimension",
            plan_caption="Most pressing first. Every step comes from one of your answers.",
            answers="Your answers",
            score_name="Your score",
            answered="You answered",
            holds="holds your overall stage down, so it comes first.",
        )
    return Wording(
        title="Shared results",
        where="Where they stand",
        gaps="Gaps to their targets",
        plan=f"{possessive(organisation) if organisation else 'Their'} plan, dimension by dimension",
        plan_caption="Most pressing first. Every step comes from one of their answers.",
        answers="Their answers",
        score_name="Their score",
        answered="They answered",
        holds="holds their overall stage down, so it comes first.",
    )


def possessive(name: str) -> str:
    """'Acme's', 'Acme Ltd's'; a name ending in s takes the apostrophe alone ('Harbour Ops'')."""
    name = name.strip()
    return f"{name}'" if name.endswith(("s", "S")) else f"{name}'s"


def when_line(submitted_at: datetime | None, viewer: bool, organisation: str | None = None) -> str:
    """'Submitted 1 December 2026'; on a share link 'Shared by Acme Ltd · submitted 1 December 2026'.

    The date is the last submission (submitting again after changing answers moves it).
    """
    when = f"submitted {day(submitted_at)}" if submitted_at is not None else "not submitted yet"
    if not viewer:
        return when[0].upper() + when[1:]
    by = f"Shared by {organisation.strip()}" if organisation and organisation.strip() else "Shared by its owner"
    return f"{by} · {when}"


def day(moment: datetime) -> str:
    """'1 December 2026' (no leading zero, English month names whatever the locale)."""
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
