"""Specification of answers documents (scoring/answers.py): what is accepted, and a clear message for the rest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scoring.answers import NA, AnswersError, Responses, check_responses, load_responses
from scoring.source import DocumentError, Problem
from scoring.validate import parse_bank

BANK = """\
schema: 1
id: mini
version: "1"
title: Mini bank
levels:
  - name: Low
  - name: Middle
  - name: High
dimensions:
  - id: strategy
    title: Strategy
    questions:
      - id: plan
        text: Is there a plan?
        options:
          - {id: none, label: No plan}
          - {id: full, label: A full plan}
      - id: policy
        text: Is there a social media policy?
        allow_na: true
        options:
          - {id: "no", label: "No"}
          - {id: "yes", label: "Yes"}
      - id: notes
        text: Notes
        type: text
  - id: care
    title: Customer care
    questions:
      - id: channels
        text: Which teams answer on social?
        type: multi
        options:
          - {id: marketing, label: Marketing}
          - {id: service, label: Service}
          - {id: "5", label: Five others}
      - id: staff
        text: How many people answer?
        options:
          - {id: "5", label: Up to 5}
          - {id: "10", label: Up to 10}
          - {id: "20", label: More}
"""


@pytest.fixture(scope="module")
def bank():
    return parse_bank(BANK)


def accepted(bank, data) -> Responses:
    return check_responses(data, bank)


def refused(bank, data) -> list[str]:
    """The messages for answers that must be refused."""
    with pytest.raises(AnswersError) as caught:
        check_responses(data, bank)
    return [problem.message for problem in caught.value.problems]


# What is accepted


def test_a_choice_answer_is_an_option_id(bank):
    assert accepted(bank, {"answers": {"plan": "full"}}).answers == {"plan": "full"}


def test_an_integer_for_a_choice_is_read_as_the_option_id_it_spells(bank):
    assert accepted(bank, {"answers": {"staff": 10}}).answers == {"staff": "10"}


def test_an_integer_for_a_choice_is_never_read_as_a_position(bank):
    assert refused(bank, {"answers": {"staff": 2}}) == ["question 'staff' has no option '2' (its options: 5, 10, 20)"]


def test_a_multi_answer_is_a_list_of_option_ids_with_integers_read_as_ids(bank):
    assert accepted(bank, {"answers": {"channels": [5, "service"]}}).answers == {"channels": ("5", "service")}


def test_a_multi_option_given_twice_counts_once(bank):
    answers = accepted(bank, {"answers": {"channels": ["service", "marketing", "service", 5, "5"]}}).answers
    assert answers == {"channels": ("service", "marketing", "5")}


def test_an_empty_multi_list_is_an_answer(bank):
    assert accepted(bank, {"answers": {"channels": []}}).answers == {"channels": ()}


def test_a_text_answer_is_a_string(bank):
    assert accepted(bank, {"answers": {"notes": "We started in 2024."}}).answers == {"notes": "We started in 2024."}


def test_null_is_not_applicable_where_the_question_allows_it(bank):
    assert accepted(bank, {"answers": {"policy": None}}).answers == {"policy": NA}


def test_a_question_absent_from_answers_is_unanswered(bank):
    assert "plan" not in accepted(bank, {"answers": {"staff": "5"}}).answers


def test_a_document_without_answers_answers_nothing(bank):
    assert accepted(bank, {"targets": {"care": 2}}) == Responses({}, {"care": 2})
    assert accepted(bank, {"answers": None}).answers == {}


def test_an_empty_document_answers_nothing_and_sets_no_target(bank):
    assert accepted(bank, {}) == Responses({}, {})
    assert accepted(bank, None) == Responses({}, {})


def test_targets_null_or_absent_set_no_target(bank):
    assert accepted(bank, {"answers": {"plan": "none"}, "targets": None}).targets == {}
    assert accepted(bank, {"answers": {"plan": "none"}}).targets == {}


def test_targets_are_whole_levels_from_1_to_the_number_of_levels(bank):
    assert accepted(bank, {"targets": {"strategy": 1, "care": 3}}).targets == {"strategy": 1, "care": 3}


def test_other_top_level_keys_are_ignored(bank):
    data = {"respondent": {"company": "Acme", "role": "CMO"}, "answers": {"plan": "full"}, "version": 7}
    assert accepted(bank, data) == Responses({"plan": "full"}, {})


# Each error names the question (or dimension)


def test_an_unknown_question_is_named(bank):
    assert refused(bank, {"answers": {"budget": "high"}}) == ["unknown question 'budget'"]


def test_a_misspelled_question_is_named_with_a_suggestion(bank):
    assert refused(bank, {"answers": {"plam": "full"}}) == ["unknown question 'plam' (did you mean 'plan'?)"]


def test_an_unknown_option_names_the_question_and_lists_its_options(bank):
    assert refused(bank, {"answers": {"plan": "maybe"}}) == [
        "question 'plan' has no option 'maybe' (its options: none, full)"
    ]


def test_an_unknown_option_in_a_multi_list_names_the_question(bank):
    assert refused(bank, {"answers": {"channels": ["service", "sales"]}}) == [
        "question 'channels' has no option 'sales' (its options: marketing, service, 5)"
    ]


def test_a_list_for_a_choice_question_is_refused(bank):
    assert refused(bank, {"answers": {"plan": ["full"]}}) == ["question 'plan' takes one option id, not a list"]


def test_a_single_id_for_a_multi_question_is_refused(bank):
    assert refused(bank, {"answers": {"channels": "service"}}) == [
        """question 'channels' takes a list of option ids, not the text "service\""""
    ]


