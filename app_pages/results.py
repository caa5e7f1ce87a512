"""Results: the stage and where the average sits, Start here, radar and gaps, the plan, exports, sharing.

The owner (private link) may set targets, edit answers and manage the share link; a
read-only viewer (share link) sees the same page without those controls, in the third
person ("Their score", "Acme's plan"), with who shared it and when, and the evidence
notes only when the owner shares them.

Headings: one h1 (the organisation), then h2 sections (st.header) and h3 inside them
(st.subheader: the stage under "Overall stage", the team under "Where you stand").
Every chart has a visible heading, an accessible name (`alt`), a summary in words right
under it and a table (threadline.reporting.chart_text).

Speed: an action redraws only what it changes. Everything a target changes (Start here to the
files) is one fragment, the share link another; each control saves in its callback, so an
action is one rerun. Steps, their sources and the answers are few, larger markdown elements;
a closed section (the tables, the targets, each dimension's plan, the answers) runs nothing
until it is opened (`ui.lazy_expander`; docs/decisions.md, "What made the actions faster").
"""

from functools import partial

import pandas as pd
import streamlit as st

from scoring.answers import Responses
from scoring.confidence import Confidence, confidences
from scoring.engine import MIN_GAP, Result, score
from scoring.peers import Comparison
from scoring.plan import Plan, Step, plan
from scoring.team import MIN_GROUP
from threadline.reporting import chart_text, charts, result_export, teamdata
from threadline.reporting.peer_text import group_line, no_group_line, overall_line, percentile_text
from threadline.reporting.summary import (
    average_line,
    confidence_line,
    default_targets,
    evenness,
    headline,
    stage_rule,
    strengths_and_gaps,
    when_line,
    wording,
)
from threadline.web import deletion, peers, report_button, resources, saving, session, teamviews, ui

opened = session.open_assessment()
if isinstance(opened, session.LinkProblem):
    ui.link_problem_page(opened.reason)
assessment = opened
bank = assessment.bank
owner = assessment.editable

if owner and assessment.status != "submitted":
    ui.go_with(assessment, "survey")
if assessment.kind == "consensus" and not owner:  # a workshop's read-only link: the client page, never this one
    ui.go("client", "consensus", assessment.token)

organisation = assessment.context.get("organisation") or None
words = wording(viewer=not owner, organisation=organisation)


def current_result() -> Result:
    plain_result = score(bank, Responses(dict(assessment.answers)))
    targets = {**default_targets(bank, plain_result), **assessment.targets}
    return score(bank, Responses(dict(assessment.answers), targets))


def show_header(result: Result) -> None:
    st.caption(ui.plain(bank.title) + (" · read-only view" if not owner else ""))
    st.title(ui.plain(organisation) if organisation else words.title, anchor=False)
    details = [assessment.context.get(key) for key in ("industry", "industry_detail", "size", "role")]
    if any(details):
        st.caption(" · ".join(ui.plain(d) for d in details if d))
    submitted_at = resources.store().assessment(assessment.id).submitted_at
    st.caption(ui.plain(when_line(submitted_at, viewer=not owner, organisation=organisation)))
    st.header("Overall stage", anchor=False)
    st.subheader(headline(bank, result), anchor=False)
    average = average_line(bank, result)
    if average:
        st.markdown(f"**{average}**")
    if result.level is not None and bank.levels[result.level - 1].description:
        st.markdown(bank.levels[result.level - 1].description)
    rule = stage_rule(bank, result, viewer=not owner)
    if rule:
        st.info(rule, icon=":material/link:" if result.limited_by else ":material/info:")
    if not result.complete:
        st.warning(f"{len(result.missing)} required questions are unanswered, so this picture is partial.")


def step_source(step: Step) -> str:
    """Which answer a step comes from, in words."""
    question = bank.scored_questions[step.question_id]
    label = next(o.label for o in question.options if o.id == step.option_id)
    if step.ticked:
        return f"{words.answered} *{ui.plain(question.text)}* with: “{ui.plain(label)}”"
    return f"*{ui.plain(question.text)}*: “{ui.plain(label)}” was not ticked"


