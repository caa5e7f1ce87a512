"""The peer comparison in words (issue 13): the group used, its size, and where the organisation sits."""

from __future__ import annotations

from scoring.peers import Comparison, Spread


def group_line(comparison: Comparison, k: int) -> str:
    """Which group the comparison uses, with its number of organisations, and why when it fell back."""
    n = comparison.n
    line = f"Compared with {comparison.group.label()}: {n} organisation{'' if n == 1 else 's'}."
    if comparison.fell_back:
        line += f" Groups are shown from {k} organisations, so this is the closest group that can be shown."
    return line


def overall_line(comparison: Comparison, viewer: bool = False) -> str | None:
    """Where the overall score sits in the group ("higher than 64% of them"), with its median and middle half."""
    spread = comparison.overall
    if spread is None or spread.percentile is None:
        return None
    whose = "Their" if viewer else "Your"
    return (
        f"{whose} overall score is higher than {spread.percentile:.0f}% of them (ties count half). "
        f"The group's median is {spread.median:.2f}; its middle half runs from {spread.p25:.2f} to {spread.p75:.2f}."
    )


def no_group_line(k: int) -> str:
    """What is said while no group can be shown."""
    return (
        f"No comparison yet: a group is shown once at least {k} other organisations that took this "
        "assessment have chosen to be compared."
    )


def percentile_text(spread: Spread | None) -> str | None:
    """A dimension's percentile for a table cell ("64%"), or None."""
    return None if spread is None or spread.percentile is None else f"{spread.percentile:.0f}%"
