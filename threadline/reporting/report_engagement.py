"""The engagement report's content: what the client may see of an engagement, as data for the PDF template.

Client-safe only: everything comes from `TeamView.client_safe()` (no department under
`MIN_GROUP`, none from which a small group could be worked out, no per-respondent rows), the
caller passes no respondent names, and the departments offered but withheld are never listed.
The texts and figures are the dashboard's (`threadline.reporting.teamdata`, `charts`).

`EngagementReport.silo_summary` holds the largest differences between the groups shown (issue 9);
`consensus` and `consensus_plan` say what the client page (`app_pages/client.py`) says: progress
over the required questions, "Agreed so far (partial)" and no stage until all are agreed, and per
dimension the agreed target stage and the actions (owners are the names the consultant typed for
the plan, not respondents'). The caller passes the actions as plain `PlannedAction`s.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
from PIL import Image

from scoring.answers import Answer
from scoring.bank import Bank
from scoring.engine import Result
from scoring.plan import agreed_answers, consensus_dimensions, consensus_progress
from scoring.team import MIN_GROUP, TeamView, round_change
from threadline.reporting import charts, teamdata
from threadline.reporting.report import Chart, Table, day_of

LOGO_MAX_BYTES = 1_000_000
LOGO_MAX_PIXELS = 4_000_000  # decoded size: a small file that unpacks into a huge image is refused
LOGO_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
DISPUTED_IN_REPORT = teamdata.DISPUTED_BY_DEFAULT


class LogoProblem(ValueError):
    """Why an uploaded logo cannot go into the report, in plain words."""


@dataclass(frozen=True)
class Logo:
    """A checked logo: the bytes as uploaded (decoded once to check them) and their type."""

    data: bytes
    mime: str

    @property
    def data_url(self) -> str:
        import base64

        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"


def checked_logo(data: bytes) -> Logo:
    """The logo if it is a PNG or JPEG under the size limits that decodes cleanly, else `LogoProblem`."""
    if not data:
        raise LogoProblem("The logo file is empty.")
    if len(data) > LOGO_MAX_BYTES:
        raise LogoProblem(f"The logo is larger than {LOGO_MAX_BYTES // 1_000_000} MB; please use a smaller file.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            if kind not in LOGO_FORMATS:
                raise LogoProblem("The logo must be a PNG or JPEG image.")
            width, height = image.size
            if width * height > LOGO_MAX_PIXELS:
                raise LogoProblem("The logo has too many pixels; please use an image of at most 2000 × 2000.")
            image.verify()  # every chunk whole and its checksum right
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # and decoded in full: a truncated or damaged file fails here, not in the PDF
    except LogoProblem:
        raise
    except Exception as problem:  # Pillow's many ways of saying "not an image"
        raise LogoProblem("The logo could not be read as a PNG or JPEG image.") from problem
    return Logo(data, LOGO_FORMATS[kind])


@dataclass(frozen=True)
class DisputedQuestion:
    """One of the most disputed questions: its figures, its distribution chart and the same as a table."""

    rank: int
    text: str
    dimension: str
    figures: str
    chart: Chart
    table: Table


@dataclass(frozen=True)
class Consensus:
    """The workshop's consensus as the client page gives it.

    progress: "7 of 39 agreed" (required scored questions); label: "Agreed" or "Agreed so far
    (partial)"; headline: the agreed stage, only once every required question is agreed; note:
    the partial consensus's warning; answers: every agreed answer with its reason, in bank order;
    radar and radar_table: the agreed scores beside the team mean, as the client page draws them.
    """

    progress: str
    complete: bool
    label: str
    headline: str | None
    note: str | None
    answers: Table
    radar: Chart | None = None  # the agreed scores beside the team mean, once anything is agreed
    radar_table: Table | None = None


@dataclass(frozen=True)
class PlanDimension:
    """One dimension of the consensus plan: its agreed target stage, its actions, or the suggested steps."""

    title: str
    caption: str
    actions: Table | None
    seeds: tuple[str, ...]


@dataclass(frozen=True)
class EngagementReport:
    """Everything the engagement report shows, in order."""

    document_title: str
    client: str
    consultant: str | None
    header_text: str | None
    logo: Logo | None
    round: int
    bank_title: str
    bank_version: str
    generated: str
    responses: Table
    response_note: str
    headline: str
    weakest_link: str | None
    radar: Chart
    scores: Table
    perception: Chart | None
    perception_table: Table | None
    perception_note: str
    disputed: tuple[DisputedQuestion, ...]
    change: Table | None
    change_note: str | None
    consensus: Consensus | None
    silo_summary: str | None = None  # issue 9: the largest differences between the groups shown, in words
    consensus_plan: tuple[PlanDimension, ...] = ()  # issue 9: per dimension, in bank order

    @property
    def charts(self) -> tuple[Chart, ...]:
        """The figures to draw, each once."""
        found = [self.radar, *(question.chart for question in self.disputed)]
        if self.perception is not None:
            found.append(self.perception)
        if self.consensus is not None and self.consensus.radar is not None:
            found.append(self.consensus.radar)
        return tuple(found)


@dataclass(frozen=True)
class PreviousRound:
    """The round before, for the change per dimension: its number and its team view."""

    round: int
    view: TeamView


@dataclass(frozen=True)
class PlannedAction:
    """One action of the consensus plan (`threadline.storage.ConsensusAction`'s fields), copied as plain data."""

    dimension_id: str
    text: str
    owner: str
    due_on: date | None
    status: str  # open / in_progress / done (`teamdata.ACTION_STATUS_NAMES`)


@dataclass(frozen=True)
class ConsensusInput:
    """The consensus assessment: agreed answers, reasons and targets, and the plan's actions in their order."""

    answers: Mapping[str, Answer]
    reasons: Mapping[str, str]
    targets: Mapping[str, int] | None = None
    actions: tuple[PlannedAction, ...] = ()


def engagement_report(
    bank: Bank,
    view: TeamView,
    *,
    client: str,
    consultant: str,
    header_text: str,
    round_number: int,
    generated_on: date,
    logo: Logo | None = None,
    previous: PreviousRound | None = None,
    consensus: ConsensusInput | None = None,
) -> EngagementReport:
    """The client's report of one round. `view` may be the consultant's: only its client-safe copy is used."""
    safe = view.client_safe()
    titles = [d.title for d in bank.dimensions]
    shown = [k for k in range(len(safe.departments.names)) if safe.departments.count[k] > 0]
    names = [safe.departments.names[k] for k in shown]
    series = {"Team mean": teamdata.values(safe.dimensions.mean)}
    for k in shown:
        series[f"{safe.departments.names[k]} (n={int(safe.departments.count[k])})"] = teamdata.values(
            safe.departments.dimension_means[k]
        )
    perception, perception_table, perception_note = _perception(bank, safe, names, titles)
    change, change_note = _change(bank, view, previous, round_number)
    return EngagementReport(
        document_title=f"{client}: {bank.title}, round {round_number}",
        client=client,
        consultant=consultant.strip() or None,
        header_text=header_text.strip() or None,
        logo=logo,
        round=round_number,
        bank_title=bank.title,
        bank_version=bank.version,
        generated=f"Report made {day_of(generated_on)}",
        responses=_responses(safe, shown),
        # Not `teamdata.withheld_caption`: the printed report never names a department it withholds.
        response_note=(
            f"Departments with fewer than {MIN_GROUP} responses are not shown separately, and neither is a "
            f"department from which such a group could be worked out; their responses count in the team figures."
        ),
        headline=teamdata.team_headline(bank, safe),
        weakest_link=teamdata.team_weakest_link_note(bank, safe),
        radar=Chart(
            "team-radar",
            charts.team_radar(bank, titles, series),
            "Radar chart of the team mean and each department's mean per dimension",
            _radar_summary(safe, titles),
            640,
            540,
        ),
        scores=_scores(bank, safe, shown),
        perception=perception,
        perception_table=perception_table,
        perception_note=perception_note,
        disputed=_disputed(bank, safe),
        change=change,
        change_note=change_note,
        consensus=_consensus(bank, safe, consensus),
        silo_summary=" ".join(teamdata.silo_summary(bank, safe)) or None,
        consensus_plan=_plan(bank, consensus),
    )


def _responses(safe: TeamView, shown: list[int]) -> Table:
    rows = [(safe.departments.names[k], str(int(safe.departments.count[k]))) for k in shown]
    if safe.departments.withheld:
        rows.append(("Other departments together", str(safe.departments.withheld)))
    total = int(sum(int(safe.departments.count[k]) for k in shown)) + safe.departments.withheld
    rows.append(("Everyone", str(total)))
    return Table(("Group", "Submitted responses"), tuple(rows))


def _radar_summary(safe: TeamView, titles: list[str]) -> str:
    means = teamdata.values(safe.dimensions.mean)
    scored = [(t, m) for t, m in zip(titles, means, strict=True) if m is not None]
    if not scored:
        return "No dimension has a team mean yet."
    high = max(scored, key=lambda pair: pair[1])
    low = min(scored, key=lambda pair: pair[1])
    return f"Team mean highest in {high[0]} ({high[1]:.2f}), lowest in {low[0]} ({low[1]:.2f})."


def _fmt(value: float) -> str:
    return "–" if np.isnan(value) else f"{value:.2f}"


def _scores(bank: Bank, safe: TeamView, shown: list[int]) -> Table:
    stats = safe.dimensions
    columns = ["Dimension", "Team mean", "Stage", "Alignment"]
    columns += [f"{safe.departments.names[k]} (n={int(safe.departments.count[k])})" for k in shown]
    rows = []
    for i, dimension in enumerate(bank.dimensions):
        level = int(stats.level[i])
        row = [
            dimension.title,
            _fmt(stats.mean[i]),
            bank.levels[level - 1].name if level else "not assessed",
            _fmt(stats.alignment[i]),
        ]
        row += [_fmt(safe.departments.dimension_means[k][i]) for k in shown]
        rows.append(tuple(row))
    return Table(tuple(columns), tuple(rows))


def _perception(
    bank: Bank, safe: TeamView, names: list[str], titles: list[str]
) -> tuple[Chart | None, Table | None, str]:
    """Leadership (or the first department) beside everyone else, as the dashboard opens it."""
    if len(names) < 2:
        return None, None, "The perception gap needs at least two departments that can be shown."
    group_a = [n for n in names if n.lower() == "leadership"] or [names[0]]
    group_b = [n for n in names if n not in group_a]
    means_a, means_b = safe.perception_gap(group_a, group_b)
    label_a, label_b = " + ".join(group_a), " + ".join(group_b)
    series = {label_a: teamdata.values(means_a), label_b: teamdata.values(means_b)}
    chart = Chart(
        "perception",
        charts.team_radar(bank, titles, series),
        f"Radar chart of {label_a} beside {label_b}, the mean per dimension",
        f"{label_a} compared with {label_b}: the difference is {label_a} minus {label_b}.",
        640,
        520,
    )
    rows = tuple((title, _fmt(a), _fmt(b), _fmt(a - b)) for title, a, b in zip(titles, means_a, means_b, strict=True))
    table = Table(("Dimension", label_a, label_b, "Difference"), rows)
    return chart, table, "Each group's mean counts each of its respondents once."


def _disputed(bank: Bank, safe: TeamView) -> tuple[DisputedQuestion, ...]:
    found = []
    for rank, question_id in enumerate(safe.disputed_questions()[:DISPUTED_IN_REPORT], start=1):
        question = bank.questions[question_id]
        stats = teamdata.question_row(safe, question_id)
        labels, rows, counts = teamdata.distribution_rows(bank, safe, question_id)
        figure = charts.distribution_bars(labels, rows, counts)
        found.append(
            DisputedQuestion(
                rank,
                question.text,
                bank.dimension_of[question_id].title,
                f"alignment {stats['alignment']} · mean {stats['mean']} · spread (sd) {stats['sd']} · "
                f"N/A {stats['na_share']}",
                Chart(
                    f"question-{rank}",
                    figure,
                    f"Stacked bar chart of how each group answered: {question.text}",
                    "",
                    640,
                    int(figure.layout.height or 300),
                ),
                _distribution_table(labels, rows, counts),
            )
        )
    return tuple(found)


def _distribution_table(labels: list[str], groups: list[str], counts: list[list[int]]) -> Table:
    """One row per answer, one column per group (answers are long, group names short)."""
    rows = tuple((label, *(str(row[k]) for row in counts)) for k, label in enumerate(labels))
    return Table(("Answer", *groups), rows)


def _change(
    bank: Bank, view: TeamView, previous: PreviousRound | None, round_number: int
) -> tuple[Table | None, str | None]:
    if previous is None:
        return None, None
    change = round_change(previous.view, view)
    before = dict(zip(previous.view.dimensions.ids, previous.view.dimensions.mean, strict=True))
    after = dict(zip(view.dimensions.ids, view.dimensions.mean, strict=True))
    rows = tuple(
        (
            d.title,
            _fmt(before.get(d.id, np.nan)),
            _fmt(after.get(d.id, np.nan)),
            _signed(change.get(d.id, np.nan)),
        )
        for d in bank.dimensions
    )
    table = Table(("Dimension", f"Round {previous.round}", f"Round {round_number}", "Change"), rows)
    return table, f"The team mean per dimension, round {round_number} minus round {previous.round}."


def _signed(value: float) -> str:
    return "–" if np.isnan(value) else f"{value:+.2f}"


def _consensus(bank: Bank, safe: TeamView, consensus: ConsensusInput | None) -> Consensus | None:
    """The client page's "What the workshop agreed" and "The agreed answers and why", in its words."""
    if consensus is None or not (consensus.answers or consensus.actions or consensus.targets):
        return None
    progress = consensus_progress(bank, consensus.answers)
    result = teamdata.score_answers(bank, dict(consensus.answers)) if progress.agreed else None
    complete = progress.complete
    label = "Agreed" if complete else "Agreed so far (partial)"
    stage = (
        f"Agreed stage {result.level} of {bank.level_count}: {result.level_name}"
        if complete and result is not None and result.level
        else None
    )
    rows = tuple(
        (
            bank.questions[item.question_id].text,
            teamdata.answer_text(bank, item.question_id, item.answer),
            item.reason,
        )
        for item in agreed_answers(bank, consensus.answers, consensus.reasons)
    )
    return Consensus(
        progress=progress.text(),
        complete=complete,
        label=label,
        headline=stage,
        note=None
        if complete
        else f"Partial consensus: {progress.text()}. The agreed stage is given once every question is agreed.",
        answers=Table(("Question", "Agreed answer", "Why"), rows),
        radar=None if result is None else _agreed_radar(bank, safe, label, result),
        radar_table=None if result is None else _agreed_table(bank, safe, label, result),
    )


def _agreed_radar(bank: Bank, safe: TeamView, label: str, result: Result) -> Chart:
    titles = [d.title for d in bank.dimensions]
    series = {"Team mean": teamdata.values(safe.dimensions.mean), label: [d.score for d in result.dimensions]}
    return Chart(
        "consensus-radar",
        charts.team_radar(bank, titles, series),
        f"Radar chart of the team mean beside the workshop's scores ({label.lower()}) per dimension",
        f"{label}: the workshop's agreed answers scored per dimension, beside the team mean; the table gives both.",
        640,
        520,
    )


def _agreed_table(bank: Bank, safe: TeamView, label: str, result: Result) -> Table:
    means = teamdata.values(safe.dimensions.mean)
    rows = tuple(
        (d.title, "–" if mean is None else f"{mean:.2f}", "–" if d.score is None else f"{d.score:.2f}")
        for d, mean in zip(result.dimensions, means, strict=True)
    )
    return Table(("Dimension", "Team mean", label), rows)


def _plan(bank: Bank, consensus: ConsensusInput | None) -> tuple[PlanDimension, ...]:
    """Per dimension in bank order, as the client page lists them: the agreed target and the actions."""
    if consensus is None:
        return ()
    found = []
    for part in consensus_dimensions(bank, consensus.answers, consensus.targets):
        mine = [a for a in consensus.actions if a.dimension_id == part.dimension_id]
        if not mine and part.target is None and not part.agreed:
            continue
        target = f"{part.target}. {bank.levels[part.target - 1].name}" if part.target else "not agreed yet"
        actions = Table(
            ("Action", "Owner", "Due", "Status"),
            tuple(
                (
                    a.text,
                    a.owner,
                    f"{a.due_on:%d %b %Y}" if a.due_on else "",
                    teamdata.ACTION_STATUS_NAMES.get(a.status, a.status),
                )
                for a in mine
            ),
        )
        found.append(
            PlanDimension(
                part.title,
                f"{part.agreed} of {part.questions} questions agreed · agreed target stage: {target}",
                actions if mine else None,
                () if mine else part.seeds,
            )
        )
    return tuple(found)
