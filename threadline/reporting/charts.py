"""Plotly figures for the results page, the dashboard, the workshop and the PDF: results in, figures out.

Long because every chart shares one template, palette and layout helpers here (the web pages
and the PDF draw with the same builders); the self-assessment charts come first, the team charts
(department colours, distributions) after them.

Colours and fonts are set on each figure (not taken from Streamlit's theme) so that an
exported image looks like the screen. Every figure has `dragmode=False` and fixed axes, and
pages show it with `PLOTLY_CONFIG`: a swipe on a phone scrolls the page instead of zooming
or panning the chart, and there is no mode bar to tap by accident.

The figures carry a small template of their own (`TEMPLATE`, what they use of Plotly's
"plotly_white") rather than "plotly_white" itself: Plotly copies and validates a template
on every figure, and the full one made building a figure three times slower and sent
7 kB more to the browser on every rerun.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import plotly.graph_objects as go

from scoring.bank import Bank
from scoring.engine import Result
from threadline.reporting.summary import ranked_gaps
from threadline.text import clean_name

INK = "#1f2933"
GRID = "#d5dedc"
SCORE_COLOUR = "#0f766e"
TARGET_COLOUR = "#c2410c"
PEER_COLOUR = "#52606d"  # 6.4:1 on white: the median line is read, not only seen
PEER_BAND = "rgba(82, 96, 109, 0.16)"
RING_HEADROOM = 0.5
DAY_MS = 86_400_000
FONT = dict(family="Source Sans Pro, Source Sans 3, Helvetica, Arial, sans-serif", size=14, color=INK)
SERIES_COLOURS = ("#0f766e", "#c2410c", "#1d4ed8", "#7c3aed", "#b45309", "#be185d", "#15803d", "#475569", "#0e7490")
RADAR_LABEL_WIDTH = 13  # characters a line: the spoke labels fit beside a 390 px wide radar
RADAR_SIDE_MARGIN = 88  # pixels left and right of a radar for those labels

PLOTLY_CONFIG: dict[str, Any] = {
    "displayModeBar": False,  # no toolbar to tap by accident on a phone
    "scrollZoom": False,  # a wheel or a swipe scrolls the page
    "doubleClick": False,  # a double tap does not rescale the axes
    "displaylogo": False,
    "responsive": True,
}
"""The Plotly config to show these figures with: `st.plotly_chart(figure, config=PLOTLY_CONFIG)`."""

_AXIS = dict(
    gridcolor=GRID,
    linecolor=GRID,
    ticks="",
    title=dict(standoff=15),
    zerolinecolor=GRID,
    automargin=True,
    zerolinewidth=2,
    fixedrange=True,
    tickfont=dict(color=INK),
)
TEMPLATE = go.layout.Template(
    layout=dict(
        colorway=list(SERIES_COLOURS),
        font=dict(color=INK),
        hovermode="closest",
        hoverlabel=dict(align="left"),
        paper_bgcolor="white",
        plot_bgcolor="white",
        polar=dict(
            bgcolor="white",
            angularaxis=dict(gridcolor=GRID, linecolor=GRID, ticks=""),
            radialaxis=dict(gridcolor=GRID, linecolor=GRID, ticks=""),
        ),
        xaxis=_AXIS,
        yaxis=_AXIS,
    ),
    data=dict(bar=[go.Bar(marker=dict(line=dict(color="white", width=0.5)))]),
)
"""What the figures use of Plotly's "plotly_white", with this app's ink and grid colours."""


def radar(bank: Bank, result: Result, score_name: str = "Your score", peers: PeerBand | None = None) -> go.Figure:
    """Dimension scores (and targets where set) on the bank's level scale, one spoke a dimension.

    `score_name` names the score trace in the legend ("Their score" on a share link). `peers`:
    the peer group's middle half (25th to 75th percentile) as a grey band and its median as a
    dotted line, behind the scores.
    """
    titles = [axis_label(d.title) for d in result.dimensions]
    traces = [] if peers is None else peer_traces(peers, titles)
    traces += [
        _closed_trace(
            html.escape(score_name, quote=False),
            [d.score for d in result.dimensions],
            titles,
            SCORE_COLOUR,
            fill="toself",
            hover=[_score_hover(d) for d in result.dimensions],
        )
    ]
    if any(d.target is not None for d in result.dimensions):
        traces.append(
            _closed_trace(
                "Target", [d.target for d in result.dimensions], titles, TARGET_COLOUR, dash="dash", hover=None
            )
        )
    # one constructor call: `update_layout` on a built figure costs as much again
    return go.Figure(data=traces, layout=dict(polar=_polar(bank, len(titles)), height=520, **_radar_layout()))


def gap_bars(result: Result) -> go.Figure:
    """The gap to target per dimension, largest first (as ranked in words); those at their target are left out."""
    rows = ranked_gaps(result)
    bars = go.Bar(
        x=[d.gap for d in rows],
        y=[axis_label(d.title, width=28) for d in rows],
        orientation="h",
        marker_color=TARGET_COLOUR,
        text=[f"{d.gap:.2f}" for d in rows],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}: %{x:.2f} levels to target<extra></extra>",
    )
    layout = dict(
        xaxis=dict(
            title=dict(text="Levels to target", font=dict(color=INK)),
            range=[0, max((d.gap or 0.0 for d in rows), default=1.0) * 1.2],  # ranked gaps are never None
            gridcolor=GRID,
            zeroline=False,
            tickfont=dict(color=INK),
        ),
        yaxis=dict(autorange="reversed", tickfont=dict(color=INK)),
        height=max(220, 48 * len(rows) + 90),
        showlegend=False,
        **_layout(),
    )
    return go.Figure(data=[bars], layout=layout)


def axis_label(title: str, width: int = RADAR_LABEL_WIDTH) -> str:
    """A dimension title for a chart axis: escaped (Plotly reads a few HTML tags) and wrapped.

    Lines break between words, and inside a word longer than a line after a hyphen
    ("Cross-" / "functional").
    """
    pieces: list[tuple[str, str]] = []  # (text, what joins it to the piece before on one line)
    for word in title.split():
        parts = re.findall(r"[^-]+-*|-+", word) if len(word) > width else [word]
        pieces += [(part, " " if n == 0 else "") for n, part in enumerate(parts)]
    lines: list[str] = []
    line = ""
    for part, glue in pieces:
        if line and len(line) + len(glue) + len(part) > width:
            lines.append(line)
            line = part
        else:
            line = f"{line}{glue}{part}" if line else part
    lines.append(line)
    return "<br>".join(html.escape(part, quote=False) for part in lines)


@dataclass(frozen=True)
class PeerBand:
    """A peer group on the radar: its quartiles per dimension (result order), None where no peer assessed it."""

    p25: Sequence[float | None]
    median: Sequence[float | None]
    p75: Sequence[float | None]


def peer_traces(peers: PeerBand, titles: list[str], name: str = "Peers") -> list[go.Scatterpolar]:
    """The band (its outer edge, then the inner edge filled back to it) and the median line.

    The legend says `name` ("Peers" on the results page, "Portfolio" on the dashboard); the
    page names the group and its size in words beside the chart.
    """

    def edge(values: Sequence[float | None], **style) -> go.Scatterpolar:
        return go.Scatterpolar(
            r=[*values, values[0]],
            theta=[*titles, titles[0]],
            mode="lines",
            connectgaps=False,
            hoverinfo="skip",
            **style,
        )

    return [
        edge(peers.p75, line=dict(color=PEER_COLOUR, width=0.5), showlegend=False, legendgroup="peers"),
        edge(
            peers.p25,
            line=dict(color=PEER_COLOUR, width=0.5),
            fill="tonext",
            fillcolor=PEER_BAND,
            name=f"{name}: middle half",
            legendgroup="peers",
        ),
        go.Scatterpolar(
            r=[*peers.median, peers.median[0]],
            theta=[*titles, titles[0]],
            mode="lines",
            line=dict(color=PEER_COLOUR, width=2, dash="dot"),
            connectgaps=False,
            name=f"{name}: median",
            text=[*(_level_text(v) for v in peers.median), _level_text(peers.median[0])],
            hovertemplate=f"%{{theta}}: {name} median %{{text}}<extra></extra>",
        ),
    ]


def _level_text(value: float | None) -> str:
    return "not assessed" if value is None else f"{value:.2f}"


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
        template=TEMPLATE,
        font=FONT,
        paper_bgcolor="white",
        margin=dict(l=70, r=70, t=40, b=40),
        legend=dict(orientation="h", yanchor="bottom", y=-0.2, xanchor="center", x=0.5),
        dragmode=False,  # a swipe scrolls the page: no zoom box, no pan, nothing to double-click back
    )


def _radar_layout() -> dict:
    """A radar's layout: room beside it for the spoke labels, and the legend below them."""
    layout = _layout()
    layout["margin"] = dict(l=RADAR_SIDE_MARGIN, r=RADAR_SIDE_MARGIN, t=40, b=40)
    layout["legend"] = _LEGEND_BELOW_LABELS
    return layout


