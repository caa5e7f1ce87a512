"""Specification of bank validation (scoring/validate.py): one exact `PATH:LINE: message` line per mistake.

Every test starts from BANK, a minimal valid bank, and makes one mistake a bank author could
make by editing its text. The lines of BANK that the tests point at:

     1 schema          10 dimension strategy    22 question channels (multi)   33 dimension care
     5 levels          12 recommendations       25   its options               36 question speed (choice)
   6-8 Low/Middle/High 15 question plan         30 question notes (text)       38   its options (no ids)
                       17   its options (none at 18, full at 20)                 39-40 Days, Hours
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.validate import BankError, load_bank

ROOT = Path(__file__).resolve().parent.parent

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
    recommendations:
      1: [Write a plan]
    questions:
      - id: plan
        text: Is there a plan?
        options:
          - id: none
            label: No plan
          - id: full
            label: A full plan
      - id: channels
        text: Which teams take part?
        type: multi
        options:
          - id: marketing
            label: Marketing
          - id: service
            label: Service
      - id: notes
        text: Notes
        type: text
  - id: care
    title: Customer care
    questions:
      - id: speed
        text: How fast are complaints answered?
        options:
          - label: Days
          - label: Hours
"""

PLAN_OPTIONS = (
    "          - id: none\n            label: No plan\n          - id: full\n            label: A full plan\n"
)
CHANNEL_OPTIONS = (
    "          - id: marketing\n            label: Marketing\n          - id: service\n            label: Service\n"
)
SPEED_OPTIONS = "          - label: Days\n          - label: Hours\n"
LEVELS = "levels:\n  - name: Low\n  - name: Middle\n  - name: High\n"


def edit(old: str, new: str, text: str = BANK) -> str:
    """`text` with its one occurrence of `old` replaced by `new`."""
    assert text.count(old) == 1, f"{old!r} must occur exactly once"
    return text.replace(old, new)


def after(anchor: str, added: str, text: str = BANK) -> str:
    """`text` with `added` inserted right after its one occurrence of `anchor`."""
    return edit(anchor, anchor + added, text)


def steps(dimension) -> dict[int, tuple[str, ...]]:
    """A dimension's recommendations as their texts, by level."""
    return {level: tuple(r.step for r in entries) for level, entries in dimension.recommendations.items()}


class Author:
    """Writes a bank file and reads back what the validator says about it."""

    def __init__(self, path: Path):
        self.path = path

    def write(self, text: str) -> Path:
        self.path.write_text(text, encoding="utf-8")
        return self.path

    def mistakes(self, text: str) -> list[str]:
        """The `PATH:LINE: message` lines for a bank that must be refused."""
        self.write(text)
        with pytest.raises(BankError) as caught:
            load_bank(self.path)
        return caught.value.lines()

    def accepted(self, text: str):
        """The bank, for a text that must be valid."""
        return load_bank(self.write(text))

    def line(self, number: int, message: str) -> str:
        return f"{self.path}:{number}: {message}"


@pytest.fixture
def author(tmp_path: Path) -> Author:
    return Author(tmp_path / "bank.yaml")


# The starting point


def test_the_minimal_bank_is_valid(author):
    bank = author.accepted(BANK)
    assert [d.id for d in bank.dimensions] == ["strategy", "care"]
    assert list(bank.questions) == ["plan", "channels", "notes", "speed"]
    assert bank.questions["speed"].option_ids == ("1", "2")


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "questions").rglob("*.yaml")),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_every_bank_under_questions_validates(path):
    assert load_bank(path).dimensions


def test_a_bank_error_names_the_file_it_was_read_from(author):
    error_lines = author.mistakes(edit("schema: 1", "schema: 2"))
    assert error_lines[0].startswith(f"{author.path}:1: ")


# Missing keys: the line is the entry that lacks the key


@pytest.mark.parametrize(
    ("old", "new", "line", "key"),
    [
        ("schema: 1\n", "", 1, "schema"),
        ("title: Mini bank\n", "", 1, "title"),
        ("  - name: Middle\n", "  - description: In between\n", 7, "name"),
        ("  - id: care\n    title", "  - title", 33, "id"),
        ("    title: Customer care\n", "", 33, "title"),
        ("        text: Is there a plan?\n", "", 15, "text"),
        ("            label: No plan\n", "", 18, "label"),
    ],
    ids=["schema", "bank title", "level name", "dimension id", "dimension title", "question text", "option label"],
)
def test_a_missing_required_key_is_reported_on_the_entry_that_lacks_it(author, old, new, line, key):
    assert author.mistakes(edit(old, new)) == [author.line(line, f"missing required key '{key}'")]


