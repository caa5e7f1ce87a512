"""Team aggregation (scoring/team.py): hand-worked figures on small inline banks, and properties."""

import dataclasses
import math
import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.answers import NA, Responses, as_stored
from scoring.batch import encode
from scoring.engine import score
from scoring.team import (
    MIN_GROUP,
    DepartmentBreakdown,
    Distribution,
    TeamView,
    alignment,
    round_change,
    team_view,
)
from scoring.validate import parse_bank
from tests.banks import FIVE_LEVELS, small_bank
from tests.test_engine_properties import answer_sets
from tests.test_purity import CHARTS_AND_TABLES, ROOT, SQL, UI

TEAM = (
    """
schema: 1
id: team
version: "1"
title: Team bank
"""
    + FIVE_LEVELS
    + """
overall_level: weakest_link
dimensions:
  - id: voice
    title: Voice
    questions:
      - id: tone
        text: How consistent is the tone?
        allow_na: true
        options:
          - {id: one, label: One}
          - {id: two, label: Two}
          - {id: three, label: Three}
          - {id: four, label: Four}
          - {id: five, label: Five}
      - id: notes
        text: Notes
        type: text
  - id: reach
    title: Reach
    questions:
      - id: channels
        text: Which channels?
        type: multi
        allow_na: true
        options:
          - {id: web, label: Web}
          - {id: mail, label: Mail}
"""
)
LISTEN = """
  - id: listen
    title: Listening
    questions:
      - id: monitor
        text: Do you monitor mentions?
        options:
          - {id: no, label: "No"}
          - {id: yes, label: "Yes"}
"""
BANK = parse_bank(TEAM)

# voice (tone: 1..5) and reach (channels: 1 + 4 * ticks / 2) of each respondent:
# lead 1/5, lead 3/3, mkt 5/3, mkt N/A, mkt 3/1, sales 5/5
ANSWERS = [
    {"tone": "one", "channels": ("web", "mail"), "notes": "we post a lot"},
    {"tone": "three", "channels": ("web",)},
    {"tone": "five", "channels": ("mail",)},
    {"tone": NA, "channels": NA},
    {"tone": "three", "channels": ()},
    {"tone": "five", "channels": ("web", "mail")},
]
DEPARTMENTS = ["lead", "lead", "mkt", "mkt", "mkt", "sales"]
SD_OF_FIVE = math.sqrt(11.2 / 5)  # scores 1, 3, 5, 3, 5 (and 5, 3, 3, 1, 5) about their mean 3.4


def view_of(answer_sets, departments, bank=BANK, **options) -> TeamView:
    return team_view(bank, encode(bank, answer_sets), departments, **options)


@pytest.fixture(scope="module")
def view() -> TeamView:
    return view_of(ANSWERS, DEPARTMENTS)


def test_three_scores_1_3_5_have_mean_3_sd_1633_and_alignment_0184():
    view = view_of([{"tone": "one"}, {"tone": "three"}, {"tone": "five"}], ["a"] * 3)
    voice = {field.name: getattr(view.dimensions, field.name)[0] for field in dataclasses.fields(view.dimensions)}
    assert voice["count"] == 3 and voice["mean"] == 3.0 and voice["level"] == 3
    assert (voice["minimum"], voice["maximum"]) == (1.0, 5.0)
    assert voice["sd"] == pytest.approx(1.6329931618554521, abs=1e-12)
    assert voice["alignment"] == pytest.approx(1 - 1.6329931618554521 / 2, abs=1e-12)
    assert voice["alignment"] == pytest.approx(0.18350341907227397, abs=1e-12)
    assert view.dimensions.count[1] == 0 and view.dimensions.level[1] == 0
    assert np.isnan([view.dimensions.mean[1], view.dimensions.sd[1], view.dimensions.alignment[1]]).all()
    assert (view.overall_mean, view.overall_level, view.limited_by) == (3.0, 3, None)


def test_everyone_agreeing_has_alignment_1_and_a_split_between_the_extremes_0():
    agreed = view_of([{"tone": "three"}] * 4, ["a"] * 4)
    assert agreed.dimensions.sd[0] == 0.0 and agreed.dimensions.alignment[0] == 1.0
    assert agreed.questions.alignment[0] == 1.0
    split = view_of([{"tone": "one"}, {"tone": "five"}] * 2, ["a"] * 4)
    assert split.dimensions.sd[0] == 2.0 and split.dimensions.alignment[0] == 0.0


