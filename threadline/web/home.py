"""The consultant's home (issue 10): every engagement and its rounds, searchable, with their actions.

Shown on /consultant to a session that gave the consultant password (`ConsultantAccess`); with no
password set there is no home, only a sentence naming the setting (`NO_PASSWORD`). Opening a
dashboard uses the dashboard token this session holds (a round created, opened or given a new link
here); otherwise the round gets a new dashboard link, because only hashes of the old ones are
stored (see `ConsultantAccess`). Every new link is shown once, with "here is your new link".
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pandas as pd
import streamlit as st

from threadline import links
from threadline.storage import EngagementSummary
from threadline.text import clean_name
from threadline.web import engagement_session as engagements
from threadline.web import ui
from threadline.web.context import MAX_TEXT, ROLES
from threadline.web.permissions import ConsultantAccess
from threadline.web.session import base_url, today

NO_PASSWORD = (
    "Your engagements are listed here once a consultant password is set: set CONSULTANT_PASSWORD (an "
    "environment variable, or the same name in .streamlit/secrets.toml) and restart the app. Without it, "
    "anyone who reaches this page could open every client's engagement, so no list is shown."
)
NOTICE_KEY = "home_notice"
DELETE_KEY = "home_delete"
ISSUED_KEY = "home_issued_dashboard"
"""The dashboard token the home just issued: the dashboard page shows it once as the new link."""
NEW_DASHBOARD_NOTE = (
    "The old dashboard link no longer opens the dashboard; the invite link and the consensus link "
    "already sent keep working."
)


def status_of(summary: EngagementSummary, on: date) -> str:
    """open, closed, or closed because its closing date has passed; archived ones say so too."""
    record = summary.engagement
    if record.status == "closed":
        status = "closed"
    elif not record.accepts_responses(on):
        status = "closed (closing date passed)"
    else:
        status = "open"
    return f"{status}, archived" if record.archived_at else status


def matches(summary: EngagementSummary, query: str, on: date) -> bool:
    """Whether a round matches the search text (client, consultant, header, departments, status, round)."""
    words = query.casefold().split()
    record = summary.engagement
    haystack = " ".join(
        [
            record.client,
            record.consultant,
            record.logo_text,
            *record.departments,
            status_of(summary, on),
            f"round {record.round}",
        ]
    ).casefold()
    return all(word in haystack for word in words)


def home_table(summaries: list[EngagementSummary], rounds: Counter[int], on: date) -> pd.DataFrame:
    """One row per round: client, round k of n, status, dates and counts."""
    return pd.DataFrame(
        {
            "Client": [s.engagement.client for s in summaries],
            "Round": [f"{s.engagement.round} of {rounds[s.engagement.series_id]}" for s in summaries],
            "Status": [status_of(s, on) for s in summaries],
            "Created": [f"{s.engagement.created_at:%d %b %Y}" for s in summaries],
            "Closes": [f"{s.engagement.closes_on:%d %b %Y}" if s.engagement.closes_on else "" for s in summaries],
            "Started": [s.started for s in summaries],
            "Submitted": [s.submitted for s in summaries],
        }
    )


def show(access: ConsultantAccess) -> None:
    """The list, the search, and the actions on the chosen round."""
    st.header("Your engagements", anchor=False)
    show_notice()
    everything = access.summaries(include_archived=True)
    if not everything:
        st.info("No engagements yet: create the first one below.")
        return
    on = today()
    rounds = Counter(s.engagement.series_id for s in everything)
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    query = left.text_input("Search your engagements", key="home-search", placeholder="client, department, status...")
    archived = right.toggle("Show archived", key="home-archived")
    shown = [s for s in everything if (archived or not s.engagement.archived_at) and matches(s, query, on)]
    if not shown:
        st.caption("No engagement matches.")
        return
    st.dataframe(home_table(shown, rounds, on), hide_index=True, width="stretch")
    by_id = {s.engagement.id: s for s in shown}
    chosen = st.selectbox(
        "Engagement",
        list(by_id),
        format_func=lambda i: f"{by_id[i].engagement.client}, round {by_id[i].engagement.round}",
        key="home-chosen",
    )
    show_actions(access, by_id[chosen], rounds[by_id[chosen].engagement.series_id])


def show_actions(access: ConsultantAccess, summary: EngagementSummary, round_count: int) -> None:
    record = summary.engagement
    with st.container(border=True):
        st.markdown(f"**{ui.plain(record.client)}**, round {record.round} of {round_count}")
        st.caption(
            f"{status_of(summary, today())} · created {record.created_at:%d %b %Y}"
            + (f" · closes {record.closes_on:%d %b %Y}" if record.closes_on else "")
            + f" · {summary.started} started, {summary.submitted} submitted"
        )
        show_links(access, record.id)
        if st.session_state.get(DELETE_KEY) == record.id:
            confirm_delete(access, summary)
            return
        first, second, third = st.columns(3)
        if first.button("Open its dashboard", type="primary", width="stretch", key="home-open"):
            token, issued = access.dashboard_token(record.id)
            if issued:
                st.session_state[ISSUED_KEY] = token
            ui.go("dashboard", links.DASHBOARD_PARAM, token)
        if record.status == "open":
            if second.button("Close to new responses", width="stretch", key="home-close"):
                access.close(record.id)
                st.rerun()
        elif second.button("Reopen for responses", width="stretch", key="home-reopen"):
            access.reopen(record.id)
            st.rerun()
        if third.button("Archive" if not record.archived_at else "Bring back", width="stretch", key="home-archive"):
            access.archive(record.id, not record.archived_at)
            st.rerun()
        first, second, third = st.columns(3)
        if first.button("New dashboard link", width="stretch", key="home-new-dashboard"):
            token = access.new_dashboard_link(record.id)
            notice("Here is your new dashboard link. " + NEW_DASHBOARD_NOTE, [engagements.dashboard_link(token)])
        if second.button("New invite link", width="stretch", key="home-new-invite"):
            invite, dashboard, issued = access.new_invite_link(record.id)
            shown = [engagements.invite_link(invite)]
            text = "Here is your new invite link. The old invite link no longer works: send this one."
            if issued:
                text += " Making it needed a new dashboard link too (the second link). " + NEW_DASHBOARD_NOTE
                shown.append(engagements.dashboard_link(dashboard))
            notice(text, shown)
        if third.button("Delete…", width="stretch", key="home-delete"):
            st.session_state[DELETE_KEY] = record.id
            st.rerun()
        with st.expander("Settings"):
            settings_form(access, summary)


def show_links(access: ConsultantAccess, engagement_id: int) -> None:
    """The round's links, when this session holds its dashboard token (only hashes are stored)."""
    token = access.held_token(engagement_id)
    if token is None:
        st.caption(
            "Its links can't be shown again (only their fingerprints are stored). Opening the dashboard "
            "from here gives it a new dashboard link; the invite link already sent keeps working."
        )
        return
    st.caption("Dashboard link (keep it private):")
    st.code(engagements.dashboard_link(token), language=None, wrap_lines=True)
    invite = access.invite_token(engagement_id)
    if invite is not None:
        st.caption("Invite link for respondents:")
        st.code(engagements.invite_link(invite), language=None, wrap_lines=True)
    consensus_id, consensus_token = access.store.consensus_assessment(engagement_id, token)
    share = access.store.current_share_token(consensus_id, consensus_token)
    if share is not None:
        st.caption("Read-only link to the consensus results:")
        st.code(links.share_url(base_url(), share), language=None, wrap_lines=True)