def test_a_bank_without_levels_or_dimensions_reports_both_on_line_1(author):
    text = BANK[: BANK.index("levels:")]
    assert author.mistakes(text) == [
        author.line(1, "missing required key 'levels'"),
        author.line(1, "missing required key 'dimensions'"),
    ]


def test_several_missing_keys_on_one_line_come_in_the_order_of_the_format(author):
    assert author.mistakes("schema: 1\nid: x\n") == [
        author.line(1, "missing required key 'version'"),
        author.line(1, "missing required key 'title'"),
        author.line(1, "missing required key 'levels'"),
        author.line(1, "missing required key 'dimensions'"),
    ]


def test_a_dimension_without_questions_is_reported_on_the_dimension(author):
    text = edit("      1: [Write a plan]\n    questions:\n", "      1: [Write a plan]\n    questionz:\n")
    assert author.mistakes(text) == [
        author.line(10, "missing required key 'questions'"),
        author.line(14, "unknown key 'questionz' (did you mean 'questions'?)"),
    ]


def test_a_choice_question_without_options_is_reported_on_the_question(author):
    text = edit("        options:\n" + SPEED_OPTIONS, "")
    assert author.mistakes(text) == [
        author.line(36, "missing required key 'options' (choice question 'speed' needs at least 2)")
    ]


def test_a_multi_question_without_options_is_reported_on_the_question(author):
    text = edit("        options:\n" + CHANNEL_OPTIONS, "")
    assert author.mistakes(text) == [
        author.line(22, "missing required key 'options' (multi question 'channels' needs at least 2)")
    ]


# Unknown keys


def test_a_typo_in_a_key_names_the_key_and_suggests_the_right_one(author):
    text = after("    title: Strategy\n", "    wieght: 2\n")
    assert author.mistakes(text) == [author.line(12, "unknown key 'wieght' (did you mean 'weight'?)")]


def test_a_typo_in_a_top_level_key_is_caught_as_well_as_the_key_it_hides(author):
    text = edit("title: Mini bank", "tilte: Mini bank")
    assert author.mistakes(text) == [
        author.line(1, "missing required key 'title'"),
        author.line(4, "unknown key 'tilte' (did you mean 'title'?)"),
    ]


def test_an_unknown_key_far_from_any_known_one_is_refused_without_a_suggestion(author):
    text = after("            label: No plan\n", "            colour: red\n")
    assert author.mistakes(text) == [author.line(20, "unknown key 'colour'")]


# Wrong types


def test_a_quoted_number_for_a_weight_is_refused_with_a_hint_to_remove_the_quotes(author):
    text = after("    title: Strategy\n", '    weight: "2"\n')
    assert author.mistakes(text) == [
        author.line(12, """'weight' must be a number, not the text "2" (remove the quotes)""")
    ]


def test_a_quoted_yes_for_required_is_refused(author):
    text = after("        text: Is there a plan?\n", '        required: "yes"\n')
    assert author.mistakes(text) == [
        author.line(17, """'required' must be true or false, not the text "yes" (remove the quotes)""")
    ]


def test_a_bare_yes_for_required_is_true(author):
    bank = author.accepted(after("        text: Notes\n", "        required: yes\n"))
    assert bank.questions["notes"].is_required is True


def test_a_word_for_allow_na_is_refused(author):
    text = after("        text: Is there a plan?\n", "        allow_na: sometimes\n")
    assert author.mistakes(text) == [author.line(17, """'allow_na' must be true or false, not the text "sometimes\"""")]


def test_a_yes_for_a_weight_explains_that_yaml_read_it_as_true(author):
    text = after("    title: Strategy\n", "    weight: yes\n")
    assert author.mistakes(text) == [
        author.line(
            12, "'weight' must be a number, not true (YAML reads yes, no, on, off, true and false as true or false)"
        )
    ]


def test_a_negative_weight_is_refused(author):
    text = after("        text: Is there a plan?\n", "        weight: -1\n")
    assert author.mistakes(text) == [author.line(17, "'weight' must be 0 or more, not -1")]