def show_start_here(the_plan: Plan, result: Result) -> None:
    st.header("Start here", anchor=False)
    if not the_plan.start_here:
        st.write("Every assessed dimension has reached its target: keep what works, and raise a target to go on.")
        return
    capping = next((d for d in result.dimensions if d.id == result.limited_by), None)
    if capping is not None:
        st.caption(f"{ui.plain(capping.title)} {words.holds}")
    for number, step in enumerate(the_plan.start_here, start=1):
        with st.container(border=True):
            dimension = bank.dimension_of[step.question_id]
            st.markdown(f"**{number}. {ui.plain(dimension.title)}**\n\n{step.text}\n\n{small(step_source(step))}")


def small(text: str) -> str:
    """Markdown for a line in small type: where a step comes from (one element with its step, not two)."""
    return f":small[{text}]"


def show_radar(result: Result, sure: dict[str, Confidence], comparison: Comparison | None) -> None:
    st.header(words.where, anchor=False)
    assessed = [d for d in result.dimensions if d.score is not None]
    if len(assessed) < 3:
        st.markdown("The radar needs at least three assessed dimensions; see the table below.")
    else:
        st.plotly_chart(
            charts.radar(bank, result, score_name=words.score_name, peers=peer_band(result, comparison)),
            config=charts.PLOTLY_CONFIG,
            key="radar",
            alt=chart_text.radar_name(bank, result),
        )
    st.markdown(ui.plain(chart_text.radar_summary(result)))
    show_comparison(comparison)
    if box := ui.lazy_expander("Scores as a table", "open:scores"):
        box.dataframe(
            scores_table(result, sure, comparison),
            hide_index=True,
            width="stretch",
            column_config={"Dimension": st.column_config.TextColumn("Dimension", pinned=True)},
            alt="Scores per dimension",
        )


def peer_band(result: Result, comparison: Comparison | None) -> charts.PeerBand | None:
    if comparison is None:
        return None
    spreads = [comparison.dimensions.get(d.id) for d in result.dimensions]
    return charts.PeerBand(
        p25=[None if s is None else s.p25 for s in spreads],
        median=[None if s is None else s.median for s in spreads],
        p75=[None if s is None else s.p75 for s in spreads],
    )


def show_comparison(comparison: Comparison | None) -> None:
    """The peer group used and where the organisation sits in it, in words (the radar draws the band)."""
    k = resources.settings().peer_min_group
    if comparison is None:
        st.caption(no_group_line(k))
        return
    lines = [group_line(comparison, k), overall_line(comparison, viewer=not owner)]
    st.markdown("  \n".join(ui.plain(line) for line in lines if line))


def scores_table(result: Result, sure: dict[str, Confidence], comparison: Comparison | None) -> pd.DataFrame:
    columns: dict[str, list] = {
        "Dimension": [d.title for d in result.dimensions],
        "Score": [None if d.score is None else round(d.score, 2) for d in result.dimensions],
    }
    if comparison is not None:
        spreads = [comparison.dimensions.get(d.id) for d in result.dimensions]
        columns["Peer median"] = [None if s is None else round(s.median, 2) for s in spreads]
        columns["Percentile"] = [percentile_text(s) for s in spreads]
    return pd.DataFrame(
        columns
        | {
            "Stage": [d.level_name or "not assessed" for d in result.dimensions],
            "Target": [None if d.target is None else bank.levels[d.target - 1].name for d in result.dimensions],
            "Gap": [None if d.gap is None else round(d.gap, 2) for d in result.dimensions],
            "Answered": [f"{d.answered} of {d.questions}" for d in result.dimensions],
            "How even": [evenness(bank, sure[d.id]) for d in result.dimensions],
        }
    )


def target_key(dimension_id: str) -> str:
    return f"target:{assessment.id}:{dimension_id}"


