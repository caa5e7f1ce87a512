"""Peer comparison: how an organisation's scores sit among others like it, never exposing one of them.

The population is every organisation that chose to be compared, with the same bank id and
version, less the one looking (it knows its own scores; the others are what it learns about).
Each is one `PeerRow`: its industry and size (choices, or none), its overall score and its
dimension scores. Nothing else ever reaches this module: no names, notes or free text.

Groups are fixed, never filters a person picks (docs/decisions.md, "Peer benchmarks"):

1. the organisation's industry and size together,
2. its industry,
3. its size,
4. everyone who took the same bank version.

The first of these that is *shown* is used, and the result always names it. A group is shown
when it holds at least `k` organisations (default `DEFAULT_K`, never below `MIN_K`), after two
rules that keep anyone from working out one organisation's scores:

- **Small industries pool into "Other"**: an industry with fewer than k organisations is
  counted as `OTHER`, in every group it belongs to.
- **Two shown groups differ by none or by at least k**: for any two groups that would be
  shown (an industry-and-size group and its industry, a size and the industry that happens to
  hold the same organisations but one, any group and "everyone"), the organisations in one and
  not in the other number none or at least k, both ways. Otherwise the smaller of the two is
  not shown (its members fall back to the next group), so comparing any two answers never
  isolates fewer than k organisations. The check runs until nothing changes.

What is shown of a group: its size n, and per dimension and overall the median with the 25th
and 75th percentiles (quantiles, not means: one extreme organisation moves them little), from
the organisations that assessed that dimension; and the looking organisation's percentile in
it: the share of the group below its score, counting ties as half (so the median organisation
sits at 50). Quantiles are linearly interpolated between order statistics (numpy's default,
Hyndman and Fan's type 7).

**The consultant's portfolio** (`compare_with_portfolio`) is one more fixed group: the
consultant's own engagements with the same bank version whose consensus they included. It has
no filters (so nothing to difference), is shown from k engagements, and a dimension that fewer
than k of them assessed shows nothing (a quantile of one or two engagements is their score).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np

DEFAULT_K = 5
MIN_K = 3
OTHER = "Other"

GroupKind = Literal["industry and size", "industry", "size", "everyone", "portfolio"]
FALLBACK: tuple[GroupKind, ...] = ("industry and size", "industry", "size", "everyone")


class Peer(Protocol):
    """What the comparison reads of an organisation (a `PeerRow`, or a stored row with the same fields)."""

    @property
    def industry(self) -> str | None: ...
    @property
    def size(self) -> str | None: ...
    @property
    def overall(self) -> float | None: ...
    @property
    def dimensions(self) -> Mapping[str, float | None]: ...


@dataclass(frozen=True, slots=True)
class PeerRow:
    """One organisation in the comparison: its choices and its scores (None where not assessed)."""

    industry: str | None
    size: str | None
    overall: float | None
    dimensions: Mapping[str, float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Group:
    """A fixed peer group: which kind, and its industry and size where the kind has them."""

    kind: GroupKind
    industry: str | None = None
    size: str | None = None

    def label(self) -> str:
        """The group in words, as the results page names it."""
        if self.kind == "industry and size":
            return f"{self.industry}, {self.size}"
        if self.kind == "industry":
            return str(self.industry)
        if self.kind == "size":
            return str(self.size)
        if self.kind == "portfolio":
            return "your engagements with this bank version"
        return "Everyone who took this assessment"

    def holds(self, row: Peer) -> bool:
        """Whether an organisation (its industry already pooled) belongs to this group."""
        return (self.industry is None or row.industry == self.industry) and (self.size is None or row.size == self.size)


@dataclass(frozen=True)
class Spread:
    """One score's spread in a group: how many gave it, the quartiles, and where the looking organisation sits."""

    n: int
    p25: float
    median: float
    p75: float
    percentile: float | None  # None when the looking organisation has no score here


@dataclass(frozen=True)
class Comparison:
    """What the results page shows: the group used, its size, and each score's spread."""

    group: Group
    n: int
    overall: Spread | None
    dimensions: Mapping[str, Spread | None]
    fell_back: bool  # the organisation's own industry-and-size group was not shown


def check_k(k: int) -> int:
    """The group threshold, refused below MIN_K."""
    if k < MIN_K:
        raise ValueError(f"a peer group must hold at least {MIN_K} organisations, not {k}")
    return k


def pooled(rows: Sequence[Peer], k: int) -> list[Peer]:
    """The rows with every industry of fewer than k organisations counted as OTHER."""
    counts: dict[str, int] = {}
    for row in rows:
        if row.industry is not None:
            counts[row.industry] = counts.get(row.industry, 0) + 1
    small = {industry for industry, n in counts.items() if n < k}
    if not small:
        return list(rows)
    return [PeerRow(OTHER, row.size, row.overall, row.dimensions) if row.industry in small else row for row in rows]


def _candidate_groups(cells: Iterable[tuple[str | None, str | None]]) -> set[Group]:
    groups: set[Group] = {Group("everyone")}
    for industry, size in cells:
        if industry is not None:
            groups.add(Group("industry", industry=industry))
        if size is not None:
            groups.add(Group("size", size=size))
        if industry is not None and size is not None:
            groups.add(Group("industry and size", industry=industry, size=size))
    return groups


def shown_groups(rows: Sequence[Peer], k: int) -> dict[Group, int]:
    """Every group that may be shown, with its number of organisations (rows already pooled).

    A group is a union of cells (an industry and a size, either possibly missing), so two
    groups' differences are counted cell by cell: for every two shown groups A and B, the
    organisations in A and not in B number none or at least k (and the same the other way).
    Until none breaks it, the smallest group in any pair that does is left out (the more specific
    kind, then the label, on a tie), so the groups shown never depend on the order of a set.
    """
    cells: dict[tuple[str | None, str | None], int] = {}
    for row in rows:
        cells[(row.industry, row.size)] = cells.get((row.industry, row.size), 0) + 1
    return shown_groups_of_cells(cells, k)


