"""The charts in words: an accessible name, a one-paragraph summary and a table for each.

Every chart on the results page is shown with a visible heading above it, an accessible
name (`st.plotly_chart(..., alt=...)`, which Streamlit sets as the chart's label for
screen readers), the summary from here right under it, and a table with the same numbers.
Pure functions, tested without Streamlit.
"""

from __future__ import annotations

from scoring.bank import Bank
from scoring.engine import MIN_GAP, DimensionResult, Result
from threadline.reporting.summary import ranked_gaps


def radar_name(bank: Bank, result: Result) -> str:
    """The radar's accessible name: what it plots, on which scale."""
    with_targets = ", with the target stages" if any(d.target is not None for d in result.dimensions) else ""
    return (
        f"Radar chart of the scores of {len(result.dimensions)} dimensions "
        f"on the {bank.level_count}-stage scale{with_targets}"
    )


def gap_name() -> str:
    """The gap chart's accessible name."""
    return "Bar chart of how far each dimension is below its target, the widest gap first"


def radar_summary(result: Result) -> str:
    """'Strongest: A (4.20); weakest: B (1.00); 7 of 8 dimensions at or above their target.'

    Dimensions tied on a score (to two decimals) are named together; the count of those at
    their target is over the assessed dimensions that have one.
    """
    assessed = [d for d in result.dimensions if d.score is not None]
    if not assessed:
        return "No dimension is assessed yet."
    high = max(_score(d) for d in assessed)
    low = min(_score(d) for d in assessed)
    if high == low:
        parts = [f"Every assessed dimension scores {high:.2f}"]
    else:
        strongest = [d.title for d in assessed if _score(d) == high]
        weakest = [d.title for d in assessed if _score(d) == low]
        parts = [f"Strongest: {_names(strongest)} ({high:.2f})", f"weakest: {_names(weakest)} ({low:.2f})"]
    with_target = [d for d in assessed if d.gap is not None]
    if with_target:
        reached = sum(1 for d in with_target if (d.gap or 0.0) <= MIN_GAP)
        parts.append(f"{reached} of {len(with_target)} dimensions at or above their target")
    missing = len(result.dimensions) - len(assessed)
    if missing:
        parts.append(f"{missing} not assessed")
    return "; ".join(parts) + "."


def gap_summary(result: Result) -> str:
    """The gaps in words, the widest first, as the chart draws them."""
    rows = ranked_gaps(result)
    if not rows:
        if any(d.gap is not None for d in result.dimensions):
            return "Every assessed dimension has reached its target."
        return "No dimension has a target."
    if len(rows) == 1:
        return f"{rows[0].title} is the only dimension below its target, by {_gap(rows[0]):.2f} levels."
    listed = [f"{rows[0].title} ({_gap(rows[0]):.2f} levels)"] + [f"{d.title} ({_gap(d):.2f})" for d in rows[1:]]
    return f"{len(rows)} dimensions are below their target, the widest gap first: {_names(listed)}."


def gap_table(bank: Bank, result: Result) -> dict[str, list]:
    """The gap chart as columns (Dimension, Score, Target, Gap), in the chart's order."""
    rows = ranked_gaps(result)
    return {
        "Dimension": [d.title for d in rows],
        "Score": [round(_score(d), 2) for d in rows],
        "Target": [bank.levels[d.target - 1].name if d.target is not None else None for d in rows],
        "Gap": [round(_gap(d), 2) for d in rows],
    }


def team_name() -> str:
    """The team radar's accessible name (a respondent's results page)."""
    return "Radar chart of the team mean, your scores and each department's mean per dimension"


def team_summary(team: list[float | None], yours: list[float | None]) -> str:
    """'You are above the team mean on 3 of 8 dimensions, below on 4 and level on 1.'"""
    pairs = [(t, y) for t, y in zip(team, yours, strict=True) if t is not None and y is not None]
    if not pairs:
        return "There is no dimension with both a team mean and a score of yours yet."
    above = sum(1 for t, y in pairs if round(y, 2) > round(t, 2))
    below = sum(1 for t, y in pairs if round(y, 2) < round(t, 2))
    level = len(pairs) - above - below
    text = f"You are above the team mean on {above} of {len(pairs)} dimensions, below on {below}"
    return text + (f" and level on {level}." if level else ".")


def _names(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _score(dimension: DimensionResult) -> float:
    return round(dimension.score or 0.0, 2)


def _gap(dimension: DimensionResult) -> float:
    return round(dimension.gap or 0.0, 2)