def keep_target(dimension_id: str, shown: int) -> None:
    """A target slider moved: keep it before the page reruns (one rerun, not two); when the
    database does not take it, the slider goes back to the target it showed."""
    chosen = st.session_state[target_key(dimension_id)]
    if not saving.attempt(assessment.flags, "the new target", session.set_target, assessment, dimension_id, chosen):
        st.session_state[target_key(dimension_id)] = shown


def show_targets(result: Result) -> None:
    st.header(words.gaps, anchor=False)
    if owner and (box := ui.lazy_expander("Set your target stage per dimension", "open:targets")):
        with box:
            saving.show_action_failure(assessment.flags)
            st.caption("By default every target is one stage above your overall stage.")
            names = [level.name for level in bank.levels]
            for dimension in result.dimensions:
                if dimension.target is None:
                    continue
                st.select_slider(
                    dimension.title,
                    options=list(range(1, bank.level_count + 1)),
                    value=dimension.target,
                    format_func=lambda k: f"{k} {names[k - 1]}",
                    key=target_key(dimension.id),
                    on_change=keep_target,
                    args=(dimension.id, dimension.target),
                )
    with_gap = [d for d in result.dimensions if d.gap is not None and d.gap > MIN_GAP]
    if with_gap:
        st.plotly_chart(charts.gap_bars(result), config=charts.PLOTLY_CONFIG, key="gaps", alt=chart_text.gap_name())
    st.markdown(ui.plain(chart_text.gap_summary(result)))
    if with_gap and (box := ui.lazy_expander("Gaps as a table", "open:gaps")):
        with box:
            st.dataframe(
                pd.DataFrame(chart_text.gap_table(bank, result)),
                hide_index=True,
                width="stretch",
                column_config={"Dimension": st.column_config.TextColumn("Dimension", pinned=True)},
                alt="Gap to target per dimension",
            )


def show_words(result: Result) -> None:
    """Strengths and the biggest gaps, a list each: one markdown element a column, not one a line."""
    strengths, gaps = strengths_and_gaps(result)
    left, right = st.columns(2)
    left.markdown("\n".join(["**Strengths**", "", *(f"- {line}" for line in strengths or ["None stands out yet."])]))
    right.markdown("\n".join(["**Biggest gaps**", "", *(f"- {line}" for line in gaps or ["No gaps to your targets."])]))


def show_plan(the_plan: Plan, result: Result, sure: dict[str, Confidence]) -> None:
    st.header(ui.plain(words.plan), anchor=False)
    st.caption(words.plan_caption)
    outcomes = {d.id: d for d in result.dimensions}
    parts = {part.dimension_id: part for part in the_plan.dimensions}
    order = [part.dimension_id for part in the_plan.dimensions] + [d.id for d in bank.dimensions if d.id not in parts]
    for dimension_id in order:
        dimension = next(d for d in bank.dimensions if d.id == dimension_id)
        outcome = outcomes[dimension_id]
        label = outcome.level_name or "not assessed"
        score_text = "" if outcome.score is None else f" · {outcome.score:.2f}"
        box = ui.lazy_expander(f"{dimension.title}: {label}{score_text}", f"open:plan:{dimension_id}")
        if not box:
            continue
        box.caption(confidence_line(bank, sure[dimension_id]))
        part = parts.get(dimension_id)
        if part is None or outcome.level is None:
            box.write("Not assessed: no scored question in it was answered.")
            continue
        lines = [f"- {step.text}\n\n  {small(step_source(step))}" for step in part.steps]
        if outcome.level >= bank.level_count:
            lines.append("This dimension is at the top stage. Keep it there, and help the others catch up.")
        elif part.recommendations:
            lines.append(f"**To move to {ui.plain(bank.levels[outcome.level].name)}:**")
            lines += [f"- {recommendation}" for recommendation in part.recommendations]
        box.markdown("\n\n".join(lines))