def test_levels_written_as_a_word_instead_of_a_list_are_refused(author):
    assert author.mistakes(edit(LEVELS, "levels: abc\n")) == [
        author.line(5, """'levels' must be a list, not the text "abc\"""")
    ]


def test_options_written_as_a_mapping_instead_of_a_list_are_refused(author):
    text = edit(
        "        options:\n" + PLAN_OPTIONS, "        options:\n          none: No plan\n          full: A full plan\n"
    )
    assert author.mistakes(text) == [author.line(17, "'options' must be a list, not a mapping")]


def test_an_option_written_as_a_bare_label_is_refused(author):
    text = edit(SPEED_OPTIONS, "          - Days\n          - Hours\n")
    assert author.mistakes(text) == [
        author.line(39, """entry 1 of 'options' must be a mapping of keys, not the text "Days\""""),
        author.line(40, """entry 2 of 'options' must be a mapping of keys, not the text "Hours\""""),
    ]


def test_a_quoted_schema_number_is_refused(author):
    assert author.mistakes(edit("schema: 1", 'schema: "1"')) == [
        author.line(1, """'schema' must be a whole number, not the text "1" (remove the quotes)""")
    ]


def test_a_quoted_min_score_is_refused(author):
    text = after("  - name: Middle\n", '    min_score: "2"\n')
    assert author.mistakes(text) == [
        author.line(8, """'min_score' must be a number, not the text "2" (remove the quotes)""")
    ]


def test_an_empty_label_is_refused(author):
    assert author.mistakes(edit("label: No plan", "label:")) == [
        author.line(19, "'label' must be text, not nothing (the value is empty)")
    ]


def test_a_blank_quoted_label_is_refused(author):
    assert author.mistakes(edit("label: No plan", "label: ''")) == [author.line(19, "'label' must not be empty")]


def test_an_unknown_question_type_lists_the_known_ones(author):
    text = edit("        type: multi\n", "        type: multiple\n")
    assert author.mistakes(text) == [
        author.line(24, """'type' must be one of 'choice', 'multi' or 'text', not the text "multiple\"""")
    ]


def test_an_empty_question_type_lists_the_known_ones(author):
    text = edit("        type: multi\n", "        type:\n")
    assert author.mistakes(text) == [
        author.line(24, "'type' must be one of 'choice', 'multi' or 'text', not nothing (the value is empty)")
    ]


def test_a_mistake_in_a_multi_question_is_reported_at_its_key(author):
    text = edit("            label: Service\n", "            label: Service\n            points: many\n")
    assert author.mistakes(text) == [author.line(30, """'points' must be a number, not the text "many\"""")]


def test_mistakes_in_different_places_are_all_reported_in_line_order(author):
    text = after("    title: Strategy\n", "    wieght: 2\n")
    text = edit("label: Hours", "label:", text)
    text = edit("label: No plan", "label: [No, plan]", text)
    assert author.mistakes(text) == [
        author.line(12, "unknown key 'wieght' (did you mean 'weight'?)"),
        author.line(20, "'label' must be text, not a list"),
        author.line(41, "'label' must be text, not nothing (the value is empty)"),
    ]


# Text fields keep what was written


def test_a_label_that_yaml_reads_as_a_boolean_is_taken_as_the_text_written(author):
    bank = author.accepted(edit("label: No plan", "label: Yes"))
    assert bank.questions["plan"].options[0].label == "Yes"


def test_a_version_that_yaml_reads_as_a_number_is_taken_as_the_text_written(author):
    assert author.accepted(edit('version: "1"', "version: 2026.1")).version == "2026.1"
    assert author.accepted(edit('version: "1"', "version: 2026.10")).version == "2026.10"


def test_a_version_that_yaml_reads_as_a_date_is_taken_as_the_text_written(author):
    assert author.accepted(edit('version: "1"', "version: 2026-01-31")).version == "2026-01-31"


def test_a_title_that_yaml_reads_as_a_number_is_taken_as_the_text_written(author):
    bank = author.accepted(edit("title: Customer care", "title: 360"))
    assert bank.dimensions[1].title == "360"


def test_an_option_id_written_as_a_number_is_that_number_as_text(author):
    bank = author.accepted(edit("          - id: full", "          - id: 2"))
    assert bank.questions["plan"].option_ids == ("none", "2")