Cell = tuple[str | None, str | None]
"""An industry (already pooled) and a size, either possibly missing."""


def shown_groups_of_cells(cells: Mapping[Cell, int], k: int) -> dict[Group, int]:
    """`shown_groups` from the number of organisations in each cell (the only thing it depends on).

    As arrays: which cells each group holds (groups x cells), so every pair's "in one and not
    the other" is one matrix product, counted once rather than on every pass.
    """
    check_k(k)
    groups = list(_candidate_groups(cells))
    listed = list(cells)
    holds = np.array([[group.holds(PeerRow(c[0], c[1], None)) for c in listed] for group in groups], dtype=bool)
    holds = holds.reshape(len(groups), len(listed))
    counts = np.array([cells[c] for c in listed], dtype=np.int64)
    size = holds.astype(np.int64) @ counts
    only = (holds * counts) @ (~holds).T.astype(np.int64)  # only[a, b]: in group a and not in group b
    too_few = (only > 0) & (only < k)
    clash = too_few | too_few.T  # a and b are not apart
    np.fill_diagonal(clash, False)
    shown = size >= k
    order = {g: (int(size[i]), FALLBACK.index(g.kind), g.label()) for i, g in enumerate(groups)}
    while True:
        # of every group in a clash, the smallest goes first: the same answer whatever the set's order
        clashing = np.flatnonzero(shown & clash[:, shown].any(axis=1))
        if clashing.size == 0:
            return {groups[i]: int(size[i]) for i in np.flatnonzero(shown)}
        shown[min(clashing.tolist(), key=lambda i: order[groups[i]])] = False


def own_groups(industry: str | None, size: str | None) -> list[Group]:
    """An organisation's groups in fallback order (its industry already pooled)."""
    groups: list[Group] = []
    if industry is not None and size is not None:
        groups.append(Group("industry and size", industry=industry, size=size))
    if industry is not None:
        groups.append(Group("industry", industry=industry))
    if size is not None:
        groups.append(Group("size", size=size))
    return [*groups, Group("everyone")]


def compare(
    own: Peer,
    others: Sequence[Peer],
    dimension_ids: Sequence[str],
    k: int = DEFAULT_K,
) -> Comparison | None:
    """The organisation `own` among `others` (everyone else compared on the same bank version).

    None when no group can be shown (fewer than k others in all).
    """
    rows = pooled(others, k)
    shown = shown_groups(rows, k)
    industry = own.industry
    if industry is not None and sum(1 for row in others if row.industry == industry) < k:
        industry = OTHER
    groups = own_groups(industry, own.size)
    chosen = next((group for group in groups if group in shown), None)
    if chosen is None:
        return None
    members = [row for row in rows if chosen.holds(row)]
    return Comparison(
        group=chosen,
        n=len(members),
        overall=spread_of_k((row.overall for row in members), own.overall, k),
        dimensions={
            d: spread_of_k((row.dimensions.get(d) for row in members), own.dimensions.get(d), k) for d in dimension_ids
        },
        fell_back=chosen != groups[0],
    )


def spread_of_k(values: Iterable[float | None], mine: float | None, k: int) -> Spread | None:
    """The spread of `values`, or None when fewer than k of them are scores.

    A dimension most of a group left unassessed (every answer not applicable) would otherwise
    show quantiles of one or two organisations: their own scores.
    """
    found = spread(values, mine)
    return found if found is not None and found.n >= k else None


PORTFOLIO = Group("portfolio")


def compare_with_portfolio(
    own: Peer,
    others: Sequence[Peer],
    dimension_ids: Sequence[str],
    k: int = DEFAULT_K,
) -> Comparison | None:
    """`own` (a client's team or its consensus) among the consultant's other engagements, one fixed group.

    None under k engagements. A score that fewer than k engagements gave is None: its quantiles
    would be one or two engagements' own scores.
    """
    check_k(k)
    if len(others) < k:
        return None
    return Comparison(
        group=PORTFOLIO,
        n=len(others),
        overall=spread_of_k((row.overall for row in others), own.overall, k),
        dimensions={
            d: spread_of_k((row.dimensions.get(d) for row in others), own.dimensions.get(d), k) for d in dimension_ids
        },
        fell_back=False,
    )


def spread(values: Iterable[float | None], own: float | None) -> Spread | None:
    """The quartiles of the given scores (None left out) and `own`'s percentile among them."""
    return spread_of_scores(np.array([v for v in values if v is not None], dtype=float), own)


def spread_of_scores(scores: np.ndarray, own: float | None) -> Spread | None:
    """`spread` of an array of scores (no NaN), in any order."""
    scores = np.sort(scores)
    if scores.size == 0:
        return None
    p25, median, p75 = (float(q) for q in np.quantile(scores, [0.25, 0.5, 0.75]))
    return Spread(int(scores.size), p25, median, p75, None if own is None else percentile(own, scores))


def percentile(value: float, scores: np.ndarray | Sequence[float]) -> float:
    """The share of `scores` below `value`, ties counted as half, in percent (0 to 100)."""
    ordered = np.sort(np.asarray(scores, dtype=float))
    if ordered.size == 0:
        raise ValueError("no scores to place a value among")
    below = np.searchsorted(ordered, value, side="left")
    at_or_below = np.searchsorted(ordered, value, side="right")
    return float(100 * (below + 0.5 * (at_or_below - below)) / ordered.size)