def show_answers(notes: dict[str, str]) -> None:
    """Every answer given, with its evidence note where there is one."""
    box = ui.lazy_expander(words.answers + (" and evidence notes" if notes else ""), "open:answers")
    if not box:
        return
    with box:
        if not owner:
            st.caption(
                "The owner shares their evidence notes on this view."
                if assessment.shares_notes
                else "The owner keeps their evidence notes private: they are not shown on this view."
            )
        for dimension in bank.dimensions:
            # one element per dimension where possible: 40 answers as 40 elements are slow to redraw
            lines = [f"**{ui.plain(dimension.title)}**"]
            for question in dimension.questions:
                answer = result_export.answer_text(question, assessment.answers)
                if question.type == "text" and answer:
                    st.markdown("\n\n".join([*lines, ui.plain(question.text)]))
                    st.text(answer)  # free text: st.text never reads Markdown or HTML
                    lines = []
                else:
                    lines.append(f"{ui.plain(question.text)}  \n→ {ui.plain(answer) if answer else '*not answered*'}")
                if question.id in notes:
                    lines.append(small("Evidence: " + hard_breaks(ui.plain(notes[question.id]))))
            if lines:
                st.markdown("\n\n".join(lines))


def hard_breaks(escaped: str) -> str:
    """Typed text keeps its line breaks in Markdown (already escaped: nothing in it is markup)."""
    return "  \n".join(line.strip() for line in escaped.splitlines()) if escaped else escaped


def show_downloads(result: Result, the_plan: Plan, sure: dict[str, Confidence], notes: dict[str, str]) -> None:
    st.header("Take it with you", anchor=False)
    stem = "threadline-results"
    left, right = st.columns(2)
    # The files are made when a button is pressed, not on every rerun of the page.
    left.download_button(
        "Scores (CSV)",
        partial(result_export.scores_csv, bank, result, sure),
        file_name=f"{stem}-scores.csv",
        mime="text/csv",
        width="stretch",
        on_click="ignore",
    )
    right.download_button(
        "Plan and answers (CSV)",
        partial(result_export.plan_csv, bank, the_plan, dict(assessment.answers), dict(notes)),
        file_name=f"{stem}-plan.csv",
        mime="text/csv",
        width="stretch",
        on_click="ignore",
    )


def show_team_results(result: Result) -> None:
    """A respondent's view of the team, when the consultant shares it (small groups left out)."""
    if assessment.engagement_id is None or assessment.kind != "respondent":
        return
    store = resources.store()
    engagement = store.engagement(assessment.engagement_id)
    if not engagement.share_team:
        return
    view = teamviews.team_view_of(engagement, bank, store.respondents(engagement.id))
    if view is None:
        return
    safe = view.client_safe()
    st.subheader("Your team", anchor=False)
    st.markdown(teamdata.team_headline(bank, safe))
    titles = [d.title for d in bank.dimensions]
    series = {"Team mean": teamdata.values(safe.dimensions.mean), "You": [d.score for d in result.dimensions]}
    for k, name in enumerate(safe.departments.names):
        series[f"{name} (n={int(safe.departments.count[k])})"] = teamdata.values(safe.departments.dimension_means[k])
    st.plotly_chart(
        charts.team_radar(bank, titles, series), config=charts.PLOTLY_CONFIG, key="team", alt=chart_text.team_name()
    )
    st.markdown(ui.plain(chart_text.team_summary(series["Team mean"], series["You"])))
    st.caption(ui.plain(teamdata.withheld_caption(view, MIN_GROUP)))
    if box := ui.lazy_expander("Team scores as a table", "open:team"):
        table = {"Dimension": titles} | {name: [_rounded(v) for v in values] for name, values in series.items()}
        box.dataframe(
            pd.DataFrame(table),
            hide_index=True,
            width="stretch",
            column_config={"Dimension": st.column_config.TextColumn("Dimension", pinned=True)},
            alt="Team scores per dimension",
        )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def show_consensus_reasons() -> None:
    if assessment.kind != "consensus":
        return
    reasons = resources.store().reasons(assessment.id)
    if not reasons:
        return
    if not (box := ui.lazy_expander("Why the workshop agreed each answer", "open:reasons")):
        return
    with box:
        for question_id, reason in reasons.items():
            if question_id in bank.questions:
                st.markdown(f"**{bank.questions[question_id].text}**")
                st.text(reason)


