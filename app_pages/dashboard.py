"""The consultant's dashboard: responses, the team picture, disagreement, questions, rounds, exports.

Long because it is one page of eight tabs, each a few short functions over the same opened
engagement, its views and the presenting switch; split into modules, each would need all of
that passed in. What is not the page's own (tables, charts, summaries) lives in threadline/.
"""

import datetime as dt

import numpy as np
import streamlit as st

from scoring import groups
from scoring.team import MIN_GROUP, TeamView
from threadline import catalog
from threadline.reporting import charts, exports, series_export, teamdata, workbook
from threadline.web import engagement_session as engagements
from threadline.web import fieldwork, figures, home, portfolio, report_button, resources, teamviews, ui
from threadline.web.session import today

teamviews.projector_page()  # wide (app.py), with larger type on a projector

found = engagements.open_engagement("dashboard")
if isinstance(found, engagements.EngagementProblem):
    ui.engagement_problem_page(found.reason, "dashboard")
opened = found

store = resources.store()  # reads; every write goes through `access`
access = engagements.dashboard_access(opened)
engagement = opened.record
engagements.hold_dashboard(engagement.id, opened.token)  # the consultant's home opens it without a new link
bank = resources.stored_bank(engagement.bank_hash)
COLOURS = charts.department_colours(engagement.departments, engagement.department_groups)
respondents = store.respondents(engagement.id)
view = teamviews.team_view_of(engagement, bank, respondents)
CHART_CONFIG = {"displaylogo": False, "responsive": True}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_LAYOUTS = {
    "Comma, decimal point (3.5)": exports.COMMA,
    "Semicolon, decimal comma (3,5): Excel in Germany, the Nordics, most of Europe": exports.SEMICOLON,
}


safe = view.client_safe() if view is not None else None
CLIENT_SEES = set(safe.departments.names) if safe is not None else set()
GROUP_OF = {member: name for name, members in engagement.department_groups for member in members}
header_slot, switch_slot = st.container(), st.container()  # the title first, the switch under it
presenting = switch_slot.toggle(
    "Presenting mode: only what the client may see",
    key=f"presenting:{engagement.id}",
    help="Small groups folded into their named groups or left out, no names, n on every group. "
    "Switch it off for the consultant-only view.",
)
shown = safe if presenting else view
CONSULTANT_ONLY = ":material/lock: **Consultant only**: includes what the client does not see."


def chart(build, *args, key: str, **kwargs) -> None:
    """The chart `build(*args, **kwargs)`; in the consultant-only view marked so, above it and on the chart itself.

    Built once per set of arguments and shared by reruns and sessions (`figures.cached`).
    """
    steps = (charts.for_projector,) if presenting else (charts.mark_consultant_only, charts.for_projector)
    if not presenting:
        st.caption(CONSULTANT_ONLY)
    st.plotly_chart(figures.cached(build, *args, finish=steps, **kwargs), config=CHART_CONFIG, key=key)


def department_label(name: str, count: int) -> str:
    if presenting or name in CLIENT_SEES:
        return f"{name} (n={count})"
    if name in GROUP_OF and GROUP_OF[name] in CLIENT_SEES:
        return f"{name} (n={count}, shown in {GROUP_OF[name]})"
    return f"{name} (n={count}, not shown to client)"


def show_header() -> None:
    with header_slot:
        show_title()
    if presenting:
        return
    invite = engagements.invite_link(store.current_invite_token(engagement.id, opened.token))
    with st.container(border=True):
        st.markdown("**Invite link for respondents** (it never opens this dashboard):")
        st.code(invite, language=None, wrap_lines=True)


def show_title() -> None:
    if engagement.logo_text:
        st.caption(ui.plain(engagement.logo_text))
    st.title(ui.plain(engagement.client), anchor=False)
    home.issued_dashboard_notice(opened.token)
    status = "open" if engagement.accepts_responses(today()) else "closed to new responses"
    closes = f" · closes {engagement.closes_on:%d %b %Y}" if engagement.closes_on else ""
    by = f" · consultant {ui.plain(engagement.consultant)}" if engagement.consultant else ""
    st.caption(f"{ui.plain(bank.title)} {ui.plain(bank.version)} · round {engagement.round} · {status}{closes}{by}")


def show_silo_story() -> None:
    """The largest differences between the groups the client may see, first, in words."""
    if safe is None:
        return
    sentences = teamdata.silo_summary(bank, safe)
    with st.container(border=True):
        st.markdown("**Where the groups differ most**")
        if sentences:
            st.markdown("\n".join(f"- {ui.plain(sentence)}" for sentence in sentences))
        else:
            st.caption("Differences between groups appear once the client may see two groups.")


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
        chart(charts.submissions_over_time, days, totals, key="over-time")
    fieldwork.show(access, engagement, respondents)


