"""Workshop consensus: walk through the questions, disputed first; record the agreed answer and why."""

import streamlit as st

from scoring.answers import NA, NA_LABEL, Answer
from threadline.reporting import charts, teamdata
from threadline.web import engagement_session as engagements
from threadline.web import resources, teamviews, ui
from threadline.web.ui import NA_CHOICE

opened = engagements.open_engagement("dashboard")
if isinstance(opened, engagements.EngagementProblem):
    ui.engagement_problem_page(opened.reason, "dashboard")

store = resources.store()  # reads; every write goes through `access`
access = engagements.dashboard_access(opened)
engagement = opened.record
bank = resources.stored_bank(engagement.bank_hash)
view = teamviews.team_view_of(engagement, bank, store.respondents(engagement.id))
consensus = teamdata.consensus_summary(store, engagement, bank, opened.token)

scored = [q.id for q in bank.questions.values() if q.is_scored]
order = ([q for q in view.disputed_questions() if q in bank.scored_questions] if view else []) + scored
order = list(dict.fromkeys(order))
position_key = f"workshop:{engagement.id}"
position = min(st.session_state.get(position_key, 0), len(order) - 1)


def move(step: int) -> None:
    st.session_state[position_key] = max(0, min(len(order) - 1, position + step))


def save(question_id: str) -> None:
    question = bank.questions[question_id]
    key = f"agreed:{question_id}"
    value: Answer
    if question.type == "multi":
        value = tuple(st.session_state[key])
    else:
        picked = st.session_state[key]
        if picked is None:
            st.session_state["workshop_error"] = "Choose the agreed answer first."
            return
        value = NA if picked == NA_CHOICE else picked
    access.record_consensus(question_id, value, st.session_state[f"reason:{question_id}"])
    move(1)


if engagement.logo_text:
    st.caption(ui.plain(engagement.logo_text))
st.title(f"Workshop: {ui.plain(engagement.client)}", anchor=False)
st.progress(
    consensus.agreed / consensus.total if consensus.total else 1.0,
    text=f"{consensus.agreed} of {consensus.total} questions agreed · disputed questions first",
)
if st.button("← Back to the dashboard"):
    ui.go("dashboard", "dashboard", opened.token)

labels = {q: f"{'✓ ' if q in consensus.answers else ''}{n}. {bank.questions[q].text}" for n, q in enumerate(order, 1)}
st.session_state["workshop_pick"] = order[position]
st.selectbox(
    "Question",
    order,
    format_func=lambda q: labels[q][:120],
    key="workshop_pick",
    on_change=lambda: st.session_state.__setitem__(position_key, order.index(st.session_state["workshop_pick"])),
)

question_id = order[position]
question = bank.scored_questions[question_id]
with st.container(border=True):
    st.caption(ui.plain(bank.dimension_of[question_id].title))
    st.markdown(f"**{question.text}**")
    if question.help:
        st.caption(question.help)
    if view is not None and question_id in view.distributions:
        stats = teamdata.question_row(view, question_id)
        st.caption(
            f"Alignment {stats['alignment']} · mean {stats['mean']} · "
            f"spread (sd) {stats['sd']} · N/A {stats['na_share']}"
        )
        option_labels, rows, counts = teamdata.distribution_rows(bank, view, question_id)
        st.plotly_chart(charts.distribution_bars(option_labels, rows, counts), key=f"workshop-dist-{question_id}")
    else:
        st.caption("No submitted answers to this question yet.")

agreed = consensus.answers.get(question_id)
st.session_state.setdefault(f"reason:{question_id}", consensus.reasons.get(question_id, ""))
if question.type == "multi":
    st.session_state.setdefault(f"agreed:{question_id}", list(agreed or []))
    st.multiselect(
        "Agreed answer: the options the group ticks",
        question.option_ids,
        format_func={o.id: o.label for o in question.options}.__getitem__,
        key=f"agreed:{question_id}",
    )
else:
    options = [*question.option_ids, *([NA_CHOICE] if question.allow_na else [])]
    names = {o.id: o.label for o in question.options} | {NA_CHOICE: NA_LABEL}
    if f"agreed:{question_id}" not in st.session_state:
        known = question_id in consensus.answers
        st.session_state[f"agreed:{question_id}"] = (NA_CHOICE if agreed is None else agreed) if known else None
    st.radio("Agreed answer", options, format_func=names.__getitem__, key=f"agreed:{question_id}")
st.text_area("Why the group agreed on it (a sentence or two)", key=f"reason:{question_id}", max_chars=1000)
error = st.session_state.pop("workshop_error", None)
if error:
    st.error(error)
left, right = st.columns(2)
left.button("← Previous", on_click=move, args=(-1,), disabled=position == 0, width="stretch")
right.button("Save and go to the next", type="primary", on_click=save, args=(question_id,), width="stretch")

if consensus.result is not None and view is not None:
    st.subheader("Consensus beside the team mean", anchor=False)
    titles = [d.title for d in bank.dimensions]
    series = {
        "Team mean": teamdata.values(view.dimensions.mean),
        "Consensus": [d.score for d in consensus.result.dimensions],
    }
    st.plotly_chart(charts.team_radar(bank, titles, series), key="workshop-radar")