def test_a_recommendation_that_yaml_reads_as_a_number_is_taken_as_the_text_written(author):
    bank = author.accepted(edit("      1: [Write a plan]", "      1: [Write a plan, 42]"))
    assert steps(bank.dimensions[0]) == {1: ("Write a plan", "42")}


# Ids


@pytest.mark.parametrize(
    ("old", "new", "line", "bad"),
    [
        ("id: mini", "id: Mini Bank", 2, "Mini Bank"),
        ("  - id: care", "  - id: Care", 33, "Care"),
        ("      - id: plan", "      - id: Plan_A", 15, "Plan_A"),
        ("          - id: full", "          - id: a b", 20, "a b"),
        ("          - id: full", "          - id: full-", 20, "full-"),
        ("          - id: full", "          - id: ''", 20, ""),
    ],
    ids=["bank", "dimension", "question", "option", "trailing dash", "empty"],
)
def test_an_id_that_is_not_a_slug_is_refused(author, old, new, line, bad):
    assert author.mistakes(edit(old, new)) == [
        author.line(line, f"'id' must be a slug (lowercase letters, digits and '-'), not '{bad}'")
    ]


def test_a_duplicate_dimension_id_is_reported_at_its_second_occurrence(author):
    assert author.mistakes(edit("  - id: care", "  - id: strategy")) == [
        author.line(33, "duplicate dimension id 'strategy' (first used on line 10)")
    ]


def test_a_question_id_is_unique_across_the_whole_bank_not_just_its_dimension(author):
    assert author.mistakes(edit("      - id: speed", "      - id: plan")) == [
        author.line(36, "duplicate question id 'plan' (first used on line 15)")
    ]


def test_a_duplicate_option_id_is_reported_at_its_second_occurrence_naming_the_question(author):
    assert author.mistakes(edit("          - id: full", "          - id: none")) == [
        author.line(20, "duplicate option id 'none' in question 'plan' (first used on line 18)")
    ]


def test_the_same_option_id_in_two_questions_is_fine(author):
    bank = author.accepted(edit("          - id: service", "          - id: none"))
    assert bank.questions["channels"].option_ids == ("marketing", "none")


def test_an_explicit_option_id_clashing_with_an_earlier_positional_default_is_a_duplicate(author):
    text = after("          - label: Hours\n", '          - id: "2"\n            label: Minutes\n')
    assert author.mistakes(text) == [
        author.line(
            41,
            "duplicate option id '2' in question 'speed' "
            "(first used on line 40, by an option without an id, whose position is its id)",
        )
    ]


def test_a_positional_default_clashing_with_an_earlier_explicit_id_is_a_duplicate(author):
    text = edit(SPEED_OPTIONS, '          - id: "2"\n            label: Now\n' + SPEED_OPTIONS)
    assert author.mistakes(text) == [
        author.line(
            41,
            "duplicate option id '2' in question 'speed' "
            "(this option has no id, so its position is its id; first used on line 39)",
        )
    ]


# Levels and thresholds


def test_a_single_level_is_too_few(author):
    assert author.mistakes(edit(LEVELS, "levels:\n  - name: Low\n")) == [
        author.line(5, "'levels' must have at least 2 entries, not 1")
    ]


def test_eleven_levels_are_too_many(author):
    eleven = "levels:\n" + "".join(f"  - name: Stage {k}\n" for k in range(1, 12))
    assert author.mistakes(edit(LEVELS, eleven)) == [author.line(5, "'levels' must have at most 10 entries, not 11")]


def test_two_and_ten_levels_are_allowed(author):
    assert author.accepted(edit(LEVELS, "levels:\n  - name: Low\n  - name: High\n")).level_count == 2
    ten = "levels:\n" + "".join(f"  - name: Stage {k}\n" for k in range(1, 11))
    assert author.accepted(edit(LEVELS, ten)).level_count == 10


def test_a_min_score_above_the_number_of_levels_is_refused(author):
    text = after("  - name: High\n", "    min_score: 4\n")
    assert author.mistakes(text) == [
        author.line(9, "min_score of level 'High' must be between 1 and 3 (the number of levels)")
    ]


def test_a_min_score_below_1_is_refused(author):
    text = after("  - name: Low\n", "    min_score: 0.5\n")
    assert author.mistakes(text) == [
        author.line(7, "min_score of level 'Low' must be between 1 and 3 (the number of levels)")
    ]


