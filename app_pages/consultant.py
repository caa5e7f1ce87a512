"""Consultants: the home (every engagement, behind the password), and creating or importing an engagement."""

import streamlit as st

from threadline import catalog
from threadline.reporting import exports, series_export
from threadline.text import clean_name
from threadline.web import engagement_session as engagements
from threadline.web import guard, home, resources, saving, session, ui
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
            outcome = engagements.check_password(given)
            if outcome.result == "right":
                st.rerun()
            elif outcome.result == "wrong":
                st.error("That password is not right.")
            else:
                st.error(guard.refusal(outcome))
    st.stop()

access = engagements.consultant_access()
created = st.session_state.get("created_engagement")
if created:
    invite, dashboard = created
    st.success("The engagement is ready.")
    imported_rounds = st.session_state.pop("imported_rounds", 1)
    if imported_rounds > 1:
        st.info(f"{imported_rounds} rounds were imported as one engagement; these are the latest round's links.")
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

if access is not None:
    home.show(access)
    st.divider()
    st.header("New engagement", anchor=False)
else:
    st.info(home.NO_PASSWORD)

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
    client, names = clean_name(client), [clean_name(d).strip()[:MAX_TEXT] for d in departments]
    names = [name for name in names if name]
    if not client.strip():
        st.error("Give the client's name.")
    elif not names:
        st.error("Offer at least one department.")
    else:
        store = resources.store()
        try:
            bank_hash = store.put_bank(chosen.content, chosen.bank.id, chosen.bank.version)
            record, invite, dashboard = store.create_engagement(
                bank_hash,
                client.strip()[:MAX_TEXT],
                consultant.strip(),
                logo.strip(),
                list(dict.fromkeys(names)),
                closes,
            )
        except saving.WriteFailedError as failed:  # what was typed stays in the form
            st.error(saving.not_stored("The engagement was not created", failed), icon=":material/error:")
            st.stop()
        engagements.hold_dashboard(record.id, dashboard)
        st.session_state["created_engagement"] = (invite, dashboard)
        st.rerun()

st.divider()
with st.expander("Import an engagement exported from another Threadline"):
    upload = st.file_uploader(
        "Engagement file (.threadline.json: one round, or every round of an engagement)",
        type=["json"],
        max_upload_size=50,
    )
    if upload is not None and st.button("Import it"):
        try:
            document = exports.load_document(upload.getvalue())
            rounds = series_export.import_any(resources.store(), document)
        except exports.EngagementImportError as error:
            st.error(f"This file can't be imported: {error}")
        except saving.WriteFailedError as failed:  # one transaction: nothing of the file was stored
            st.error(saving.not_stored("Nothing was imported", failed), icon=":material/error:")
        else:
            for imported in rounds:
                engagements.hold_dashboard(imported[0].id, imported[2])
            invite, dashboard = rounds[-1][1], rounds[-1][2]
            st.session_state["created_engagement"] = (invite, dashboard)
            st.session_state["imported_rounds"] = len(rounds)
            st.rerun()
