"""The framework's floor for `make bench`: a bare Streamlit page with N radio widgets (N from RADIOS)."""

import os

import streamlit as st

for i in range(int(os.environ.get("RADIOS", "5"))):
    st.radio(f"Question {i + 1}", ["One", "Two", "Three", "Four", "Five"], index=None, key=f"q{i}")
