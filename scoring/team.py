"""A team's answers to one bank: aggregation, alignment and department breakdowns, vectorised.

Long because the frozen result types and the one computation that fills them belong together.

A consultant engagement has many respondents, each in a department. Their answer sets are
encoded into an `AnswerTable` by `scoring.batch.encode`; `team_view` scores every respondent with
`scoring.batch` and aggregates: the team per dimension and per question, each department,
and the answer distributions. `TeamView.client_safe` removes what could reveal a small
group's answers; `round_change` compares two rounds of an engagement.

Alignment (docs/measures.md): for scores in [1, L], ``1 - sd / ((L - 1) / 2)`` clipped to
[0, 1], with sd the population standard deviation; 1 when everyone gives the same score, 0
when the team is split half and half between the lowest and the highest score (the largest
possible sd), NaN with fewer than two scores.

Conventions: arrays hold NaN where there is nothing to average and level 0 where nothing
is assessed (as in `scoring.batch`); "answered" excludes N/A; a respondent's department
index points into `TeamView.departments.names`.

About half of the module is the frozen result types (`TeamView` and its parts, with
`client_safe`), the other half the vectorised computation that fills them; apart, each would
only make sense with the other open beside it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import chain
from typing import Literal, NamedTuple

import numpy as np

from scoring.bank import Bank, ScoredQuestion
from scoring.batch import (
    NOT_APPLICABLE,
    AnswerTable,
    levels_of,
    multi_offsets,
    score_table,
    scored_questions,
)
from scoring.engine import level_of, overall_level_of, weighted_mean

MIN_GROUP = 3
"""The smallest department whose breakdown may be shown to the client."""

NA_COLUMN = "na"
"""The last column of a choice question's distribution: respondents who answered N/A."""

# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class RespondentScores:
    """Each respondent's scores, one row per respondent in the table's order.

    dimension_scores: (N, D) float, NaN where the respondent did not assess the dimension.
    overall_scores: (N,) float, the engine's overall score, NaN when nothing is assessed.
    overall_levels: (N,) int, the engine's overall level (bank rule), 0 when not assessed.
    departments: (N,) int, the index of the respondent's department in `DepartmentBreakdown.names`.
    """

    dimension_scores: np.ndarray
    overall_scores: np.ndarray
    overall_levels: np.ndarray
    departments: np.ndarray


@dataclass(frozen=True)
class DimensionStats:
    """The team's figures per dimension; every array has one entry per dimension, bank order.

    ids: the dimension ids.
    count: (D,) int, respondents with a score in the dimension.
    mean: (D,) float, the mean of those scores (NaN when none).
    minimum, maximum: (D,) float, the lowest and highest of those scores (NaN when none).
    sd: (D,) float, their population standard deviation (ddof=0; NaN when none).
    alignment: (D,) float in [0, 1], see `alignment`; NaN with fewer than 2 scores.
    level: (D,) int, the level of the mean (`scoring.batch.levels_of`), 0 when none.
    """

    ids: tuple[str, ...]
    count: np.ndarray
    mean: np.ndarray
    minimum: np.ndarray
    maximum: np.ndarray
    sd: np.ndarray
    alignment: np.ndarray
    level: np.ndarray


@dataclass(frozen=True)
class QuestionStats:
    """The team's figures per scored question; every array has one entry per question, bank order.

    ids: the scored (choice and multi) question ids.
    dimension_ids: the dimension of each question.
    answered: (Q,) int, respondents who answered with an option (N/A excluded).
    na: (Q,) int, respondents who answered N/A.
    na_share: (Q,) float, na / (answered + na); NaN when nobody answered at all.
    mean, sd: (Q,) float, mean and population sd of the answered questions' scores.
    alignment: (Q,) float, see `alignment`; NaN with fewer than 2 answers.
    """

    ids: tuple[str, ...]
    dimension_ids: tuple[str, ...]
    answered: np.ndarray
    na: np.ndarray
    na_share: np.ndarray
    mean: np.ndarray
    sd: np.ndarray
    alignment: np.ndarray


