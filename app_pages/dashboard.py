"""The consultant's dashboard: responses, the team picture, disagreement, questions, rounds, exports."""

import datetime as dt

import numpy as np
import pandas as pd
import streamlit as st

from scoring.team import MIN_GROUP, TeamView
from threadline import catalog
from threadline.reporting import charts, exports, series_export, teamdata, workbook
from threadline.web import engagement_session as engagements
from threadline.web import fieldwork, home, report_button, resources, teamviews, ui
from threadline.web.session import today

found = engagements.open_engagement("dashboard")
if isinstance(found, engagements.EngagementProblem):
    ui.engagement_problem_page(found.reason, "dashboard")
opened = found

store = resources.store()  # reads; every write goes through `access`
access = engagements.dashboard_access(opened)
engagement = opened.record
engagements.hold_dashboard(engagement.id, opened.token)  # the consultant's home opens it without a new link
bank = resources.stored_bank(engagement.bank_hash)
respondents = store.respondents(engagement.id)
view = teamviews.team_view_of(engagement, bank, respondents)
CHART_CONFIG = {"displaylogo": False, "responsive": True}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_LAYOUTS = {
    "Comma, decimal point (3.5)": exports.COMMA,
    "Semicolon, decimal comma (3,5): Excel in Germany, the Nordics, most of Europe": exports.SEMICOLON,
}


CLIENT_SEES = set(view.client_safe().departments.names) if view is not None else set()


def department_label(name: str, count: int) -> str:
    if name in CLIENT_SEES:
        return f"{name} (n={count})"
    return f"{name} (n={count}, not shown to client)"


def show_header() -> None:
    if engagement.logo_text:
        st.caption(ui.plain(engagement.logo_text))
    st.title(ui.plain(engagement.client), anchor=False)
    home.issued_dashboard_notice(opened.token)
    status = "open" if engagement.accepts_responses(today()) else "closed to new responses"
    closes = f" · closes {engagement.closes_on:%d %b %Y}" if engagement.closes_on else ""
    by = f" · consultant {ui.plain(engagement.consultant)}" if engagement.consultant else ""
    st.caption(f"{ui.plain(bank.title)} {ui.plain(bank.version)} · round {engagement.round} · {status}{closes}{by}")
    invite = engagements.invite_link(store.current_invite_token(engagement.id, opened.token))
    with st.container(border=True):
        st.markdown("**Invite link for respondents** (it never opens this dashboard):")
        st.code(invite, language=None, wrap_lines=True)


def show_responses() -> None:
    submitted = [r for r in respondents if r.status == "submitted"]
    left, right, third = st.columns(3)
    left.metric("Started", len(respondents))
    right.metric("Submitted", len(submitted))
    third.metric("Departments", len({r.department for r in submitted}))
    if not respondents:
        st.info("No responses yet. Send the invite link above to the client's people.")
        return
    table = teamdata.responses_by_department(engagement, respondents)
    st.dataframe(table, hide_index=True, width="stretch")
    changed = teamdata.changed_note(respondents)
    if changed:
        st.caption(changed)
    days, totals = teamdata.submissions_by_day(submitted)
    if days:
        st.plotly_chart(charts.submissions_over_time(days, totals), config=CHART_CONFIG, key="over-time")
    fieldwork.show(access, engagement, respondents)


def show_team() -> None:
    if view is None:
        st.info("The team picture appears once a response is submitted.")
        return
    st.subheader(teamdata.team_headline(bank, view), anchor=False)
    note = teamdata.team_weakest_link_note(bank, view)
    if note:
        st.info(note, icon=":material/link:")
    titles = [d.title for d in bank.dimensions]
    counts = view.departments.count
    # only departments someone answered from: an offered department with no response has nothing to show
    answered = [k for k in range(len(counts)) if counts[k] > 0]
    names = tuple(view.departments.names[k] for k in answered)
    series = {"Team mean": teamdata.values(view.dimensions.mean)}
    for k in answered:
        label = department_label(view.departments.names[k], int(counts[k]))
        series[label] = teamdata.values(view.departments.dimension_means[k])
    band = (teamdata.values(view.dimensions.minimum), teamdata.values(view.dimensions.maximum))
    st.caption(
        "Click a name in the legend to hide or show its line. The shaded band runs from the lowest to the "
        "highest score any respondent gave."
    )
    st.plotly_chart(charts.team_radar(bank, titles, series, band), config=CHART_CONFIG, key="team-radar")
    if any(view.departments.names[k] not in CLIENT_SEES for k in answered):
        st.warning(
            f"Departments marked 'not shown to client' have fewer than {MIN_GROUP} submitted responses, or "
            f"showing them would let a group under {MIN_GROUP} be worked out from the team total. They appear "
            "here only; the client's team results and reports leave them out."
        )
    with st.expander("Team scores as a table"):
        st.dataframe(teamdata.dimension_table(bank, view), hide_index=True, width="stretch")
    show_perception_gap(view, titles, names)


