"""The engagement pages' figures: tables and texts built from team views.

Aggregation itself is `scoring.team` (pure, vectorised); the views come from
`threadline.web.teamviews` (cached per engagement). No Streamlit here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import TypedDict

import numpy as np
import pandas as pd

from scoring import groups
from scoring.answers import NA_LABEL, Responses, as_answers
from scoring.bank import Bank
from scoring.engine import Result, score
from scoring.plan import ConsensusProgress
from scoring.plan import consensus_progress as _progress
from scoring.team import MIN_GROUP, NA_COLUMN, TeamView, shown_departments
from threadline.storage import EngagementRecord, Respondent, Store

DISAGREEMENT_WAITING = "Disagreement appears once a response is submitted."
"""The Disagreement tab before any submission (the team view exists from the first one)."""

FULL_EXPORT_WARNING = (
    "The files below hold respondents' names, their free-text answers and every department, small "
    f"ones included (under {MIN_GROUP} responses a person's answers can be told apart). Keep them to "
    "yourself; give the client the workbook above."
)
"""Said on the dashboard above every export that holds names or small groups."""

ACTION_STATUS_NAMES = {"open": "Open", "in_progress": "In progress", "done": "Done"}
"""An action's status (`threadline.storage.ACTION_STATUSES`) in words, in the order offered."""

FEWEST_DISPUTED = 3
"""Below this many scored questions the dashboard lists them all, with no 'How many questions' slider."""
DISPUTED_BY_DEFAULT = 8


def disputed_count_choice(question_count: int) -> tuple[int, int, int] | None:
    """(fewest, most, default) for choosing how many disputed questions to list; None: list them all.

    A choice needs at least two counts to choose from: with FEWEST_DISPUTED questions or fewer
    there is nothing to choose (a slider from 3 to 3 is an error in Streamlit).
    """
    if question_count <= FEWEST_DISPUTED:
        return None
    return FEWEST_DISPUTED, question_count, min(DISPUTED_BY_DEFAULT, question_count)


def values(array: np.ndarray) -> list[float | None]:
    """Plain floats for charts and tables, None where the array holds NaN."""
    return [None if np.isnan(v) else float(v) for v in array]


def _fmt(value: float, digits: int = 2) -> str:
    return "–" if value is None or np.isnan(value) else f"{value:.{digits}f}"


def team_headline(bank: Bank, view: TeamView) -> str:
    """'Team stage 3 of 5: Coordinating (mean 3.12)'."""
    if view.overall_level == 0:
        return "Not enough answers for a team stage yet"
    name = bank.levels[view.overall_level - 1].name
    return f"Team stage {view.overall_level} of {bank.level_count}: {name} (mean {view.overall_mean:.2f})"


def team_weakest_link_note(bank: Bank, view: TeamView) -> str | None:
    """Why the team's stage is below its average's, as for one assessment."""
    if view.limited_by is None:
        return None
    index = view.dimensions.ids.index(view.limited_by)
    weakest = bank.dimensions[index]
    level = int(view.dimensions.level[index])
    return (
        f"The team's average would say {bank.levels[_level(bank, view.overall_mean) - 1].name}; "
        f"{weakest.title} at {bank.levels[level - 1].name} holds the team at "
        f"{bank.levels[view.overall_level - 1].name}."
    )


def _level(bank: Bank, value: float) -> int:
    from scoring.engine import level_of

    return level_of(bank, float(value)) or 1


def responses_by_department(engagement: EngagementRecord, respondents: list[Respondent]) -> pd.DataFrame:
    """Started and submitted responses per department, and whether the client may see it."""
    started = Counter(r.department for r in respondents)
    submitted = Counter(r.department for r in respondents if r.status == "submitted")
    names = list(dict.fromkeys([*engagement.departments, *started]))
    shown = _client_departments(engagement, respondents)
    group_of = {member: group for group, members in engagement.department_groups for member in members}

    def client_sees(name: str | None) -> str:
        group = group_of.get(name or "")
        if (group or name or "") in shown:
            return "yes" if group is None else f"yes, in {group}"
        grouped = sum(submitted.get(m, 0) for g, ms in engagement.department_groups if g == group for m in ms)
        if (grouped if group else submitted.get(name, 0)) < MIN_GROUP:
            return f"no (under {MIN_GROUP})" if group is None else f"no ({group} is under {MIN_GROUP})"
        return f"no (would reveal a group under {MIN_GROUP})"

    return pd.DataFrame(
        {
            "Department": names,
            "Started": [started.get(n, 0) for n in names],
            "Submitted": [submitted.get(n, 0) for n in names],
            "Shown to the client": [client_sees(n) for n in names],
        }
    )


def changed_note(respondents: list[Respondent]) -> str | None:
    """How many submitted responses were changed after they were submitted (None: none)."""
    changed = sum(1 for r in respondents if r.status == "submitted" and r.changed_after_submitting)
    if not changed:
        return None
    if changed == 1:
        return "1 submitted response was changed after it was submitted; every figure includes the change."
    return f"{changed} submitted responses were changed after they were submitted; every figure includes the change."


