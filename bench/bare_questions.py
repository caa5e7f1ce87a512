"""The survey's widgets with Streamlit alone, for the bare floors (bench/bare_survey.py, bench/bare_switch.py).

One dimension's questions of the default bank, each in a bordered box: the question and its
help as text, its options as a radio list (checkboxes for a multi question, a text box for a
text question) and a text box for the evidence note. No database, progress bar, jump menu,
private link or browser helper.
"""

from pathlib import Path

import streamlit as st

from scoring.bank import Dimension
from scoring.validate import load_bank

BANK = load_bank(Path(__file__).resolve().parent.parent / "questions" / "social-integration.yaml")


def show_dimension(dimension: Dimension) -> None:
    """The dimension's heading and questions, with the survey's widgets."""
    st.header(dimension.title, anchor=False)
    for question in dimension.questions:
        with st.container(border=True):
            st.markdown(question.text)
            if question.help:
                st.caption(question.help)
            if question.type == "choice":
                labels = [option.label for option in question.options]
                st.radio(question.text, labels, index=None, key=question.id, label_visibility="collapsed")
            elif question.type == "multi":
                for k, option in enumerate(question.options):
                    st.checkbox(option.label, key=f"{question.id}:{k}")
            else:
                st.text_area(question.text, key=question.id, label_visibility="collapsed")
            st.text_input("Evidence (optional): where could someone see this?", key=f"{question.id}:note")