def test_alignment_needs_two_scores_and_stays_in_0_to_1():
    assert np.isnan(alignment(np.array([0.0]), np.array([1]), 5)[0])
    assert alignment(np.array([0.0, 1.0, 3.0]), np.array([2, 2, 2]), 5).tolist() == [1.0, 0.5, 0.0]
    assert alignment(np.array([1.0]), np.array([2]), 3)[0] == 0.0  # L = 3: the largest sd is 1


def test_team_per_dimension_and_overall(view):
    dimensions = view.dimensions
    assert dimensions.ids == ("voice", "reach")
    assert dimensions.count.tolist() == [5, 5]
    np.testing.assert_allclose(dimensions.mean, [3.4, 3.4])
    np.testing.assert_allclose(dimensions.sd, [SD_OF_FIVE, SD_OF_FIVE])
    np.testing.assert_allclose(dimensions.alignment, 1 - np.array([SD_OF_FIVE, SD_OF_FIVE]) / 2)
    assert dimensions.minimum.tolist() == [1.0, 1.0] and dimensions.maximum.tolist() == [5.0, 5.0]
    assert dimensions.level.tolist() == [3, 3]
    assert view.overall_mean == pytest.approx(3.4) and view.overall_level == 3


def test_per_respondent_scores_come_from_the_batch_scorer(view):
    np.testing.assert_allclose(view.respondents.dimension_scores[:, 0], [1, 3, 5, np.nan, 3, 5])
    np.testing.assert_allclose(view.respondents.dimension_scores[:, 1], [5, 3, 3, np.nan, 1, 5])
    np.testing.assert_allclose(view.respondents.overall_scores, [3, 3, 4, np.nan, 2, 5])
    assert view.respondents.overall_levels.tolist() == [2, 3, 4, 0, 2, 5]  # weakest link: 1 and 5 give 2
    assert view.respondents.departments.tolist() == [0, 0, 1, 1, 1, 2]


def test_na_is_left_out_of_means_and_counted_in_the_na_share(view):
    questions = view.questions
    assert questions.ids == ("tone", "channels") and questions.dimension_ids == ("voice", "reach")
    assert questions.answered.tolist() == [5, 5] and questions.na.tolist() == [1, 1]
    np.testing.assert_allclose(questions.na_share, [1 / 6, 1 / 6])
    np.testing.assert_allclose(questions.mean, [3.4, 3.4])
    np.testing.assert_allclose(questions.sd, [SD_OF_FIVE, SD_OF_FIVE])
    departments = view.departments
    assert departments.question_answered.tolist() == [[2, 2], [2, 2], [1, 1]]
    assert departments.question_na.tolist() == [[0, 0], [1, 1], [0, 0]]
    np.testing.assert_allclose(departments.question_na_share, [[0, 0], [1 / 3, 1 / 3], [0, 0]])
    np.testing.assert_allclose(departments.question_means, [[2, 4], [4, 2], [5, 5]])
    np.testing.assert_allclose(departments.question_sds, [[1, 1], [1, 1], [0, 0]])


def test_departments_in_first_seen_order_with_counts_means_and_small_flags(view):
    departments = view.departments
    assert departments.names == ("lead", "mkt", "sales")
    assert departments.count.tolist() == [2, 3, 1]
    assert departments.small.tolist() == [True, False, True]
    assert departments.dimension_counts.tolist() == [[2, 2], [2, 2], [1, 1]]
    np.testing.assert_allclose(departments.dimension_means, [[2, 4], [4, 2], [5, 5]])
    np.testing.assert_allclose(departments.overall_means, [3, 3, 5])
    assert departments.withheld == 0


def test_department_order_comes_first_and_may_name_empty_departments():
    view = view_of(ANSWERS, DEPARTMENTS, department_order=["sales", "hr"])
    assert view.departments.names == ("sales", "hr", "lead", "mkt")
    assert view.departments.count.tolist() == [1, 0, 2, 3]
    assert view.departments.small.tolist() == [True, True, True, False]
    assert np.isnan(view.departments.dimension_means[1]).all() and np.isnan(view.departments.overall_means[1])
    assert view.distributions["tone"].counts[1].tolist() == [0] * 6