# --- team charts (consultant dashboard) ---------------------------------------------------------

BAND_COLOUR = "rgba(15, 118, 110, 0.12)"


def team_radar(
    bank: Bank,
    titles: list[str],
    series: dict[str, list[float | None]],
    band: tuple[list[float | None], list[float | None]] | None = None,
    colours: Mapping[str, str] | None = None,
) -> go.Figure:
    """Several score traces on one radar (click a legend entry to hide it), with an optional min-max band.

    `colours` (`department_colours`) gives a department or group the same colour on every chart
    whatever else is drawn: a series' name up to its " (n=" is looked up; others take the
    palette by position.
    """
    labels = [axis_label(t) for t in titles]
    traces: list[go.Scatterpolar] = []
    if band is not None:
        low, high = band
        traces.append(_band_edge("Highest answer", high, labels, fill=None))
        traces.append(_band_edge("Lowest answer", low, labels, fill="tonext"))
    for n, (label, values) in enumerate(series.items()):
        colour = (colours or {}).get(label.split(" (n=")[0], SERIES_COLOURS[n % len(SERIES_COLOURS)])
        name = clean_name(label)  # a department's bidi controls must not move its "(n=3)"
        traces.append(
            go.Scatterpolar(
                name=html.escape(name, quote=False),
                r=[*values, values[0]],
                theta=[*labels, labels[0]],
                mode="lines+markers",
                line=dict(color=colour, width=3 if n == 0 else 2, dash=None if n == 0 else "solid"),
                marker=dict(size=6, color=colour),
                connectgaps=False,
                hovertemplate="%{theta}: %{r:.2f}<extra>" + html.escape(name, quote=False) + "</extra>",
            )
        )
    polar = _polar(bank, len(labels))
    # On a wide page the radar is as tall as the chart: the lowest spoke label then reaches below the
    # plot area, and the legend under it would cover it. The radar leaves the bottom eighth free.
    polar["domain"] = dict(x=[0, 1], y=[0.12, 1])
    layout = _radar_layout()
    # Each legend entry as wide as the longest name: Plotly's own measure of a row cut the last name short.
    longest = max((len(clean_name(label)) for label in [*series, "Highest answer"]), default=10)
    layout["legend"] = {**layout["legend"], "entrywidth": 8 * longest + 40, "entrywidthmode": "pixels"}
    return go.Figure(data=traces, layout=dict(polar=polar, height=620, **layout))


