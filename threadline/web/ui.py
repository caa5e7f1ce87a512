"""Small rendering helpers shared by the pages."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NoReturn

import streamlit as st

from threadline import links

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator

    from threadline.web.session import Assessment

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~:$])")


FOCUS_STYLE = "<style>:focus-visible { outline: 3px solid #0b4f4a !important; outline-offset: 2px; }</style>"
"""The app's only HTML: a focus mark keyboard users can see (WCAG 2.4.7 and 1.4.11, over 3:1 on white);
Streamlit's own is its primary colour at half opacity, about 2.2:1 on these colours."""

NA_CHOICE = "__na__"
"""The widget value of the "Not applicable / don't know" option (survey and workshop)."""


def plain(text: str) -> str:
    """Text typed by a person, escaped so Markdown shows it exactly as written."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def plain_cut(text: str, limit: int, ellipsis: str = "") -> str:
    """`text` cut to `limit` characters (ending in `ellipsis` when cut), then escaped.

    Cut first, then escape: cutting escaped text could keep a backslash and drop the
    character it escapes, which Markdown would then show or join with what follows.
    """
    if len(text) > limit:
        text = text[: limit - len(ellipsis)] + ellipsis
    return plain(text)


def go(page: str, token_param: str | None = None, token: str | None = None) -> NoReturn:
    """Switch to another page, keeping the assessment's link in the URL."""
    params = {token_param: token} if token_param and token else None
    st.switch_page(st.session_state["pages"][page], query_params=params)


def go_with(assessment: Assessment, page: str) -> NoReturn:
    """Switch page carrying this assessment's link (private or read-only)."""
    param = links.RESUME_PARAM if assessment.editable else links.VIEW_PARAM
    go(page, param, assessment.token)


LINK_PROBLEMS = {
    "missing": ("No assessment in this link", "This page needs a link to an assessment."),
    "unknown": (
        "This link doesn't open anything",
        "The link may have been copied only in part, or it was never a Threadline link. "
        "Check that you copied all of it, or start a new assessment.",
    ),
    "revoked": (
        "This link was turned off",
        "The person who shared these results has turned this link off. Ask them for a new one.",
    ),
    "broken": (
        "This assessment can't be shown",
        "Its question bank can no longer be read by this version of Threadline. Please tell whoever runs it.",
    ),
}


def link_problem_page(reason: str) -> NoReturn:
    """A friendly page for a link that opens nothing, with a way to start over."""
    title, text = LINK_PROBLEMS[reason]
    st.title(title)
    st.write(text)
    if st.button("Start a new assessment", type="primary"):
        go("start")
    st.stop()


ENGAGEMENT_REPLACED = {
    "invite": ("This invite link was replaced", "The consultant has issued a new invite link. Please ask them for it."),
    "dashboard": (
        "This dashboard link was replaced",
        "A newer dashboard link exists for this engagement. Use that one.",
    ),
}


def engagement_problem_page(reason: str, kind: str) -> NoReturn:
    """A friendly page for an invite or dashboard link that opens nothing."""
    if reason == "replaced":
        title, text = ENGAGEMENT_REPLACED[kind]
        st.title(title)
        st.write(text)
        st.stop()
    link_problem_page("missing" if reason == "missing" else "unknown")


def lazy_expander(label: str, key: str) -> DeltaGenerator | None:
    """An expander whose content runs only while it is open: the container when open, else None.

    Streamlit sends a closed expander's content to the browser all the same, and the browser
    builds it; opening this one reruns the page (or the fragment it is in) and draws the content
    then (docs/decisions.md, "A results page that draws what is seen").
    """
    box = st.expander(label, key=key, on_change="rerun")
    return box if box.open else None
