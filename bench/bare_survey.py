"""A floor for `make bench`'s Next figure: a bare Streamlit page whose button shows the next dimension's questions.

The same questions as the survey (the default bank, one dimension a page) with the same
widgets: the question and its help as text, its options as a radio list (or checkboxes for a
multi question), a text box for the evidence note, in a bordered box each. None of the app's
shell: no database, no progress bar, no jump menu, no private link, no browser helper. What
the app adds on top of this is what its ratio measures.
"""

from pathlib import Path

import streamlit as st

from scoring.validate import load_bank

BANK = load_bank(Path(__file__).resolve().parent.parent / "questions" / "social-integration.yaml")

st.session_state.setdefault("page", 0)
if st.button("Next →", type="primary"):
    st.session_state["page"] = (st.session_state["page"] + 1) % len(BANK.dimensions)
dimension = BANK.dimensions[st.session_state["page"]]
st.header(dimension.title, anchor=False)
for question in dimension.questions:
    with st.container(border=True):
        st.markdown(question.text)
        if question.help:
            st.caption(question.help)
        labels = [option.label for option in question.options]
        if question.type == "choice":
            st.radio(question.text, labels, index=None, key=f"{question.id}", label_visibility="collapsed")
        elif question.type == "multi":
            for k, label in enumerate(labels):
                st.checkbox(label, key=f"{question.id}:{k}")
        else:
            st.text_area(question.text, key=question.id, label_visibility="collapsed")
        st.text_input("Evidence (optional): where could someone see this?", key=f"{question.id}:note")
