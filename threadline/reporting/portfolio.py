"""The consultant's portfolio as a radar and a table: the client's team and consensus against it (issue 13)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from scoring.bank import Bank
from scoring.peers import Comparison, Spread
from threadline.reporting import charts
from threadline.reporting.peer_text import percentile_text


def band(comparison: Comparison, dimension_ids: Sequence[str]) -> charts.PeerBand:
    """The portfolio's quartiles per dimension in bank order (None where fewer than k engagements assessed it)."""
    spreads = [comparison.dimensions.get(d) for d in dimension_ids]
    return charts.PeerBand(
        p25=[None if s is None else s.p25 for s in spreads],
        median=[None if s is None else s.median for s in spreads],
        p75=[None if s is None else s.p75 for s in spreads],
    )


def radar(bank: Bank, series: Mapping[str, list[float | None]], peers: charts.PeerBand) -> go.Figure:
    """The team's mean (and the agreed result) on one radar, behind them the portfolio's middle half and median."""
    titles = [d.title for d in bank.dimensions]
    figure = charts.team_radar(bank, titles, dict(series))
    labels = [charts.axis_label(t) for t in titles]
    # the band first, so the client's lines are drawn over it (the results page's radar does the same)
    traces = [*charts.peer_traces(peers, labels, name="Portfolio"), *figure.data]
    return go.Figure(data=traces, layout=figure.layout)


def table(
    bank: Bank,
    team: Mapping[str, float | None],
    consensus: Mapping[str, float | None] | None,
    team_place: Comparison | None,
    consensus_place: Comparison | None,
) -> pd.DataFrame:
    """Per dimension: the team's mean, the agreed score, the portfolio's median and middle half, the percentiles."""
    place = team_place or consensus_place
    spreads: list[Spread | None] = [None if place is None else place.dimensions.get(d.id) for d in bank.dimensions]
    columns: dict[str, list] = {
        "Dimension": [d.title for d in bank.dimensions],
        "Team mean": [_rounded(team.get(d.id)) for d in bank.dimensions],
    }
    if consensus is not None:
        columns["Agreed"] = [_rounded(consensus.get(d.id)) for d in bank.dimensions]
    columns["Portfolio median"] = [None if s is None else round(s.median, 2) for s in spreads]
    columns["Middle half (P25–P75)"] = [None if s is None else f"{s.p25:.2f}–{s.p75:.2f}" for s in spreads]
    columns["Team percentile"] = [_percentile(team_place, d.id) for d in bank.dimensions]
    if consensus is not None:
        columns["Agreed percentile"] = [_percentile(consensus_place, d.id) for d in bank.dimensions]
    return pd.DataFrame(columns)


def _percentile(place: Comparison | None, dimension_id: str) -> str | None:
    return None if place is None else percentile_text(place.dimensions.get(dimension_id))


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