# A legend of several rows anchored by its bottom edge (as in `_layout`) grows up over the plot:
# over a radar's lowest axis label, over a bar chart's bars. These grow away from the plot instead.
_LEGEND_BELOW_LABELS = dict(orientation="h", yanchor="top", y=-0.16, xanchor="center", x=0.5)
_LEGEND_ABOVE = dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0)


def _band_edge(name: str, values, labels, fill) -> go.Scatterpolar:
    return go.Scatterpolar(
        name=name,
        r=[*values, values[0]],
        theta=[*labels, labels[0]],
        mode="lines",
        line=dict(color="rgba(15, 118, 110, 0.35)", width=1, dash="dot"),
        fill=fill,
        fillcolor=BAND_COLOUR,
        hovertemplate="%{theta}: %{r:.2f}<extra>" + name + "</extra>",
        legendgroup="band",
    )


def _polar(bank: Bank, spokes: int) -> dict:
    levels = range(1, bank.level_count + 1)
    return dict(
        bgcolor="white",
        radialaxis=dict(
            # headroom beyond the top ring keeps its tick label clear of the spoke labels
            range=[0, bank.level_count + RING_HEADROOM],
            tickvals=list(levels),
            ticktext=[html.escape(f"{k} {bank.levels[k - 1].name}", quote=False) for k in levels],
            gridcolor=GRID,
            linecolor=GRID,
            # just left of the top spoke: the labels read rightwards, across the top, clear of the spoke labels
            angle=90 + 180 / max(spokes, 1),
            tickangle=90 + 180 / max(spokes, 1),
            tickfont=dict(size=11),
        ),
        angularaxis=dict(gridcolor=GRID, linecolor=GRID, direction="clockwise", rotation=90, tickfont=dict(size=12)),
    )


