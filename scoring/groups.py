"""Named groups of departments, what the client does not see and why, and the silo story.

The consultant may merge departments into a named group ("Leadership and other" =
Leadership + HR), so a small department is counted inside a larger group instead of forcing
a large department to be withheld (`scoring.team.TeamView.client_safe`; the subtraction rule
stays). `withheld` says, for every group the client does not see, why: fewer than MIN_GROUP
responses, or showing it would let a withheld group's answers be worked out from the team's.
`silo_findings` are the largest differences between the groups a client may see, per
dimension, largest first; `widest_pair` is the pair of groups that differ most overall.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from scoring.team import MIN_GROUP, TeamView, shown_departments

Merge = tuple[str, tuple[str, ...]]
"""A named group and its departments."""


def check_merges(departments: Sequence[str], merges: Sequence[tuple[str, Sequence[str]]]) -> tuple[Merge, ...]:
    """The merges, checked against the engagement's departments; ValueError says what is wrong.

    Each group has a name and at least two departments of the engagement; a department is in
    one group at most; a group's name is not the name of a department outside it, nor of
    another group.
    """
    known = set(departments)
    seen: set[str] = set()
    names: set[str] = set()
    checked: list[Merge] = []
    for name, members in merges:
        name = name.strip() if isinstance(name, str) else name
        if not isinstance(name, str) or not name:
            raise ValueError("a group needs a name")
        members = tuple(members)
        if len(set(members)) < 2:
            raise ValueError(f"the group {name!r} needs at least two departments")
        unknown = [m for m in members if m not in known]
        if unknown:
            raise ValueError(f"the group {name!r} names departments the engagement does not have: {unknown}")
        twice = [m for m in members if m in seen]
        if twice:
            raise ValueError(f"a department is in one group at most: {twice}")
        if name in names or (name in known and name not in members):
            raise ValueError(f"the group name {name!r} is already a department's or another group's")
        seen.update(members)
        names.add(name)
        checked.append((name, tuple(dict.fromkeys(members))))
    return tuple(checked)


@dataclass(frozen=True)
class Withheld:
    """A group the client does not see, its respondents, and why.

    reason: "small" (fewer than MIN_GROUP responses) or "subtraction" (showing it would let
    the small groups in `protects` be worked out as the team minus the groups shown).
    protects: (name, count) of the small groups withheld, for "subtraction".
    """

    name: str
    count: int
    reason: str
    protects: tuple[tuple[str, int], ...] = ()


def withheld(view: TeamView) -> list[Withheld]:
    """Every group with responses that `view.client_safe()` leaves out, in the view's order, with why."""
    breakdown = view.client_groups
    counts = breakdown.count
    shown = set(shown_departments(counts).tolist())
    small = tuple((breakdown.names[k], int(c)) for k, c in enumerate(counts) if 0 < c < MIN_GROUP)
    found = []
    for k, count in enumerate(counts):
        if k in shown or count == 0:
            continue
        if count < MIN_GROUP:
            found.append(Withheld(breakdown.names[k], int(count), "small"))
        else:
            found.append(Withheld(breakdown.names[k], int(count), "subtraction", small))
    return found


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def withheld_sentences(view: TeamView, min_group: int = MIN_GROUP) -> list[str]:
    """What the client does not see and why, one sentence per group, then what each named group holds.

    "Leadership (2) is not shown: fewer than 3 responses." / "Marketing (3) is not shown: with
    Leadership (2) withheld, showing it would let Leadership's answers be worked out from the
    team's." / "Leadership and other counts Leadership and HR together."
    """
    sentences = []
    for group in withheld(view):
        if group.reason == "small":
            sentences.append(f"{group.name} ({group.count}) is not shown: fewer than {min_group} responses.")
            continue
        names = [f"{name} ({count})" for name, count in group.protects]
        whose = f"{group.protects[0][0]}'s" if len(group.protects) == 1 else "their"
        sentences.append(
            f"{group.name} ({group.count}) is not shown: with {_and(names)} withheld, showing it would let "
            f"{whose} answers be worked out from the team's."
        )
    for name, members in view.merges:
        sentences.append(f"{name} counts {_and(list(members))} together.")
    return sentences


