"""Start: what Threadline measures, the optional context, the bank, and a Start button."""

import streamlit as st

from threadline.catalog import usable as usable_entries
from threadline.web import browser, deletion, resources, saving, session, ui
from threadline.web.context import INDUSTRIES, ROLES, SIZES, clean_context, minutes_to_answer

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


def forget_browser() -> None:
    """Stop offering the remembered assessment and clear the token kept in the browser."""
    st.query_params.pop(browser.REMEMBERED_PARAM, None)
    st.session_state["forget_browser"] = True


def continue_offer(kept: session.Remembered) -> None:
    """The assessment this browser started earlier, with a way back and a way to forget it."""
    with st.container(border=True):
        who = ui.plain(kept.organisation) if kept.organisation else "your organisation"
        if kept.submitted:
            st.markdown(f"**Your results are waiting**: the assessment for {who} is complete.")
        else:
            st.markdown(
                f"**Continue where you left off**: the assessment for {who}, "
                f"{kept.answered} of {kept.total} questions answered."
            )
        left, right = st.columns(2)
        if left.button(
            "See your results" if kept.submitted else "Continue your assessment", type="primary", width="stretch"
        ):
            ui.go("results" if kept.submitted else "survey", session.links.RESUME_PARAM, kept.token)
        right.button("Forget this browser", on_click=forget_browser, width="stretch")


st.title("Threadline")
st.markdown(
    "**How well is social media woven into your business?** Threadline shows where your organisation "
    "stands on treating social media as a **tactic inside the business strategy**, and what to do next."
)

deletion.show_deleted_notice()
forget = st.session_state.pop("forget_browser", False)
kept = None if forget else session.remembered(st.query_params.get(browser.REMEMBERED_PARAM))
if kept is not None:
    continue_offer(kept)
elif browser.REMEMBERED_PARAM in st.query_params:  # a token this server does not know: forget it
    st.query_params.pop(browser.REMEMBERED_PARAM, None)
    forget = True

for entry in broken:  # the problem in our words (entry.notice), never the file's text: details are in the log
    st.error(
        f"The question bank {ui.plain(entry.path.name)} is not offered: {ui.plain(entry.notice)}. "
        "Whoever looks after this Threadline finds the details in the server log or with `make validate`."
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
    f"about {minutes_to_answer(bank)} minutes. Your answers are saved as you go."
)
st.markdown(
    f"Each answer describes what an outsider would see at one of {bank.level_count} stages; your stage is the "
    "one your answers describe most closely.  \n"
    "Your answers are kept only on this server, in this app's own database; they are sent nowhere else."
)

saving.show_paused()
with st.form("context"):
    st.markdown("**About you** (optional; it appears on your results)")
    organisation = st.text_input("Organisation name", max_chars=120)
    left, right = st.columns(2)
    role = left.selectbox("Your role", ROLES, index=None, placeholder="Choose your role")
    size = right.selectbox("Organisation size", SIZES, index=None, placeholder="Choose a size")
    left, right = st.columns(2)
    industry = left.selectbox("Industry", INDUSTRIES, index=None, placeholder="Choose an industry")
    detail = right.text_input("Industry in your own words", max_chars=120, placeholder="e.g. tea shops, B2B software")
    started = st.form_submit_button("Start the assessment", type="primary")

if started:
    store = resources.store()
    try:
        bank_hash = store.put_bank(chosen.content, bank.id, bank.version)
        _, token = store.create_assessment(bank_hash, clean_context(organisation, role, industry, size, detail))
    except saving.WriteFailedError:
        st.error(saving.PAUSED, icon=":material/pause_circle:")  # what was typed above stays in the form
        st.stop()
    st.session_state.pop(session.SESSION_KEY, None)
    st.session_state["just_started"] = True
    ui.go("survey", session.links.RESUME_PARAM, token)

st.header("About this assessment", anchor=False)
st.markdown(
    "Many organisations still run social media as a side channel: one team, its own plan, "
    "counts of likes. The ones that get results treat social as a **tactic inside the business "
    "strategy**, the thread that ties together marketing, customer service, PR, sales and "
    "everyone who works there."
)
st.markdown("**The stages:** " + " → ".join(f"{k}. {ui.plain(level.name)}" for k, level in enumerate(bank.levels, 1)))
with st.expander("What each stage looks like", expanded=False):
    for number, level in enumerate(bank.levels, start=1):
        st.markdown(f"**{number}. {ui.plain(level.name)}**")
        if level.description:
            st.markdown(level.description)
if bank.description:
    with st.expander("How this assessment works"):
        st.markdown(bank.description)

st.divider()
st.page_link(
    st.session_state["pages"]["consultant"],
    label="Consultants: assess a client with several respondents and a team dashboard",
    icon=":material/groups:",
)
browser.run(forget=forget, probe=not forget and kept is None)
