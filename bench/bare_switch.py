"""A floor for `make bench`'s submit figure: a bare Streamlit app whose button goes to another page drawing one chart.

Page one holds the default bank's last dimension with the survey's widgets (as bench/bare_survey.py)
and a "See the chart" button; the button switches page (`st.switch_page`, as the survey's submit
does) to page two, which draws the bare chart (bench/bare_chart.py's radar, 520 px) and a button
back. No database, no scoring, no other element: the work of leaving a page of questions for a
page with one chart, which is what the app's submit adds its own work to.
"""

from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

from scoring.validate import load_bank

BANK = load_bank(Path(__file__).resolve().parent.parent / "questions" / "social-integration.yaml")
SPOKES = [f"Dimension {k + 1}" for k in range(8)]


def questions() -> None:
    dimension = BANK.dimensions[-1]
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
                for k, label in enumerate(option.label for option in question.options):
                    st.checkbox(label, key=f"{question.id}:{k}")
            else:
                st.text_area(question.text, key=question.id, label_visibility="collapsed")
            st.text_input("Evidence (optional): where could someone see this?", key=f"{question.id}:note")
    if st.button("See the chart", type="primary"):
        st.session_state["draws"] = st.session_state.get("draws", 0) + 1
        st.switch_page(chart_page)


def chart() -> None:
    draws = st.session_state.get("draws", 0)
    scores = [1 + (3 * k + draws) % 40 / 10 for k in range(8)]
    figure = go.Figure()
    figure.add_trace(go.Scatterpolar(r=[*scores, scores[0]], theta=[*SPOKES, SPOKES[0]], fill="toself", name="Score"))
    figure.add_trace(go.Scatterpolar(r=[4] * 9, theta=[*SPOKES, SPOKES[0]], line=dict(dash="dash"), name="Target"))
    figure.update_layout(polar=dict(radialaxis=dict(range=[0, 5])), height=520, showlegend=True)
    st.plotly_chart(figure, config={"displaylogo": False, "responsive": True}, key="chart")
    if st.button("Back to the questions"):
        st.switch_page(questions_page)


questions_page = st.Page(questions, title="Questions", default=True)
chart_page = st.Page(chart, title="Chart", url_path="chart")
st.navigation([questions_page, chart_page], position="hidden").run()