def show_perception_gap(view: TeamView, titles: list[str], names: tuple[str, ...]) -> None:
    st.subheader("Perception gap", anchor=False)
    if len(names) < 2:
        st.caption("The perception gap needs responses from at least two departments.")
        return
    default_a = [n for n in names if n.lower() == "leadership"] or [names[0]]
    left, right = st.columns(2)
    group_a = left.multiselect("Group A", names, default=default_a, key="gap-a")
    others = [n for n in names if n not in group_a]
    group_b = right.multiselect("Group B", names, default=others, key="gap-b")
    if not group_a or not group_b:
        st.caption("Choose at least one department on each side.")
        return
    means_a, means_b = view.perception_gap(group_a, group_b)
    label_a, label_b = " + ".join(group_a), " + ".join(group_b)
    series = {label_a: teamdata.values(means_a), label_b: teamdata.values(means_b)}
    st.plotly_chart(charts.team_radar(bank, titles, series), config=CHART_CONFIG, key="gap-radar")
    gap = pd.DataFrame({"Dimension": titles, label_a: np.round(means_a, 2), label_b: np.round(means_b, 2)}).assign(
        Difference=lambda frame: np.round(means_a - means_b, 2)
    )
    st.dataframe(gap, hide_index=True, width="stretch")


def show_disagreement() -> None:
    if view is None:
        st.info(teamdata.DISAGREEMENT_WAITING)
        return
    st.markdown(
        "**Alignment** runs from 1 (everyone gives the same score) to 0 (the team is split between the "
        "lowest and the highest answer). The dimensions and questions people see most differently come first: "
        "they are where the workshop conversation starts."
    )
    titles = {d.id: d.title for d in bank.dimensions}
    dimension_ids = view.dimensions.ids
    alignment = [float(a) if not np.isnan(a) else 1.0 for a in view.dimensions.alignment]
    st.plotly_chart(
        charts.alignment_bars([titles[i] for i in dimension_ids], alignment), config=CHART_CONFIG, key="alignment"
    )
    st.subheader("Questions with the widest disagreement", anchor=False)
    for rank, question_id in enumerate(teamviews.disputed_questions_shown(view), start=1):
        show_distribution(view, rank, question_id)


def show_distribution(view: TeamView, rank: int, question_id: str) -> None:
    question = bank.questions[question_id]
    stats = teamdata.question_row(view, question_id)
    with st.container(border=True):
        st.markdown(f"**{rank}. {question.text}**")
        st.caption(
            f"{ui.plain(bank.dimension_of[question_id].title)} · alignment {stats['alignment']} · "
            f"mean {stats['mean']} · spread (sd) {stats['sd']} · N/A {stats['na_share']}"
        )
        labels, departments, counts = teamdata.distribution_rows(bank, view, question_id)
        st.plotly_chart(
            charts.distribution_bars(labels, departments, counts), config=CHART_CONFIG, key=f"dist-{question_id}"
        )


def show_questions() -> None:
    if view is None:
        st.info("The question table appears once a response is submitted.")
        return
    st.caption(
        "Mean score, spread (standard deviation) and share of 'not applicable' per question, "
        "for the team and each department."
    )
    st.dataframe(teamdata.question_table(bank, view), hide_index=True, width="stretch", height=520)


def show_workshop() -> None:
    st.markdown(
        "In the workshop, walk through the questions with the client's leadership, the most disputed first: "
        "reveal how people answered, agree one answer, and record it with a short reason. The agreed answers "
        "form a consensus assessment, scored like any other."
    )
    consensus = teamdata.consensus_summary(store, engagement, bank, opened.token)
    st.metric("Questions agreed", f"{consensus.agreed} of {consensus.total}")
    if st.button("Open the workshop", type="primary"):
        ui.go("workshop", "dashboard", opened.token)
    if consensus.result is not None and view is not None:
        titles = [d.title for d in bank.dimensions]
        series = {
            "Team mean": teamdata.values(view.dimensions.mean),
            "Consensus": [d.score for d in consensus.result.dimensions],
        }
        st.plotly_chart(charts.team_radar(bank, titles, series), config=CHART_CONFIG, key="consensus-radar")
    if consensus.agreed:
        link = teamviews.consensus_share_link(store, consensus)
        if link:
            st.markdown("Read-only link to the consensus results, for the client:")
            st.code(link, language=None, wrap_lines=True)
            if st.button("Turn the consensus link off"):
                access.stop_sharing_consensus()
                st.rerun()
        elif st.button("Share the consensus results with the client"):
            access.share_consensus()
            st.rerun()