@dataclass(frozen=True)
class DepartmentBreakdown:
    """The figures of each department; the first axis of every array is the department (K of them).

    names: the departments, in first-seen order or the order given to `team_view`.
    count: (K,) int, respondents in the department.
    small: (K,) bool, count < MIN_GROUP: not to be shown to the client (see `TeamView.client_safe`).
    dimension_counts: (K, D) int, respondents with a score in each dimension.
    dimension_means: (K, D) float, their mean score per dimension (NaN when none).
    overall_means: (K,) float, the weighted mean of the department's dimension means (as the
        engine combines one assessment's dimensions); NaN when none.
    question_answered, question_na: (K, Q) int, per scored question as in `QuestionStats`.
    question_na_share, question_means, question_sds: (K, Q) float, as in `QuestionStats`.
    withheld: respondents whose department is not listed (removed by `client_safe`); 0 otherwise.
    """

    names: tuple[str, ...]
    count: np.ndarray
    small: np.ndarray
    dimension_counts: np.ndarray
    dimension_means: np.ndarray
    overall_means: np.ndarray
    question_answered: np.ndarray
    question_na: np.ndarray
    question_na_share: np.ndarray
    question_means: np.ndarray
    question_sds: np.ndarray
    withheld: int = 0

    def take(self, keep: np.ndarray) -> DepartmentBreakdown:
        """Only the departments at the indices `keep`; the others' respondents count as withheld."""
        arrays = {name: value[keep] for name, value in vars(self).items() if isinstance(value, np.ndarray)}
        return replace(
            self,
            names=tuple(self.names[k] for k in keep),
            withheld=self.withheld + int(self.count.sum() - self.count[keep].sum()),
            **arrays,
        )


@dataclass(frozen=True)
class Distribution:
    """How one scored question was answered, per department (rows) and team-wide.

    question_id, type: the question and its type ("choice" or "multi").
    columns: a choice question's option ids then "na"; a multi question's option ids.
    counts: (K, len(columns)) int; choice: respondents who chose each option (or N/A);
        multi: respondents who ticked each option.
    answered: (K,) int, respondents who answered with options (N/A excluded).
    na: (K,) int, respondents who answered N/A.
    team_counts: (len(columns),) int, team_answered, team_na: the same for the whole team.
    """

    question_id: str
    type: Literal["choice", "multi"]
    columns: tuple[str, ...]
    counts: np.ndarray
    answered: np.ndarray
    na: np.ndarray
    team_counts: np.ndarray
    team_answered: int
    team_na: int

    def take(self, keep: np.ndarray) -> Distribution:
        """Only the department rows at the indices `keep`; team-wide figures unchanged."""
        return replace(self, counts=self.counts[keep], answered=self.answered[keep], na=self.na[keep])


