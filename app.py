"""Threadline's Streamlit entry point: page config, shared resources and navigation.

Run it with `make run` (or `streamlit run app.py`). Links into the app carry their
assessment in the URL: `/?resume=TOKEN` (the owner's private link) and `/?view=TOKEN`
(a read-only share link), `/?invite=TOKEN` (an engagement's respondents) and
`/?dashboard=TOKEN` (its consultant); the start page forwards each to the right page.
"""

import streamlit as st

from threadline.web import resources, ui

# each page titles its tab; the layout is set once the page is known (below)
st.set_page_config(page_icon="🧵", initial_sidebar_state="collapsed")
st.html(ui.FOCUS_STYLE)

resources.store()  # create or migrate the database before any page needs it
if resources.settings().demo:
    st.warning(
        "**Demonstration data.** Every organisation in this database is made up (`make demo`); "
        "nothing here is a real organisation's result.",
        icon=":material/science:",
    )

PAGES = {
    "start": st.Page("app_pages/start.py", title="Threadline: social media maturity", icon="🧵", default=True),
    "survey": st.Page("app_pages/survey.py", title="Survey · Threadline", url_path="survey"),
    "results": st.Page("app_pages/results.py", title="Results · Threadline", url_path="results"),
    "consultant": st.Page("app_pages/consultant.py", title="Consultants · Threadline", url_path="consultant"),
    "join": st.Page("app_pages/join.py", title="Join · Threadline", url_path="join"),
    "dashboard": st.Page("app_pages/dashboard.py", title="Dashboard · Threadline", url_path="dashboard"),
    "workshop": st.Page("app_pages/workshop.py", title="Workshop · Threadline", url_path="workshop"),
    "client": st.Page("app_pages/client.py", title="Client page · Threadline", url_path="client"),
}
WIDE = {"dashboard", "workshop", "client"}
"""The pages shown on a projector: laid out at the screen's width, not in a 700 px column."""
st.session_state["pages"] = PAGES
page = st.navigation(list(PAGES.values()), position="hidden")
# One layout per run, for the page it runs: Streamlit 1.67's browser compares each layout it is
# sent with the one it had before the run, so "centered" then "wide" in one run kept "centered".
st.set_page_config(layout="wide" if page.url_path in WIDE else "centered")
page.run()