def test_distributions_count_each_option_and_na_per_department(view):
    tone = view.distributions["tone"]
    assert (tone.type, tone.columns) == ("choice", ("one", "two", "three", "four", "five", "na"))
    assert tone.counts.tolist() == [[1, 0, 1, 0, 0, 0], [0, 0, 1, 0, 1, 1], [0, 0, 0, 0, 1, 0]]
    assert tone.team_counts.tolist() == [1, 0, 2, 0, 2, 1]
    assert tone.answered.tolist() == [2, 2, 1] and tone.na.tolist() == [0, 1, 0]
    channels = view.distributions["channels"]
    assert (channels.type, channels.columns) == ("multi", ("web", "mail"))
    assert channels.counts.tolist() == [[2, 1], [0, 1], [1, 1]]
    assert channels.answered.tolist() == [2, 2, 1] and channels.na.tolist() == [0, 1, 0]
    assert channels.team_counts.tolist() == [3, 3]
    assert (channels.team_answered, channels.team_na) == (5, 1)
    assert list(view.distributions) == ["tone", "channels"]


def test_perception_gap_pools_the_respondents_of_each_group(view):
    lead, others = view.perception_gap(["lead"], ["mkt", "sales"])
    np.testing.assert_allclose(lead, [2, 4])
    np.testing.assert_allclose(others, [13 / 3, 3])  # voice 5, 3, 5; reach 3, 1, 5
    nobody, everyone = view.perception_gap(["hr"], ["lead", "mkt", "sales"])
    assert np.isnan(nobody).all()
    np.testing.assert_allclose(everyone, view.dimensions.mean)
    with pytest.raises(TypeError, match="list of departments"):
        view.perception_gap("lead", ["mkt"])


def test_disputed_lists_the_lowest_alignment_first_nan_last_ties_in_bank_order(view):
    assert view.disputed_dimensions() == ["voice", "reach"]  # a tie: bank order
    answers = [
        {"tone": "three", "channels": ("web",)},
        {"tone": "four", "channels": ()},
        {"tone": "three", "channels": ("web", "mail")},
    ]
    split = view_of(answers, ["a"] * 3)
    assert split.disputed_dimensions() == ["reach", "voice"] and split.disputed_questions() == ["channels", "tone"]
    one_voice = view_of([{"tone": "one", "channels": ("web",)}, {"tone": NA, "channels": ()}], ["a"] * 2)
    assert np.isnan(one_voice.dimensions.alignment[0])
    assert one_voice.disputed_dimensions() == ["reach", "voice"]


def all_arrays(value, path="view"):
    """Every numpy array inside a view, with where it is."""
    if isinstance(value, np.ndarray):
        yield path, value
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield from all_arrays(getattr(value, field.name), f"{path}.{field.name}")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from all_arrays(item, f"{path}[{key!r}]")


def test_client_safe_removes_every_trace_of_small_departments():
    extra = [{"tone": "two", "channels": ("web",)}, {"tone": "four", "channels": NA}, {"tone": "one"}]
    departments = [*DEPARTMENTS, "lead", "pr", "pr"]  # lead 3, mkt 3, sales 1, pr 2
    full = view_of([*ANSWERS, *extra], departments)
    safe = full.client_safe()
    shown = ("lead", "mkt")
    assert safe.departments.names == shown and safe.departments.withheld == 3
    assert "sales" not in repr(safe) and "'pr'" not in repr(safe)
    kept = [full.departments.names.index(name) for name in shown]
    for path, array in all_arrays(safe.departments):
        original = getattr(full.departments, path.split(".")[-1])[kept]
        np.testing.assert_array_equal(array, original, err_msg=path)
    for question_id, distribution in safe.distributions.items():
        original = full.distributions[question_id]
        for name in ("counts", "answered", "na"):
            np.testing.assert_array_equal(getattr(distribution, name), getattr(original, name)[kept])
        np.testing.assert_array_equal(distribution.team_counts, original.team_counts)
        assert (distribution.team_answered, distribution.team_na) == (original.team_answered, original.team_na)
    for path, array in all_arrays(safe.respondents):
        assert array.shape[0] == 0, path
    for (path, array), (_, original) in zip(all_arrays(safe.dimensions), all_arrays(full.dimensions), strict=True):
        np.testing.assert_array_equal(array, original, err_msg=path)
    assert (safe.overall_mean, safe.overall_level) == (full.overall_mean, full.overall_level)