def unfinished_by_department(engagement: EngagementRecord, respondents: list[Respondent]) -> pd.DataFrame:
    """Per department: responses started and not submitted, how many of them named and anonymous."""
    waiting = [r for r in respondents if r.status != "submitted"]
    names = list(dict.fromkeys([*engagement.departments, *(r.department for r in respondents)]))
    named = Counter(r.department for r in waiting if r.respondent)
    anonymous = Counter(r.department for r in waiting if not r.respondent)
    return pd.DataFrame(
        {
            "Department": [name or "" for name in names],
            "Not submitted": [named[n] + anonymous[n] for n in names],
            "Named": [named[n] for n in names],
            "Anonymous": [anonymous[n] for n in names],
        }
    )


def unfinished_named(respondents: list[Respondent]) -> pd.DataFrame:
    """The named respondents who started and have not submitted (anonymous ones only count, above)."""
    waiting = [r for r in respondents if r.status != "submitted" and r.respondent]
    return pd.DataFrame(
        {
            "Name": [r.respondent for r in waiting],
            "Department": [r.department or "" for r in waiting],
            "Started": [f"{r.created_at:%d %b %Y}" for r in waiting],
            "Last answer": [f"{r.answered_at:%d %b %Y %H:%M}" if r.answered_at else "none yet" for r in waiting],
        }
    )


def response_label(position: int, respondent: Respondent) -> str:
    """A response as the fieldwork tools list it: '#3 · Marketing · Ann · submitted'."""
    status = "submitted" if respondent.status == "submitted" else "not submitted"
    who = respondent.respondent or "anonymous"
    return f"#{position} · {respondent.department or 'no department'} · {who} · {status}"


def _client_departments(engagement: EngagementRecord, respondents: list[Respondent]) -> set[str]:
    """The departments (or named groups) whose breakdown `TeamView.client_safe` keeps, as the pages build it.

    Not only those with MIN_GROUP submissions: while fewer than MIN_GROUP respondents are withheld,
    the smallest shown departments are withheld too (see `scoring.team.TeamView.client_safe`).
    """
    group_of = {member: group for group, members in engagement.department_groups for member in members}
    submitted = [group_of.get(r.department or "", r.department or "") for r in respondents if r.status == "submitted"]
    order = list(dict.fromkeys([group_of.get(d, d) for d in engagement.departments] + submitted))
    counts = Counter(submitted)
    return {order[k] for k in shown_departments(np.array([counts[n] for n in order], dtype=int))}


def submissions_by_day(submitted: list[Respondent]) -> tuple[list[date], list[int]]:
    """Days with submissions and the running total of submitted responses."""
    per_day = Counter(r.submitted_at.date() for r in submitted if r.submitted_at)
    days = sorted(per_day)
    totals = np.cumsum([per_day[d] for d in days]).tolist()
    return days, totals


def dimension_table(bank: Bank, view: TeamView) -> pd.DataFrame:
    """Per dimension: team mean, stage, lowest and highest score, spread, alignment, and each department."""
    stats = view.dimensions
    frame = pd.DataFrame(
        {
            "Dimension": [d.title for d in bank.dimensions],
            "Team mean": np.round(stats.mean, 2),
            "Stage": [bank.levels[level - 1].name if level else "not assessed" for level in stats.level],
            "Lowest": np.round(stats.minimum, 2),
            "Highest": np.round(stats.maximum, 2),
            "Spread (sd)": np.round(stats.sd, 2),
            "Alignment": np.round(stats.alignment, 2),
            "Responses": stats.count,
        }
    )
    for k, name in enumerate(view.departments.names):
        frame[f"{name} (n={int(view.departments.count[k])})"] = np.round(view.departments.dimension_means[k], 2)
    return frame


def question_row(view: TeamView, question_id: str) -> dict[str, str]:
    """One question's team figures, formatted for a caption."""
    q = view.questions.ids.index(question_id)
    stats = view.questions
    return {
        "alignment": _fmt(stats.alignment[q]),
        "mean": _fmt(stats.mean[q]),
        "sd": _fmt(stats.sd[q]),
        "na_share": "–" if np.isnan(stats.na_share[q]) else f"{stats.na_share[q]:.0%}",
    }


def distribution_rows(bank: Bank, view: TeamView, question_id: str) -> tuple[list[str], list[str], list[list[int]]]:
    """(option labels, row names, counts per row and option) for a stacked bar: everyone, then each department
    that has responses."""
    question = bank.scored_questions[question_id]
    distribution = view.distributions[question_id]
    labels_by_id = {o.id: o.label for o in question.options} | {NA_COLUMN: NA_LABEL}
    labels = [labels_by_id[c] for c in distribution.columns]
    counts = distribution.counts
    # departments someone answered from: an offered department with no response would be an empty row
    present = [d for d in range(len(view.departments.names)) if view.departments.count[d] > 0]
    names = [f"{view.departments.names[d]} (n={int(view.departments.count[d])})" for d in present]
    keep = [k for k in range(len(labels)) if distribution.team_counts[k] > 0 or distribution.columns[k] != NA_COLUMN]
    rows = [[int(distribution.team_counts[k]) for k in keep]] + [[int(counts[d][k]) for k in keep] for d in present]
    return [labels[k] for k in keep], ["Everyone", *names], rows


