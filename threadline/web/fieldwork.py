"""The dashboard's fieldwork tools (issue 10): who has not finished, and correcting or deleting a response.

Names are shown only where respondents gave one; anonymous respondents who have not finished are
counted per department. Moving and deleting go through `DashboardAccess` (the current dashboard
link); deleting asks first. Both are the consultant's corrections, so they work after the close too.
"""

from __future__ import annotations

import streamlit as st

from threadline.reporting import teamdata
from threadline.storage import EngagementRecord, Respondent
from threadline.web.permissions import DashboardAccess

CONFIRM_KEY = "fieldwork_delete"
DONE_KEY = "fieldwork_done"


def show(access: DashboardAccess, engagement: EngagementRecord, respondents: list[Respondent]) -> None:
    """Not submitted yet, per department and by name; then the corrections."""
    st.subheader("Fieldwork", anchor=False)
    done = st.session_state.pop(DONE_KEY, None)
    if done:
        st.success(done)
    waiting = [r for r in respondents if r.status != "submitted"]
    if not waiting:
        st.caption("Everyone who started has submitted.")
    else:
        st.caption("Started and not submitted yet, per department (anonymous respondents are only counted):")
        table = teamdata.unfinished_by_department(engagement, respondents)
        st.dataframe(table[table["Not submitted"] > 0], hide_index=True, width="stretch")
        named = teamdata.unfinished_named(respondents)
        if len(named):
            st.dataframe(named, hide_index=True, width="stretch")
    if respondents:
        with st.expander("Correct or delete a response"):
            corrections(access, engagement, respondents)


def corrections(access: DashboardAccess, engagement: EngagementRecord, respondents: list[Respondent]) -> None:
    numbered = {r.assessment_id: (n, r) for n, r in enumerate(respondents, start=1)}
    chosen = st.selectbox(
        "Response",
        list(numbered),
        format_func=lambda i: teamdata.response_label(*numbered[i]),
        key="fieldwork-response",
    )
    position, respondent = numbered[chosen]
    label = teamdata.response_label(position, respondent)
    if st.session_state.get(CONFIRM_KEY) == chosen:
        st.warning(f"Delete response {label} for good, with its answers and notes? This cannot be undone.")
        left, right = st.columns(2)
        if left.button("Yes, delete this response", type="primary", width="stretch"):
            access.delete_respondent(chosen)
            st.session_state.pop(CONFIRM_KEY, None)
            st.session_state.pop("fieldwork-response", None)
            st.session_state[DONE_KEY] = f"Response {label} was deleted."
            st.rerun()
        if right.button("Keep it", width="stretch"):
            st.session_state.pop(CONFIRM_KEY, None)
            st.rerun()
        return
    others = [d for d in engagement.departments if d != respondent.department]
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    target = left.selectbox("Move it to", others, index=None, placeholder="Choose a department", key="fieldwork-move")
    if right.button("Move", width="stretch", disabled=target is None) and target is not None:
        access.move_respondent(chosen, target)
        st.session_state.pop("fieldwork-move", None)
        st.session_state[DONE_KEY] = f"Response #{position} is now in {target}."
        st.rerun()
    if st.button("Delete this response…"):
        st.session_state[CONFIRM_KEY] = chosen
        st.rerun()
