"""The peer comparison over arrays: the population built once, each comparison a few array operations.

`scoring.peers.compare` walks every organisation in Python; at 100,000 of them that is most of
a results page's server CPU, on every rerun. A `Population` holds the same organisations as
arrays (industry and size codes, a score matrix), built once per set of rows; `compare_population`
then gives exactly what `compare` gives for the population less, optionally, one of its
organisations (the one looking, if it joined): the same pooling into "Other", the same shown
groups (`scoring.peers.shown_groups_of_cells`, from cell counts), the same quantiles and
percentiles (`scoring.peers.spread_of_scores` on the same scores). A property test holds the two equal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from scoring.peers import (
    OTHER,
    Comparison,
    Peer,
    Spread,
    check_k,
    own_groups,
    shown_groups_of_cells,
    spread_of_scores,
)


@dataclass(frozen=True, eq=False)
class Population:
    """Organisations compared on one bank version, as arrays (row r is the r-th organisation given).

    industries, sizes: the distinct values, code c standing for industries[c]; a missing one is -1.
    scores: rows x (1 + dimensions): the overall score, then each of `dimension_ids`; NaN where
    not assessed.
    """

    industries: tuple[str, ...]
    sizes: tuple[str, ...]
    industry_codes: np.ndarray
    size_codes: np.ndarray
    dimension_ids: tuple[str, ...]
    scores: np.ndarray

    def __len__(self) -> int:
        return int(self.industry_codes.size)


def population(rows: Sequence[Peer], dimension_ids: Sequence[str]) -> Population:
    """The rows as a `Population`, scored on `dimension_ids`."""
    return population_of_columns(
        [row.industry for row in rows],
        [row.size for row in rows],
        [row.overall for row in rows],
        [row.dimensions for row in rows],
        dimension_ids,
    )


def population_of_columns(
    industries: Sequence[str | None],
    sizes: Sequence[str | None],
    overall: Sequence[float | None],
    dimensions: Sequence[Mapping[str, float | None]],
    dimension_ids: Sequence[str],
) -> Population:
    """A `Population` from a list per field (row r of each is one organisation)."""
    # a column at a time, None becoming NaN in numpy's conversion: a row at a time cost 0.6 s at 100,000
    columns = [np.array(overall, dtype=float)]
    columns += [np.array([scores.get(d) for scores in dimensions], dtype=float) for d in dimension_ids]
    matrix = np.column_stack(columns).reshape(len(industries), 1 + len(dimension_ids))
    return population_of_scores(industries, sizes, dimension_ids, matrix, dimension_ids)


def population_of_scores(
    industries: Sequence[str | None],
    sizes: Sequence[str | None],
    score_ids: Sequence[str],
    scores: np.ndarray,
    dimension_ids: Sequence[str],
) -> Population:
    """A `Population` from a score matrix (rows x (1 + len(score_ids)): overall, then each of `score_ids`).

    The population is scored on `dimension_ids`: a column of `score_ids` not among them is left
    out, a dimension not among `score_ids` is NaN (not assessed) for everyone.
    """
    names = sorted({industry for industry in industries if industry is not None} | {OTHER})
    size_names = sorted({size for size in sizes if size is not None})
    industry_code: dict[str | None, int] = {name: code for code, name in enumerate(names)}
    size_code: dict[str | None, int] = {name: code for code, name in enumerate(size_names)}
    at = {d: column for column, d in enumerate(score_ids, start=1)}
    picked = np.full((len(industries), 1 + len(dimension_ids)), np.nan)
    picked[:, 0] = scores[:, 0]
    for column, d in enumerate(dimension_ids, start=1):
        if d in at:
            picked[:, column] = scores[:, at[d]]
    return Population(
        industries=tuple(names),
        sizes=tuple(size_names),
        industry_codes=np.array([industry_code.get(i, -1) for i in industries], dtype=np.int64),
        size_codes=np.array([size_code.get(z, -1) for z in sizes], dtype=np.int64),
        dimension_ids=tuple(dimension_ids),
        scores=picked,
    )


def compare_population(own: Peer, people: Population, k: int, excluding: int | None = None) -> Comparison | None:
    """`scoring.peers.compare(own, others, people.dimension_ids, k)`, with others = `people` less row `excluding`."""
    check_k(k)
    keep = np.ones(len(people), dtype=bool)
    if excluding is not None:
        keep[excluding] = False
    other = people.industries.index(OTHER)
    counts = np.bincount(people.industry_codes[keep & (people.industry_codes >= 0)], minlength=len(people.industries))
    small = counts < k
    pooled = np.where(
        (people.industry_codes >= 0) & small[np.maximum(people.industry_codes, 0)], other, people.industry_codes
    )
    cells = _cell_counts(people, pooled[keep], people.size_codes[keep])
    shown = shown_groups_of_cells(cells, k)
    industry = own.industry
    if industry is not None and (industry not in people.industries or counts[people.industries.index(industry)] < k):
        industry = OTHER
    groups = own_groups(industry, own.size)
    chosen = next((group for group in groups if group in shown), None)
    if chosen is None:
        return None
    members = keep.copy()
    if chosen.industry is not None:
        members &= pooled == people.industries.index(chosen.industry)
    if chosen.size is not None:
        members &= people.size_codes == people.sizes.index(chosen.size)
    held = people.scores[members]
    mine = [own.overall, *(own.dimensions.get(d) for d in people.dimension_ids)]
    spreads = [_spread(held[:, column], mine[column], k) for column in range(held.shape[1])]
    return Comparison(
        group=chosen,
        n=int(members.sum()),
        overall=spreads[0],
        dimensions=dict(zip(people.dimension_ids, spreads[1:], strict=True)),
        fell_back=chosen != groups[0],
    )


def _cell_counts(
    people: Population, industries: np.ndarray, sizes: np.ndarray
) -> dict[tuple[str | None, str | None], int]:
    width = len(people.sizes) + 1  # size code -1 (missing) becomes 0
    codes, counts = np.unique((industries + 1) * width + (sizes + 1), return_counts=True)
    cells = {}
    for code, count in zip(codes.tolist(), counts.tolist(), strict=True):
        industry, size = divmod(code, width)
        cells[
            (None if industry == 0 else people.industries[industry - 1], None if size == 0 else people.sizes[size - 1])
        ] = count
    return cells


def _spread(values: np.ndarray, mine: float | None, k: int) -> Spread | None:
    """`scoring.peers.spread_of_k` of one score column (NaN: not assessed)."""
    scores = values[~np.isnan(values)]
    return spread_of_scores(scores, mine) if scores.size >= k else None