def question_table(bank: Bank, view: TeamView) -> pd.DataFrame:
    """Per scored question: team mean, spread and N/A share, then each department's mean."""
    stats = view.questions
    titles = {d.id: d.title for d in bank.dimensions}
    frame = pd.DataFrame(
        {
            "Dimension": [titles[d] for d in stats.dimension_ids],
            "Question": [bank.questions[q].text for q in stats.ids],
            "Team mean": np.round(stats.mean, 2),
            "Spread (sd)": np.round(stats.sd, 2),
            "Alignment": np.round(stats.alignment, 2),
            "N/A share": np.round(stats.na_share, 2),
        }
    )
    departments = view.departments
    for k, name in enumerate(departments.names):
        frame[f"{name}: mean"] = np.round(departments.question_means[k], 2)
        frame[f"{name}: sd"] = np.round(departments.question_sds[k], 2)
        frame[f"{name}: N/A"] = np.round(departments.question_na_share[k], 2)
    return frame


@dataclass(frozen=True)
class ConsensusSummary:
    """The workshop's consensus assessment: how far it got, and its scores once anything is agreed."""

    assessment_id: int
    token: str
    agreed: int
    total: int
    result: Result | None
    reasons: dict[str, str]
    answers: dict
    targets: dict[str, int] | None = None


def consensus_summary(store: Store, engagement: EngagementRecord, bank: Bank, dashboard_token: str) -> ConsensusSummary:
    """Open (or create) the engagement's consensus assessment and score it."""
    assessment_id, token = store.consensus_assessment(engagement.id, dashboard_token)
    record = store.assessment(assessment_id)
    answers = as_answers(record.answers)
    scored = [q for q in bank.questions.values() if q.is_scored]
    agreed = sum(1 for q in scored if q.id in answers)
    result = score(bank, Responses(answers)) if agreed else None
    reasons = store.reasons(assessment_id)
    return ConsensusSummary(assessment_id, token, agreed, len(scored), result, reasons, answers, record.targets)


def withheld_caption(view: TeamView, min_group: int = MIN_GROUP) -> str:
    """Under a client-safe picture: what is not shown and why, group by group (`scoring.groups`).

    `view` is the full view (the client-safe one no longer knows what it left out).
    """
    return groups.withheld_caption(view, min_group)


def silo_summary(bank: Bank, safe: TeamView, most: int = 3) -> list[str]:
    """The largest differences between the client-safe groups of `safe`, one sentence per dimension."""
    return groups.silo_summary(safe, {d.id: d.title for d in bank.dimensions}, most)


def gap_table(titles: list[str], label_a: str, means_a: np.ndarray, label_b: str, means_b: np.ndarray) -> pd.DataFrame:
    """The perception gap per dimension, largest difference (either way) first; no difference last."""
    frame = pd.DataFrame({"Dimension": titles, label_a: np.round(means_a, 2), label_b: np.round(means_b, 2)})
    frame["Difference"] = np.round(means_a, 2) - np.round(means_b, 2)
    frame["Difference"] = frame["Difference"].round(2)
    order = np.argsort(-np.nan_to_num(np.abs(frame["Difference"].to_numpy(dtype=float)), nan=-1.0), kind="stable")
    return frame.iloc[order].reset_index(drop=True)


def consensus_progress(bank: Bank, consensus: ConsensusSummary) -> ConsensusProgress:
    """How far the workshop got: '7 of 39 agreed'; partial until every required question is agreed."""
    return _progress(bank, consensus.answers)


def answer_text(bank: Bank, question_id: str, answer: object) -> str:
    """An agreed answer in words: the option's label, a multi question's ticked labels, or not applicable."""
    question = bank.scored_questions[question_id]
    names = {o.id: o.label for o in question.options}
    if answer is None:
        return NA_LABEL
    if isinstance(answer, str):
        return names.get(answer, answer)
    ticked = [names.get(option, option) for option in answer]  # type: ignore[attr-defined]
    return "; ".join(ticked) if ticked else "None of these"


def score_answers(bank: Bank, answers: dict) -> Result:
    """The consensus answers scored as one assessment."""
    return score(bank, Responses(answers))


class DistributionStyle(TypedDict):
    """The keyword arguments of `charts.distribution_bars` for one question."""

    ordinal: bool
    full_text: bool
    counting: str


def distribution_style(bank: Bank, question_id: str) -> DistributionStyle:
    """How a question's distribution is drawn on a wide page: full option text, ordinal colours for a choice only."""
    multi = bank.scored_questions[question_id].type == "multi"
    return {
        "ordinal": not multi,
        "full_text": True,
        "counting": "Respondents who ticked each option" if multi else "Respondents who chose each answer",
    }