def confirm_delete(access: ConsultantAccess, summary: EngagementSummary) -> None:
    record = summary.engagement
    st.warning(
        f"Delete round {record.round} of {ui.plain(record.client)} for good? Its {summary.started} "
        "responses (answers, notes, links), the workshop consensus and every link of the round go with "
        "it; this cannot be undone. Other rounds of the engagement stay."
    )
    left, right = st.columns(2)
    if left.button("Yes, delete it for good", type="primary", width="stretch", key="home-delete-yes"):
        access.delete(record.id)
        st.session_state.pop(DELETE_KEY, None)
        st.session_state.pop("home-chosen", None)
        notice(f"Round {record.round} of {record.client} was deleted.", [])
    if right.button("Keep it", width="stretch", key="home-delete-no"):
        st.session_state.pop(DELETE_KEY, None)
        st.rerun()


def settings_form(access: ConsultantAccess, summary: EngagementSummary) -> None:
    record = summary.engagement
    with st.form(f"home-settings-{record.id}"):
        client = st.text_input("Client", value=record.client, max_chars=MAX_TEXT)
        departments = st.multiselect(
            "Departments",
            list(dict.fromkeys([*record.departments, *ROLES])),
            default=list(record.departments),
            accept_new_options=True,
            help="Respondents who chose a department you remove keep it; the dashboard still shows them.",
        )
        closes = st.date_input(
            "Closing date (empty: none; a past date closes it)", value=record.closes_on, format="YYYY-MM-DD"
        )
        header = st.text_input("Header text", value=record.logo_text, max_chars=MAX_TEXT)
        saved = st.form_submit_button("Save the settings")
    if not saved:
        return
    names = list(dict.fromkeys(n for n in (clean_name(d).strip()[:MAX_TEXT] for d in departments) if n))
    if not clean_name(client).strip():
        st.error("Give the client's name.")
    elif not names:
        st.error("Offer at least one department.")
    else:
        access.update_settings(
            record.id,
            client=clean_name(client).strip()[:MAX_TEXT],
            departments=names,
            closes_on=closes if isinstance(closes, date) else None,
            logo_text=header.strip(),
        )
        notice(f"The settings of {record.client}, round {record.round}, are saved.", [])


def notice(text: str, shown_links: list[str]) -> None:
    """Keep a message (and the links it gives) for the next run, and rerun."""
    st.session_state[NOTICE_KEY] = (text, shown_links)
    st.rerun()


def show_notice() -> None:
    kept = st.session_state.pop(NOTICE_KEY, None)
    if kept is None:
        return
    text, shown_links = kept
    st.success(text)
    for link in shown_links:
        st.code(link, language=None, wrap_lines=True)


def issued_dashboard_notice(token: str) -> None:
    """On the dashboard: the new link the home just issued for it, shown once."""
    if st.session_state.get(ISSUED_KEY) != token:
        return
    st.session_state.pop(ISSUED_KEY)
    st.success("Here is your new dashboard link (bookmark it). " + NEW_DASHBOARD_NOTE)
    st.code(engagements.dashboard_link(token), language=None, wrap_lines=True)
