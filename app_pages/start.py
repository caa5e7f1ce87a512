"""Start: what Threadline measures, the optional context, the bank, and a Start button."""

import streamlit as st

from threadline.catalog import usable as usable_entries
from threadline.web import resources, session, ui
from threadline.web.context import ROLES, SIZES, clean_context, minutes_to_answer

if session.links.INVITE_PARAM in st.query_params:
    ui.go("join", session.links.INVITE_PARAM, st.query_params.get(session.links.INVITE_PARAM))
if session.links.DASHBOARD_PARAM in st.query_params:
    ui.go("dashboard", session.links.DASHBOARD_PARAM, st.query_params.get(session.links.DASHBOARD_PARAM))
if session.links.RESUME_PARAM in st.query_params or session.links.VIEW_PARAM in st.query_params:
    opened = session.open_assessment()
    if isinstance(opened, session.LinkProblem):
        ui.link_problem_page(opened.reason)
    ui.go_with(opened, "survey" if opened.editable and opened.status != "submitted" else "results")

entries = resources.catalog()
usable = usable_entries(entries)
broken = [entry for entry in entries if entry.bank is None]

st.title("Threadline")
st.subheader("How well is social media woven into your business?")
st.markdown(
    "Many organisations still run social media as a side channel: one team, its own plan, "
    "counts of likes. The ones that get results treat social as a **tactic inside the business "
    "strategy**, the thread that ties together marketing, customer service, PR, sales and "
    "everyone who works there. Threadline shows where your organisation stands on that journey "
    "and what to do next."
)

for entry in broken:
    st.error(
        f"The question bank {ui.plain(entry.path.name)} has mistakes and is not offered. "
        "Whoever looks after this Threadline can fix it:\n\n" + "\n".join(f"- `{line}`" for line in entry.problems)
    )
if not usable:
    st.warning("No question bank can be used right now, so no assessment can start.")
    st.stop()

if len(usable) > 1:
    chosen = st.selectbox(
        "Which assessment?",
        usable,
        format_func=lambda entry: entry.bank.title,
        help="The first one is Threadline's own social media integration assessment.",
    )
else:
    chosen = usable[0]
bank = chosen.bank

scored = len(bank.scored_questions)
st.markdown(
    f"**{ui.plain(bank.title)}**: {len(bank.dimensions)} areas, {scored} questions"
    + (f" and {len(bank.questions) - scored} free-text" if len(bank.questions) > scored else "")
    + ", "
    f"about {minutes_to_answer(len(bank.questions))} minutes. Your answers are saved as you go."
)
st.markdown("**The stages:** " + " → ".join(f"{k}. {ui.plain(level.name)}" for k, level in enumerate(bank.levels, 1)))
with st.expander("What each stage looks like", expanded=False):
    for number, level in enumerate(bank.levels, start=1):
        st.markdown(f"**{number}. {ui.plain(level.name)}**")
        if level.description:
            st.markdown(level.description)
with st.expander("About this assessment"):
    if bank.description:
        st.markdown(bank.description)

with st.form("context"):
    st.markdown("**About you** (optional; it appears on your results)")
    organisation = st.text_input("Organisation name", max_chars=120)
    left, right = st.columns(2)
    role = left.selectbox("Your role", ROLES, index=None, placeholder="Choose your role")
    size = right.selectbox("Organisation size", SIZES, index=None, placeholder="Choose a size")
    industry = st.text_input("Industry", max_chars=120, placeholder="e.g. retail, software, healthcare")
    started = st.form_submit_button("Start the assessment", type="primary")

if started:
    store = resources.store()
    bank_hash = store.put_bank(chosen.content, bank.id, bank.version)
    _, token = store.create_assessment(bank_hash, clean_context(organisation, role, industry, size))
    st.session_state.pop(session.SESSION_KEY, None)
    st.session_state["just_started"] = True
    ui.go("survey", session.links.RESUME_PARAM, token)

st.divider()
st.page_link(
    st.session_state["pages"]["consultant"],
    label="Consultants: assess a client with several respondents and a team dashboard",
    icon=":material/groups:",
)