def show_team() -> None:
    if view is None or shown is None:
        st.info("The team picture appears once a response is submitted.")
        return
    st.subheader(teamdata.team_headline(bank, shown), anchor=False)
    note = teamdata.team_weakest_link_note(bank, shown)
    if note:
        st.info(note, icon=":material/link:")
    titles = [d.title for d in bank.dimensions]
    counts = shown.departments.count
    # only departments someone answered from: an offered department with no response has nothing to show
    answered = [k for k in range(len(counts)) if counts[k] > 0]
    names = tuple(shown.departments.names[k] for k in answered)
    series = {"Team mean": teamdata.values(shown.dimensions.mean)}
    for k in answered:
        label = department_label(shown.departments.names[k], int(counts[k]))
        series[label] = teamdata.values(shown.departments.dimension_means[k])
    if presenting:  # the lowest and highest answer are one person's each: not for the client
        band = None
        st.caption("Click a name in the legend to hide or show its line.")
    else:
        band = (teamdata.values(view.dimensions.minimum), teamdata.values(view.dimensions.maximum))
        st.caption(
            "Click a name in the legend to hide or show its line. The shaded band runs from the lowest to the "
            "highest score any respondent gave."
        )
    chart(charts.team_radar, bank, titles, series, band, COLOURS, key="team-radar")
    st.caption(ui.plain(teamdata.withheld_caption(view)))
    withheld = [n for n in names if n not in CLIENT_SEES and GROUP_OF.get(n) not in CLIENT_SEES]
    if not presenting and withheld:
        st.warning(
            f"Departments marked 'not shown to client' have fewer than {MIN_GROUP} submitted responses, or "
            f"showing them would let a group under {MIN_GROUP} be worked out from the team total. They appear "
            "here only; the client's team results and reports leave them out."
        )
    with st.expander("Team scores as a table"):
        table = teamdata.dimension_table(bank, shown)
        if presenting:
            table = table.drop(columns=["Lowest", "Highest"])
        st.dataframe(table, hide_index=True, width="stretch")
    if not presenting:
        show_groups_editor()
    show_perception_gap(shown, titles, names)


def show_groups_editor() -> None:
    """Name groups of departments the client's views count as one (e.g. "Leadership and other")."""
    with st.expander("Groups for the client: count a small department inside a larger group"):
        st.caption(
            "A department under 3 responses is never shown on its own, and a larger one may have to be "
            "withheld with it so that its answers cannot be worked out from the team's. Counting the small "
            "department together with another one shows both, as one group, in everything the client sees."
        )
        for group, in_group in engagement.department_groups:
            left, right = st.columns([4, 1])
            left.markdown(f"**{ui.plain(group)}**: {ui.plain(', '.join(in_group))}")
            if right.button("Remove", key=f"remove-group:{group}"):
                rest = [(n, list(m)) for n, m in engagement.department_groups if n != group]
                access.set_department_groups(rest)
                st.rerun()
        grouped = {m for _, members in engagement.department_groups for m in members}
        free = [d for d in engagement.departments if d not in grouped]
        with st.form("new-group", clear_on_submit=True):
            name = st.text_input("Group name", placeholder="Leadership and other", max_chars=100)
            members: list[str] = st.multiselect("Departments in the group (two or more)", free)
            if st.form_submit_button("Add the group"):
                try:
                    access.set_department_groups(
                        [*((n, list(m)) for n, m in engagement.department_groups), (name.strip(), members)]
                    )
                except ValueError as problem:
                    st.session_state["group_error"] = str(problem)[:1].upper() + str(problem)[1:] + "."
                st.rerun()
        error = st.session_state.pop("group_error", None)
        if error:
            st.error(error)