def test_client_safe_leaves_no_two_person_department_in_any_array_or_dict(view):
    safe = view.client_safe()  # lead has 2, sales 1: only mkt is shown
    assert safe.departments.names == ("mkt",) and safe.departments.withheld == 3
    assert "lead" not in repr(safe) and "sales" not in repr(safe)
    for path, array in all_arrays(safe):
        by_department = ".departments." in path or path.startswith("view.distributions")
        if by_department and not path.endswith("team_counts"):
            assert array.shape[0] == 1, path
        if path.startswith("view.respondents"):
            assert array.size == 0, path
    assert isinstance(safe.departments, DepartmentBreakdown)
    assert all(isinstance(d, Distribution) for d in safe.distributions.values())
    lead, others = safe.perception_gap(["lead"], ["mkt"])
    assert np.isnan(lead).all()
    np.testing.assert_allclose(others, [4, 2])


def test_client_safe_also_hides_a_department_that_would_give_away_a_small_one_by_difference():
    answers = [{"tone": "three"}] * 4 + [{"tone": "four"}] * 3 + [{"tone": "one"}] * 2
    view = view_of(answers, ["a"] * 4 + ["b"] * 3 + ["c"] * 2)
    safe = view.client_safe()
    # team mean and a's and b's means would give c's mean; so b (the smallest shown) goes too
    assert safe.departments.names == ("a",) and safe.departments.withheld == 5
    assert view.client_safe().dimensions.mean[0] == view.dimensions.mean[0]


def test_client_safe_keeps_everyone_when_no_department_is_small():
    view = view_of([{"tone": "three"}] * 6, ["a"] * 3 + ["b"] * 3)
    assert view.client_safe().departments.names == ("a", "b")
    assert MIN_GROUP == 3


def test_an_empty_team_gives_nans_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        view = view_of([], [])
        safe = view.client_safe()
    assert view.dimensions.count.tolist() == [0, 0] and np.isnan(view.dimensions.mean).all()
    assert np.isnan(view.overall_mean) and view.overall_level == 0 and view.departments.names == ()
    assert view.distributions["tone"].counts.shape == (0, 6) and safe.disputed_questions() == ["tone", "channels"]


def test_team_view_checks_one_department_per_respondent():
    with pytest.raises(ValueError, match="2 departments for 6 respondents"):
        view_of(ANSWERS, ["a", "b"])


def test_the_team_level_follows_the_weakest_link_rule_like_the_engine():
    bank = small_bank("weakest_link")
    answers = {"plan": "none", "review": "never", "channels": ("marketing", "service", "sales"), "speed": "5"}
    view = view_of([answers, answers, answers], ["a"] * 3, bank=bank)
    result = score(bank, Responses(answers))
    assert view.overall_mean == pytest.approx(result.score) == pytest.approx(11 / 3)
    assert (view.overall_level, view.limited_by) == (result.level, result.limited_by) == (2, "strategy")


STORED = [  # each respondent's answers as the store keeps them: a multi answer is a list
    {"tone": "three", "channels": ["web"], "notes": "some text"},
    {"tone": None, "channels": ["mail", "gone"], "removed-question": "x"},  # "gone": an option since removed
    {"tone": "gone", "channels": None},
    {"notes": None},
]
ENCODED = [{"tone": "three", "channels": ("web",)}, {"tone": NA, "channels": ("mail",)}, {"channels": NA}, {}]


def test_encode_reads_stored_answers_and_ignores_text_removed_questions_and_removed_options():
    table = encode(BANK, STORED)
    assert table.codes.tolist() == [[2, 0], [-2, 0], [-1, -2], [-1, -1]]
    assert table.chosen.tolist() == [[True, False], [False, True], [False, False], [False, False]]
    expected = encode(BANK, ENCODED)
    np.testing.assert_array_equal(table.codes, expected.codes)
    np.testing.assert_array_equal(table.chosen, expected.chosen)


