"""Results: the overall stage, radar and gap charts, strengths and gaps, next steps, sharing.

The owner (private link) may set targets, edit answers and manage the share link; a
read-only viewer (share link) sees the same page without those controls.
"""

import pandas as pd
import streamlit as st

from scoring.answers import Responses
from scoring.engine import Result, score
from scoring.team import MIN_GROUP
from threadline import charts, resources, session, teamdata, ui
from threadline.summary import default_targets, headline, strengths_and_gaps, weakest_link_note

opened = session.open_assessment()
if isinstance(opened, session.LinkProblem):
    ui.link_problem_page(opened.reason)
assessment = opened
bank = assessment.bank
owner = assessment.editable

if owner and assessment.status != "submitted":
    ui.go_with(assessment, "survey")

CHART_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"], "responsive": True}


def current_result() -> Result:
    plain_result = score(bank, Responses(dict(assessment.answers)))
    targets = {**default_targets(bank, plain_result), **assessment.targets}
    return score(bank, Responses(dict(assessment.answers), targets))


def show_header(result: Result) -> None:
    organisation = assessment.context.get("organisation")
    st.caption(ui.plain(bank.title) + (" · read-only view" if not owner else ""))
    st.title(ui.plain(organisation) if organisation else "Your results", anchor=False)
    details = [assessment.context.get(key) for key in ("industry", "size", "role")]
    if any(details):
        st.caption(" · ".join(ui.plain(d) for d in details if d))
    st.subheader(headline(bank, result), anchor=False)
    if result.level is not None and bank.levels[result.level - 1].description:
        st.markdown(bank.levels[result.level - 1].description)
    note = weakest_link_note(bank, result)
    if note:
        st.info(note, icon="🔗")
    if not result.complete:
        st.warning(f"{len(result.missing)} required questions are unanswered, so this picture is partial.")


def show_radar(result: Result) -> None:
    st.subheader("Where you stand", anchor=False)
    assessed = [d for d in result.dimensions if d.score is not None]
    if len(assessed) < 3:
        st.caption("The radar needs at least three assessed dimensions; see the table below.")
    else:
        st.plotly_chart(charts.radar(bank, result), config=CHART_CONFIG, key="radar")
    with st.expander("Scores as a table"):
        st.dataframe(scores_table(result), hide_index=True, width="stretch")


def scores_table(result: Result) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Dimension": [d.title for d in result.dimensions],
            "Score": [None if d.score is None else round(d.score, 2) for d in result.dimensions],
            "Stage": [d.level_name or "not assessed" for d in result.dimensions],
            "Target": [None if d.target is None else bank.levels[d.target - 1].name for d in result.dimensions],
            "Gap": [None if d.gap is None else round(d.gap, 2) for d in result.dimensions],
            "Answered": [f"{d.answered} of {d.questions}" for d in result.dimensions],
        }
    )


def show_targets(result: Result) -> None:
    st.subheader("Gaps to your targets", anchor=False)
    if owner:
        with st.expander("Set your target stage per dimension"):
            st.caption("By default each target is one stage above where you are now.")
            names = [level.name for level in bank.levels]
            chosen = {}
            for dimension in result.dimensions:
                if dimension.target is None:
                    continue
                chosen[dimension.id] = st.select_slider(
                    dimension.title,
                    options=list(range(1, bank.level_count + 1)),
                    value=dimension.target,
                    format_func=lambda k: f"{k} {names[k - 1]}",
                    key=f"target:{assessment.id}:{dimension.id}",
                )
            if chosen != {d.id: d.target for d in result.dimensions if d.target is not None}:
                session.set_targets(assessment, chosen)
                st.rerun()
    with_gap = [d for d in result.dimensions if d.gap is not None and d.gap > charts.MIN_GAP]
    if with_gap:
        st.plotly_chart(charts.gap_bars(result), config=CHART_CONFIG, key="gaps")
    else:
        st.caption("Every assessed dimension has reached its target.")


def show_words(result: Result) -> None:
    strengths, gaps = strengths_and_gaps(result)
    left, right = st.columns(2)
    with left:
        st.markdown("**Strengths**")
        for line in strengths or ["None stands out yet."]:
            st.markdown(f"- {line}")
    with right:
        st.markdown("**Biggest gaps**")
        for line in gaps or ["No gaps to your targets."]:
            st.markdown(f"- {line}")