def gap_default(names: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The pair of client-safe groups that differ most, as departments of the picker's list."""
    pair = groups.widest_pair(safe) if safe is not None else None
    if pair is not None:
        members = dict(engagement.department_groups)
        sides = [[group] if group in names else [n for n in members.get(group, ()) if n in names] for group in pair]
        if all(sides):
            return sides[0], sides[1]
    default_a = [n for n in names if n.lower() == "leadership"] or [names[0]]
    return default_a, [n for n in names if n not in default_a]


def show_perception_gap(view: TeamView, titles: list[str], names: tuple[str, ...]) -> None:
    st.subheader("Perception gap", anchor=False)
    if len(names) < 2:
        st.caption("The perception gap needs responses from at least two departments.")
        return
    default_a, default_b = gap_default(names)
    if safe is not None and groups.widest_pair(safe) is not None:
        st.caption("By default the two groups the client may see that differ most.")
    else:
        st.caption(
            "By default Leadership (or the first department) beside the rest: the client may not see two groups."
        )
    left, right = st.columns(2)
    mode = "-presenting" if presenting else ""  # the groups differ between the two views
    group_a = left.multiselect("Group A", names, default=default_a, key=f"gap-a{mode}")
    others = [n for n in default_b if n not in group_a] or [n for n in names if n not in group_a]
    group_b = right.multiselect("Group B", names, default=others, key=f"gap-b{mode}")
    if not group_a or not group_b:
        st.caption("Choose at least one department on each side.")
        return
    means_a, means_b = view.perception_gap(group_a, group_b)
    label_a, label_b = " + ".join(group_a), " + ".join(group_b)
    series = {label_a: teamdata.values(means_a), label_b: teamdata.values(means_b)}
    chart(charts.team_radar, bank, titles, series, colours=COLOURS, key="gap-radar")
    st.caption("Largest difference first.")
    table = teamdata.gap_table(titles, label_a, means_a, label_b, means_b)
    numbers = {c: st.column_config.NumberColumn(c, format="%.2f") for c in table.columns[1:]}
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={table.columns[0]: st.column_config.TextColumn(table.columns[0], pinned=True), **numbers},
    )


def show_disagreement() -> None:
    if shown is None:
        st.info(teamdata.DISAGREEMENT_WAITING)
        return
    st.markdown(
        "**Alignment** runs from 1 (everyone gives the same score) to 0 (the team is split between the "
        "lowest and the highest answer). The dimensions and questions people see most differently come first: "
        "they are where the workshop conversation starts."
    )
    titles = {d.id: d.title for d in bank.dimensions}
    dimension_ids = shown.dimensions.ids
    alignment = [float(a) if not np.isnan(a) else 1.0 for a in shown.dimensions.alignment]
    chart(charts.alignment_bars, [titles[i] for i in dimension_ids], alignment, key="alignment")
    st.subheader("Questions with the widest disagreement", anchor=False)
    for rank, question_id in enumerate(teamviews.disputed_questions_shown(shown), start=1):
        show_distribution(shown, rank, question_id)


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
        style = teamdata.distribution_style(bank, question_id)
        chart(charts.distribution_bars, labels, departments, counts, key=f"dist-{question_id}", **style)


def show_questions() -> None:
    if shown is None:
        st.info("The question table appears once a response is submitted.")
        return
    st.caption(
        "Mean score, spread (standard deviation) and share of 'not applicable' per question, "
        "for the team and each department."
    )
    if not presenting:
        st.caption(CONSULTANT_ONLY)
    table = teamdata.question_table(bank, shown)
    every_number = not presenting or st.toggle("Each group's spread and N/A share too", key="question-detail")
    if not every_number:  # on a projector the numbers stay in view: each group's mean only
        table = table.drop(columns=[c for c in table.columns if c.endswith((": sd", ": N/A"))])
    st.dataframe(table, hide_index=True, width="stretch", height=520, column_config=question_columns(table))


def question_columns(table) -> dict:
    """The question column pinned and wide enough to read; every number in a narrow column of two decimals."""
    config: dict = {
        "Dimension": st.column_config.TextColumn("Dimension", width=130),
        "Question": st.column_config.TextColumn("Question", pinned=True, width=320),
    }
    for name in table.columns[2:]:
        config[name] = st.column_config.NumberColumn(name, format="%.2f", width=96)
    return config


def show_workshop() -> None:
    st.markdown(
        "In the workshop, walk through the questions with the client's leadership, the most disputed first: "
        "reveal how people answered, agree one answer, record why, then agree a target stage and actions per "
        "dimension. The agreed answers form the consensus, shown on the client page."
    )
    consensus = teamdata.consensus_summary(store, engagement, bank, opened.token)
    progress = teamdata.consensus_progress(bank, consensus)
    st.metric("Questions agreed", f"{progress.agreed} of {progress.required}")
    left, right = st.columns(2)
    if left.button("Open the workshop", type="primary", width="stretch"):
        ui.go("workshop", "dashboard", opened.token)
    if right.button("Open the client page", width="stretch"):
        ui.go("client", "dashboard", opened.token)
    if consensus.result is not None and view is not None:
        titles = [d.title for d in bank.dimensions]
        agreed_label = "Agreed" if progress.complete else "Agreed so far (partial)"
        series = {
            "Team mean": teamdata.values(view.dimensions.mean),
            agreed_label: [d.score for d in consensus.result.dimensions],
        }
        chart(charts.team_radar, bank, titles, series, colours=COLOURS, key="consensus-radar")
    if consensus.agreed and not presenting:
        link = teamviews.client_page_link(store, consensus)
        if link:
            st.markdown("The client page (the consensus, the team picture and the plan), for the client:")
            st.code(link, language=None, wrap_lines=True)
            if st.button("Turn the client page link off"):
                access.stop_sharing_consensus()
                st.rerun()
        elif st.button("Give the client a link to the client page"):
            access.share_consensus()
            st.rerun()


