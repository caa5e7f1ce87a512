"""The rounds of an engagement compared: per dimension and department, with n, the change and the mix.

A team mean can stay flat while every department moves, when a different mix of people
answered: Customer service rose 1.40 -> 2.60 but the team stayed at 2.50 because a low-scoring
department answered in round 2 and not in round 1. `compare_rounds` therefore gives, per
dimension, the team and each department in every round with its n, the change from the
previous round and from the first, and a `MixShift` where the mix explains the team's change.

The mix rule: between two consecutive rounds, the *standardised change* is the change the team
would have shown with the earlier round's mix, the mean of the departments' own changes weighted
by their share of the earlier round (departments with a mean in both rounds only). The marker is
set when the team's change and the standardised change differ by at least `MIX_THRESHOLD` points.
A shift of shares alone marks nothing: when every department scores the same, who answered does
not move the mean.

Client-safe: pass `TeamView.client_safe()` views and a department appears only in the rounds
where it was shown; a round where it was withheld is absent (None), never worked out from the
team and the other departments, in that round or across rounds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scoring.team import TeamView

MIX_THRESHOLD = 0.25
"""Team change minus standardised change (points) from which the mix is said to explain the change."""


@dataclass(frozen=True)
class Figure:
    """One group's mean in one round and the respondents it pools; mean None (n 0) when absent."""

    mean: float | None
    n: int


@dataclass(frozen=True)
class Line:
    """The team or one department across the rounds: one `Figure` per round, first round first."""

    name: str
    figures: tuple[Figure, ...]

    def change(self, before: int, after: int) -> float | None:
        """The mean in round index `after` minus that in `before`; None unless both rounds have one."""
        first, second = self.figures[before].mean, self.figures[after].mean
        return None if first is None or second is None else second - first

    @property
    def from_previous(self) -> tuple[float | None, ...]:
        """Per round, the change from the round before (None for the first round)."""
        return (None, *(self.change(r - 1, r) for r in range(1, len(self.figures))))

    @property
    def from_first(self) -> tuple[float | None, ...]:
        """Per round, the change from the first round (None for the first round)."""
        return (None, *(self.change(0, r) for r in range(1, len(self.figures))))


@dataclass(frozen=True)
class MixShift:
    """Between rounds `before` and `after` (indices), the mix of respondents explains the team's change.

    team_change: the team's change; standardised_change: the change with round `before`'s mix
    (see the module docstring); sentence: both in words, with the departments that moved most
    and where more of the answers came from.
    """

    before: int
    after: int
    team_change: float
    standardised_change: float
    sentence: str


@dataclass(frozen=True)
class DimensionRounds:
    """One dimension across the rounds: the team, each department (first-seen order) and the mix markers.

    unaccounted: in some two consecutive rounds the departments listed do not hold every answer
    of the team (a client-safe view withholds some), so the mix was not compared there.
    """

    id: str
    title: str
    team: Line
    departments: tuple[Line, ...]
    mix: tuple[MixShift, ...]
    unaccounted: bool = False


@dataclass(frozen=True)
class QuestionMove:
    """One scored question's team mean per round (with n answering) and its change from the first to the last."""

    id: str
    figures: tuple[Figure, ...]
    change: float


@dataclass(frozen=True)
class SeriesComparison:
    """The rounds compared: their numbers, each dimension, and the questions that moved most (largest first)."""

    rounds: tuple[int, ...]
    dimensions: tuple[DimensionRounds, ...]
    moved: tuple[QuestionMove, ...]

    @property
    def mix_sentences(self) -> list[str]:
        """Every mix marker in words, dimension by dimension, earlier rounds first."""
        return [shift.sentence for dimension in self.dimensions for shift in dimension.mix]


def compare_rounds(
    views: Sequence[TeamView | None],
    rounds: Sequence[int],
    dimensions: Sequence[tuple[str, str]],
    question_ids: Sequence[str],
) -> SeriesComparison:
    """Compare the rounds' views (first round first; None for a round nobody submitted in).

    dimensions: (id, title) of the latest bank, matched by id in every round; question_ids:
    its scored questions, bank order. Departments are those of the views' `departments`, in
    first-seen order (so client-safe views give only the groups the client may see).
    """
    if len(views) != len(rounds):
        raise ValueError(f"{len(views)} views for {len(rounds)} rounds")
    names = list(dict.fromkeys(name for view in views if view is not None for name in view.departments.names))
    compared = tuple(_dimension(views, tuple(rounds), names, dimension_id, title) for dimension_id, title in dimensions)
    return SeriesComparison(tuple(rounds), compared, _moved(views, question_ids))


def _dimension(
    views: Sequence[TeamView | None], rounds: tuple[int, ...], names: list[str], dimension_id: str, title: str
) -> DimensionRounds:
    team = Line("Team", tuple(_team_figure(view, dimension_id) for view in views))
    departments = tuple(Line(name, tuple(_department_figure(v, name, dimension_id) for v in views)) for name in names)
    shifts, unaccounted = [], False
    for after in range(1, len(views)):
        if not (_accounted(team, departments, after - 1) and _accounted(team, departments, after)):
            # a standardised change over the groups shown only would speak for a team it does not hold
            unaccounted = unaccounted or (team.figures[after - 1].n > 0 and team.figures[after].n > 0)
            continue
        shift = _mix_shift(views, rounds, title, team, departments, after - 1, after, dimension_id)
        if shift is not None:
            shifts.append(shift)
    return DimensionRounds(dimension_id, title, team, departments, tuple(shifts), unaccounted)