def test_thresholds_that_decrease_are_refused_at_the_lower_one(author):
    text = after("  - name: Middle\n", "    min_score: 2.5\n")
    text = after("  - name: High\n", "    min_score: 2.2\n", text)
    assert author.mistakes(text) == [
        author.line(
            10, "level 'High' starts at min_score 2.2, below the level before it (2.5); thresholds must not decrease"
        )
    ]


def test_a_default_threshold_below_an_explicit_one_before_it_is_refused_at_the_level_entry(author):
    text = after("  - name: Low\n", "    min_score: 2.5\n")
    assert author.mistakes(text) == [
        author.line(
            8, "level 'Middle' starts at min_score 2, below the level before it (2.5); thresholds must not decrease"
        )
    ]


def test_an_explicit_threshold_below_the_default_before_it_is_refused(author):
    text = after("  - name: High\n", "    min_score: 1.5\n")
    assert author.mistakes(text) == [
        author.line(
            9, "level 'High' starts at min_score 1.5, below the level before it (2); thresholds must not decrease"
        )
    ]


def test_equal_thresholds_are_allowed(author):
    bank = author.accepted(after("  - name: Middle\n", "    min_score: 3\n"))
    assert bank.thresholds == (1.0, 3.0, 3.0)


def test_an_unknown_overall_level_rule_is_refused(author):
    text = edit("levels:\n", "overall_level: median\nlevels:\n")
    assert author.mistakes(text) == [
        author.line(5, """'overall_level' must be one of 'mean' or 'weakest_link', not the text "median\"""")
    ]


def test_an_unknown_schema_version_is_refused(author):
    assert author.mistakes(edit("schema: 1", "schema: 2")) == [
        author.line(1, "schema 2 is not known; this version of Threadline reads schema 1")
    ]


# Questions and options


def test_a_text_question_with_an_empty_options_list_is_refused(author):
    text = after("        type: text\n", "        options: []\n")
    assert author.mistakes(text) == [author.line(33, "question 'notes' is a text question and takes no options")]


def test_a_text_question_with_options_is_refused(author):
    text = after("        type: text\n", "        options:\n          - label: A\n          - label: B\n")
    assert author.mistakes(text) == [author.line(33, "question 'notes' is a text question and takes no options")]


def test_a_choice_question_with_one_option_is_refused(author):
    text = edit(SPEED_OPTIONS, "          - label: Days\n")
    assert author.mistakes(text) == [author.line(38, "question 'speed' needs at least 2 options, not 1")]


def test_a_multi_question_with_one_option_is_refused(author):
    text = edit(CHANNEL_OPTIONS, "          - id: marketing\n            label: Marketing\n")
    assert author.mistakes(text) == [author.line(25, "question 'channels' needs at least 2 options, not 1")]


def test_an_empty_option_list_is_refused(author):
    text = edit("        options:\n" + SPEED_OPTIONS, "        options: []\n")
    assert author.mistakes(text) == [author.line(38, "question 'speed' needs at least 2 options, not 0")]


def test_a_score_on_a_multi_option_is_refused(author):
    text = after("            label: Service\n", "            score: 2\n")
    assert author.mistakes(text) == [author.line(30, "'score' is for choice questions; a multi option takes 'points'")]


def test_points_on_a_choice_option_are_refused(author):
    text = after("            label: A full plan\n", "            points: 2\n")
    assert author.mistakes(text) == [author.line(22, "'points' is for multi questions; a choice option takes 'score'")]


@pytest.mark.parametrize("score", ["4", "0", "0.99", "3.01"])
def test_an_option_score_outside_1_to_the_number_of_levels_is_refused(author, score):
    text = after("            label: A full plan\n", f"            score: {score}\n")
    assert author.mistakes(text) == [
        author.line(22, f"score must be between 1 and 3 (the number of levels), not {float(score):g}")
    ]


@pytest.mark.parametrize("score", ["1", "2.5", "3"])
def test_an_option_score_from_1_to_the_number_of_levels_is_accepted(author, score):
    bank = author.accepted(after("            label: A full plan\n", f"            score: {score}\n"))
    assert bank.option_scores["plan"]["full"] == float(score)


def test_multi_options_whose_points_add_up_to_0_are_refused(author):
    text = after("            label: Marketing\n", "            points: 0\n")
    text = after("            label: Service\n", "            points: 0\n", text)
    assert author.mistakes(text) == [
        author.line(25, "the options of multi question 'channels' have points adding up to 0")
    ]


