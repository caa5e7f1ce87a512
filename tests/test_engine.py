"""Specification of the scoring rules (scoring/engine.py), with values worked by hand."""

import pytest

from scoring.answers import NA, Responses
from scoring.engine import level_of, score
from scoring.validate import parse_bank
from tests.banks import SMALL, small_bank


def dims(result):
    return {d.id: d for d in result.dimensions}


def run(answers, targets=None, overall_level="mean"):
    return score(small_bank(overall_level), Responses(answers, targets or {}))


def test_options_without_a_score_score_by_position_from_1_to_L():
    result = run({"plan": "some", "speed": "2"})
    assert dims(result)["strategy"].score == 3.0
    assert dims(result)["care"].score == 2.0


def test_first_and_last_positional_options_score_1_and_L():
    assert dims(run({"plan": "none"}))["strategy"].score == 1.0
    assert dims(run({"plan": "full"}))["strategy"].score == 5.0


def test_explicit_option_scores_are_used_as_written():
    assert dims(run({"review": "yearly"}))["strategy"].score == 2.5


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        ((), 1.0),
        (("marketing",), 2.0),
        (("service",), 3.0),
        (("marketing", "sales"), 3.0),
        (("marketing", "service", "sales"), 5.0),
    ],
)
def test_multi_scores_the_share_of_points_chosen(chosen, expected):
    assert dims(run({"channels": chosen}))["care"].score == expected


def test_dimension_score_is_the_weighted_mean_of_its_questions():
    # plan "some" scores 3 (weight 1); review "yearly" scores 2.5 (weight 3): (3 + 7.5) / 4
    assert dims(run({"plan": "some", "review": "yearly"}))["strategy"].score == 2.625


def test_na_answers_are_left_out_of_the_mean():
    strategy = dims(run({"plan": "some", "review": NA}))["strategy"]
    assert strategy.score == 3.0
    assert strategy.answered == 2


def test_unanswered_questions_are_left_out_of_the_mean():
    strategy = dims(run({"plan": "full"}))["strategy"]
    assert (strategy.score, strategy.answered, strategy.questions) == (5.0, 1, 2)


def test_text_questions_are_never_scored_nor_counted():
    strategy = dims(run({"plan": "full", "notes": "we try"}))["strategy"]
    assert (strategy.score, strategy.answered, strategy.questions) == (5.0, 1, 2)


def test_a_dimension_without_answers_is_not_assessed():
    result = run({"plan": "some"})
    care = dims(result)["care"]
    assert (care.score, care.level, care.level_name, care.answered) == (None, None, None, 0)
    assert result.score == 3.0


def test_a_dimension_with_only_na_answers_is_not_assessed():
    care = dims(run({"speed": NA}))["care"]
    assert (care.score, care.answered) == (None, 1)


def test_a_dimension_whose_answered_weights_are_zero_is_not_assessed():
    bank = parse_bank(SMALL.replace("OVERALL", "mean").replace("weight: 3", "weight: 0"))
    result = score(bank, Responses({"review": "monthly"}))
    assert dims(result)["strategy"].score is None
    assert result.score is None and result.level is None


def test_overall_is_the_weighted_mean_of_assessed_dimensions():
    # strategy 2.625 (weight 1); care: service 3 and speed 4 give 3.5 (weight 2): (2.625 + 7) / 3
    result = run({"plan": "some", "review": "yearly", "channels": ("service",), "speed": "4"})
    assert result.score == pytest.approx(9.625 / 3, abs=1e-12)
    assert (result.level, result.level_name) == (3, "Coordinating")


def test_nothing_answered_gives_no_overall_score_or_level():
    result = run({})
    assert (result.score, result.level, result.level_name, result.complete) == (None, None, None, False)


def test_zero_weight_dimensions_leave_the_overall_score_null_when_alone():
    bank = parse_bank(SMALL.replace("OVERALL", "mean").replace("weight: 2", "weight: 0"))
    result = score(bank, Responses({"speed": "5"}))
    assert dims(result)["care"].score == 5.0
    assert result.score is None


THRESHOLD_BANK = """
schema: 1
id: thresholds
version: "1"
title: Thresholds
levels:
  - name: Low
  - name: Mid
    min_score: 2.5
  - name: High
    min_score: 2.5
  - name: Top
dimensions:
  - id: d
    title: D
    questions:
      - id: q
        text: Q
        options: [{label: a}, {label: b}]
"""