def _accounted(team: Line, departments: tuple[Line, ...], index: int) -> bool:
    """Whether the departments listed hold every answer the team has in this round."""
    return sum(line.figures[index].n for line in departments) == team.figures[index].n


def _team_figure(view: TeamView | None, dimension_id: str) -> Figure:
    if view is None or dimension_id not in view.dimensions.ids:
        return Figure(None, 0)
    d = view.dimensions.ids.index(dimension_id)
    return _figure(float(view.dimensions.mean[d]), int(view.dimensions.count[d]))


def _department_figure(view: TeamView | None, name: str, dimension_id: str) -> Figure:
    if view is None or name not in view.departments.names or dimension_id not in view.dimensions.ids:
        return Figure(None, 0)
    k, d = view.departments.names.index(name), view.dimensions.ids.index(dimension_id)
    return _figure(float(view.departments.dimension_means[k, d]), int(view.departments.dimension_counts[k, d]))


def _figure(mean: float, n: int) -> Figure:
    return Figure(None, 0) if n == 0 or math.isnan(mean) else Figure(mean, n)


def _mix_shift(
    views: Sequence[TeamView | None],
    rounds: tuple[int, ...],
    title: str,
    team: Line,
    departments: tuple[Line, ...],
    before: int,
    after: int,
    dimension_id: str,
) -> MixShift | None:
    """The marker between two rounds, or None when the mix does not explain the team's change."""
    team_change = team.change(before, after)
    both = [line for line in departments if line.change(before, after) is not None]
    weight = sum(line.figures[before].n for line in both)
    if team_change is None or weight == 0:
        return None
    standardised = sum(line.figures[before].n * (line.change(before, after) or 0.0) for line in both) / weight
    if abs(team_change - standardised) < MIX_THRESHOLD:
        return None
    shares = _shares(views, team, before, after, dimension_id)
    sentence = _sentence(title, (rounds[before], rounds[after]), team, both, (before, after), standardised, shares)
    return MixShift(before, after, team_change, standardised, sentence)


def _shares(
    views: Sequence[TeamView | None], team: Line, before: int, after: int, dimension_id: str
) -> list[tuple[str, float, float]]:
    """(department, share before, share after) of the team's answers, for departments listed in both rounds.

    A department listed with nobody answering has share 0; one not listed (withheld from a
    client-safe view, or not offered) has no known share and is left out.
    """
    first, second = views[before], views[after]
    if first is None or second is None:
        return []
    listed = [name for name in first.departments.names if name in second.departments.names]
    return [
        (
            name,
            _department_figure(first, name, dimension_id).n / team.figures[before].n,
            _department_figure(second, name, dimension_id).n / team.figures[after].n,
        )
        for name in listed
    ]


def _sentence(
    title: str,
    numbers: tuple[int, int],
    team: Line,
    both: list[Line],
    indices: tuple[int, int],
    standardised: float,
    shares: list[tuple[str, float, float]],
) -> str:
    """'Social customer care, round 1 → 2: Customer service rose 1.40 → 2.60 while the team stayed at 2.50; ...'."""
    before, after = indices
    moved = sorted(
        (line for line in both if round(line.change(before, after) or 0.0, 2) != 0),
        key=lambda line: -abs(line.change(before, after) or 0.0),
    )[:2]
    departments = " and ".join(_movement(line.name, line, before, after) for line in moved)
    team_words = _movement("the team", team, before, after)
    opening = f"{departments} while {team_words}" if moved else f"{team_words} while no department moved"
    text = (
        f"{title}, round {numbers[0]} → {numbers[1]}: {opening}; with round {numbers[0]}'s mix of departments "
        f"the team would have moved {standardised:+.2f}."
    )
    risen = max(shares, key=lambda share: share[2] - share[1], default=None)
    if risen is not None and risen[2] - risen[1] >= 0.005:
        text += f" More of the team's answers came from {risen[0]} this round ({risen[1]:.0%} → {risen[2]:.0%})."
    return text


def _movement(name: str, line: Line, before: int, after: int) -> str:
    """'Customer service rose 1.40 → 2.60', 'the team stayed at 2.50', from means rounded to two places."""
    first, second = line.figures[before].mean, line.figures[after].mean
    assert first is not None and second is not None  # callers pass lines with both
    if round(first, 2) == round(second, 2):
        return f"{name} stayed at {first:.2f}"
    verb = "rose" if second > first else "fell"
    return f"{name} {verb} {first:.2f} → {second:.2f}"


def _moved(views: Sequence[TeamView | None], question_ids: Sequence[str]) -> tuple[QuestionMove, ...]:
    """The questions with a team mean in the first and the last round that moved, largest change first.

    Ties in bank order; a change under 0.005 either way (0.00 on the page) is left out.
    """
    moves = []
    for question_id in question_ids:
        figures = tuple(_question_figure(view, question_id) for view in views)
        first, last = figures[0].mean, figures[-1].mean
        # a change that shows as 0.00 is no movement: listing it would bury the ones that moved
        if first is not None and last is not None and len(figures) > 1 and round(last - first, 2) != 0:
            moves.append(QuestionMove(question_id, figures, last - first))
    return tuple(sorted(moves, key=lambda move: -abs(round(move.change, 9))))


def _question_figure(view: TeamView | None, question_id: str) -> Figure:
    if view is None or question_id not in view.questions.ids:
        return Figure(None, 0)
    q = view.questions.ids.index(question_id)
    return _figure(float(view.questions.mean[q]), int(view.questions.answered[q]))