def test_some_multi_options_with_0_points_are_fine(author):
    bank = author.accepted(after("            label: Marketing\n", "            points: 0\n"))
    assert bank.option_points["channels"] == {"marketing": 0.0, "service": 1.0}


def test_negative_points_are_refused(author):
    text = after("            label: Service\n", "            points: -1\n")
    assert author.mistakes(text) == [author.line(30, "'points' must be 0 or more, not -1")]


# Recommendations


@pytest.mark.parametrize("key", ["0", "3", "-1"])
def test_a_recommendations_key_that_is_not_a_level_below_the_top_is_refused(author, key):
    text = edit("      1: [Write a plan]", f"      {key}: [Write a plan]")
    assert author.mistakes(text) == [
        author.line(
            13,
            f"recommendations key {key} is not a level below the top one (use 1 to 2); "
            "key k lists what to do to move from level k to k+1",
        )
    ]


def test_a_recommendations_key_may_be_written_as_a_string(author):
    bank = author.accepted(after("      1: [Write a plan]\n", '      "2": [Automate the plan]\n'))
    assert steps(bank.dimensions[0]) == {1: ("Write a plan",), 2: ("Automate the plan",)}


@pytest.mark.parametrize("key", ["next", "1.5", "true"])
def test_a_recommendations_key_that_is_not_a_number_is_refused_at_its_line(author, key):
    text = after("      1: [Write a plan]\n", f"      {key}: [Automate the plan]\n")
    assert author.mistakes(text) == [
        author.line(
            14,
            f"recommendations key '{key}' is not a level number; key k lists what to do to move from level k to k+1",
        )
    ]


def test_recommendations_written_as_one_text_instead_of_a_list_are_refused(author):
    text = edit("      1: [Write a plan]", "      1: Write a plan")
    assert author.mistakes(text) == [
        author.line(13, """the recommendations for level 1 must be a list, not the text "Write a plan\"""")
    ]


# YAML itself


def test_a_colon_inside_an_unquoted_value_is_a_syntax_error_on_its_line(author):
    assert author.mistakes(edit("title: Mini bank", "title: Mini: bank")) == [
        author.line(4, "YAML syntax error: mapping values are not allowed here")
    ]


def test_a_key_indented_one_space_too_far_is_a_syntax_error_on_its_line(author):
    assert author.mistakes(edit("    title: Strategy", "     title: Strategy")) == [
        author.line(11, "YAML syntax error: mapping values are not allowed here")
    ]


def test_an_unclosed_bracket_names_the_line_where_the_list_starts(author):
    assert author.mistakes(edit("      1: [Write a plan]", "      1: [Write a plan")) == [
        author.line(
            14,
            "YAML syntax error: expected ',' or ']', but got ':' "
            "(while parsing a flow sequence that starts on line 13)",
        )
    ]


def test_an_unclosed_quote_is_reported_where_the_quote_opens(author):
    assert author.mistakes(edit('version: "1"', 'version: "1')) == [
        author.line(3, "YAML syntax error: a quoted text starts here but its closing quote is missing")
    ]


def test_a_tab_in_the_indentation_is_refused_on_its_line(author):
    assert author.mistakes(edit("    title: Strategy", "\ttitle: Strategy")) == [
        author.line(11, "tab character in indentation; indent YAML with spaces only")
    ]


def test_a_tab_after_a_colon_is_refused_on_its_line(author):
    assert author.mistakes(edit("    title: Strategy", "    title:\tStrategy")) == [
        author.line(11, "tab character where YAML expects a space; use spaces (a tab is fine only inside quotes)")
    ]


def test_a_tab_inside_quotes_is_text(author):
    bank = author.accepted(edit("    title: Strategy", '    title: "Strat\tegy"'))
    assert bank.dimensions[0].title == "Strat\tegy"


def test_a_key_given_twice_in_one_mapping_is_refused_at_the_second(author):
    text = after("    title: Strategy\n", "    title: Strategy again\n")
    assert author.mistakes(text) == [author.line(12, "duplicate key 'title' in the same mapping")]


def test_an_anchor_is_refused(author):
    assert author.mistakes(edit("label: No plan", "label: &answer No plan")) == [
        author.line(19, "YAML anchors and aliases (& and *) are not allowed; write the value out in full")
    ]


