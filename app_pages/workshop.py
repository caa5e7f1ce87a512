"""Workshop consensus: the silo story, then the questions, disputed first; the agreed answer, why, and the plan.

Presenting mode is on by default: the page shows exactly the client-safe view (small groups
folded into their named groups or left out, no names, n on every group) and hides each
question's answers until the consultant reveals them. The consultant-only view is one switch
away, and every chart in it says so.
"""

import datetime as dt

import streamlit as st

from scoring.answers import NA, NA_LABEL, Answer
from scoring.plan import consensus_dimensions
from threadline.reporting import charts, teamdata
from threadline.web import engagement_session as engagements
from threadline.web import resources, teamviews, ui
from threadline.web.ui import NA_CHOICE

teamviews.projector_page()  # wide (app.py), with larger type on a projector

opened = engagements.open_engagement("dashboard")
if isinstance(opened, engagements.EngagementProblem):
    ui.engagement_problem_page(opened.reason, "dashboard")

store = resources.store()  # reads; every write goes through `access`
access = engagements.dashboard_access(opened)
engagement = opened.record
bank = resources.stored_bank(engagement.bank_hash)
COLOURS = charts.department_colours(engagement.departments, engagement.department_groups)
respondents = store.respondents(engagement.id)
view = teamviews.team_view_of(engagement, bank, respondents)
safe = view.client_safe() if view is not None else None
consensus = teamdata.consensus_summary(store, engagement, bank, opened.token)
progress = teamdata.consensus_progress(bank, consensus)
STATUS_NAMES = teamdata.ACTION_STATUS_NAMES

scored = [q.id for q in bank.questions.values() if q.is_scored]
order = ([q for q in view.disputed_questions() if q in bank.scored_questions] if view else []) + scored
order = list(dict.fromkeys(order))
position_key = f"workshop:{engagement.id}"
revealed_key = f"workshop-revealed:{engagement.id}"
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


def reveal(question_id: str) -> None:
    st.session_state.setdefault(revealed_key, set()).add(question_id)


if engagement.logo_text:
    st.caption(ui.plain(engagement.logo_text))
st.title(f"Workshop: {ui.plain(engagement.client)}", anchor=False)
presenting = st.toggle(
    "Presenting mode: only what the client may see",
    value=True,
    key=f"presenting-workshop:{engagement.id}",
    help="Switch it off for the consultant-only view: every department, small ones included.",
)
shown = safe if presenting else view
st.progress(
    progress.agreed / progress.required if progress.required else 1.0,
    text=f"{progress.agreed} of {progress.required} questions agreed · disputed questions first",
)
left, right = st.columns(2)
if left.button("← Back to the dashboard", width="stretch"):
    ui.go("dashboard", "dashboard", opened.token)
if right.button("Open the client page", width="stretch"):
    ui.go("client", "dashboard", opened.token)

if safe is not None:
    sentences = teamdata.silo_summary(bank, safe)
    if sentences:
        with st.container(border=True):
            st.markdown("**Where the groups differ most**")
            st.markdown("\n".join(f"- {ui.plain(sentence)}" for sentence in sentences))

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
dimension = bank.dimension_of[question_id]
with st.container(border=True):
    st.caption(ui.plain(dimension.title))
    st.markdown(f"**{question.text}**")
    if question.help:
        st.caption(question.help)
    hidden = presenting and question_id not in st.session_state.get(revealed_key, set())
    if shown is None or view is None or question_id not in shown.distributions:
        st.caption("No submitted answers to this question yet.")
    elif hidden:
        st.button("Reveal how people answered", on_click=reveal, args=(question_id,), type="primary")
    else:
        stats = teamdata.question_row(view, question_id)
        st.caption(
            f"Alignment {stats['alignment']} · mean {stats['mean']} · "
            f"spread (sd) {stats['sd']} · N/A {stats['na_share']}"
        )
        option_labels, rows, counts = teamdata.distribution_rows(bank, shown, question_id)
        figure = charts.distribution_bars(option_labels, rows, counts, **teamdata.distribution_style(bank, question_id))
        if not presenting:
            st.caption(":material/lock: **Consultant only**: includes what the client does not see.")
            charts.mark_consultant_only(figure)
        st.plotly_chart(charts.for_projector(figure), key=f"workshop-dist-{question_id}")
        st.caption(ui.plain(teamdata.withheld_caption(view)))
        client_groups = set(safe.departments.names) if presenting and safe is not None else None
        notes = teamviews.evidence_notes(store, engagement, respondents, question_id, client_groups)
        if notes:
            with st.expander(f"What people noted as evidence ({len(notes)})"):
                st.caption("No names; in presenting mode only notes from the groups the client may see.")
                st.markdown("\n".join(f"- **{ui.plain(group)}**: {ui.plain(note)}" for group, note in notes))

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