def share_notes_changed() -> None:
    key = f"share-notes:{assessment.id}"
    if not saving.attempt(
        assessment.flags, "showing your notes", session.set_share_notes, assessment, st.session_state[key]
    ):
        st.session_state[key] = assessment.shares_notes


def create_share() -> None:
    saving.attempt(assessment.flags, "the read-only link", session.enable_share, assessment)


def revoke_share() -> None:
    saving.attempt(assessment.flags, "turning the link off", session.revoke_share, assessment)


def replace_share() -> None:
    if saving.attempt(assessment.flags, "turning the link off", session.revoke_share, assessment):
        saving.attempt(assessment.flags, "the new link", session.enable_share, assessment)


@st.fragment
def show_share_link() -> None:
    """The read-only link and its switches: a click reruns only this part (nothing else on the page changes)."""
    saving.show_action_failure(assessment.flags)
    st.toggle(
        "Show my evidence notes on the shared view",
        value=assessment.shares_notes,
        key=f"share-notes:{assessment.id}",
        on_change=share_notes_changed,
        help="Off: people with the read-only link see your answers but not your notes.",
    )
    link = session.share_link(assessment) if assessment.share_active else None
    if link:
        st.write("Anyone with this link can see these results, but not change them:")
        st.code(link, language=None, wrap_lines=True)
        left, right = st.columns(2)
        left.button("Turn this link off", width="stretch", on_click=revoke_share)
        right.button("Replace it with a new link", width="stretch", on_click=replace_share)
    else:
        st.button("Create a read-only link", type="primary", on_click=create_share)


def compare_changed() -> None:
    key = f"compare:{assessment.id}"
    if not saving.attempt(assessment.flags, "your choice", peers.set_compared, assessment, st.session_state[key]):
        st.session_state[key] = peers.compared(assessment)


@st.fragment
def show_compare_choice() -> None:
    """Joining the peer comparison, or leaving it: off until the owner turns it on."""
    saving.show_action_failure(assessment.flags)
    st.toggle(
        peers.CHOICE_LABEL,
        value=peers.compared(assessment),
        key=f"compare:{assessment.id}",
        on_change=compare_changed,
        help=peers.CHOICE_HELP,
    )


def show_owner_actions() -> None:
    st.header("Share these results", anchor=False)
    show_share_link()
    show_compare_choice()
    st.divider()
    left, right = st.columns(2)
    if left.button("Change my answers", width="stretch"):
        ui.go_with(assessment, "survey")
    if right.button("Start a new assessment", width="stretch"):
        ui.go("start")
    st.caption("Your private link to come back to these results and change them:")
    st.code(session.resume_link(assessment), language=None, wrap_lines=True)


@st.fragment
def show_picture() -> None:
    """Everything a target changes, from Start here to the files: a target slider reruns only this part."""
    result = current_result()
    the_plan = plan(bank, result, assessment.answers)
    show_start_here(the_plan, result)
    show_radar(result, sure, peers.comparison(assessment, result) if assessment.kind == "self" else None)
    show_team_results(result)  # an h3 under "Where you stand"
    show_targets(result)
    show_words(result)
    show_plan(the_plan, result, sure)
    show_downloads(result, the_plan, sure, notes)
    report_button.self_assessment_report_button(assessment)


if owner:
    # answers changed since the last visit: the comparison gets the new scores (next time, if not now)
    saving.attempt({}, "the comparison's scores", peers.keep_current, assessment)
sure = confidences(bank, assessment.answers)
notes = assessment.visible_notes()
show_header(current_result())  # the stage and its rule: targets change neither
show_picture()
show_answers(notes)
show_consensus_reasons()
if owner and assessment.kind != "consensus":
    show_owner_actions()
    deletion.offer_deletion(assessment)
else:
    st.divider()
    if st.button("Assess your own organisation"):
        ui.go("start")