def test_an_alias_is_refused(author):
    assert author.mistakes(edit("label: A full plan", "label: *answer")) == [
        author.line(21, "YAML anchors and aliases (& and *) are not allowed; write the value out in full")
    ]


def test_a_merge_key_is_refused(author):
    text = after("    title: Strategy\n", "    <<: {weight: 2}\n")
    assert author.mistakes(text) == [
        author.line(12, "YAML merge keys (<<) are not allowed; write the keys out in full")
    ]


def test_a_python_tag_is_refused(author):
    assert author.mistakes(edit("title: Mini bank", "title: !!python/object/apply:os.system [ls]")) == [
        author.line(4, "the YAML tag '!!python/object/apply:os.system' is not allowed; write a plain value")
    ]


def test_a_second_document_in_the_file_is_refused_where_it_starts(author):
    assert author.mistakes(BANK + "---\nschema: 1\n") == [
        author.line(41, "the file holds more than one YAML document; keep one per file")
    ]


@pytest.mark.parametrize("text", ["", "\n\n  \n", "# just a comment\n"], ids=["empty", "blank", "comment"])
def test_an_empty_file_is_refused(author, text):
    assert author.mistakes(text) == [author.line(1, "the file is empty")]


def test_a_list_at_the_top_level_is_refused(author):
    assert author.mistakes("- schema: 1\n- id: mini\n") == [
        author.line(1, "the bank must be a mapping of keys, not a list")
    ]


def test_a_plain_text_file_is_refused(author):
    assert author.mistakes("Social media maturity\n") == [
        author.line(1, """the bank must be a mapping of keys, not the text "Social media maturity\"""")
    ]


def test_a_missing_file_is_reported_on_line_1(author):
    with pytest.raises(BankError) as caught:
        load_bank(author.path)
    assert caught.value.lines() == [author.line(1, "file not found")]


# Next steps on options and done_if on recommendations


def test_an_option_may_carry_a_next_step_in_markdown(author):
    bank = author.accepted(after("            label: No plan\n", "            next_step: Write a **one-page** plan.\n"))
    assert [o.next_step for o in bank.questions["plan"].options] == ["Write a **one-page** plan.", None]


def test_a_next_step_that_yaml_reads_as_a_number_is_the_text_written(author):
    bank = author.accepted(after("            label: No plan\n", "            next_step: 42\n"))
    assert bank.questions["plan"].options[0].next_step == "42"


def test_a_next_step_given_as_a_list_is_refused_at_its_line(author):
    text = after("            label: No plan\n", "            next_step: [one, two]\n")
    assert author.mistakes(text) == [author.line(20, "'next_step' must be text, not a list")]


def test_a_recommendation_may_name_the_answers_that_mean_it_is_done(author):
    text = edit("      1: [Write a plan]", "      1:\n        - step: Write a plan\n          done_if: {plan: [full]}")
    bank = author.accepted(text)
    (recommendation,) = bank.dimensions[0].recommendations[1]
    assert (recommendation.step, recommendation.done_if) == ("Write a plan", {"plan": ("full",)})


def test_done_if_naming_an_unknown_question_is_refused_with_a_suggestion(author):
    text = edit("      1: [Write a plan]", "      1:\n        - step: Write a plan\n          done_if: {plann: [full]}")
    assert author.mistakes(text) == [
        author.line(15, "done_if names question 'plann', which is not in this bank (did you mean 'plan'?)")
    ]


def test_done_if_naming_an_option_the_question_lacks_is_refused_at_that_option(author):
    text = edit(
        "      1: [Write a plan]",
        "      1:\n        - step: Write a plan\n          done_if:\n            plan: [full, half]",
    )
    assert author.mistakes(text) == [
        author.line(16, "'half' is not an option of question 'plan' (its options: none, full)")
    ]


def test_done_if_naming_a_text_question_is_refused(author):
    text = edit("      1: [Write a plan]", "      1:\n        - step: Write a plan\n          done_if: {notes: [x]}")
    assert author.mistakes(text) == [
        author.line(15, "done_if names question 'notes', a text question; name a choice or multi question")
    ]


def test_a_recommendation_mapping_without_its_step_is_refused(author):
    text = edit("      1: [Write a plan]", "      1:\n        - done_if: {plan: [full]}")
    assert author.mistakes(text) == [author.line(14, "missing required key 'step'")]
