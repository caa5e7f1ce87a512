"""A reference for `make bench`'s target change: a bare Streamlit page whose slider redraws two charts.

A target change must redraw two charts (the radar's target line and the gap bars), where the
issue's floor (bench/bare_chart.py) redraws one. This page draws both, built by the app's own
chart code from a fixed assessment, and nothing else: a select slider ("Target") sets every
dimension's target, so an arrow key reruns the page and redraws the two charts. The ratio
against it is the app's own cost on a target change, beyond the two charts' drawing; it is
printed beside the issue's ratio, which stays the target.
"""

import random

import streamlit as st

from bench.core import DEFAULT_BANK, random_answers
from scoring.answers import Responses
from scoring.engine import score
from scoring.validate import load_bank
from threadline.reporting import charts


@st.cache_resource
def assessment():
    bank = load_bank(DEFAULT_BANK)
    return bank, random_answers(bank, random.Random(11))


bank, answers = assessment()
target = st.select_slider("Target", options=[1, 2, 3, 4, 5], value=4, key="target")
result = score(bank, Responses(dict(answers), {d.id: target for d in bank.dimensions}))
st.plotly_chart(charts.radar(bank, result, score_name="Your score"), config=charts.PLOTLY_CONFIG, key="radar")
st.plotly_chart(charts.gap_bars(result), config=charts.PLOTLY_CONFIG, key="gaps")
