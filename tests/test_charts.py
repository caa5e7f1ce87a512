"""Specification of the results charts: plain functions from a bank and a result to Plotly figures."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from scoring.answers import NA, Responses
from scoring.engine import score
from scoring.validate import parse_bank
from tests.banks import FIVE_LEVELS, small_bank
from threadline.reporting import charts

# Four dimensions of one five-option question each: option "k" scores k.
FOUR = (
    """
schema: 1
id: four
version: "1"
title: Four areas
"""
    + FIVE_LEVELS
    + "dimensions:\n"
    + "".join(
        f"""
  - id: {dimension_id}
    title: {title}
    questions:
      - id: {dimension_id}-q
        text: How far along?
        allow_na: true
        options: [{{label: One}}, {{label: Two}}, {{label: Three}}, {{label: Four}}, {{label: Five}}]
"""
        for dimension_id, title in [("alpha", "Alpha"), ("beta", "Beta"), ("gamma", "Gamma"), ("delta", "Delta")]
    )
)
TITLES = ["Alpha", "Beta", "Gamma", "Delta"]
LEVEL_TICKS = ["1 Experimenting", "2 Broadcasting", "3 Coordinating", "4 Integrating", "5 Converged"]


@pytest.fixture(scope="module")
def four():
    return parse_bank(FOUR)


def result_of(bank, answers: dict, targets: dict | None = None):
    return score(bank, Responses({f"{key}-q": value for key, value in answers.items()}, targets or {}))


# --- radar ---------------------------------------------------------------------------------------


def test_radar_has_one_closed_score_trace_on_the_dimension_titles(four):
    figure = charts.radar(four, result_of(four, {"alpha": "2", "beta": "4", "gamma": "5", "delta": "1"}))

    assert isinstance(figure, go.Figure)
    assert len(figure.data) == 1
    trace = figure.data[0]
    assert isinstance(trace, go.Scatterpolar)
    assert trace.name == "Your score"
    assert list(trace.r) == [2.0, 4.0, 5.0, 1.0, 2.0]
    assert list(trace.theta) == [*TITLES, "Alpha"]
    assert trace.fill == "toself"
    assert list(trace.text) == [
        "2.00 (Broadcasting)",
        "4.00 (Integrating)",
        "5.00 (Converged)",
        "1.00 (Experimenting)",
        "2.00 (Broadcasting)",
    ]


def test_radar_adds_a_closed_target_trace_when_targets_are_set(four):
    result = result_of(
        four,
        {"alpha": "2", "beta": "4", "gamma": "5", "delta": "1"},
        targets={"alpha": 3, "beta": 5, "gamma": 5, "delta": 2},
    )
    figure = charts.radar(four, result)

    assert [trace.name for trace in figure.data] == ["Your score", "Target"]
    target = figure.data[1]
    assert list(target.r) == [3, 5, 5, 2, 3]
    assert list(target.theta) == [*TITLES, "Alpha"]
    assert target.line.dash == "dash"


def test_radar_target_trace_leaves_dimensions_without_a_target_empty(four):
    result = result_of(four, {"alpha": "2", "beta": "4", "gamma": "5", "delta": "1"}, targets={"beta": 5})
    target = charts.radar(four, result).data[1]

    assert list(target.r) == [None, 5, None, None, None]


def test_radar_axis_runs_from_zero_to_the_top_level_with_named_ticks(four):
    radial = charts.radar(four, result_of(four, {"alpha": "3"})).layout.polar.radialaxis

    assert list(radial.range) == [0, 5.5]
    assert list(radial.tickvals) == [1, 2, 3, 4, 5]
    assert list(radial.ticktext) == LEVEL_TICKS


def test_radar_axis_follows_the_bank_scale():
    three_levels = parse_bank(
        """
schema: 1
id: three
version: "1"
title: Three levels
levels: [{name: Low}, {name: Mid}, {name: High}]
dimensions:
  - id: only
    title: Only
    questions:
      - id: q
        text: Q?
        options: [{label: A}, {label: B}, {label: C}]
