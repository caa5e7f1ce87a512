"""Team views from the store for the pages: cached per engagement and set of submissions.

The Streamlit half of the team data (the cache, the app's resources, links built from the
browser's address); the figures and tables themselves are in `threadline.reporting.teamdata`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
import streamlit as st

from scoring.bank import Bank
from scoring.batch import encode
from scoring.rounds import Line, SeriesComparison, compare_rounds
from scoring.team import TeamView, team_view
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
    the responses CSV, read from the store, had the new one). The state is read from the
    database, so every app server sharing it builds the same view.
    """
    submitted = tuple(
        (r.assessment_id, r.department or "", r.submitted_at, r.updated_at)
        for r in respondents
        if r.status == "submitted"
    )
    if not submitted:
        return None
    order, merges = tuple(engagement.departments), engagement.department_groups
    return _cached_view(engagement.id, engagement.bank_hash, order, merges, _state_key(submitted), submitted)


def _state_key(submitted: tuple[tuple[int, str, object, object], ...]) -> str:
    """A digest of the submitted responses' state: Streamlit's own hashing of 2,000 rows costs ~130 ms, this ~10."""
    return hashlib.blake2b(pickle.dumps(submitted, protocol=5), digest_size=20).hexdigest()


@st.cache_resource(show_spinner=False, max_entries=32)
def _cached_view(
    engagement_id: int,
    bank_hash: str,
    order: tuple[str, ...],
    merges: tuple[tuple[str, tuple[str, ...]], ...],
    state: str,
    _submitted: tuple[tuple[int, str, object, object], ...],
) -> TeamView:
    """The team view of these submitted responses; `state` (their digest) keys it, `_submitted` is not hashed."""
    bank = resources.stored_bank(bank_hash)
    answers = resources.store().respondent_answers([engagement_id])
    ids = [assessment_id for assessment_id, *_ in _submitted]
    table = encode(bank, [answers.get(aid, {}) for aid in ids])
    return team_view(bank, table, [department for _, department, *_ in _submitted], order, merges)


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
    """The rounds compared, ready for the page (`scoring.rounds`).

    titles, series: the latest bank's dimension titles and the team mean per round (radar);
    table: per dimension the team's mean and n per round, the changes and the mix marker;
    departments: per dimension title, the team and each department across the rounds (mean,
    n, changes); marked: the titles whose change the mix explains, in bank order; mix: those
    markers in words; moved: the questions that moved most since the first round, largest first;
    unaccounted: the titles where the groups shown do not hold every response, so the mix is not compared.
    """

    titles: list[str]
    series: dict[str, list[float | None]]
    table: pd.DataFrame
    departments: dict[str, pd.DataFrame]
    marked: list[str]
    mix: list[str]
    moved: pd.DataFrame
    unaccounted: list[str] = dataclasses.field(default_factory=list)


MOVED_SHOWN = 10
"""How many questions "What moved most since round 1" lists."""


def rounds_comparison(store: Store, rounds: list[EngagementRecord], client_safe: bool = False) -> RoundsComparison:
    """Compare the rounds of an engagement series on the latest round's dimensions and questions.

    client_safe: each round's view as the client may see it (`TeamView.client_safe`), so a
    department appears only in the rounds where it was shown.
    """
    views = []
    for record in rounds:
        view = team_view_of(record, resources.stored_bank(record.bank_hash), store.respondents(record.id))
        views.append(view.client_safe() if client_safe and view is not None else view)
    latest = resources.stored_bank(rounds[-1].bank_hash)
    numbers = [record.round for record in rounds]
    compared = compare_rounds(
        views,
        numbers,
        [(d.id, d.title) for d in latest.dimensions],
        [q.id for q in latest.questions.values() if q.is_scored],
    )
    titles = [d.title for d in latest.dimensions]
    series = {
        f"Round {number}": [compared.dimensions[d].team.figures[r].mean for d in range(len(titles))]
        for r, number in enumerate(numbers)
    }
    return RoundsComparison(
        titles=titles,
        series=series,
        table=_team_rounds_table(compared),
        departments={d.title: _lines_table([d.team, *d.departments], numbers, "Group") for d in compared.dimensions},
        marked=[d.title for d in compared.dimensions if d.mix],
        mix=compared.mix_sentences,
        moved=_moved_table(latest, compared),
        unaccounted=[d.title for d in compared.dimensions if d.unaccounted],
    )


