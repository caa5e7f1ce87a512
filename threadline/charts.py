"""Plotly figures for the results page; plain functions from results to figures.

Colours and fonts are set on each figure (not taken from Streamlit's theme) so that an
exported image looks like the screen.
"""

from __future__ import annotations

import plotly.graph_objects as go

from scoring.bank import Bank
from scoring.engine import Result

INK = "#1f2933"
GRID = "#d5dedc"
SCORE_COLOUR = "#0f766e"
TARGET_COLOUR = "#c2410c"
FONT = dict(family="Source Sans Pro, Source Sans 3, Helvetica, Arial, sans-serif", size=14, color=INK)


def radar(bank: Bank, result: Result) -> go.Figure:
    """Dimension scores (and targets where set) on the bank's level scale, one spoke a dimension."""
    titles = [d.title for d in result.dimensions]
    figure = go.Figure()
    figure.add_trace(
        _closed_trace(
            "Your score",
            [d.score for d in result.dimensions],
            titles,
            SCORE_COLOUR,
            fill="toself",
            hover=[_score_hover(d) for d in result.dimensions],
        )
    )
    if any(d.target is not None for d in result.dimensions):
        figure.add_trace(
            _closed_trace(
                "Target", [d.target for d in result.dimensions], titles, TARGET_COLOUR, dash="dash", hover=None
            )
        )
    levels = range(1, bank.level_count + 1)
    figure.update_layout(
        polar=dict(
            bgcolor="white",
            radialaxis=dict(
                range=[0, bank.level_count],
                tickvals=list(levels),
                ticktext=[f"{k} {bank.levels[k - 1].name}" for k in levels],
                gridcolor=GRID,
                linecolor=GRID,
                angle=90,
                tickangle=90,
                tickfont=dict(size=11),
            ),
            angularaxis=dict(gridcolor=GRID, linecolor=GRID, direction="clockwise", rotation=90),
        ),
        **_layout(),
    )
    return figure


def gap_bars(result: Result) -> go.Figure:
    """The gap to target per dimension, largest first; dimensions without a gap are left out."""
    rows = sorted((d for d in result.dimensions if d.gap is not None), key=lambda d: -d.gap)
    figure = go.Figure(
        go.Bar(
            x=[d.gap for d in rows],
            y=[d.title for d in rows],
            orientation="h",
            marker_color=TARGET_COLOUR,
            text=[f"{d.gap:.1f}" for d in rows],
            textposition="outside",
            hovertemplate="%{y}: %{x:.2f} levels to target<extra></extra>",
        )
    )
    figure.update_layout(
        xaxis=dict(title="Levels to target", rangemode="tozero", gridcolor=GRID, zeroline=False),
        yaxis=dict(autorange="reversed"),
        height=max(220, 48 * len(rows) + 90),
        showlegend=False,
        **_layout(),
    )
    return figure


def _closed_trace(name, values, titles, colour, *, fill=None, dash=None, hover=None) -> go.Scatterpolar:
    """A polar line that returns to its first point, so the shape closes."""
    return go.Scatterpolar(
        name=name,
        r=[*values, values[0]],
        theta=[*titles, titles[0]],
        mode="lines+markers",
        line=dict(color=colour, width=2.5, dash=dash),
        marker=dict(size=7, color=colour),
        fill=fill,
        fillcolor="rgba(15, 118, 110, 0.18)" if fill else None,
        connectgaps=False,
        text=None if hover is None else [*hover, hover[0]],
        hovertemplate="%{theta}: %{text}<extra></extra>" if hover else "%{theta}: target level %{r}<extra></extra>",
    )


def _score_hover(dimension) -> str:
    if dimension.score is None:
        return "not assessed"
    return f"{dimension.score:.2f} ({dimension.level_name})"


def _layout() -> dict:
    return dict(
        template="plotly_white",
        font=FONT,
        paper_bgcolor="white",
        margin=dict(l=40, r=40, t=30, b=30),
        legend=dict(orientation="h", yanchor="bottom", y=-0.2, xanchor="center", x=0.5),
    )
