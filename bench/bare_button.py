"""The floor for `make bench`'s Next figure: a bare Streamlit page whose button reruns it to show a new heading."""

import streamlit as st

st.session_state.setdefault("page", 1)
if st.button("Next", type="primary"):
    st.session_state["page"] += 1
st.subheader(f"Page {st.session_state['page']}", anchor=False)