"""
    )
    radial = charts.radar(three_levels, score(three_levels, Responses({"q": "2"}))).layout.polar.radialaxis

    assert list(radial.range) == [0, 3.5]
    assert list(radial.tickvals) == [1, 2, 3]
    assert list(radial.ticktext) == ["1 Low", "2 Mid", "3 High"]


def test_radar_shows_not_assessed_dimensions_as_gaps(four):
    result = result_of(four, {"alpha": NA, "beta": "4", "gamma": "5"})  # delta unanswered
    trace = charts.radar(four, result).data[0]

    assert list(trace.r) == [None, 4.0, 5.0, None, None]
    assert trace.connectgaps is False
    assert list(trace.text) == [
        "not assessed",
        "4.00 (Integrating)",
        "5.00 (Converged)",
        "not assessed",
        "not assessed",
    ]


def test_radar_has_no_target_trace_when_no_dimension_has_a_target(four):
    figure = charts.radar(four, result_of(four, {"alpha": "2", "beta": "4"}))

    assert [trace.name for trace in figure.data] == ["Your score"]


def test_radar_on_the_small_bank():
    bank = small_bank()
    answers = {"plan": "none", "review": "never", "channels": ("marketing", "service", "sales"), "speed": "5"}
    figure = charts.radar(bank, score(bank, Responses(answers, {"strategy": 3, "care": 5})))

    assert list(figure.data[0].r) == [1.0, 5.0, 1.0]
    assert list(figure.data[0].theta) == ["Strategy", "Customer care", "Strategy"]
    assert list(figure.data[1].r) == [3, 5, 3]


# --- gap bars ------------------------------------------------------------------------------------


def test_gap_bars_are_sorted_largest_gap_first(four):
    result = result_of(
        four,
        {"alpha": "2", "beta": "4", "gamma": "1", "delta": "3"},
        targets={"alpha": 3, "beta": 5, "gamma": 5, "delta": 5},
    )
    figure = charts.gap_bars(result)

    assert len(figure.data) == 1
    bars = figure.data[0]
    assert isinstance(bars, go.Bar)
    assert bars.orientation == "h"
    assert list(bars.y) == ["Gamma", "Delta", "Alpha", "Beta"]
    assert list(bars.x) == [4.0, 2.0, 1.0, 1.0]
    assert list(bars.text) == ["4.00", "2.00", "1.00", "1.00"]
    assert figure.layout.yaxis.autorange == "reversed"  # the first bar is drawn at the top


def test_gap_bars_leave_out_dimensions_without_a_target_or_a_score(four):
    result = result_of(four, {"alpha": "2", "beta": NA, "gamma": "1"}, targets={"alpha": 4, "beta": 5, "delta": 3})
    bars = charts.gap_bars(result).data[0]

    # beta: N/A, delta: unanswered, gamma: no target
    assert list(bars.y) == ["Alpha"]
    assert list(bars.x) == [2.0]


def test_gap_bars_leave_out_reached_targets(four):
    result = result_of(four, {"alpha": "5", "beta": "3"}, targets={"alpha": 4, "beta": 4})
    bars = charts.gap_bars(result).data[0]

    assert list(bars.y) == ["Beta"]
    assert list(bars.x) == [1.0]


def test_gap_bars_with_no_gaps_is_an_empty_chart(four):
    bars = charts.gap_bars(result_of(four, {"alpha": "3"})).data[0]

    assert list(bars.x) == []
    assert list(bars.y) == []


# --- look ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["radar", "gap_bars"])
def test_figures_set_their_own_template_font_and_colours(four, kind):
    result = result_of(four, {"alpha": "2", "beta": "4", "gamma": "5", "delta": "1"}, targets={"alpha": 4})
    figure = charts.radar(four, result) if kind == "radar" else charts.gap_bars(result)
    layout = figure.layout

    assert layout.template == charts.TEMPLATE
    assert layout.font.color == charts.INK
    assert layout.font.family == charts.FONT["family"]
    assert layout.font.size == 14
    assert layout.paper_bgcolor == "white"
    if kind == "radar":
        assert layout.polar.bgcolor == "white"
        assert [trace.line.color for trace in figure.data] == [charts.SCORE_COLOUR, charts.TARGET_COLOUR]
        assert [trace.marker.color for trace in figure.data] == [charts.SCORE_COLOUR, charts.TARGET_COLOUR]
    else:
        assert figure.data[0].marker.color == charts.TARGET_COLOUR


def test_figures_do_not_depend_on_the_default_plotly_template(four, monkeypatch):
    result = result_of(four, {"alpha": "2", "beta": "4", "gamma": "5"}, targets={"alpha": 4})
    monkeypatch.setattr(pio.templates, "default", "plotly_dark")

    for figure in (charts.radar(four, result), charts.gap_bars(result)):
        assert figure.layout.template == charts.TEMPLATE
        assert figure.layout.paper_bgcolor == "white"


def test_the_template_is_the_part_of_plotly_white_the_figures_use_in_the_app_colours():
    white = pio.templates["plotly_white"].layout
    ours = charts.TEMPLATE.layout

    assert ours.paper_bgcolor == ours.plot_bgcolor == white.plot_bgcolor == "white"
    assert ours.hovermode == white.hovermode == "closest"
    assert ours.font.color == charts.INK
    assert list(ours.colorway) == list(charts.SERIES_COLOURS)
    assert ours.polar.bgcolor == "white"
    for axis in (ours.xaxis, ours.yaxis):
        assert (axis.gridcolor, axis.linecolor, axis.zerolinecolor) == (charts.GRID,) * 3
        assert axis.fixedrange is True
        assert axis.tickfont.color == charts.INK
    assert charts.TEMPLATE.data.bar[0].marker.line.color == "white"


# --- phones: no zoom, no pan, no mode bar ---------------------------------------------------------


def test_the_plotly_config_has_no_mode_bar_and_no_scroll_zoom():
    assert charts.PLOTLY_CONFIG == {
        "displayModeBar": False,
        "scrollZoom": False,
        "doubleClick": False,
        "displaylogo": False,
        "responsive": True,
    }


def test_every_figure_turns_dragging_off(four):
    result = result_of(four, {"alpha": "2", "beta": "4", "gamma": "5", "delta": "1"}, targets={"alpha": 4})
    titles = ["Alpha", "Beta", "Gamma", "Delta"]
    figures = [
        charts.radar(four, result),
        charts.gap_bars(result),
        charts.team_radar(four, titles, {"Team mean": [1.0, 2.0, 3.0, 4.0]}),
        charts.alignment_bars(titles, [0.5, 0.7, 0.9, 1.0]),
        charts.distribution_bars(["One", "Two"], ["Sales"], [[1, 2]]),
    ]

    assert [figure.layout.dragmode for figure in figures] == [False] * 5


def test_the_radar_leaves_room_beside_it_for_the_spoke_labels(four):
    result = result_of(four, {"alpha": "2"})

    for figure in (charts.radar(four, result), charts.team_radar(four, TITLES, {"Team mean": [1.0, 2.0, 3.0, 4.0]})):
        assert (figure.layout.margin.l, figure.layout.margin.r) == (charts.RADAR_SIDE_MARGIN,) * 2 == (88, 88)
        assert figure.layout.legend.yanchor == "top"


def test_the_score_trace_can_be_named_for_a_share_link(four):
    figure = charts.radar(four, result_of(four, {"alpha": "2"}), score_name="Their <score>")

    assert figure.data[0].name == "Their &lt;score&gt;"


def test_axis_labels_wrap_long_titles_and_escape_markup():
    # 13 characters a line by default: the spoke labels of a radar 390 px wide
    assert charts.axis_label("Leadership, governance and resources") == "Leadership,<br>governance<br>and resources"
    assert charts.axis_label("Leadership, governance and resources", width=16) == (
        "Leadership,<br>governance and<br>resources"
    )
    assert charts.axis_label("Employee enablement and advocacy") == "Employee<br>enablement<br>and advocacy"
    assert charts.axis_label("Care") == "Care"
    assert charts.axis_label("<b>Sales</b> & service", width=40) == "&lt;b&gt;Sales&lt;/b&gt; &amp; service"


def test_axis_labels_break_a_word_longer_than_a_line_after_its_hyphen():
    assert charts.axis_label("Cross-functional integration") == "Cross-<br>functional<br>integration"
    assert charts.axis_label("Cross-functional integration", width=28) == "Cross-functional integration"
    assert charts.axis_label("Well-run care") == "Well-run care"  # short enough: the word is kept whole
    assert charts.axis_label("Supercalifragilistic") == "Supercalifragilistic"  # no hyphen: one long line


def test_a_department_name_cannot_move_its_legend_count(four):
    titles = ["Alpha", "Beta", "Gamma", "Delta"]
    series = {"Marketing\u202e (n=3)": [1.0, 2.0, 3.0, 4.0], "\u2067HR\u2069 (n=4)": [2.0, 2.0, 2.0, 2.0]}
    figure = charts.team_radar(four, titles, series)
    assert [trace.name for trace in figure.data] == ["Marketing (n=3)", "HR (n=4)"]
    bars = charts.distribution_bars(["One"], ["Sales\u202e"], [[1]])
    assert list(bars.data[0].y) == ["Sales"]
