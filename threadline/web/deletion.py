"""Deleting personal data from the app: the owner deletes their own assessment from its results page.

Two steps: *Delete this assessment…* asks first, *Yes, delete it for good* deletes (in the
database: answers, evidence notes, the private and any share link, the assessment itself,
`Store.delete_assessment`), forgets it in this session and opens the start page, which says
it is done. A share link never shows the offer.
"""

from __future__ import annotations

import streamlit as st

from threadline.web import resources, session, ui

ASKING_KEY = "delete_asking"
DELETED_KEY = "assessment_deleted"
DELETED_TEXT = "Your assessment is deleted: its answers, notes and links are gone from this server."


def offer_deletion(assessment: session.Assessment) -> None:
    """The results page's way for the owner to delete the assessment, with a confirm step."""
    if not assessment.editable or assessment.kind == "consensus":
        return
    asking = f"{ASKING_KEY}:{assessment.id}"
    with st.expander("Delete this assessment"):
        st.write(
            "This removes your answers, your evidence notes, your private link and any read-only link "
            "from this server for good. It cannot be undone."
        )
        if not st.session_state.get(asking):
            st.button("Delete this assessment…", on_click=_set, args=(asking, True))
            return
        st.warning("Delete this assessment and its links for good?")
        left, right = st.columns(2)
        confirmed = left.button("Yes, delete it for good", type="primary", width="stretch")
        right.button("Keep it", width="stretch", on_click=_set, args=(asking, False))
    if confirmed:
        resources.store().delete_assessment(assessment.id, assessment.token)
        st.session_state.pop(asking, None)
        st.session_state.pop(session.SESSION_KEY, None)
        st.session_state[DELETED_KEY] = True
        ui.go("start")


def show_deleted_notice() -> None:
    """On the start page, once: the assessment this session deleted is gone."""
    if st.session_state.pop(DELETED_KEY, False):
        st.success(DELETED_TEXT)


def _set(key: str, value: bool) -> None:
    st.session_state[key] = value
