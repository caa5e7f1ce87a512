"""The engagement's client page: the consensus, the team picture beside it, and the plan.

Opened by the consensus's read-only link (`/client?consensus=TOKEN`, given to the client from
the dashboard) or from the dashboard and the workshop (`?dashboard=TOKEN`). Client-safe only:
the team picture is `TeamView.client_safe` (named groups, no group under 3, no names). While
not every required question is agreed, the consensus is labelled partial and has no stage.
"""

import pandas as pd
import streamlit as st

from scoring.answers import as_answers
from scoring.plan import agreed_answers, consensus_dimensions, consensus_progress
from threadline.reporting import chart_text, charts, teamdata
from threadline.web import engagement_session as engagements
from threadline.web import resources, teamviews, ui
from threadline.web.session import today

teamviews.projector_page()  # wide (app.py), with larger type on a projector

STATUS_NAMES = teamdata.ACTION_STATUS_NAMES

opened = engagements.open_client_page()
if isinstance(opened, str):
    ui.link_problem_page(opened)
page = opened
store = resources.store()
engagement = page.record
bank = resources.stored_bank(engagement.bank_hash)
COLOURS = charts.department_colours(engagement.departments, engagement.department_groups)
view = teamviews.team_view_of(engagement, bank, store.respondents(engagement.id))
safe = view.client_safe() if view is not None else None
record = store.assessment(page.consensus_id)
answers = as_answers(record.answers)
reasons = store.reasons(record.id)
progress = consensus_progress(bank, answers)
result = teamdata.score_answers(bank, answers) if progress.agreed else None
titles = [d.title for d in bank.dimensions]

if engagement.logo_text:
    st.caption(ui.plain(engagement.logo_text))
st.title(ui.plain(engagement.client), anchor=False)
by = f"Prepared by {ui.plain(engagement.consultant)} · " if engagement.consultant else ""
st.caption(f"{by}{today():%d %B %Y} · {ui.plain(bank.title)} · round {engagement.round}")
if page.by_consultant:
    st.info(
        "This is the client page: what the client sees with its link, and nothing else.",
        icon=":material/co_present:",
    )
    if st.button("← Back to the dashboard"):
        ui.go("dashboard", "dashboard", page.dashboard_token)

st.subheader("What the workshop agreed", anchor=False)
st.metric("Questions agreed", progress.text())
if not progress.complete:
    st.warning(
        f"Partial consensus: {progress.text()}. The agreed stage is given once every question is agreed.",
        icon=":material/pending:",
    )
elif result is not None and result.level:
    st.markdown(f"### Agreed stage {result.level} of {bank.level_count}: {result.level_name}")

if safe is not None:
    sentences = teamdata.silo_summary(bank, safe)
    if sentences:
        with st.container(border=True):
            st.markdown("**Where the groups differ most**")
            st.markdown("\n".join(f"- {ui.plain(sentence)}" for sentence in sentences))
    left, right = st.columns(2)
    with left:
        st.markdown("**The team picture**")
        series = {"Team mean": teamdata.values(safe.dimensions.mean)}
        for k, name in enumerate(safe.departments.names):
            if safe.departments.count[k] > 0:
                label = f"{name} (n={int(safe.departments.count[k])})"
                series[label] = teamdata.values(safe.departments.dimension_means[k])
        st.plotly_chart(
            charts.for_projector(charts.team_radar(bank, titles, series, colours=COLOURS)),
            config=charts.PLOTLY_CONFIG,
            key="client-team",
            alt=chart_text.team_name(),
        )
    with right:
        agreed_label = "Agreed" if progress.complete else "Agreed so far (partial)"
        st.markdown(f"**{agreed_label}, beside the team mean**")
        if result is not None:
            agreed_series = {
                "Team mean": teamdata.values(safe.dimensions.mean),
                agreed_label: [d.score for d in result.dimensions],
            }
            st.plotly_chart(
                charts.for_projector(charts.team_radar(bank, titles, agreed_series, colours=COLOURS)),
                config=charts.PLOTLY_CONFIG,
                key="client-agreed",
                alt=chart_text.team_name(),
            )
        else:
            st.caption("Nothing agreed yet.")
    assert view is not None
    st.caption(ui.plain(teamdata.withheld_caption(view)))

st.header("The plan", anchor=False)
actions = store.actions(engagement.id)
for part in consensus_dimensions(bank, answers, record.targets):
    mine = [a for a in actions if a.dimension_id == part.dimension_id]
    if not mine and part.target is None and not part.agreed:
        continue
    with st.container(border=True):
        st.subheader(part.title, anchor=False)
        target = f"{part.target}. {bank.levels[part.target - 1].name}" if part.target else "not agreed yet"
        st.caption(f"{part.agreed} of {part.questions} questions agreed · agreed target stage: {target}")
        if mine:
            st.table(
                pd.DataFrame(
                    {
                        "Action": [a.text for a in mine],
                        "Owner": [a.owner for a in mine],
                        "Due": [f"{a.due_on:%d %b %Y}" if a.due_on else "" for a in mine],
                        "Status": [STATUS_NAMES[a.status] for a in mine],
                    }
                ),
                hide_index=True,
            )
        elif part.seeds:
            st.markdown("Suggested next steps from the agreed answers:")
            st.markdown("\n".join(f"- {ui.plain(seed)}" for seed in part.seeds))

st.header("The agreed answers and why", anchor=False)
agreed = agreed_answers(bank, answers, reasons)
if not agreed:
    st.caption("No answers agreed yet.")
for dimension in bank.dimensions:
    in_dimension = [a for a in agreed if bank.dimension_of[a.question_id].id == dimension.id]
    if not in_dimension:
        continue
    st.subheader(dimension.title, anchor=False)
    for item in in_dimension:
        st.markdown(f"**{ui.plain(bank.questions[item.question_id].text)}**")
        st.markdown(f"Agreed: {ui.plain(teamdata.answer_text(bank, item.question_id, item.answer))}")
        if item.reason:
            st.caption(f"Why: {ui.plain(item.reason)}")
