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


# The consultant's portfolio (scoring.peers.compare_with_portfolio)


def engagements_text(n: int) -> str:
    """'1 engagement', '7 engagements'."""
    return f"{n} engagement{'' if n == 1 else 's'}"


def portfolio_too_small_line(n: int, k: int) -> str:
    """All that is said while the portfolio holds fewer than k other engagements."""
    return f"Your portfolio has {engagements_text(n)} with this bank version; a comparison needs {k}."


def portfolio_group_line(comparison: Comparison) -> str:
    """The group and its n: 'Compared with your engagements with this bank version: 7 engagements ...'."""
    return (
        f"Compared with {comparison.group.label()}: {engagements_text(comparison.n)} whose agreed (consensus) "
        "result you included. This client's own rounds are never among them."
    )


def portfolio_overall_line(team: Comparison | None, consensus: Comparison | None) -> str | None:
    """Where the team's mean and the agreed result sit overall, with the portfolio's median and middle half."""
    placed = [
        f"{who} is higher than {found.overall.percentile:.0f}% of them"
        for who, found in (("The team's overall mean", team), ("the agreed overall score", consensus))
        if found is not None and found.overall is not None and found.overall.percentile is not None
    ]
    spread = next((c.overall for c in (consensus, team) if c is not None and c.overall is not None), None)
    if spread is None:
        return None
    where = f"{'; '.join(placed)} (ties count half). " if placed else ""
    return (
        f"{where[:1].upper()}{where[1:]}The portfolio's overall median is {spread.median:.2f}; "
        f"its middle half runs from {spread.p25:.2f} to {spread.p75:.2f}."
    )


def portfolio_radar_name(dimension_count: int, level_count: int, with_consensus: bool) -> str:
    """The portfolio radar's accessible name: what it plots, on which scale."""
    agreed = " and the agreed result" if with_consensus else ""
    return (
        f"Radar chart of the team's mean{agreed} in {dimension_count} dimensions on the {level_count}-stage "
        "scale, against the middle half and the median of your portfolio"
    )