def show_round_comparison(rounds) -> None:
    """The rounds compared: the team per round, each group with its n, the mix, what moved most.

    In presenting mode each round as the client may see it: a group only in the rounds where it
    was shown, never worked out from the team and the others.
    """
    comparison = teamviews.rounds_comparison(store, rounds, client_safe=presenting)
    first = rounds[0].round
    if not presenting:
        st.caption(CONSULTANT_ONLY)
    st.subheader("The team in each round", anchor=False)
    steps = (charts.for_projector,) if presenting else (charts.mark_consultant_only, charts.for_projector)
    figure = figures.cached(charts.team_radar, bank, comparison.titles, comparison.series, finish=steps)
    st.plotly_chart(figure, config=CHART_CONFIG, key="rounds-radar", alt="Team mean per dimension in each round")
    st.markdown(ui.plain(teamviews.rounds_radar_summary(comparison)))
    teamviews.rounds_table(comparison.table)
    st.subheader("By department", anchor=False)
    if comparison.mix:
        with st.container(border=True):
            st.markdown("**Where a different mix of respondents explains the change**")
            st.markdown("\n".join(f"- {ui.plain(sentence)}" for sentence in comparison.mix))
    elif not comparison.unaccounted:
        st.caption("In no dimension does a different mix of respondents explain the team's change.")
    if comparison.unaccounted:
        st.caption(
            "Where some responses are in groups not shown, the mix of respondents is not compared "
            f"(it would speak for people it leaves out): {ui.plain(', '.join(comparison.unaccounted))}."
        )
    titles = list(comparison.departments)
    opening = titles.index(comparison.marked[0]) if comparison.marked else 0
    picked = st.selectbox("Dimension", titles, index=opening, key="rounds-dimension")
    teamviews.rounds_table(comparison.departments[picked])
    if presenting:
        st.caption(
            "–: the group did not score the dimension in that round, or was not shown to you then "
            "(fewer than 3 responses, or it would have let a smaller group's answers be worked out). "
            "n: respondents."
        )
    else:
        st.caption("–: nobody from that department scored the dimension in that round. n: respondents.")
    st.subheader(f"What moved most since round {first}", anchor=False)
    if comparison.moved.empty:
        st.caption(f"No question's team mean moved between round {first} and round {rounds[-1].round}.")
        return
    st.caption(f"The team mean per question, the largest change since round {first} first (at most 10).")
    teamviews.rounds_table(comparison.moved)


def show_rounds() -> None:
    rounds = store.series(engagement.series_id)
    st.markdown(f"This is round {engagement.round} of {len(rounds)}.")
    if len(rounds) > 1:
        show_round_comparison(rounds)
    if presenting:
        return
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
if presenting:
    st.info(
        "Presenting mode: only what the client may see. Switch it off above for the consultant-only view.",
        icon=":material/co_present:",
    )
show_silo_story()


def show_portfolio() -> None:
    portfolio.show_portfolio(access, engagement, bank, safe, presenting)


if presenting:
    tabs = st.tabs(["Team picture", "Disagreement", "Questions", "Workshop", "Portfolio", "Rounds"])
    parts = [show_team, show_disagreement, show_questions, show_workshop, show_portfolio, show_rounds]
    for tab, part in zip(tabs, parts, strict=True):
        with tab:
            part()
else:
    tabs = st.tabs(
        [
            "Responses",
            "Team picture",
            "Disagreement",
            "Questions",
            "Workshop",
            "Portfolio",
            "Rounds",
            "Export & settings",
        ]
    )
    parts = [
        show_responses,
        show_team,
        show_disagreement,
        show_questions,
        show_workshop,
        show_portfolio,
        show_rounds,
        show_exports_and_settings,
    ]
    for tab, part in zip(tabs, parts, strict=True):
        with tab:
            part()
