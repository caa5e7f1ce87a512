"""A floor for `make bench`'s Next figure: a bare Streamlit page whose button shows the next dimension's questions.

The same questions as the survey (the default bank, one dimension a page) with the same
widgets: the question and its help as text, its options as a radio list (or checkboxes for a
multi question), a text box for the evidence note, in a bordered box each. None of the app's
shell: no database, no progress bar, no jump menu, no private link, no browser helper. What
the app adds on top of this is what its ratio measures.
"""

import streamlit as st

from bench.bare_questions import BANK, show_dimension

st.session_state.setdefault("page", 0)
if st.button("Next →", type="primary"):
    st.session_state["page"] = (st.session_state["page"] + 1) % len(BANK.dimensions)
show_dimension(BANK.dimensions[st.session_state["page"]])
