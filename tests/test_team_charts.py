"""The team charts' issue-9 parts (threadline/reporting/charts.py): stable colours, full option text,
ordinal colours only for ordinal options, the "Consultant only" mark."""

from scoring.validate import parse_bank
from tests.banks import SMALL
from threadline.reporting import charts

BANK = parse_bank(SMALL.replace("OVERALL", "mean"))
DEPARTMENTS = ("Leadership", "Marketing", "Customer service")


def test_each_department_keeps_its_colour_whatever_else_is_drawn_and_a_group_takes_its_first_members():
    colours = charts.department_colours(DEPARTMENTS, [("Service and leadership", ("Leadership", "Customer service"))])
    palette = [c for c in charts.SERIES_COLOURS[1:] if c != "#0e7490"]
    assert colours == {
        "Team mean": charts.SERIES_COLOURS[0],
        "Agreed": charts.AGREED_COLOUR,
        "Agreed so far (partial)": charts.AGREED_COLOUR,
        "Leadership": palette[0],
        "Marketing": palette[1],
        "Customer service": palette[2],
        "Service and leadership": palette[0],
    }
    titles = [d.title for d in BANK.dimensions]
    alone = charts.team_radar(BANK, titles, {"Marketing (n=3)": [4.0, 4.0]}, colours=colours)
    together = charts.team_radar(
        BANK,
        titles,
        {"Team mean": [3.0, 3.0], "Leadership (n=2)": [2.0, 2.0], "Marketing (n=3)": [4.0, 4.0]},
        colours=colours,
    )
    assert alone.data[0].line.color == together.data[2].line.color == palette[1]
    assert together.data[0].line.color == charts.SERIES_COLOURS[0]


def test_distributions_keep_the_whole_wording_and_colour_a_multi_question_without_an_order():
    long = "Marketing and communications know the plan and follow it in every post they publish"
    bars = charts.distribution_bars(
        [long, "Short"], ["Everyone"], [[1, 2]], ordinal=False, full_text=True, counting="Respondents who ticked"
    )
    assert bars.data[0].name == charts.axis_label(long, width=44)
    assert "…" not in bars.data[0].name and "<br>" in bars.data[0].name
    assert [bar.marker.color for bar in bars.data] == list(charts.SERIES_COLOURS[:2])
    assert bars.layout.xaxis.title.text == "Respondents who ticked"
    ordinal = charts.distribution_bars([long, "Short"], ["Everyone"], [[1, 2]])
    assert ordinal.data[0].name.endswith("…") and ordinal.data[0].marker.color == "#c2410c"


def test_a_consultant_only_chart_says_so_on_itself():
    figure = charts.mark_consultant_only(charts.submissions_over_time([], []))
    assert [a.text for a in figure.layout.annotations] == ["<b>Consultant only</b>"]