def alignment_bars(titles: list[str], alignment: list[float]) -> go.Figure:
    """How far respondents agree per dimension (1 = all agree), widest disagreement first."""
    rows = sorted(zip(titles, alignment, strict=True), key=lambda row: row[1])
    figure = go.Figure(
        go.Bar(
            x=[value for _, value in rows],
            y=[axis_label(title, width=28) for title, _ in rows],
            orientation="h",
            marker_color=[TARGET_COLOUR if value < 0.6 else SCORE_COLOUR for _, value in rows],
            text=[f"{value:.2f}" for _, value in rows],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: alignment %{x:.2f}<extra></extra>",
        )
    )
    figure.update_layout(
        xaxis=dict(title="Alignment (1 = everyone agrees)", range=[0, 1.1], gridcolor=GRID),
        yaxis=dict(autorange="reversed"),
        height=max(220, 44 * len(rows) + 90),
        showlegend=False,
        **_layout(),
    )
    return figure


def distribution_bars(
    option_labels: list[str],
    departments: list[str],
    counts: list[list[int]],
    *,
    ordinal: bool = True,
    full_text: bool = False,
    counting: str = "Respondents",
) -> go.Figure:
    """Stacked bars: per department, how many chose each option (counts[department][option]).

    ordinal: the options run from low to high (a choice question), coloured warm to teal; a
    multi question's options are not ordered and take distinct colours instead. full_text: the
    legend keeps each option's whole wording, wrapped, instead of its first 40 characters.
    counting: the x axis's title, what a bar counts.
    """
    figure = go.Figure()
    for k, label in enumerate(option_labels):
        name = axis_label(label, width=44) if full_text else html.escape(_short(label), quote=False)
        colour = _ramp(k, len(option_labels)) if ordinal else SERIES_COLOURS[k % len(SERIES_COLOURS)]
        figure.add_trace(
            go.Bar(
                name=name,
                y=[html.escape(clean_name(d), quote=False) for d in departments],
                x=[row[k] for row in counts],
                orientation="h",
                marker_color=colour,
                hovertemplate="%{y}: %{x}<extra>" + html.escape(_short(label), quote=False) + "</extra>",
            )
        )
    # a wrapped legend: rows of three entries (a wide page), each row as tall as its longest entry
    tallest = max((name.count("<br>") + 1 for name in (t.name for t in figure.data)), default=1)
    legend_height = math.ceil(len(option_labels) / 3) * (20 * tallest + 10) if full_text else 24 * len(option_labels)
    figure.update_layout(
        barmode="stack",
        # whole-number ticks for small teams; Plotly's own spacing beyond (one tick per respondent
        # would draw thousands of labels for a large engagement)
        xaxis=dict(title=counting, gridcolor=GRID, dtick=1 if _largest_row(counts) <= 10 else None),
        yaxis=dict(autorange="reversed"),
        height=max(180, 36 * len(departments) + 140) + legend_height,
        **_layout(),
    )
    if full_text:  # a tall wrapped legend: at the top of the figure, in a top margin made for it
        figure.update_layout(
            legend=dict(
                orientation="h",
                yref="container",
                y=1,
                yanchor="top",
                xanchor="left",
                x=0,
                entrywidth=340,
                entrywidthmode="pixels",
                traceorder="normal",
            ),
            margin=dict(t=legend_height + 30),
        )
    else:
        figure.update_layout(legend=_LEGEND_ABOVE)
    return figure