def show_plan(dimension_id: str) -> None:
    """The agreed target stage and the actions of one dimension, seeded from the agreed answers' next steps."""
    part = next(
        p for p in consensus_dimensions(bank, consensus.answers, consensus.targets) if p.dimension_id == dimension_id
    )
    st.subheader(f"Plan for {part.title}", anchor=False)
    st.caption(f"{part.agreed} of {part.questions} questions of this dimension agreed.")
    stages = [None, *range(1, bank.level_count + 1)]

    def stage_name(level: int | None) -> str:
        return "Not agreed yet" if level is None else f"{level}. {bank.levels[level - 1].name}"

    target_key = f"target:{dimension_id}"
    st.session_state.setdefault(target_key, part.target)
    st.selectbox(
        "Agreed target stage",
        stages,
        format_func=stage_name,
        key=target_key,
        on_change=lambda: access.set_consensus_target(dimension_id, st.session_state[target_key]),
    )
    actions = [a for a in store.actions(engagement.id) if a.dimension_id == dimension_id]
    for action in actions:
        with st.form(f"action-{action.id}", border=True):
            text = st.text_input("Action", value=action.text, max_chars=1000, key=f"action-text:{action.id}")
            first, second, third = st.columns(3)
            owner = first.text_input("Owner", value=action.owner, max_chars=200, key=f"action-owner:{action.id}")
            due = second.date_input("Due", value=action.due_on, key=f"action-due:{action.id}")
            status = third.selectbox(
                "Status",
                list(STATUS_NAMES),
                index=list(STATUS_NAMES).index(action.status),
                format_func=STATUS_NAMES.__getitem__,
                key=f"action-status:{action.id}",
            )
            save_it, remove_it = st.columns(2)
            if save_it.form_submit_button("Save the action", width="stretch"):
                when = due if isinstance(due, dt.date) else None
                access.update_action(action.id, text=text, owner=owner, due_on=when, status=status)
                st.rerun()
            if remove_it.form_submit_button("Remove", width="stretch"):
                access.delete_action(action.id)
                st.rerun()
    known = {a.text for a in actions}
    seeds = [seed for seed in part.seeds if seed not in known]
    if seeds and st.button(
        f"Add the bank's next steps for the agreed answers ({len(seeds)})", key=f"seed:{dimension_id}"
    ):
        for seed in seeds:
            access.add_action(dimension_id, seed)
        st.rerun()
    with st.form(f"new-action:{dimension_id}", clear_on_submit=True):
        st.markdown("**Add an action**")
        text = st.text_input("What", max_chars=1000)
        first, second = st.columns(2)
        owner = first.text_input("Who", max_chars=200)
        due = second.date_input("By when", value=None)
        if st.form_submit_button("Add the action"):
            if text.strip():
                access.add_action(dimension_id, text, owner, due if isinstance(due, dt.date) else None)
                st.rerun()
            st.session_state["action_error"] = "Write what the action is first."
            st.rerun()
    problem = st.session_state.pop("action_error", None)
    if problem:
        st.error(problem)


show_plan(dimension.id)

if consensus.result is not None and view is not None:
    partial = not progress.complete
    st.subheader("Agreed so far beside the team mean" if partial else "Agreed beside the team mean", anchor=False)
    if partial:
        st.caption(f"Partial: {progress.text()}. The agreed stage is given once every question is agreed.")
    titles = [d.title for d in bank.dimensions]
    series = {
        "Team mean": teamdata.values(view.dimensions.mean),
        "Agreed so far (partial)" if partial else "Agreed": [d.score for d in consensus.result.dimensions],
    }
    radar = charts.for_projector(charts.team_radar(bank, titles, series, colours=COLOURS))
    st.plotly_chart(radar, key="workshop-radar")
