"""Consultants: create an engagement (a client assessment with many respondents)."""

import streamlit as st

from threadline import catalog
from threadline.reporting import exports
from threadline.web import engagement_session as engagements
from threadline.web import resources, session, ui
from threadline.web.context import MAX_TEXT, ROLES

st.title("Run an assessment with a client team")
st.markdown(
    "Invite people from several departments of one client to answer the same assessment. "
    "Your dashboard shows where they see the organisation differently, department by department, "
    "and helps you run the workshop that agrees one answer per question."
)

if engagements.password_required():
    with st.form("password"):
        given = st.text_input("Consultant password", type="password")
        if st.form_submit_button("Continue", type="primary"):
            if engagements.check_password(given):
                st.rerun()
            st.error("That password is not right.")
    st.stop()

created = st.session_state.get("created_engagement")
if created:
    invite, dashboard = created
    st.success("The engagement is ready.")
    st.markdown("**Invite link**: send it to the client's people. It opens the survey, never your dashboard.")
    st.code(engagements.invite_link(invite), language=None, wrap_lines=True)
    st.markdown("**Your dashboard link**: keep it private; it is the only way back to the results.")
    st.code(engagements.dashboard_link(dashboard), language=None, wrap_lines=True)
    left, right = st.columns(2)
    if left.button("Open the dashboard", type="primary", width="stretch"):
        st.session_state.pop("created_engagement")
        ui.go("dashboard", "dashboard", dashboard)
    if right.button("Create another engagement", width="stretch"):
        st.session_state.pop("created_engagement")
        st.rerun()
    st.stop()

usable = catalog.usable(resources.catalog())
if not usable:
    st.warning("No question bank can be used right now.")
    st.stop()

with st.form("engagement"):
    client = st.text_input("Client name", max_chars=MAX_TEXT)
    chosen = st.selectbox("Assessment", usable, format_func=lambda entry: entry.bank.title)
    departments = st.multiselect(
        "Departments respondents choose from",
        ROLES,
        default=list(ROLES),
        accept_new_options=True,
        help="Type to add a department of your own.",
    )
    # engagements close by the UTC date (`session.today`), so the earliest closing date is today in UTC
    closes = st.date_input("Closing date (optional)", value=None, min_value=session.today())
    left, right = st.columns(2)
    consultant = left.text_input("Your name", max_chars=MAX_TEXT)
    logo = right.text_input("Header text for the report", max_chars=MAX_TEXT, placeholder="e.g. your firm's name")
    submitted = st.form_submit_button("Create the engagement", type="primary")

if submitted:
    names = [d.strip()[:MAX_TEXT] for d in departments if d.strip()]
    if not client.strip():
        st.error("Give the client's name.")
    elif not names:
        st.error("Offer at least one department.")
    else:
        store = resources.store()
        bank_hash = store.put_bank(chosen.content, chosen.bank.id, chosen.bank.version)
        _, invite, dashboard = store.create_engagement(
            bank_hash, client.strip()[:MAX_TEXT], consultant.strip(), logo.strip(), list(dict.fromkeys(names)), closes
        )
        st.session_state["created_engagement"] = (invite, dashboard)
        st.rerun()

st.divider()
with st.expander("Import an engagement exported from another Threadline"):
    upload = st.file_uploader("Engagement file (.threadline.json)", type=["json"], max_upload_size=50)
    if upload is not None and st.button("Import it"):
        try:
            document = exports.load_document(upload.getvalue())
            _, invite, dashboard = exports.import_engagement(resources.store(), document)
        except exports.EngagementImportError as error:
            st.error(f"This file can't be imported: {error}")
        else:
            st.session_state["created_engagement"] = (invite, dashboard)
            st.rerun()
