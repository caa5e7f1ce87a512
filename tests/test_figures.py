"""Specification of the shared figure cache (threadline/web/figures.py) behind the dashboard's charts.

A figure is built once per builder, finishing steps and arguments, by value: equal arguments
from different objects (a widget's value on a rerun, another session) find it; any other value,
bank or step builds another. Steps run once, inside the cache, so a shared figure is never changed.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest
import streamlit as st

from tests.banks import planned_bank, small_bank
from threadline.reporting import charts
from threadline.web import figures

BUILT: list[tuple] = []


def bars(labels: list[str], counts: np.ndarray, title: str = "") -> go.Figure:
    BUILT.append((tuple(labels), title))
    return go.Figure(go.Bar(x=labels, y=counts), layout={"title": title})


def titled_by_bank(bank, labels: list[str]) -> go.Figure:
    BUILT.append((bank.id, tuple(labels)))
    return go.Figure(go.Bar(x=labels, y=[1] * len(labels)), layout={"title": bank.title})


def noted(figure: go.Figure) -> go.Figure:
    figure.add_annotation(text="noted", showarrow=False)
    return figure


@pytest.fixture(autouse=True)
def empty_cache():
    st.cache_resource.clear()
    BUILT.clear()
    yield
    st.cache_resource.clear()


def test_equal_arguments_from_other_objects_get_the_same_figure_built_once():
    first = figures.cached(bars, ["HR", "Sales"], np.array([3, 4]), title="Who answered")
    again = figures.cached(bars, ["".join(["H", "R"]), "Sales"], np.array([3, 4]), title="Who answered")
    assert again is first
    assert BUILT == [(("HR", "Sales"), "Who answered")]


def test_a_different_value_anywhere_builds_another_figure():
    base = figures.cached(bars, ["HR", "Sales"], np.array([3, 4]))
    other_count = figures.cached(bars, ["HR", "Sales"], np.array([3, 5]))
    other_title = figures.cached(bars, ["HR", "Sales"], np.array([3, 4]), title="x")
    assert len({id(base), id(other_count), id(other_title)}) == 3
    assert list(other_count.data[0].y) == [3, 5]
    assert len(BUILT) == 3


def test_a_finishing_step_runs_once_inside_the_cache_and_is_part_of_the_key():
    plain = figures.cached(bars, ["HR"], np.array([3]))
    finished = figures.cached(bars, ["HR"], np.array([3]), finish=[noted])
    again = figures.cached(bars, ["HR"], np.array([3]), finish=[noted])
    assert again is finished is not plain
    assert [a.text for a in finished.layout.annotations] == ["noted"]  # not noted twice
    assert plain.layout.annotations == ()


def test_two_banks_with_the_same_questions_but_other_content_get_their_own_figure():
    mean, weakest = small_bank("mean"), small_bank("weakest_link")
    assert figures.cached(titled_by_bank, mean, ["a"]) is figures.cached(titled_by_bank, small_bank("mean"), ["a"])
    assert figures.cached(titled_by_bank, weakest, ["a"]) is not figures.cached(titled_by_bank, mean, ["a"])
    assert figures.cached(titled_by_bank, planned_bank(), ["a"]).layout.title.text == planned_bank().title
    assert len(BUILT) == 3


def test_the_dashboards_consultant_only_mark_is_made_once_on_a_shared_radar():
    bank = small_bank()
    titles = [d.title for d in bank.dimensions]
    series = {"Team mean": [3.0] * len(titles)}
    steps = [charts.mark_consultant_only, charts.for_projector]
    marked = figures.cached(charts.team_radar, bank, titles, series, finish=steps)
    again = figures.cached(charts.team_radar, bank, list(titles), dict(series), finish=steps)
    assert again is marked
    assert [a.text for a in marked.layout.annotations].count(f"<b>{charts.CONSULTANT_ONLY}</b>") == 1


def test_a_lambda_is_refused_as_it_has_no_stable_name():
    with pytest.raises(ValueError, match="module-level function"):
        figures.cached(lambda: go.Figure())