@dataclass(frozen=True)
class TeamView:
    """Everything the engagement dashboard shows about one bank's respondents.

    bank_id, bank_version, level_count: the bank scored against (L = level_count).
    respondents: per-respondent scores (empty in a `client_safe` view).
    dimensions: the team per dimension.
    overall_mean: the weighted mean of the team's dimension means, as the engine combines one
        assessment's dimensions (NaN when none); overall_level: its level under the bank's
        rule, weakest link included (0 when none); limited_by: the dimension holding the
        level down under the weakest-link rule, else None.
    questions: the team per scored question.
    departments: each department's figures.
    distributions: question id -> `Distribution`, for every scored question in bank order.
    merges: the consultant's named groups of departments (`scoring.groups`), group name ->
        its departments; empty when every department stands on its own.
    groups, group_distributions: the same as `departments` and `distributions` with each
        named group's departments counted as one (the departments themselves when there are
        no merges). What the client sees is cut from these (`client_safe`).
    """

    bank_id: str
    bank_version: str
    level_count: int
    respondents: RespondentScores
    dimensions: DimensionStats
    overall_mean: float
    overall_level: int
    limited_by: str | None
    questions: QuestionStats
    departments: DepartmentBreakdown
    distributions: Mapping[str, Distribution]
    merges: tuple[tuple[str, tuple[str, ...]], ...] = ()
    groups: DepartmentBreakdown | None = None
    group_distributions: Mapping[str, Distribution] | None = None

    @property
    def client_groups(self) -> DepartmentBreakdown:
        """The breakdown the client's view is cut from: named groups merged (departments without merges)."""
        return self.departments if self.groups is None else self.groups

    def disputed_dimensions(self) -> list[str]:
        """Dimension ids, widest disagreement (lowest alignment) first; NaN last; ties in bank order."""
        return _by_alignment(self.dimensions.ids, self.dimensions.alignment)

    def disputed_questions(self) -> list[str]:
        """Scored question ids, widest disagreement first; NaN last; ties in bank order."""
        return _by_alignment(self.questions.ids, self.questions.alignment)

    def perception_gap(self, group_a: Sequence[str], group_b: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """The mean score per dimension of the respondents in each group of departments.

        A group's mean pools its departments' respondents (not a mean of department means);
        departments not in the view (unknown, or removed by `client_safe`) count for nothing,
        and a dimension nobody in the group assessed is NaN.
        """
        return self._pooled_means(group_a), self._pooled_means(group_b)

    def client_safe(self) -> TeamView:
        """A copy for the client: no breakdown from which a small group's answers could be read.

        The consultant's named groups (`merges`) come first: their departments count as one
        group. Removed: every group with fewer than MIN_GROUP respondents, from the department
        arrays, the distributions' department rows and the per-question department figures.
        As team-wide figures stay, the removed respondents could be read off as the team minus
        the shown departments; so while they number fewer than MIN_GROUP (but at least one),
        the smallest shown departments are removed too until they number MIN_GROUP or more.
        Per-respondent scores are dropped (zero rows): they are not a team figure.
        """
        breakdown = self.client_groups
        distributions = self.distributions if self.group_distributions is None else self.group_distributions
        keep = shown_departments(breakdown.count)
        respondents = self.respondents
        no_one = np.zeros(0, dtype=int)
        safe = breakdown.take(keep)
        safe_distributions = {qid: distribution.take(keep) for qid, distribution in distributions.items()}
        return replace(
            self,
            respondents=RespondentScores(
                dimension_scores=respondents.dimension_scores[:0],
                overall_scores=respondents.overall_scores[:0],
                overall_levels=respondents.overall_levels[:0],
                departments=no_one,
            ),
            departments=safe,
            distributions=safe_distributions,
            groups=safe,
            group_distributions=safe_distributions,
        )

    def _pooled_means(self, group: Sequence[str]) -> np.ndarray:
        if isinstance(group, str):
            raise TypeError(f"a group is a list of departments, not the text {group!r}")
        wanted = set(group)
        members = [k for k, name in enumerate(self.departments.names) if name in wanted]
        counts = self.departments.dimension_counts[members]
        totals = np.where(counts > 0, self.departments.dimension_means[members], 0.0) * counts
        return _divide(totals.sum(axis=0), counts.sum(axis=0))


# --------------------------------------------------------------------------- aggregation


def alignment(sd: np.ndarray, count: np.ndarray, level_count: int) -> np.ndarray:
    """How far a group agrees: 1 - sd / ((L - 1) / 2), clipped to [0, 1]; NaN with fewer than 2 scores.

    (L - 1) / 2 is the largest standard deviation that scores in [1, L] can have (half the
    group at 1, half at L), so 1.0 means everyone gave the same score and 0.0 a team split
    between the extremes. Example with L = 5: scores 1, 3, 5 have sd 1.633 and alignment
    1 - 1.633 / 2 = 0.18.
    """
    half_range = (level_count - 1) / 2
    with np.errstate(invalid="ignore"):
        return np.where(np.asarray(count) >= 2, np.clip(1 - np.asarray(sd) / half_range, 0.0, 1.0), np.nan)


def team_view(
    bank: Bank,
    table: AnswerTable,
    departments: Sequence[str],
    department_order: Sequence[str] | None = None,
    merges: Sequence[tuple[str, Sequence[str]]] = (),
) -> TeamView:
    """Aggregate the answers in `table`; departments[n] is the department of the table's row n.

    Departments are listed in `department_order` (which may name departments nobody answered
    from: count 0) followed by any others in first-seen order. `merges` (group name, its
    departments) are the consultant's named groups (`scoring.groups.check_merges`): the view's
    `groups` count each group's departments as one, in the place of its first department.
    """
    if len(departments) != table.codes.shape[0]:
        raise ValueError(f"{len(departments)} departments for {table.codes.shape[0]} respondents")
    names, groups = _department_groups(departments, department_order or ())
    scores = score_table(bank, table)
    questions = scored_questions(bank)
    question_scores = scores.question_scores
    by_dimension, by_question = groups.stats(scores.dimension_scores), groups.stats(question_scores)
    dimension_stats = _dimension_stats(bank, by_dimension.pooled(), scores.dimension_scores)
    overall_mean, overall_level, limited_by = _overall(bank, dimension_stats.mean)
    breakdown = _department_breakdown(bank, names, groups, table, by_dimension, by_question)
    distributions = _distributions(questions, table, groups, breakdown)
    merged = tuple((name, tuple(members)) for name, members in merges)
    grouped, grouped_distributions = breakdown, distributions
    if merged:
        group_of = {member: name for name, members in merged for member in members}
        merged_departments = [group_of.get(d, d) for d in departments]
        merged_order = [group_of.get(d, d) for d in names]
        group_names, by_group = _department_groups(merged_departments, merged_order)
        grouped = _department_breakdown(
            bank,
            group_names,
            by_group,
            table,
            by_group.stats(scores.dimension_scores),
            by_group.stats(question_scores),
        )
        grouped_distributions = _distributions(questions, table, by_group, grouped)
    return TeamView(
        bank_id=bank.id,
        bank_version=bank.version,
        level_count=bank.level_count,
        respondents=RespondentScores(
            scores.dimension_scores, scores.overall_scores, scores.overall_levels, groups.index
        ),
        dimensions=dimension_stats,
        overall_mean=overall_mean,
        overall_level=overall_level,
        limited_by=limited_by,
        questions=_question_stats(bank, questions, table, by_question.pooled()),
        departments=breakdown,
        distributions=distributions,
        merges=merged,
        groups=grouped,
        group_distributions=grouped_distributions,
    )


def round_change(previous: TeamView, current: TeamView) -> dict[str, float]:
    """The change of the team mean per dimension id, current minus previous.

    Dimensions are matched by id: the current bank's dimensions in order, then those only the
    previous round had; NaN where either round has no mean (an added or dropped dimension).
    """
    before = dict(zip(previous.dimensions.ids, previous.dimensions.mean, strict=True))
    after = dict(zip(current.dimensions.ids, current.dimensions.mean, strict=True))
    return {
        dimension_id: float(after.get(dimension_id, math.nan) - before.get(dimension_id, math.nan))
        for dimension_id in dict.fromkeys([*current.dimensions.ids, *previous.dimensions.ids])
    }


@dataclass(frozen=True)
class _Stats:
    """Count, mean and population sd of each column's non-NaN values, per group: (groups, columns)."""

    count: np.ndarray
    mean: np.ndarray
    sd: np.ndarray

    def pooled(self) -> _Stats:
        """The stats of all groups together, as 1-d arrays (the parallel variance formula)."""
        count = self.count.sum(axis=0)
        weighted_mean = np.where(self.count > 0, self.mean, 0.0) * self.count
        mean = _divide(weighted_mean.sum(axis=0), count)
        spread = np.where(self.count > 0, self.sd**2 + (self.mean - mean) ** 2, 0.0) * self.count
        return _Stats(count, mean, np.sqrt(_divide(spread.sum(axis=0), count)))


@dataclass(frozen=True)
class _Groups:
    """Respondents split into K groups, for sums per group without a Python loop over respondents.

    index: (N,) the group of each respondent; order: the respondents sorted by group (stable);
    starts: (K,) where each group begins in `order`; sizes: (K,) how many each group has.
    """

    index: np.ndarray
    order: np.ndarray
    starts: np.ndarray
    sizes: np.ndarray

    @classmethod
    def of(cls, index: np.ndarray, group_count: int) -> _Groups:
        """Groups from each respondent's group index."""
        sizes = np.bincount(index, minlength=group_count)
        return cls(index, np.argsort(index, kind="stable"), np.cumsum(sizes) - sizes, sizes)

    def sums(self, values: np.ndarray) -> np.ndarray:
        """(K, columns): the sum of each column of `values` (N rows) over each group."""
        return self._sums_of_ordered(values[self.order])

    def stats(self, values: np.ndarray) -> _Stats:
        """The `_Stats` of each column's non-NaN values per group (sd about the group mean)."""
        ordered = values[self.order]
        present = ~np.isnan(ordered)
        count = self._sums_of_ordered(present)
        mean = _divide(self._sums_of_ordered(np.where(present, ordered, 0.0)), count)
        deviations = np.where(present, ordered - np.repeat(mean, self.sizes, axis=0), 0.0)
        return _Stats(count, mean, np.sqrt(_divide(self._sums_of_ordered(deviations**2), count)))

    def _sums_of_ordered(self, ordered: np.ndarray) -> np.ndarray:
        """`sums` of values whose rows are already in `order`."""
        dtype = np.int64 if ordered.dtype == bool else ordered.dtype
        totals = np.zeros((len(self.sizes), ordered.shape[1]), dtype=dtype)
        filled = self.sizes > 0
        if filled.any():
            totals[filled] = np.add.reduceat(ordered, self.starts[filled], axis=0, dtype=dtype)
        return totals


def _department_groups(departments: Sequence[str], order: Sequence[str]) -> tuple[tuple[str, ...], _Groups]:
    """The department names in order, and the respondents grouped by department."""
    index_of = {name: k for k, name in enumerate(dict.fromkeys(chain(order, departments)))}
    index = np.fromiter(map(index_of.__getitem__, departments), np.intp, len(departments))
    return tuple(index_of), _Groups.of(index, len(index_of))


def _dimension_stats(bank: Bank, team: _Stats, dimension_scores: np.ndarray) -> DimensionStats:
    count, mean, sd = team.count, team.mean, team.sd
    present = ~np.isnan(dimension_scores)
    lowest = np.where(present, dimension_scores, np.inf).min(axis=0, initial=np.inf)
    highest = np.where(present, dimension_scores, -np.inf).max(axis=0, initial=-np.inf)
    return DimensionStats(
        ids=tuple(dimension.id for dimension in bank.dimensions),
        count=count,
        mean=mean,
        minimum=np.where(np.isinf(lowest), np.nan, lowest),
        maximum=np.where(np.isinf(highest), np.nan, highest),
        sd=sd,
        alignment=alignment(sd, count, bank.level_count),
        level=levels_of(bank, mean),
    )


class _DimensionLevel(NamedTuple):
    """What the engine's overall-level rule reads of a dimension."""

    id: str
    weight: float
    level: int | None


def _overall(bank: Bank, dimension_means: np.ndarray) -> tuple[float, int, str | None]:
    """Overall score, level and limiting dimension of dimension means, by the engine's own rules."""
    assessed = [(float(m), d) for m, d in zip(dimension_means, bank.dimensions, strict=True) if not math.isnan(m)]
    overall = weighted_mean((mean, dimension.weight) for mean, dimension in assessed)
    levels = [_DimensionLevel(d.id, d.weight, level_of(bank, mean)) for mean, d in assessed]
    level, limited_by = overall_level_of(bank, level_of(bank, overall), levels)
    return (math.nan if overall is None else overall), (level or 0), limited_by


def _overall_means(bank: Bank, dimension_means: np.ndarray) -> np.ndarray:
    """The overall score of each row of dimension means (engine's weighted mean), NaN when none."""
    return np.array([_overall(bank, means)[0] for means in dimension_means], dtype=float)


def _na_share(na: np.ndarray, answered: np.ndarray) -> np.ndarray:
    return _divide(na.astype(float), (na + answered).astype(float))


def _question_stats(bank: Bank, questions: list[ScoredQuestion], table: AnswerTable, team: _Stats) -> QuestionStats:
    count, mean, sd = team.count, team.mean, team.sd
    na = (table.codes == NOT_APPLICABLE).sum(axis=0)
    return QuestionStats(
        ids=tuple(q.id for q in questions),
        dimension_ids=tuple(bank.dimension_of[q.id].id for q in questions),
        answered=count,
        na=na,
        na_share=_na_share(na, count),
        mean=mean,
        sd=sd,
        alignment=alignment(sd, count, bank.level_count),
    )


def _department_breakdown(
    bank: Bank,
    names: tuple[str, ...],
    groups: _Groups,
    table: AnswerTable,
    dimensions: _Stats,
    questions: _Stats,
) -> DepartmentBreakdown:
    count = np.bincount(groups.index, minlength=len(names))
    na = groups.sums(table.codes == NOT_APPLICABLE)
    return DepartmentBreakdown(
        names=names,
        count=count,
        small=count < MIN_GROUP,
        dimension_counts=dimensions.count,
        dimension_means=dimensions.mean,
        overall_means=_overall_means(bank, dimensions.mean),
        question_answered=questions.count,
        question_na=na,
        question_na_share=_na_share(na, questions.count),
        question_means=questions.mean,
        question_sds=questions.sd,
    )


def _distributions(
    questions: list[ScoredQuestion], table: AnswerTable, groups: _Groups, breakdown: DepartmentBreakdown
) -> dict[str, Distribution]:
    offsets = multi_offsets(questions)
    ticks = _multi_ticks(questions, table, groups)
    distributions = {}
    for column, question in enumerate(questions):
        if question.type == "choice":
            columns = (*question.option_ids, NA_COLUMN)
            counts = _choice_counts(table.codes[:, column], groups.index, len(breakdown.names), len(columns))
        else:
            columns = question.option_ids
            counts = ticks[:, offsets[question.id] : offsets[question.id] + len(columns)]
        answered, na = breakdown.question_answered[:, column], breakdown.question_na[:, column]
        distributions[question.id] = Distribution(
            question_id=question.id,
            type=question.type,
            columns=columns,
            counts=counts,
            answered=answered,
            na=na,
            team_counts=counts.sum(axis=0),
            team_answered=int(answered.sum()),
            team_na=int(na.sum()),
        )
    return distributions


def _multi_ticks(questions: list[ScoredQuestion], table: AnswerTable, groups: _Groups) -> np.ndarray:
    """(K, multi options) how many of each group ticked each multi option (answered questions only)."""
    owner = [column for column, q in enumerate(questions) if q.type == "multi" for _ in q.option_ids]
    return groups.sums(table.chosen & (table.codes[:, owner] >= 0))


def _choice_counts(codes: np.ndarray, groups: np.ndarray, group_count: int, width: int) -> np.ndarray:
    """(K, options + 1) how many of each group chose each option, then N/A (last column)."""
    given = (codes >= 0) | (codes == NOT_APPLICABLE)
    cell = np.where(codes == NOT_APPLICABLE, width - 1, codes)[given]
    return np.bincount(groups[given] * width + cell, minlength=group_count * width).reshape(group_count, width)


# --------------------------------------------------------------------------- helpers


def shown_departments(count: np.ndarray) -> np.ndarray:
    """Indices of the departments a client may see (see `TeamView.client_safe`), in order."""
    shown = count >= MIN_GROUP
    withheld = int(count[~shown].sum())
    for k in np.argsort(count, kind="stable"):
        if withheld == 0 or withheld >= MIN_GROUP:
            break
        if shown[k]:
            shown[k] = False
            withheld += int(count[k])
    return np.flatnonzero(shown)


def _by_alignment(ids: tuple[str, ...], alignments: np.ndarray) -> list[str]:
    """`ids` sorted by alignment ascending, NaN last, ties keeping their order."""
    return [ids[i] for i in np.argsort(alignments, kind="stable")]


def _divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan)