def _largest_row(counts: list[list[int]]) -> int:
    return max((sum(row) for row in counts), default=0)


def _short(label: str, width: int = 40) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def _ramp(position: int, count: int) -> str:
    """Colours from warm (low options) to teal (high options); grey for a trailing N/A."""
    ramp = ("#c2410c", "#ea8c55", "#e8c07d", "#8cc5b7", "#0f766e", "#0b4f4a")
    if count <= 1:
        return ramp[-2]
    return ramp[round(position * (len(ramp) - 1) / (count - 1))]


def submissions_over_time(dates: list, counts: list[int]) -> go.Figure:
    """Cumulative submitted responses by day."""
    figure = go.Figure(
        go.Scatter(x=dates, y=counts, mode="lines+markers", line=dict(color=SCORE_COLOUR, width=2.5), name="Submitted")
    )
    # Whole days: left to itself, Plotly spreads a single day over milliseconds of axis.
    span = (dates[-1] - dates[0]).days if dates else 0
    figure.update_layout(
        xaxis=dict(
            title=None,
            gridcolor=GRID,
            type="date",
            tickformat="%d %b",
            dtick=DAY_MS * max(1, math.ceil((span + 2) / 5)),  # at most six labels, so a phone has room
            range=[dates[0] - timedelta(days=1), dates[-1] + timedelta(days=1)] if dates else None,
        ),
        yaxis=dict(title="Submitted responses", rangemode="tozero", gridcolor=GRID),
        height=260,
        showlegend=False,
        **_layout(),
    )
    return figure


AGREED_COLOUR = "#111827"
"""The workshop's agreed answers on every radar: a colour no department takes."""


def department_colours(departments: Sequence[str], groups: Sequence[tuple[str, Sequence[str]]] = ()) -> dict[str, str]:
    """One colour per department, from the engagement's own order (the same every round).

    The team mean keeps the first colour, the agreed answers `AGREED_COLOUR`; the departments
    take the others in turn (none close
    to the team mean's teal); a named group takes its first department's colour, as it stands
    in that department's place.
    """
    palette = [colour for colour in SERIES_COLOURS[1:] if colour != "#0e7490"]
    colours = {"Team mean": SERIES_COLOURS[0], "Agreed": AGREED_COLOUR, "Agreed so far (partial)": AGREED_COLOUR}
    colours |= {name: palette[k % len(palette)] for k, name in enumerate(dict.fromkeys(departments))}
    for name, members in groups:
        colours.setdefault(
            name, colours.get(members[0], palette[len(colours) % len(palette)]) if members else palette[0]
        )
    return colours


CONSULTANT_ONLY = "Consultant only"
"""Written on every chart of the dashboard's consultant-only view (issue 9)."""


def mark_consultant_only(figure: go.Figure) -> go.Figure:
    """Write 'Consultant only' in the chart's top right corner, so a screenshot of it says so too."""
    figure.add_annotation(
        text=f"<b>{CONSULTANT_ONLY}</b>",
        xref="paper",
        yref="paper",
        x=1,
        y=1,
        xanchor="right",
        yanchor="bottom",
        showarrow=False,
        font=dict(color="#b3261e", size=13),
    )
    return figure


