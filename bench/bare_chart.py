"""The floor for `make bench`'s felt-speed figures: a bare Streamlit page whose rerun draws one Plotly chart.

A button ("Draw") and a select slider ("Target") each change the chart's data, so a click or
an arrow key reruns the script and redraws the chart: a Scatterpolar with 8 spokes, a filled
score trace and a dashed target trace, 520 px high, as the results page's radar.
"""

import plotly.graph_objects as go
import streamlit as st

SPOKES = [f"Dimension {k + 1}" for k in range(8)]

st.session_state.setdefault("draws", 0)
if st.button("Draw"):
    st.session_state["draws"] += 1
target = st.select_slider("Target", options=[1, 2, 3, 4, 5], value=4, key="target")

draws = st.session_state["draws"]
scores = [1 + (3 * k + draws) % 40 / 10 for k in range(8)]
figure = go.Figure()
figure.add_trace(go.Scatterpolar(r=[*scores, scores[0]], theta=[*SPOKES, SPOKES[0]], fill="toself", name="Score"))
figure.add_trace(go.Scatterpolar(r=[target] * 9, theta=[*SPOKES, SPOKES[0]], line=dict(dash="dash"), name="Target"))
figure.update_layout(polar=dict(radialaxis=dict(range=[0, 5])), height=520, showlegend=True)
st.plotly_chart(figure, config={"displaylogo": False, "responsive": True}, key="chart")
