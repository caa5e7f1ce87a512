"""The PDF report buttons: the self-assessment report (results page, share view) and the engagement report.

Each button makes its PDF when pressed (`st.download_button` with a callable `data`, run by
Streamlit only on the click), from a snapshot taken on the page's run: the callable runs outside
the script, so it reads nothing from Streamlit. Where the server has no Chromium to draw the
charts, the button is replaced by a sentence saying so.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import streamlit as st

from scoring.answers import Answer
from scoring.bank import Bank
from threadline.reporting import pdf, teamdata
from threadline.reporting.exports import file_slug
from threadline.reporting.report import self_assessment_report
from threadline.reporting.report_engagement import (
    ConsensusInput,
    Logo,
    LogoProblem,
    PlannedAction,
    PreviousRound,
    checked_logo,
    engagement_report,
)
from threadline.storage import ConsensusAction, Respondent
from threadline.web import resources, teamviews
from threadline.web.engagement_session import OpenEngagement
from threadline.web.session import Assessment, today

PAPER = {"A4": "A4", "US Letter": "Letter"}
LOGO_HELP = "PNG or JPEG, at most 1 MB. Used for this report only; it is not stored."


@dataclass(frozen=True)
class _SelfSnapshot:
    """What one self-assessment report needs, copied on the page's run."""

    bank: Bank
    answers: dict[str, Answer]
    targets: dict[str, int]
    context: dict[str, Any]
    submitted_at: Any
    notes: dict[str, str]
    viewer: bool
    shares_notes: bool
    reasons: dict[str, str]


def _paper(key: str) -> pdf.PageSize:
    choice = st.segmented_control("Paper size", list(PAPER), default="A4", key=key) or "A4"
    return "Letter" if PAPER[choice] == "Letter" else "A4"


def _unavailable() -> bool:
    """Say so in words when reports cannot be made here."""
    problem = pdf.available()
    if problem:
        st.info(problem, icon=":material/picture_as_pdf:")
    return problem is not None


def self_assessment_report_button(assessment: Assessment) -> None:
    """The report of the assessment on the page; a share link's reader gets what the share view shows."""
    st.markdown("**The whole report as a PDF**: stage, charts, plan and every answer, to keep or forward.")
    if _unavailable():
        return
    store = resources.store()
    snapshot = _SelfSnapshot(
        bank=assessment.bank,
        answers=dict(assessment.answers),
        targets=dict(assessment.targets),
        context=dict(assessment.context),
        submitted_at=store.assessment(assessment.id).submitted_at,
        notes=assessment.visible_notes(),  # exactly what the page shows this link
        viewer=not assessment.editable,
        shares_notes=assessment.shares_notes,
        reasons=store.reasons(assessment.id) if assessment.kind == "consensus" else {},
    )
    left, right = st.columns([1, 2], vertical_alignment="bottom")
    with left:
        size = _paper(f"report-paper:{assessment.id}")
    right.download_button(
        "Report (PDF)",
        partial(_self_pdf, snapshot, size),
        file_name="threadline-report.pdf",
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        width="stretch",
        on_click="ignore",
        key=f"report-pdf:{assessment.id}",
    )


def _self_pdf(snapshot: _SelfSnapshot, size: pdf.PageSize) -> bytes:
    report = self_assessment_report(
        snapshot.bank,
        snapshot.answers,
        targets=snapshot.targets,
        context=snapshot.context,
        submitted_at=snapshot.submitted_at,
        notes=snapshot.notes,
        viewer=snapshot.viewer,
        shares_notes=snapshot.shares_notes,
        generated_on=today(),
        reasons=snapshot.reasons,
    )
    return pdf.self_assessment_pdf(report, size).pdf


def engagement_report_button(opened: OpenEngagement, bank: Bank, respondents: list[Respondent]) -> None:
    """The client's report of this round (client-safe only), with an optional logo uploaded for it."""
    st.subheader("Report for the client", anchor=False)
    st.caption(
        "A PDF of what the client may see: the team stage, the department radar, the most disputed questions, "
        "the perception gap, the change since the last round, the workshop's agreed answers and the plan with its "
        "owners and dates. Departments under "
        "the minimum size are left out, and no names appear."
    )
    engagement = opened.record
    view = teamviews.team_view_of(engagement, bank, respondents)
    if view is None:
        st.caption("The report can be made once a response is submitted.")
        return
    if _unavailable():
        return
    store = resources.store()
    logo: Logo | None = None
    upload = st.file_uploader(
        "Logo for the report (optional)",
        type=["png", "jpg", "jpeg"],
        help=LOGO_HELP,
        max_upload_size=1,  # MB; checked again (and decoded) by `checked_logo`
        key=f"report-logo:{engagement.id}",
    )
    if upload is not None:
        try:
            logo = checked_logo(upload.getvalue())
        except LogoProblem as problem:
            st.error(str(problem))
    previous = _previous_round(engagement)
    consensus = teamdata.consensus_summary(store, engagement, bank, opened.token)
    build = partial(
        engagement_report,
        bank,
        view,
        client=engagement.client,
        consultant=engagement.consultant,
        header_text=engagement.logo_text,
        round_number=engagement.round,
        logo=logo,
        previous=previous,
        consensus=_consensus_input(consensus, store.actions(engagement.id)),
    )
    left, right = st.columns([1, 2], vertical_alignment="bottom")
    with left:
        size = _paper(f"engagement-paper:{engagement.id}")
    right.download_button(
        "Client report (PDF)",
        partial(_engagement_pdf, build, size),
        file_name=f"{file_slug(engagement.client, engagement.round)}-report.pdf",
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        width="stretch",
        on_click="ignore",
        key=f"engagement-pdf:{engagement.id}",
    )


def _consensus_input(consensus: teamdata.ConsensusSummary, actions: list[ConsensusAction]) -> ConsensusInput:
    """What the client page shows of the consensus, copied as plain data for the report."""
    return ConsensusInput(
        answers=dict(consensus.answers),
        reasons=dict(consensus.reasons),
        targets=dict(consensus.targets or {}),
        actions=tuple(PlannedAction(a.dimension_id, a.text, a.owner, a.due_on, a.status) for a in actions),
    )


def _engagement_pdf(build: partial, size: pdf.PageSize) -> bytes:
    return pdf.engagement_pdf(build(generated_on=today()), size).pdf


def _previous_round(engagement) -> PreviousRound | None:
    """The round before this one in its series, when it has submitted responses."""
    if engagement.round <= 1:
        return None
    store = resources.store()
    earlier = [record for record in store.series(engagement.series_id) if record.round < engagement.round]
    if not earlier:
        return None
    record = max(earlier, key=lambda r: r.round)
    view = teamviews.team_view_of(record, resources.stored_bank(record.bank_hash), store.respondents(record.id))
    return None if view is None else PreviousRound(record.round, view)
