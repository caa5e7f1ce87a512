"""A floor for `make bench`'s submit figure: a bare Streamlit app whose button goes to another page drawing one chart.

Page one holds the default bank's last dimension with the survey's widgets (bench/bare_questions.py)
and a "See the chart" button; the button switches page (`st.switch_page`, as the survey's submit
does) to page two, which draws the bare chart (bench/bare_chart.py's radar, 520 px) and a button
back. No database, no scoring, no other element: the work of leaving a page of questions for a
page with one chart, which is what the app's submit adds its own work to.
"""

import plotly.graph_objects as go
import streamlit as st

from bench.bare_questions import BANK, show_dimension

SPOKES = [f"Dimension {k + 1}" for k in range(8)]


def questions() -> None:
    show_dimension(BANK.dimensions[-1])
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