def withheld_caption(view: TeamView, min_group: int = MIN_GROUP) -> str:
    """The caption under anything client-safe: the sentences of `withheld_sentences`, or that all are shown."""
    sentences = withheld_sentences(view, min_group)
    withheld_any = any(not s.endswith(" together.") for s in sentences)
    rule = (
        f"A department is shown on its own from {min_group} responses, and only when showing it cannot "
        "reveal a smaller group's answers; the team figures include everyone."
    )
    if not withheld_any:
        sentences.insert(0, "Every group with responses is shown, with its number of responses (n).")
    return " ".join([*sentences, rule])


@dataclass(frozen=True)
class SiloFinding:
    """The widest difference between two client-safe groups in one dimension.

    high, low: the groups' names; high_mean, low_mean: their means (rounded to 2 places);
    difference: high_mean - low_mean (of the rounded means, so the words add up).
    """

    dimension_id: str
    high: str
    high_mean: float
    low: str
    low_mean: float
    difference: float


def silo_findings(view: TeamView, *, smallest: float = 0.005) -> list[SiloFinding]:
    """Per dimension, the two groups of `view` (meant: a client-safe view) that differ most, largest first.

    Only groups with responses and a mean in the dimension count; a dimension needs two. Ties
    keep bank order; differences under `smallest` are left out.
    """
    breakdown = view.departments
    present = [k for k in range(len(breakdown.names)) if breakdown.count[k] > 0]
    findings = []
    for d, dimension_id in enumerate(view.dimensions.ids):
        means = [(k, round(float(breakdown.dimension_means[k, d]), 2)) for k in present]
        means = [(k, m) for k, m in means if not np.isnan(m)]
        if len(means) < 2:
            continue
        high_k, high = max(means, key=lambda item: item[1])
        low_k, low = min(means, key=lambda item: item[1])
        difference = round(high - low, 2)
        if difference < smallest:
            continue
        findings.append(
            SiloFinding(dimension_id, breakdown.names[high_k], high, breakdown.names[low_k], low, difference)
        )
    order = sorted(range(len(findings)), key=lambda i: -findings[i].difference)
    return [findings[i] for i in order]


def silo_sentence(finding: SiloFinding, titles: Mapping[str, str]) -> str:
    """'Marketing rates Social customer care 2.27 points above Customer service (3.67 vs 1.40).'"""
    points = "point" if finding.difference == 1 else "points"
    return (
        f"{finding.high} rates {titles[finding.dimension_id]} {finding.difference:.2f} {points} above "
        f"{finding.low} ({finding.high_mean:.2f} vs {finding.low_mean:.2f})."
    )


def silo_summary(view: TeamView, titles: Mapping[str, str], most: int = 3) -> list[str]:
    """The `most` largest differences between the groups of a client-safe view, in words."""
    return [silo_sentence(finding, titles) for finding in silo_findings(view)[:most]]


def widest_pair(view: TeamView) -> tuple[str, str] | None:
    """The two groups (with responses) whose dimension means differ most on average; None with fewer than two.

    The mean absolute difference over the dimensions both assessed; ties keep the view's order.
    The group that rates higher on those dimensions comes first, so its differences are positive.
    """
    breakdown = view.departments
    present = [k for k in range(len(breakdown.names)) if breakdown.count[k] > 0]
    best: tuple[float, int, int] | None = None
    for a, b in combinations(present, 2):
        both = ~np.isnan(breakdown.dimension_means[a]) & ~np.isnan(breakdown.dimension_means[b])
        if not both.any():
            continue
        gap = float(np.abs(breakdown.dimension_means[a][both] - breakdown.dimension_means[b][both]).mean())
        if best is None or gap > best[0] + 1e-12:
            higher = breakdown.dimension_means[a][both].sum() >= breakdown.dimension_means[b][both].sum()
            best = (gap, a, b) if higher else (gap, b, a)
    return None if best is None else (breakdown.names[best[1]], breakdown.names[best[2]])
