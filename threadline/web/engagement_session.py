"""The engagement a consultant or a respondent reaches through an invite or dashboard link."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import streamlit as st

from threadline import links
from threadline.storage import EngagementClosedError, EngagementRecord
from threadline.web import guard, resources
from threadline.web.permissions import ConsultantAccess, DashboardAccess
from threadline.web.session import base_url

CONSULTANT_OK = "consultant_ok"
HELD_DASHBOARDS = "consultant_dashboards"


@dataclass(frozen=True)
class OpenEngagement:
    """An engagement opened by `token`, as its dashboard (consultant) or its invite (respondent)."""

    token: str
    kind: Literal["invite", "dashboard"]
    record: EngagementRecord


@dataclass(frozen=True)
class EngagementProblem:
    """Why an engagement link opens nothing."""

    reason: Literal["missing", "unknown", "replaced"]


def open_engagement(kind: Literal["invite", "dashboard"]) -> OpenEngagement | EngagementProblem:
    """The engagement named by the URL's `invite` or `dashboard` parameter."""
    param = links.INVITE_PARAM if kind == "invite" else links.DASHBOARD_PARAM
    token = st.query_params.get(param)
    if not token:
        return EngagementProblem("missing")
    store = resources.store()
    found = store.find_engagement_link(token)
    if found is None or found.kind != kind:
        return EngagementProblem("unknown")
    if found.revoked:
        return EngagementProblem("replaced")
    return OpenEngagement(token, kind, store.engagement(found.engagement_id))


def dashboard_access(opened: OpenEngagement) -> DashboardAccess:
    """The edit rights of an opened dashboard link; stops the page if the link no longer grants them."""
    access = DashboardAccess.verify(resources.store(), opened.token) if opened.kind == "dashboard" else None
    if access is None:
        st.error("This link cannot change the engagement.")
        st.stop()
    assert access is not None  # st.stop() ends the script
    return access


def join(opened: OpenEngagement, department: str, name: str | None) -> str | None:
    """Add a respondent through an invite link: their private token, or None once the engagement has closed."""
    if opened.kind != "invite":
        raise PermissionError("only an invite link adds respondents")
    try:
        _, token = resources.store().add_respondent(opened.record.id, department, name)
    except EngagementClosedError:  # closed between the page's check and the click
        return None
    return token


def password_required() -> bool:
    """True when a consultant password is set and this session has not given it yet."""
    return bool(resources.settings().consultant_password) and not st.session_state.get(CONSULTANT_OK)


def consultant_access() -> ConsultantAccess | None:
    """The consultant's home, for a session that gave the consultant password; None without a password set.

    Without a password anyone who reaches /consultant could open, change and delete every client's
    engagement, whatever their address (behind a proxy every browser can look local), so there is
    no home then: the page says which setting to set.
    """
    if not resources.settings().consultant_password or not st.session_state.get(CONSULTANT_OK):
        return None
    held = st.session_state.setdefault(HELD_DASHBOARDS, {})
    return ConsultantAccess(resources.store(), held)


def hold_dashboard(engagement_id: int, token: str) -> None:
    """Remember a dashboard token this session was given, so the home opens it without replacing it."""
    st.session_state.setdefault(HELD_DASHBOARDS, {})[engagement_id] = token


def check_password(given: str) -> guard.Outcome:
    """Check the consultant password, throttled (`guard.check_secret`); remember success for this session."""
    expected = resources.settings().consultant_password or ""
    outcome = guard.check_secret(guard.CONSULTANT_PASSWORD, given, expected)
    if outcome.result == "right":
        st.session_state[CONSULTANT_OK] = True
    return outcome


def invite_link(token: str) -> str:
    """The respondents' link."""
    return links.engagement_url(base_url(), links.INVITE_PARAM, token)


def dashboard_link(token: str) -> str:
    """The consultant's private dashboard link."""
    return links.engagement_url(base_url(), links.DASHBOARD_PARAM, token)


@dataclass(frozen=True)
class ClientPage:
    """The engagement's client page: its engagement and consensus assessment, and who opened it.

    by_consultant: opened from the dashboard (its dashboard link); otherwise by the consensus's
    read-only link that the consultant gave the client.
    """

    record: EngagementRecord
    consensus_id: int
    by_consultant: bool
    dashboard_token: str | None = None


CLIENT_PARAM = "consensus"
"""The client page's parameter: the consensus assessment's read-only (share) token."""


def open_client_page() -> ClientPage | Literal["missing", "unknown", "revoked"]:
    """The client page named by the URL: `consensus` (the share token) or `dashboard` (the consultant)."""
    store = resources.store()
    dashboard = st.query_params.get(links.DASHBOARD_PARAM)
    if dashboard:
        found = store.find_engagement_link(dashboard)
        if found is None or found.kind != "dashboard" or found.revoked:
            return "unknown"
        consensus_id, _ = store.consensus_assessment(found.engagement_id, dashboard)
        return ClientPage(store.engagement(found.engagement_id), consensus_id, True, dashboard)
    token = st.query_params.get(CLIENT_PARAM)
    if not token:
        return "missing"
    lookup = store.find_link(token)
    if lookup is None or lookup.kind != "share":
        return "unknown"
    if lookup.revoked:
        return "revoked"
    record = store.assessment(lookup.assessment_id)
    if record.kind != "consensus" or record.engagement_id is None:
        return "unknown"
    return ClientPage(store.engagement(record.engagement_id), record.id, False)