@pytest.mark.parametrize(
    ("value", "level"),
    [(1.0, 1), (2.4999, 1), (2.5 - 1e-10, 3), (2.5, 3), (3.9999, 3), (4.0, 4), (4 - 5e-10, 4)],
)
def test_level_is_the_highest_whose_min_score_is_reached_within_1e_9(value, level):
    assert level_of(parse_bank(THRESHOLD_BANK), value) == level


def test_level_is_1_below_every_min_score():
    bank = parse_bank(THRESHOLD_BANK.replace("  - name: Low\n", "  - name: Low\n    min_score: 1.5\n"))
    assert level_of(bank, 1.2) == 1


def test_weakest_link_caps_the_overall_level_one_above_the_weakest_dimension():
    # strategy 1 (level 1); care 5: overall (1 + 2 * 5) / 3 = 3.67, level 3, capped at 1 + 1 = 2
    answers = {"plan": "none", "channels": ("marketing", "service", "sales"), "speed": "5"}
    result = run(answers, overall_level="weakest_link")
    assert result.score == pytest.approx(11 / 3)
    assert (result.level, result.level_name, result.mean_level, result.limited_by) == (2, "Broadcasting", 3, "strategy")


def test_mean_rule_ignores_the_weakest_dimension():
    answers = {"plan": "none", "channels": ("marketing", "service", "sales"), "speed": "5"}
    result = run(answers, overall_level="mean")
    assert (result.level, result.limited_by) == (3, None)


def test_weakest_link_changes_nothing_when_the_weakest_is_close_enough():
    answers = {"plan": "some", "channels": ("service",), "speed": "4"}
    result = run(answers, overall_level="weakest_link")
    assert (result.level, result.mean_level, result.limited_by) == (3, 3, None)


def test_weakest_link_ignores_dimensions_with_zero_weight():
    bank = parse_bank(SMALL.replace("OVERALL", "weakest_link").replace("weight: 2", "weight: 0"))
    result = score(bank, Responses({"plan": "full", "channels": ()}))
    assert (result.score, result.level, result.limited_by) == (5.0, 5, None)


def test_gap_is_the_target_minus_the_score_and_never_negative():
    result = run({"plan": "some", "review": "yearly", "speed": "4"}, targets={"strategy": 4, "care": 2})
    assert (dims(result)["strategy"].target, dims(result)["strategy"].gap) == (4, 1.375)
    assert (dims(result)["care"].target, dims(result)["care"].gap) == (2, 0.0)


def test_gap_is_null_without_a_target_or_a_score():
    result = run({"plan": "some"}, targets={"care": 3})
    assert dims(result)["strategy"].gap is None
    assert (dims(result)["care"].target, dims(result)["care"].gap) == (3, None)


def test_complete_when_every_required_question_has_an_answer_na_and_empty_multi_included():
    result = run({"plan": "none", "review": NA, "channels": (), "speed": NA})
    assert (result.complete, result.missing) == (True, ())


def test_incomplete_lists_the_required_questions_unanswered():
    result = run({"plan": "none", "speed": "1"})
    assert (result.complete, result.missing) == (False, ("review", "channels"))


def test_a_required_text_question_needs_non_blank_text():
    bank = parse_bank(SMALL.replace("OVERALL", "mean").replace("type: text", "type: text\n        required: true"))
    answers = {"plan": "none", "review": "never", "channels": (), "speed": "1"}
    assert score(bank, Responses({**answers, "notes": "  "})).missing == ("notes",)
    assert score(bank, Responses({**answers, "notes": "ok"})).complete


def test_json_form_has_the_contract_keys_in_bank_order():
    data = run({"plan": "some"}, targets={"strategy": 4}).to_json()
    assert data["bank"] == {"id": "small", "version": "1"}
    assert data["overall"]["score"] == 3.0 and data["overall"]["level_name"] == "Coordinating"
    assert [d["id"] for d in data["dimensions"]] == ["strategy", "care"]
    assert data["dimensions"][0] | {} == {
        "id": "strategy",
        "title": "Strategy",
        "weight": 1.0,
        "score": 3.0,
        "level": 3,
        "level_name": "Coordinating",
        "answered": 1,
        "questions": 2,
        "target": 4,
        "gap": 1.0,
    }
