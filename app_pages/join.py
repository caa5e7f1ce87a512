"""Respondents: the invite link of an engagement; pick a department, then answer the survey."""

import streamlit as st

from scoring.team import MIN_GROUP
from threadline.web import engagement_session as engagements
from threadline.web import resources, session, ui
from threadline.web.context import MAX_TEXT

opened = engagements.open_engagement("invite")
if isinstance(opened, engagements.EngagementProblem):
    ui.engagement_problem_page(opened.reason, "invite")

engagement = opened.record
bank = resources.stored_bank(engagement.bank_hash)
if engagement.logo_text:
    st.caption(ui.plain(engagement.logo_text))
st.title(ui.plain(engagement.client), anchor=False)
st.subheader(bank.title, anchor=False)

if not engagement.accepts_responses(session.today()):
    st.info("This assessment is closed: it no longer takes new responses. Thank you for your interest.")
    st.stop()

by = f" by {ui.plain(engagement.consultant)}" if engagement.consultant else ""
st.markdown(
    f"You are invited{by} to give your view of how {ui.plain(engagement.client)} uses social media. "
    "Answer for the organisation as you see it from where you work; there are no right answers. "
    "Your answers are combined with your colleagues' answers. A department is only shown to the client on "
    f"its own when at least {MIN_GROUP} people from it have answered and showing it cannot reveal a smaller "
    "group's answers; a smaller department is left out or counted together with another one. The team's "
    "figures include everyone."
)
with st.form("join"):
    department = st.selectbox("Your department", engagement.departments, index=None, placeholder="Choose")
    name = st.text_input("Your name (optional: leave it empty to stay anonymous)", max_chars=MAX_TEXT)
    started = st.form_submit_button("Start the survey", type="primary")

if started:
    if department is None:
        st.error("Choose your department first.")
        st.stop()
    token = engagements.join(opened, department, name.strip() or None)
    if token is None:
        st.info("This assessment has just closed: it no longer takes new responses.")
        st.stop()
    st.session_state.pop(session.SESSION_KEY, None)
    st.session_state["just_started"] = True
    ui.go("survey", session.links.RESUME_PARAM, token)