def test_encode_ignores_stored_values_of_the_wrong_kind_after_a_bank_edit():
    stored = [{"tone": ["one"], "channels": "web"}, {"tone": "two", "channels": [["web"], "mail"]}]
    table = encode(BANK, iter(stored))
    expected = encode(BANK, [{}, {"tone": "two", "channels": ("mail",)}])
    np.testing.assert_array_equal(table.codes, expected.codes)
    np.testing.assert_array_equal(table.chosen, expected.chosen)


def test_encode_with_no_answers_or_no_respondents():
    assert encode(BANK, [{}, {}]).codes.tolist() == [[-1, -1], [-1, -1]]
    assert encode(BANK, []).codes.shape == (0, 2)
    assert encode(BANK, []).chosen.shape == (0, 2)


def stored_sets(answer_sets_):
    """Checked answer sets as the store keeps them (`scoring.answers.as_stored`)."""
    return [{question_id: as_stored(value) for question_id, value in answers.items()} for answers in answer_sets_]


@settings(max_examples=40, deadline=None)
@given(st.lists(answer_sets, max_size=12))
def test_stored_answers_encode_as_the_checked_answers_do(rows_of_answers):
    bank = small_bank("weakest_link")
    table, expected = encode(bank, stored_sets(rows_of_answers)), encode(bank, rows_of_answers)
    np.testing.assert_array_equal(table.codes, expected.codes)
    np.testing.assert_array_equal(table.chosen, expected.chosen)


def engine_scores(bank, rows_of_answers):
    """(N, D) dimension scores by the engine, one assessment at a time."""
    results = [score(bank, Responses(answers)) for answers in rows_of_answers]
    return np.array(
        [[math.nan if d.score is None else d.score for d in result.dimensions] for result in results]
    ).reshape(len(results), len(bank.dimensions))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(answer_sets, st.sampled_from(["a", "b", "c"])), max_size=15))
def test_team_and_department_means_are_the_means_of_the_engines_scores(respondents):
    bank = small_bank("weakest_link")
    rows_of_answers = [answers for answers, _ in respondents]
    departments = [department for _, department in respondents]
    view = team_view(bank, encode(bank, stored_sets(rows_of_answers)), departments)
    scores = engine_scores(bank, rows_of_answers)
    for column in range(len(bank.dimensions)):
        assessed = scores[~np.isnan(scores[:, column]), column]
        assert view.dimensions.count[column] == len(assessed)
        if len(assessed):
            assert abs(view.dimensions.mean[column] - assessed.mean()) <= 1e-9
            assert abs(view.dimensions.sd[column] - assessed.std()) <= 1e-9
        else:
            assert np.isnan(view.dimensions.mean[column])
        for k, name in enumerate(view.departments.names):
            mine = scores[[d == name for d in departments], column]
            mine = mine[~np.isnan(mine)]
            expected = mine.mean() if len(mine) else math.nan
            np.testing.assert_allclose(view.departments.dimension_means[k, column], expected, rtol=0, atol=1e-9)


def test_round_change_matches_dimensions_by_id(view):
    newer = parse_bank(TEAM.replace('version: "1"', 'version: "2"') + LISTEN)
    later = view_of([{"tone": "four", "channels": ("web",), "monitor": "yes"}] * 3, ["a"] * 3, bank=newer)
    change = round_change(view, later)
    assert list(change) == ["voice", "reach", "listen"]
    assert change["voice"] == pytest.approx(4 - 3.4) and change["reach"] == pytest.approx(3 - 3.4)
    assert math.isnan(change["listen"])
    back = round_change(later, view)  # listen dropped again
    assert list(back) == ["voice", "reach", "listen"] and math.isnan(back["listen"])
    assert back["voice"] == pytest.approx(-0.6)


def test_the_team_module_imports_no_ui_database_or_chart_library():
    forbidden = (*UI, *SQL, *CHARTS_AND_TABLES)
    code = f"import sys, scoring.team\nprint(','.join(m for m in {forbidden!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == ""
