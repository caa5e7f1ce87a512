"""Plotly figures for the results page; plain functions from results to figures.

Colours and fonts are set on each figure (not taken from Streamlit's theme) so that an
exported image looks like the screen.
"""

from __future__ import annotations

import html

import plotly.graph_objects as go

from scoring.bank import Bank
from scoring.engine import Result

INK = "#1f2933"
GRID = "#d5dedc"
SCORE_COLOUR = "#0f766e"
TARGET_COLOUR = "#c2410c"
MIN_GAP = 0.005  # a gap that rounds to 0.00 is no gap
FONT = dict(family="Source Sans Pro, Source Sans 3, Helvetica, Arial, sans-serif", size=14, color=INK)


def radar(bank: Bank, result: Result) -> go.Figure:
    """Dimension scores (and targets where set) on the bank's level scale, one spoke a dimension."""
    titles = [axis_label(d.title) for d in result.dimensions]
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
                ticktext=[html.escape(f"{k} {bank.levels[k - 1].name}", quote=False) for k in levels],
                gridcolor=GRID,
                linecolor=GRID,
                angle=90 - 180 / len(titles),
                tickangle=90 - 180 / len(titles),
                tickfont=dict(size=11),
            ),
            angularaxis=dict(gridcolor=GRID, linecolor=GRID, direction="clockwise", rotation=90),
        ),
        **_layout(),
    )
    return figure


def gap_bars(result: Result) -> go.Figure:
    """The gap to target per dimension, largest first; dimensions at or past their target are left out."""
    rows = sorted((d for d in result.dimensions if d.gap is not None and d.gap > MIN_GAP), key=lambda d: -d.gap)
    figure = go.Figure(
        go.Bar(
            x=[d.gap for d in rows],
            y=[axis_label(d.title, width=28) for d in rows],
            orientation="h",
            marker_color=TARGET_COLOUR,
            text=[f"{d.gap:.2f}" for d in rows],
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


def axis_label(title: str, width: int = 18) -> str:
    """A dimension title for a chart axis: escaped (Plotly reads a few HTML tags) and wrapped."""
    lines, line = [], ""
    for word in title.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(html.escape(part, quote=False) for part in lines)


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
    return f"{dimension.score:.2f} ({html.escape(dimension.level_name, quote=False)})"


def _layout() -> dict:
    return dict(
        template="plotly_white",
        font=FONT,
        paper_bgcolor="white",
        margin=dict(l=70, r=70, t=40, b=40),
        legend=dict(orientation="h", yanchor="bottom", y=-0.2, xanchor="center", x=0.5),
    )