def rounds_table(frame: pd.DataFrame) -> None:
    """A table of `rounds_comparison`: first column pinned, two decimals, "–" where a round has no figure."""
    st.dataframe(frame, hide_index=True, width="stretch", column_config=rounds_column_config(frame), placeholder="–")


def rounds_column_config(frame: pd.DataFrame) -> dict[str, Any]:
    """The first column pinned, means and changes with two decimals, each n a whole number."""
    first = frame.columns[0]
    width: Literal["large"] | None = "large" if first == "Question" else None  # a question's text needs room
    config: dict[str, Any] = {first: st.column_config.TextColumn(first, pinned=True, width=width)}
    for column in frame.columns[1:]:
        if column.startswith("n,"):
            config[column] = st.column_config.NumberColumn(column, format="%d")
        elif column.startswith(("Round", "Change")):
            config[column] = st.column_config.NumberColumn(column, format="%.2f")
    return config


def rounds_radar_summary(comparison: RoundsComparison) -> str:
    """The radar in words: where the team rose and fell most between the first and the last round."""
    names = list(comparison.series)
    first, last = names[0], names[-1]
    changes = [
        (title, b - a)
        for title, a, b in zip(comparison.titles, comparison.series[first], comparison.series[last], strict=True)
        if a is not None and b is not None
    ]
    if not changes:
        return f"No dimension has a team mean in both {first.lower()} and {last.lower()}."
    high, low = max(changes, key=lambda c: c[1]), min(changes, key=lambda c: c[1])
    return (
        f"From {first.lower()} to {last.lower()} the team mean changed by {high[1]:+.2f} in {high[0]} (the "
        f"highest change) down to {low[1]:+.2f} in {low[0]} (the lowest)."
    )


def _lines_table(lines: list[Line], numbers: list[int], first: str, names: list[str] | None = None) -> pd.DataFrame:
    """One row per line (named `names`, else the line's own name): mean and n per round, and the changes.

    The changes: from the round before, and (with three rounds or more) from the first. An
    absent figure stays empty (NaN, n missing), never 0.
    """
    frame = pd.DataFrame({first: names if names is not None else [line.name for line in lines]})
    for r, number in enumerate(numbers):
        frame[f"Round {number}"] = [line.figures[r].mean for line in lines]
        frame[f"n, round {number}"] = pd.array([line.figures[r].n or None for line in lines], dtype="Int64")
    for r in range(1, len(numbers)):
        frame[f"Change {numbers[r - 1]} → {numbers[r]}"] = [line.from_previous[r] for line in lines]
    if len(numbers) > 2:
        frame[f"Change {numbers[0]} → {numbers[-1]}"] = [line.from_first[-1] for line in lines]
    return frame.astype({c: float for c in frame.columns if c.startswith(("Round", "Change"))})


def _team_rounds_table(compared: SeriesComparison) -> pd.DataFrame:
    titles = [d.title for d in compared.dimensions]
    frame = _lines_table([d.team for d in compared.dimensions], list(compared.rounds), "Dimension", titles)
    frame["Mix of respondents"] = [
        "; ".join(f"explains round {compared.rounds[s.before]} → {compared.rounds[s.after]}" for s in d.mix)
        for d in compared.dimensions
    ]
    return frame


def _moved_table(bank: Bank, compared: SeriesComparison) -> pd.DataFrame:
    moves = compared.moved[:MOVED_SHOWN]
    texts = [bank.questions[m.id].text for m in moves]
    frame = _lines_table([Line(m.id, m.figures) for m in moves], list(compared.rounds), "Question", texts)
    frame.insert(1, "Dimension", [bank.dimension_of[m.id].title for m in moves])
    frame[f"Change since round {compared.rounds[0]}"] = [m.change for m in moves]
    return frame.drop(columns=[c for c in frame.columns if c.startswith("Change ") and "→" in c])


PROJECTOR_STYLE = "<style>@media (min-width: 1600px) { html { font-size: 18px !important; } }</style>"
"""Larger type on a projector's width: Streamlit sizes its text in rem, so all of it grows from 16 to 18 px."""


def projector_page() -> None:
    """Larger type for the dashboard, the workshop and the client page when the screen is wide (a projector).

    app.py lays these pages out wide (`WIDE`); their charts take `charts.for_projector`. Below
    1600 px (a laptop) the type stays Streamlit's 16 px, so the tables keep their numbers in view.
    """
    st.html(PROJECTOR_STYLE)


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
