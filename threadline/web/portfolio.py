"""The consultant's portfolio on the dashboard (issue 13): the client against the consultant's other engagements.

One installation is one consultant's practice (the consultant password guards it), so the
portfolio is every engagement on this database whose consultant switched on `SWITCH_LABEL`
(off by default), with the same bank id and version, less every round of this client's own
series. What joins is the consensus result's scores once the consensus is complete (every
required question agreed): no name, note, reason or free text; engagements have no industry or
size, so the portfolio is one fixed group. The client's team (its client-safe mean per
dimension) and its consensus are placed in it under the peer comparison's k rule.

The engagement's row is kept current whenever its dashboard shows the portfolio tab
(`keep_current`), through the dashboard link's `DashboardAccess`.
"""

from __future__ import annotations

import math

import streamlit as st

from scoring.bank import Bank
from scoring.peers import PeerRow, compare_with_portfolio
from scoring.team import TeamView
from threadline.reporting import portfolio, teamdata
from threadline.reporting.peer_text import (
    portfolio_group_line,
    portfolio_overall_line,
    portfolio_radar_name,
    portfolio_too_small_line,
)
from threadline.reporting.teamdata import ConsensusSummary
from threadline.storage import EngagementRecord, PeerScores
from threadline.web import resources, ui
from threadline.web.permissions import DashboardAccess

SWITCH_LABEL = "Include this engagement's consensus in my portfolio"
SWITCH_HELP = (
    "Your portfolio is your engagements on this installation with the same bank version. Only the agreed "
    "scores join, once every required question is agreed: never the client's name, notes, reasons or typed "
    "answers. Turn it off to take them out at once."
)

SCORE_COLUMNS = ("Team mean", "Agreed", "Portfolio median")


def portfolio_scores_of(bank: Bank, consensus: ConsensusSummary) -> PeerScores | None:
    """The consensus' row in the portfolio: its scores once complete, else None (a partial one never joins)."""
    if consensus.result is None or not teamdata.consensus_progress(bank, consensus).complete:
        return None
    result = consensus.result
    return PeerScores(
        assessment_id=consensus.assessment_id,
        bank_id=bank.id,
        bank_version=bank.version,
        kind="portfolio",
        industry=None,
        size=None,
        overall=result.score,
        dimensions={d.id: d.score for d in result.dimensions},
    )


def keep_current(access: DashboardAccess, bank: Bank, consensus: ConsensusSummary) -> None:
    """While the switch is on, make the stored row the complete consensus' current scores (or no row)."""
    store = access.store
    if not store.in_portfolio(access.engagement_id):
        return
    wanted = portfolio_scores_of(bank, consensus)
    if store.portfolio_row(access.engagement_id) != wanted:
        access.save_portfolio_scores(wanted)


def show_portfolio(
    access: DashboardAccess, engagement: EngagementRecord, bank: Bank, safe: TeamView | None, presenting: bool
) -> None:
    """The dashboard's portfolio tab: the switch (consultant view only), then the client against the portfolio."""
    consensus = teamdata.consensus_summary(access.store, engagement, bank, access.token)
    if not presenting:
        _show_switch(access, bank, consensus)
    keep_current(access, bank, consensus)
    rows = access.store.portfolio_scores(bank.id, bank.version, excluding_series=engagement.series_id)
    k = resources.settings().peer_min_group
    dimension_ids = [d.id for d in bank.dimensions]
    team = _team_scores(safe)
    agreed = portfolio_scores_of(bank, consensus)
    team_place = None if team is None else compare_with_portfolio(team, rows, dimension_ids, k)
    agreed_place = None if agreed is None else compare_with_portfolio(agreed, rows, dimension_ids, k)
    place = team_place or agreed_place
    st.subheader("This client against your portfolio", anchor=False)
    if place is None:
        st.caption(ui.plain(portfolio_too_small_line(len(rows), k)))
        return
    series = {}
    if team is not None:
        series["Team mean (client-safe)"] = [team.dimensions.get(d) for d in dimension_ids]
    if agreed is not None:
        series["Agreed (consensus)"] = [agreed.dimensions.get(d) for d in dimension_ids]
    st.plotly_chart(
        portfolio.radar(bank, series, portfolio.band(place, dimension_ids)),
        config={"displaylogo": False, "responsive": True},
        key="portfolio-radar",
        alt=portfolio_radar_name(len(dimension_ids), bank.level_count, agreed is not None),
    )
    lines = [portfolio_group_line(place), portfolio_overall_line(team_place, agreed_place)]
    st.markdown("  \n".join(ui.plain(line) for line in lines if line))
    if agreed is None:
        st.caption("The agreed result joins this comparison once every required question is agreed in the workshop.")
    table = portfolio.table(
        bank,
        {} if team is None else team.dimensions,
        None if agreed is None else agreed.dimensions,
        team_place,
        agreed_place,
    )
    scores = {name: st.column_config.NumberColumn(name, format="%.2f") for name in SCORE_COLUMNS}
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={"Dimension": st.column_config.TextColumn("Dimension", pinned=True), **scores},
        alt="Team and agreed scores against the portfolio, per dimension",
    )


def _show_switch(access: DashboardAccess, bank: Bank, consensus: ConsensusSummary) -> None:
    on = access.store.in_portfolio(access.engagement_id)
    wanted = st.toggle(SWITCH_LABEL, value=on, help=SWITCH_HELP, key=f"portfolio:{access.engagement_id}")
    if wanted != on:
        access.set_portfolio(wanted)
        on = wanted
    if not on:
        st.caption("Not in your portfolio: nothing of this engagement is compared with your other engagements.")
        return
    progress = teamdata.consensus_progress(bank, consensus)
    if progress.complete:
        st.caption("In your portfolio: the agreed scores, and nothing else, count in your other engagements' view.")
    else:
        st.caption(
            f"Joins your portfolio once the consensus is complete ({progress.agreed} of {progress.required} "
            "required questions agreed)."
        )


def _team_scores(safe: TeamView | None) -> PeerRow | None:
    """The client-safe team mean per dimension and overall (None where no one scored it)."""
    if safe is None:
        return None
    means = {
        d: None if math.isnan(m) else float(m) for d, m in zip(safe.dimensions.ids, safe.dimensions.mean, strict=True)
    }
    overall = None if math.isnan(safe.overall_mean) else float(safe.overall_mean)
    return PeerRow(None, None, overall, means)
