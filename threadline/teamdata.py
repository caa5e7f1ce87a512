"""The engagement pages' data: team views from stored answers, and tables and texts built from them.

Aggregation itself is `scoring.team` (pure, vectorised); this module fetches what it needs
from the store, caches the views, and shapes the figures for Streamlit (pandas tables).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import streamlit as st

from scoring.answers import Responses
from scoring.bank import Bank
from scoring.batch import encode
from scoring.engine import Result, score
from scoring.team import MIN_GROUP, NA_COLUMN, TeamView, round_change, shown_departments, team_view
from threadline import links, resources
from threadline.session import base_url
from threadline.store import EngagementRecord, Respondent, Store

NA_LABEL = "Not applicable / don't know"


def team_view_of(engagement: EngagementRecord, bank: Bank, respondents: list[Respondent]) -> TeamView | None:
    """The team view of an engagement's submitted responses (None before the first one).

    Cached per engagement and per set of submissions, so reruns that change nothing are free.
    """
    submitted = tuple(
        (r.assessment_id, r.department or "", r.submitted_at) for r in respondents if r.status == "submitted"
    )
    if not submitted:
        return None
    return _cached_view(engagement.id, engagement.bank_hash, tuple(engagement.departments), submitted)


@st.cache_resource(show_spinner=False, max_entries=32)
def _cached_view(engagement_id: int, bank_hash: str, order: tuple[str, ...], submitted: tuple) -> TeamView:
    bank = resources.stored_bank(bank_hash)
    answers = resources.store().respondent_answers([engagement_id])
    ids = [assessment_id for assessment_id, _, _ in submitted]
    table = encode(bank, [answers.get(aid, {}) for aid in ids])
    return team_view(bank, table, [department for _, department, _ in submitted], order)


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

    def client_sees(name: str | None) -> str:
        if (name or "") in shown:
            return "yes"
        if submitted.get(name, 0) < MIN_GROUP:
            return f"no (under {MIN_GROUP})"
        return f"no (would reveal a group under {MIN_GROUP})"

    return pd.DataFrame(
        {
            "Department": names,
            "Started": [started.get(n, 0) for n in names],
            "Submitted": [submitted.get(n, 0) for n in names],
            "Shown to the client": [client_sees(n) for n in names],
        }
    )


def _client_departments(engagement: EngagementRecord, respondents: list[Respondent]) -> set[str]:
    """The departments whose breakdown `TeamView.client_safe` keeps, in the view `team_view_of` builds.

    Not only those with MIN_GROUP submissions: while fewer than MIN_GROUP respondents are withheld,
    the smallest shown departments are withheld too (see `scoring.team.TeamView.client_safe`).
    """
    submitted = [r.department or "" for r in respondents if r.status == "submitted"]
    order = list(dict.fromkeys([*engagement.departments, *submitted]))
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
    question = bank.questions[question_id]
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


def consensus_summary(store: Store, engagement: EngagementRecord, bank: Bank, dashboard_token: str) -> ConsensusSummary:
    """Open (or create) the engagement's consensus assessment and score it."""
    assessment_id, token = store.consensus_assessment(engagement.id, dashboard_token)
    record = store.assessment(assessment_id)
    answers = {q: tuple(v) if isinstance(v, list) else v for q, v in record.answers.items()}
    scored = [q for q in bank.questions.values() if q.is_scored]
    agreed = sum(1 for q in scored if q.id in answers)
    result = score(bank, Responses(answers)) if agreed else None
    return ConsensusSummary(assessment_id, token, agreed, len(scored), result, store.reasons(assessment_id), answers)


def consensus_share_link(store: Store, consensus: ConsensusSummary) -> str | None:
    """The client's read-only link to the consensus results, when sharing is on."""
    token = store.current_share_token(consensus.assessment_id, consensus.token)
    return None if token is None else links.share_url(base_url(), token)


@dataclass(frozen=True)
class RoundsComparison:
    """The team mean per round (radar series) and the change per dimension (table)."""

    titles: list[str]
    series: dict[str, list[float | None]]
    table: pd.DataFrame


def rounds_comparison(store: Store, rounds: list[EngagementRecord]) -> RoundsComparison:
    """Compare the rounds of an engagement series on the latest round's dimensions."""
    views = []
    for record in rounds:
        bank = resources.stored_bank(record.bank_hash)
        view = team_view_of(record, bank, store.respondents(record.id))
        views.append((record, view))
    latest_bank = resources.stored_bank(rounds[-1].bank_hash)
    ids = [d.id for d in latest_bank.dimensions]
    series = {}
    for record, view in views:
        means = dict(zip(view.dimensions.ids, view.dimensions.mean, strict=True)) if view else {}
        series[f"Round {record.round}"] = [None if np.isnan(means.get(i, np.nan)) else float(means[i]) for i in ids]
    table = pd.DataFrame({"Dimension": [d.title for d in latest_bank.dimensions]})
    for (record, view), (_, previous) in zip(views[1:], views[:-1], strict=True):
        change = round_change(previous, view) if view and previous else {}
        table[f"Round {record.round} vs {record.round - 1}"] = [round(change.get(i, np.nan), 2) for i in ids]
    for name, means in series.items():
        table[name] = [None if m is None else round(m, 2) for m in means]
    return RoundsComparison([d.title for d in latest_bank.dimensions], series, table)
