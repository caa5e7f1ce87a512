"""Team views from the store for the pages: cached per engagement and set of submissions.

The Streamlit half of the team data (the cache, the app's resources, links built from the
browser's address); the figures and tables themselves are in `threadline.reporting.teamdata`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from scoring.bank import Bank
from scoring.batch import encode
from scoring.team import TeamView, round_change, team_view
from threadline import links
from threadline.reporting.teamdata import ConsensusSummary, disputed_count_choice
from threadline.storage import EngagementRecord, Respondent, Store
from threadline.web import resources
from threadline.web.session import base_url


def team_view_of(engagement: EngagementRecord, bank: Bank, respondents: list[Respondent]) -> TeamView | None:
    """The team view of an engagement's submitted responses (None before the first one).

    Cached per engagement and per state of the submitted responses, so reruns that change
    nothing are free. The state includes each response's ``updated_at``, which every write to
    it moves: an answer a submitted respondent changes afterwards reaches every view at once
    (keyed on ``submitted_at`` alone, the dashboard kept showing the answer as submitted while
    the responses CSV, read from the store, had the new one).
    """
    submitted = tuple(
        (r.assessment_id, r.department or "", r.submitted_at, r.updated_at)
        for r in respondents
        if r.status == "submitted"
    )
    if not submitted:
        return None
    order, merges = tuple(engagement.departments), engagement.department_groups
    return _cached_view(engagement.id, engagement.bank_hash, order, merges, submitted)


@st.cache_resource(show_spinner=False, max_entries=32)
def _cached_view(
    engagement_id: int,
    bank_hash: str,
    order: tuple[str, ...],
    merges: tuple[tuple[str, tuple[str, ...]], ...],
    submitted: tuple[tuple[int, str, object, object], ...],
) -> TeamView:
    bank = resources.stored_bank(bank_hash)
    answers = resources.store().respondent_answers([engagement_id])
    ids = [assessment_id for assessment_id, *_ in submitted]
    table = encode(bank, [answers.get(aid, {}) for aid in ids])
    return team_view(bank, table, [department for _, department, *_ in submitted], order, merges)


def disputed_questions_shown(view: TeamView) -> list[str]:
    """The scored questions to list as the widest disagreement, most disputed first.

    A "How many questions" slider picks how many when there is a choice; a bank with three
    scored questions or fewer lists them all.
    """
    disputed = view.disputed_questions()
    choice = disputed_count_choice(len(disputed))
    if choice is None:
        return disputed
    fewest, most, default = choice
    return disputed[: st.slider("How many questions", fewest, most, default)]


def consensus_share_link(store: Store, consensus: ConsensusSummary) -> str | None:
    """The client's read-only link to the consensus results, when sharing is on."""
    token = store.current_share_token(consensus.assessment_id, consensus.token)
    return None if token is None else links.share_url(base_url(), token)


def client_page_link(store: Store, consensus: ConsensusSummary) -> str | None:
    """The client's link to the engagement's client page (/client), when sharing is on."""
    token = store.current_share_token(consensus.assessment_id, consensus.token)
    return None if token is None else f"{base_url().rstrip('/')}/client?consensus={token}"


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
    series: dict[str, list[float | None]] = {}
    for record, view in views:
        means = dict(zip(view.dimensions.ids, view.dimensions.mean, strict=True)) if view else {}
        series[f"Round {record.round}"] = [None if np.isnan(means.get(i, np.nan)) else float(means[i]) for i in ids]
    table = pd.DataFrame({"Dimension": [d.title for d in latest_bank.dimensions]})
    for (record, view), (_, previous) in zip(views[1:], views[:-1], strict=True):
        change = round_change(previous, view) if view and previous else {}
        table[f"Round {record.round} vs {record.round - 1}"] = [round(change.get(i, np.nan), 2) for i in ids]
    for name, round_means in series.items():
        table[name] = [None if m is None else round(m, 2) for m in round_means]
    return RoundsComparison([d.title for d in latest_bank.dimensions], series, table)


WIDE_STYLE = (
    "<style>[data-testid='stMainBlockContainer'] { max-width: min(100%, 112rem) !important; "
    "padding-left: 3rem !important; padding-right: 3rem !important; }</style>"
)
"""The page's width for a projector, also when Streamlit keeps the centered layout (see `wide_page`)."""


def wide_page() -> None:
    """Lay the dashboard, the workshop and the client page out at the screen's width (a projector).

    `st.set_page_config(layout="wide")` alone works on the first run only: app.py asks for the
    centered layout on every run just before, and the browser (Streamlit 1.67) compares each
    request with the layout it has not yet switched to, so on a rerun it keeps the centered one.
    The style makes the width hold on every rerun; app.py choosing the layout per page would
    make it unnecessary.
    """
    st.set_page_config(layout="wide")
    st.html(WIDE_STYLE)


def evidence_notes(
    store: Store,
    engagement: EngagementRecord,
    respondents: list[Respondent],
    question_id: str,
    shown: set[str] | None,
) -> list[tuple[str, str]]:
    """(group, note) for the evidence notes submitted respondents left on a question; never a name.

    shown: the groups the client may see (`TeamView.client_safe`): only their members' notes, under
    the group's name; None (the consultant's view): every submitted respondent's, under the department.
    """
    group_of = {member: name for name, members in engagement.department_groups for member in members}
    found = []
    for respondent in respondents:
        if respondent.status != "submitted":
            continue
        department = respondent.department or ""
        group = group_of.get(department, department) if shown is not None else department
        if shown is not None and group not in shown:
            continue
        note = store.notes(respondent.assessment_id).get(question_id, "").strip()
        if note:
            found.append((group, note))
    return sorted(found, key=lambda item: item[0])
