"""Threadline's Streamlit entry point: page config, shared resources and navigation.

Run it with `make run` (or `streamlit run app.py`). Links into the app carry their
assessment in the URL: `/?resume=TOKEN` (the owner's private link) and `/?view=TOKEN`
(a read-only share link); the start page forwards both to the right page.
"""

import streamlit as st

from threadline import resources

st.set_page_config(page_title="Threadline", page_icon="🧵", layout="centered", initial_sidebar_state="collapsed")

resources.store()  # create or migrate the database before any page needs it

PAGES = {
    "start": st.Page("app_pages/start.py", title="Start", icon="🧵", default=True),
    "survey": st.Page("app_pages/survey.py", title="Survey", url_path="survey"),
    "results": st.Page("app_pages/results.py", title="Results", url_path="results"),
}
st.session_state["pages"] = PAGES
st.navigation(list(PAGES.values()), position="hidden").run()