def show_rounds() -> None:
    rounds = store.series(engagement.series_id)
    st.markdown(f"This is round {engagement.round} of {len(rounds)}.")
    if len(rounds) > 1:
        comparison = teamviews.rounds_comparison(store, rounds)
        st.plotly_chart(
            charts.team_radar(bank, comparison.titles, comparison.series), config=CHART_CONFIG, key="rounds-radar"
        )
        st.dataframe(comparison.table, hide_index=True, width="stretch")
    with st.form("new-round"):
        st.markdown("**Start a new round** with the same client and departments, months later.")
        usable = [entry for entry in catalog.usable(resources.catalog()) if entry.bank.id == bank.id]
        choices = ["The same bank version"] + [f"{e.bank.title} {e.bank.version} (current file)" for e in usable]
        picked = st.selectbox("Bank", range(len(choices)), format_func=choices.__getitem__)
        closes = st.date_input("Closing date of the new round (optional)", value=None, min_value=today())
        latest = rounds[-1]
        close_latest = latest.status == "open" and st.checkbox(
            f"Close round {latest.round} to new responses", value=True, key="close-latest-round"
        )
        if st.form_submit_button("Start round " + str(len(rounds) + 1)):
            if close_latest:
                access.close_round(latest.id)
            entry = usable[picked - 1] if picked else None
            when = closes if isinstance(closes, dt.date) else None
            if entry is not None:
                dashboard = access.start_round(entry.content, entry.bank.id, entry.bank.version, when)
            else:
                dashboard = access.start_round(None, closes_on=when)
            found = store.find_engagement_link(dashboard)
            if found is not None:
                engagements.hold_dashboard(found.engagement_id, dashboard)
            st.session_state["new_round_dashboard"] = dashboard
            st.rerun()
    new_dashboard = st.session_state.get("new_round_dashboard")
    if new_dashboard:
        st.success("The new round is ready. Its dashboard link (keep it; this round's link stays valid too):")
        st.code(engagements.dashboard_link(new_dashboard), language=None, wrap_lines=True)


def show_exports_and_settings() -> None:
    st.subheader("Exports", anchor=False)
    slug = exports.file_slug(engagement.client, engagement.round)
    st.markdown(f"**For the client** (no names, no department under {MIN_GROUP} responses, no free text):")
    st.download_button(
        "Workbook for the client (Excel)",
        lambda: workbook.workbook_bytes(store, engagement, bank, view, opened.token, full=False),
        file_name=f"{slug}-client.xlsx",
        mime=XLSX,
        type="primary",
    )
    st.markdown("**For you only**:")
    st.warning(teamdata.FULL_EXPORT_WARNING, icon=":material/warning:")
    layout_name = st.radio(
        "CSV layout",
        list(CSV_LAYOUTS),
        horizontal=True,
        help="Excel opens a CSV with the separator of your computer's region: where a comma is the decimal "
        "mark (Germany, the Nordics, most of Europe) it expects semicolons.",
    )
    layout = CSV_LAYOUTS[layout_name]
    first, second = st.columns(2)
    first.download_button(
        "Full workbook with names (Excel)",
        lambda: workbook.workbook_bytes(store, engagement, bank, view, opened.token, full=True),
        file_name=f"{slug}-full.xlsx",
        mime=XLSX,
        width="stretch",
    )
    second.download_button(
        "Responses with names (CSV)",
        lambda: exports.responses_csv(store, engagement, bank, layout),
        file_name=f"{slug}-responses.csv",
        mime="text/csv",
        width="stretch",
    )
    first.download_button(
        "Scores by department (CSV)",
        lambda: exports.scores_csv(bank, view, layout) if view is not None else b"",
        file_name=f"{slug}-scores.csv",
        mime="text/csv",
        width="stretch",
        disabled=view is None,
        help=f"Client-safe: departments under {MIN_GROUP} responses are left out.",
    )
    second.download_button(
        "This round with names (JSON)",
        lambda: exports.engagement_json_bytes(store, engagement.id, opened.token),
        file_name=f"{slug}.threadline.json",
        mime="application/json",
        width="stretch",
    )
    first.download_button(
        "Every round with names (JSON)",
        lambda: series_export.series_json_bytes(store, engagement.id, opened.token),
        file_name=f"{exports.file_slug(engagement.client, 1).removesuffix('-round-1')}-all-rounds.threadline.json",
        mime="application/json",
        width="stretch",
        help="Imports again as the same rounds (consultant page, Import an engagement).",
    )
    st.caption("CSV files are UTF-8 with a byte-order mark, so Excel opens them with accents intact.")
    report_button.engagement_report_button(opened, bank, respondents)
    st.subheader("Settings", anchor=False)
    share = st.toggle(
        f"Respondents see the team results (departments under {MIN_GROUP} responses are left out)",
        value=engagement.share_team,
    )
    if share != engagement.share_team:
        access.set_share_team(share)
        st.rerun()
    left, right = st.columns(2)
    if engagement.status == "open":
        if left.button("Close to new responses", width="stretch"):
            access.close()
            st.rerun()
    elif left.button("Reopen for responses", width="stretch"):
        access.reopen()
        st.rerun()
    if right.button("Replace the invite link", width="stretch"):
        access.replace_invite_link()
        st.rerun()
    if st.button("Replace this dashboard link (links already sent keep working)"):
        new = access.replace_dashboard_link()
        ui.go("dashboard", "dashboard", new)


show_header()
tabs = st.tabs(["Responses", "Team picture", "Disagreement", "Questions", "Workshop", "Rounds", "Export & settings"])
with tabs[0]:
    show_responses()
with tabs[1]:
    show_team()
with tabs[2]:
    show_disagreement()
with tabs[3]:
    show_questions()
with tabs[4]:
    show_workshop()
with tabs[5]:
    show_rounds()
with tabs[6]:
    show_exports_and_settings()