PROJECTOR_FONT_SIZE = 18
BASE_FONT_SIZE = 14  # FONT's size
"""The chart text on the wide pages shown on a projector (the dashboard, workshop, client page); 14 elsewhere."""


def for_projector(figure: go.Figure) -> go.Figure:
    """Larger chart text for a projector: base, tick, legend and note fonts, and the room they need.

    Applied by the wide pages after a builder, so the PDF and the results page keep their look.
    Everything that was sized for 14 px text grows by the same factor: legend entry widths, a
    radar's side margins and height, a top margin holding a wrapped legend.
    """
    layout = figure.layout
    scale = PROJECTOR_FONT_SIZE / BASE_FONT_SIZE
    figure.update_layout(font=dict(size=PROJECTOR_FONT_SIZE), legend=dict(font=dict(size=PROJECTOR_FONT_SIZE - 1)))
    if layout.legend.entrywidth:
        figure.update_layout(legend=dict(entrywidth=math.ceil(layout.legend.entrywidth * scale)))
    margin = layout.margin
    top = margin.t or 40
    if layout.polar.radialaxis.range is not None:  # a radar
        figure.update_polars(
            radialaxis_tickfont_size=math.ceil(11 * scale), angularaxis_tickfont_size=math.ceil(12 * scale)
        )
        side = math.ceil((margin.l or RADAR_SIDE_MARGIN) * scale)
        figure.update_layout(margin=dict(l=side, r=side), height=math.ceil((layout.height or 620) * scale))
    else:
        figure.update_xaxes(tickfont_size=PROJECTOR_FONT_SIZE - 2, title_font_size=PROJECTOR_FONT_SIZE)
        figure.update_yaxes(tickfont_size=PROJECTOR_FONT_SIZE - 2)
        # Plotly's automargin measured the larger labels short by a letter: room for the longest, at ~0.6 em a character
        labels = [str(y) for trace in figure.data if getattr(trace, "y", None) is not None for y in trace.y]
        longest = max((len(label.split("<br>")[0]) for label in labels if not _is_number(label)), default=0)
        figure.update_layout(
            margin=dict(l=max(margin.l or 70, math.ceil(0.6 * (PROJECTOR_FONT_SIZE - 2) * longest) + 24))
        )
        if layout.height:
            figure.update_layout(height=math.ceil(layout.height * scale))
    if layout.legend.yref == "container":  # a wrapped legend in the top margin (`distribution_bars`)
        _wrapped_legend_for_projector(figure, scale, top)
    for note in layout.annotations:
        note.font.size = math.ceil((note.font.size or BASE_FONT_SIZE) * scale)
    return figure


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _wrapped_legend_for_projector(figure: go.Figure, scale: float, top: int) -> None:
    """A wrapped legend of larger entries beside the bars, the figure as tall as the taller of the two.

    Above the bars, rows of entries need a top margin sized for the narrowest screen (one entry a
    row, or it scrolls at 1280 px), which left a blank band at 1920 px; beside them, its height is
    its entries' whatever the width, so it neither scrolls nor leaves a gap.
    """
    lines = sum(str(trace.name).count("<br>") + 1 for trace in figure.data)
    legend = math.ceil(lines * (PROJECTOR_FONT_SIZE - 1) * 1.3 + 14 * len(figure.data))  # line height, a gap each
    bars = (figure.layout.height or 0) - math.ceil(top * scale)  # the height already grew by `scale`
    entry = figure.layout.legend.entrywidth or 440  # the builder's, grown by `scale`
    figure.update_layout(
        # "h" at the plot's right: one entry a row, each as wide as `entry` (Plotly caps such a legend
        # at half the figure's width, and its height at half the figure's unless told). A "v" legend
        # measured its entries short and cut their longer lines
        legend=dict(
            orientation="h",
            xref="paper",
            yref="paper",
            x=1.02,
            xanchor="left",
            y=1,
            yanchor="top",
            maxheight=2 * legend,
        ),
        margin=dict(t=40, r=math.ceil(entry) + 40),
        height=max(bars + 40, legend + 40 + (figure.layout.margin.b or 80)),
    )