def test_null_for_a_multi_question_without_not_applicable_is_refused(bank):
    assert refused(bank, {"answers": {"channels": None}}) == [
        "question 'channels' does not allow 'Not applicable' (null)"
    ]


def test_null_where_not_applicable_is_not_offered_is_refused(bank):
    assert refused(bank, {"answers": {"plan": None}}) == ["question 'plan' does not allow 'Not applicable' (null)"]


@pytest.mark.parametrize(
    ("value", "described"),
    [(True, "true"), (2.0, "2.0"), ({"id": "full"}, "a mapping")],
    ids=["boolean", "float", "mapping"],
)
def test_a_choice_answer_that_is_not_an_id_is_refused(bank, value, described):
    assert refused(bank, {"answers": {"plan": value}}) == [f"question 'plan' takes option ids, not {described}"]


def test_a_text_question_given_a_number_is_refused(bank):
    assert refused(bank, {"answers": {"notes": 3}}) == ["question 'notes' takes text, not 3"]


def test_an_unknown_dimension_in_targets_is_named(bank):
    assert refused(bank, {"targets": {"sales": 2}}) == ["targets: unknown dimension 'sales'"]
    assert refused(bank, {"targets": {"strategie": 2}}) == [
        "targets: unknown dimension 'strategie' (did you mean 'strategy'?)"
    ]


@pytest.mark.parametrize("level", [0, 4, -1])
def test_a_target_outside_the_levels_is_refused(bank, level):
    assert refused(bank, {"targets": {"care": level}}) == [
        f"target for 'care' must be a level from 1 to 3, not {level}"
    ]


@pytest.mark.parametrize(
    ("level", "described"),
    [(True, "true"), ("2", 'the text "2"'), (2.5, "2.5"), (2.0, "2.0"), (None, "null")],
    ids=["boolean", "string", "fraction", "float", "null"],
)
def test_a_target_that_is_not_a_whole_number_is_refused(bank, level, described):
    assert refused(bank, {"targets": {"care": level}}) == [
        f"target for 'care' must be a whole level number from 1 to 3, not {described}"
    ]


def test_every_problem_in_a_document_is_reported(bank):
    data = {"answers": {"plan": "maybe", "budget": 1, "staff": "10"}, "targets": {"care": 9}}
    assert refused(bank, data) == [
        "question 'plan' has no option 'maybe' (its options: none, full)",
        "unknown question 'budget'",
        "target for 'care' must be a level from 1 to 3, not 9",
    ]


def test_answers_and_targets_must_be_mappings(bank):
    assert refused(bank, {"answers": ["plan"], "targets": [2]}) == [
        "'answers' must be a mapping of question id to answer",
        "'targets' must be a mapping of dimension id to level",
    ]


def test_a_document_that_is_not_a_mapping_is_refused(bank):
    assert refused(bank, ["plan", "full"]) == ["an answers document must be a mapping with 'answers' and 'targets'"]


# Reading documents


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_json_document_loads(tmp_path, bank):
    document = {
        "answers": {"plan": "full", "channels": ["service", 5], "notes": "free text", "policy": None, "staff": 20},
        "targets": {"care": 3},
    }
    responses = load_responses(write(tmp_path, "answers.json", json.dumps(document)), bank)
    assert responses == Responses(
        {"plan": "full", "channels": ("service", "5"), "notes": "free text", "policy": NA, "staff": "20"},
        {"care": 3},
    )


def test_a_json_document_indented_with_tabs_loads(tmp_path, bank):
    text = json.dumps({"answers": {"plan": "none"}}, indent="\t")
    assert load_responses(write(tmp_path, "answers.json", text), bank).answers == {"plan": "none"}


def test_a_yaml_document_loads(tmp_path, bank):
    text = "answers:\n  plan: full\n  channels: [service, 5]\n  policy: null\n  staff: 10\ntargets:\n  strategy: 2\n"
    responses = load_responses(write(tmp_path, "answers.yaml", text), bank)
    assert responses == Responses(
        {"plan": "full", "channels": ("service", "5"), "policy": NA, "staff": "10"}, {"strategy": 2}
    )


def test_a_yaml_option_id_that_yaml_reads_as_a_boolean_is_taken_as_written(tmp_path, bank):
    text = "answers:\n  policy: no\n  notes: yes\n"
    responses = load_responses(write(tmp_path, "answers.yaml", text), bank)
    assert responses.answers == {"policy": "no", "notes": "yes"}


def test_yaml_problems_carry_the_line_of_the_answer(tmp_path, bank):
    text = "respondent: Acme\nanswers:\n  plan: full\n  staff: 2\ntargets:\n  care: 4\n"
    with pytest.raises(AnswersError) as caught:
        load_responses(write(tmp_path, "answers.yaml", text), bank)
    assert caught.value.problems == [
        Problem(4, "question 'staff' has no option '2' (its options: 5, 10, 20)"),
        Problem(6, "target for 'care' must be a level from 1 to 3, not 4"),
    ]


def test_a_broken_document_is_refused_with_its_line(tmp_path, bank):
    with pytest.raises(DocumentError) as caught:
        load_responses(write(tmp_path, "answers.json", '{"answers": {"plan": "full",\n}'), bank)
    assert [problem.line for problem in caught.value.problems] == [2]


def test_a_binary_answers_file_is_refused(tmp_path, bank):
    path = tmp_path / "answers.json"
    path.write_bytes(b'{"answers": \x00}')
    with pytest.raises(DocumentError) as caught:
        load_responses(path, bank)
    assert caught.value.problems == [Problem(1, "file is binary (it holds a NUL byte), not YAML or JSON text")]