def show_dimensions(result: Result) -> None:
    st.subheader("Dimension by dimension", anchor=False)
    for dimension, outcome in zip(bank.dimensions, result.dimensions, strict=True):
        label = outcome.level_name or "not assessed"
        score_text = "" if outcome.score is None else f" · {outcome.score:.2f}"
        with st.expander(f"{dimension.title}: {label}{score_text}"):
            st.caption(f"{outcome.answered} of {outcome.questions} questions answered")
            if outcome.level is None:
                st.write("Not assessed: no scored question in it was answered.")
                continue
            steps = dimension.recommendations.get(outcome.level, ())
            if outcome.level >= bank.level_count:
                st.write("This dimension is at the top stage. Keep it there, and help the others catch up.")
            elif steps:
                st.markdown(f"**To move to {ui.plain(bank.levels[outcome.level].name)}:**")
                for step in steps:
                    st.markdown(f"- {step}")
    notes = [q for q in bank.questions.values() if q.type == "text" and isinstance(assessment.answers.get(q.id), str)]
    if notes:
        with st.expander("Notes given with the answers"):
            for question in notes:
                st.markdown(f"**{question.text}**")
                st.text(assessment.answers[question.id])


def show_team_results(result: Result) -> None:
    """A respondent's view of the team, when the consultant shares it (small groups left out)."""
    if assessment.engagement_id is None or assessment.kind != "respondent":
        return
    store = resources.store()
    engagement = store.engagement(assessment.engagement_id)
    if not engagement.share_team:
        return
    view = teamdata.team_view_of(engagement, bank, store.respondents(engagement.id))
    if view is None:
        return
    safe = view.client_safe()
    st.subheader("Your team", anchor=False)
    st.markdown(teamdata.team_headline(bank, safe))
    titles = [d.title for d in bank.dimensions]
    series = {"Team mean": teamdata.values(safe.dimensions.mean), "You": [d.score for d in result.dimensions]}
    for k, name in enumerate(safe.departments.names):
        series[f"{name} (n={int(safe.departments.count[k])})"] = teamdata.values(safe.departments.dimension_means[k])
    st.plotly_chart(charts.team_radar(bank, titles, series), config=CHART_CONFIG, key="team")
    st.caption(
        f"Departments with fewer than {MIN_GROUP} responses are not shown separately, "
        "so no one's answers can be read off."
    )


def show_consensus_reasons() -> None:
    if assessment.kind != "consensus":
        return
    reasons = resources.store().reasons(assessment.id)
    if not reasons:
        return
    with st.expander("Why the workshop agreed each answer"):
        for question_id, reason in reasons.items():
            if question_id in bank.questions:
                st.markdown(f"**{bank.questions[question_id].text}**")
                st.text(reason)


def show_owner_actions() -> None:
    st.subheader("Share these results", anchor=False)
    link = session.share_link(assessment) if assessment.share_active else None
    if link:
        st.write("Anyone with this link can see these results, but not change them:")
        st.code(link, language=None, wrap_lines=True)
        left, right = st.columns(2)
        if left.button("Turn this link off", width="stretch"):
            session.revoke_share(assessment)
            st.rerun()
        if right.button("Replace it with a new link", width="stretch"):
            session.revoke_share(assessment)
            session.enable_share(assessment)
            st.rerun()
    elif st.button("Create a read-only link", type="primary"):
        session.enable_share(assessment)
        st.rerun()
    st.divider()
    left, right = st.columns(2)
    if left.button("Change my answers", width="stretch"):
        ui.go_with(assessment, "survey")
    if right.button("Start a new assessment", width="stretch"):
        ui.go("start")
    st.caption("Your private link to come back to these results and change them:")
    st.code(session.resume_link(assessment), language=None, wrap_lines=True)


result = current_result()
show_header(result)
show_radar(result)
show_targets(result)
show_words(result)
show_dimensions(result)
show_team_results(result)
show_consensus_reasons()
if owner and assessment.kind != "consensus":
    show_owner_actions()
else:
    st.divider()
    if st.button("Assess your own organisation"):
        ui.go("start")
