"""Specification of the results in words: headline, weakest-link note, strengths and gaps, default targets."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scoring.answers import NA, Responses
from scoring.confidence import confidences
from scoring.engine import score
from scoring.validate import parse_bank
from tests.banks import FIVE_LEVELS, nearest_bank, small_bank
from threadline.reporting import chart_text
from threadline.reporting.summary import (
    Wording,
    average_line,
    confidence_line,
    default_targets,
    evenness,
    headline,
    position,
    ranked_gaps,
    stage_rule,
    strengths_and_gaps,
    when_line,
    wording,
)

# The SMALL bank answered lowest in Strategy (score 1.0) and highest in Customer care (5.0, weight 2):
# the average is (1 + 2 * 5) / 3 = 3.67, level 3 (Coordinating); Strategy at level 1 caps a
# weakest-link bank at level 2 (Broadcasting).
LOPSIDED = {"plan": "none", "review": "never", "channels": ("marketing", "service", "sales"), "speed": "5"}


def four_bank():
    """Four equally weighted dimensions of one five-option question each (option "k" scores k)."""
    dimensions = "".join(
        f"""
  - id: {dimension_id}
    title: {dimension_id.title()}
    questions:
      - id: {dimension_id}-q
        text: How far along?
        allow_na: true
        options: [{{label: One}}, {{label: Two}}, {{label: Three}}, {{label: Four}}, {{label: Five}}]
"""
        for dimension_id in ("alpha", "beta", "gamma", "delta")
    )
    return parse_bank('schema: 1\nid: four\nversion: "1"\ntitle: Four\n' + FIVE_LEVELS + "dimensions:\n" + dimensions)


def four_result(answers: dict, targets: dict | None = None):
    bank = four_bank()
    return bank, score(bank, Responses({f"{key}-q": value for key, value in answers.items()}, targets or {}))


# --- headline ------------------------------------------------------------------------------------


def test_headline_names_the_stage_out_of_the_level_count():
    bank = small_bank("weakest_link")

    assert headline(bank, score(bank, Responses(LOPSIDED))) == "Stage 2 of 5: Broadcasting"


def test_headline_under_the_mean_rule_is_the_average_level():
    bank = small_bank("mean")

    assert headline(bank, score(bank, Responses(LOPSIDED))) == "Stage 3 of 5: Coordinating"


def test_headline_without_any_scored_answer():
    bank = small_bank()

    assert headline(bank, score(bank, Responses({}))) == "Not enough answers for a stage yet"
    assert headline(bank, score(bank, Responses({"review": NA, "speed": NA, "notes": "n"}))) == (
        "Not enough answers for a stage yet"
    )


# --- weakest-link note ---------------------------------------------------------------------------


# --- the stage rule, always stated ---------------------------------------------------------------


def test_the_rule_is_stated_when_the_weakest_link_does_not_cap_the_stage():
    bank = small_bank("weakest_link")
    # Strategy 1.5 (level 1), Customer care 3.0 (level 3): the average 2.5 is level 2, one above the
    # weakest, so the rule does not lower it.
    answers = {"plan": "some", "review": "never", "channels": ("service",), "speed": "3"}
    result = score(bank, Responses(answers))

    assert result.score == pytest.approx(2.5)
    assert (result.level, result.mean_level, result.limited_by) == (2, 2, None)
    assert stage_rule(bank, result) == (
        "An organisation is at most one stage ahead of its weakest dimension. Your weakest, Strategy at "
        "Experimenting, does not hold the stage below your average (Broadcasting)."
    )


def test_the_rule_names_the_capping_dimension_when_it_caps():
    bank = small_bank("weakest_link")

    assert stage_rule(bank, score(bank, Responses(LOPSIDED))) == (
        "Your average (3.67) says Coordinating, but Strategy at Experimenting holds you at Broadcasting: "
        "an organisation is at most one stage ahead of its weakest dimension."
    )


def test_the_rule_under_the_mean_rule_is_the_average():
    bank = small_bank("mean")

    assert stage_rule(bank, score(bank, Responses(LOPSIDED))) == (
        "The overall stage is the stage of the weighted average of the dimension scores: Coordinating."
    )


def test_no_rule_without_answers():
    bank = small_bank("weakest_link")

    assert stage_rule(bank, score(bank, Responses({}))) is None


# --- where the average sits ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.0, "1.00, lower half of Experimenting"),
        (1.49, "1.49, upper half of Experimenting"),
        (1.5, "1.50, lower half of Broadcasting"),
        (2.8, "2.80, lower half of Coordinating"),
        (3.0, "3.00, upper half of Coordinating"),
        (3.49, "3.49, upper half of Coordinating"),
        (4.6, "4.60, lower half of Converged"),
        (5.0, "5.00, top of Converged"),
    ],
)
def test_position_splits_each_stage_band_in_two(value, expected):
    bank = nearest_bank()

    assert position(bank, value) == expected


def test_position_follows_the_thresholds_the_bank_states():
    bank = small_bank()  # default thresholds: Coordinating is 3 up to 4

    assert position(bank, 3.4) == "3.40, lower half of Coordinating"
    assert position(bank, 3.6) == "3.60, upper half of Coordinating"


def test_the_average_line_gives_the_score_out_of_the_level_count_and_its_place():
    bank = nearest_bank()
    result = score(bank, Responses({"plan": "some", "review": "yearly", "channels": ("service",), "speed": "3"}))

    assert average_line(bank, result) == "Average score 2.88 of 5, lower half of Coordinating"  # (2.625 + 2 * 3) / 3
    assert average_line(bank, score(bank, Responses({}))) is None


# --- default targets -----------------------------------------------------------------------------


def test_default_targets_are_one_stage_above_the_overall_stage_for_every_dimension():
    bank = small_bank("weakest_link")  # overall stage 2 (capped)

    assert default_targets(bank, score(bank, Responses(LOPSIDED))) == {"strategy": 3, "care": 3}


def test_default_targets_are_capped_at_the_top_stage():
    _, result = four_result({"alpha": "5", "beta": "5", "gamma": "5", "delta": "5"})

    assert default_targets(four_bank(), result) == {"alpha": 5, "beta": 5, "gamma": 5, "delta": 5}


def test_default_targets_leave_out_dimensions_not_assessed():
    bank, result = four_result({"alpha": "1", "beta": "3", "gamma": NA})  # delta unanswered; mean 2

    assert default_targets(bank, result) == {"alpha": 3, "beta": 3}


def test_default_targets_give_the_weakest_dimension_the_biggest_gap():
    bank, plain = four_result({"alpha": "1", "beta": "3", "gamma": "4", "delta": "3"})  # mean 2.75, stage 2
    _, result = four_result({"alpha": "1", "beta": "3", "gamma": "4", "delta": "3"}, default_targets(bank, plain))

    assert [(d.id, d.gap) for d in ranked_gaps(result)] == [("alpha", 2.0)]


def test_default_targets_without_answers_are_empty():
    bank = small_bank()

    assert default_targets(bank, score(bank, Responses({}))) == {}


# --- strengths and gaps --------------------------------------------------------------------------


def test_strengths_stand_a_quarter_of_a_stage_above_the_average():
    # average 3.75: Beta and Gamma (5) and Delta (4) are at least 4.00; Alpha (1) is not
    _, result = four_result({"alpha": "1", "beta": "5", "gamma": "5", "delta": "4"})

    strengths, gaps = strengths_and_gaps(result)

    assert strengths == ["Beta: Converged (5.00)", "Gamma: Converged (5.00)", "Delta: Integrating (4.00)"]
    assert gaps == []


def test_a_flat_profile_has_no_strength():
    _, result = four_result({"alpha": "3", "beta": "3", "gamma": "3", "delta": "3"})  # nothing above the average

    assert strengths_and_gaps(result) == ([], [])


def test_a_dimension_at_its_target_is_a_strength_and_strengths_are_at_most_three():
    _, result = four_result(
        {"alpha": "3", "beta": "3", "gamma": "3", "delta": "3"},
        targets={"alpha": 3, "beta": 3, "gamma": 3, "delta": 3},
    )

    strengths, _ = strengths_and_gaps(result)

    assert strengths == ["Alpha: Coordinating (3.00)", "Beta: Coordinating (3.00)", "Gamma: Coordinating (3.00)"]


def test_gaps_are_the_largest_three_gaps_to_target():
    _, result = four_result(
        {"alpha": "1", "beta": "2", "gamma": "4", "delta": "3"},
        targets={"alpha": 3, "beta": 5, "gamma": 5, "delta": 5},
    )

    _, gaps = strengths_and_gaps(result)

    assert gaps == [
        "Beta: Broadcasting (2.00), 3.00 below its target",
        "Alpha: Experimenting (1.00), 2.00 below its target",
        "Delta: Coordinating (3.00), 2.00 below its target",
    ]


def test_equal_gaps_put_the_heavier_dimension_first():
    bank = small_bank()
    result = score(bank, Responses({"plan": "none", "review": "never", "speed": "1"}, {"strategy": 3, "care": 3}))

    assert [d.id for d in ranked_gaps(result)] == ["care", "strategy"]  # both 2.00 short; care weighs 2


def test_a_dimension_is_never_both_a_strength_and_a_gap():
    # four gaps of 1.0, 1.0, 1.0 and 0.0: the three listed gaps are never strengths, Delta (at target) is
    _, result = four_result(
        {"alpha": "4", "beta": "4", "gamma": "4", "delta": "5"},
        targets={"alpha": 5, "beta": 5, "gamma": 5, "delta": 5},
    )

    strengths, gaps = strengths_and_gaps(result)

    assert [line.split(":")[0] for line in gaps] == ["Alpha", "Beta", "Gamma"]
    assert strengths == ["Delta: Converged (5.00)"]


def test_gaps_leave_out_reached_targets_and_dimensions_without_one():
    _, result = four_result(
        {"alpha": "5", "beta": "2", "gamma": "1", "delta": NA},
        targets={"alpha": 4, "beta": 3, "delta": 5},
    )

    _, gaps = strengths_and_gaps(result)

    assert gaps == ["Beta: Broadcasting (2.00), 1.00 below its target"]


def test_strengths_and_gaps_on_the_small_bank_with_default_targets():
    bank = small_bank("weakest_link")
    plain = score(bank, Responses(LOPSIDED))
    result = score(bank, Responses(LOPSIDED, default_targets(bank, plain)))

    assert strengths_and_gaps(result) == (
        ["Customer care: Converged (5.00)"],
        ["Strategy: Experimenting (1.00), 2.00 below its target"],
    )


def test_strengths_and_gaps_without_answers():
    _, result = four_result({})

    assert strengths_and_gaps(result) == ([], [])


# --- how sure the score is -----------------------------------------------------------------------


def test_confidence_line_counts_answers_and_na_and_names_the_range():
    bank = nearest_bank()
    answers = {"plan": "none", "review": "monthly", "speed": NA, "channels": ("service",)}
    sure = confidences(bank, answers)

    assert (
        confidence_line(bank, sure["strategy"])
        == "2 of 2 answered · answers range from Experimenting to Converged (uneven)"
    )
    assert (
        confidence_line(bank, sure["care"]) == "2 of 2 answered · 1 not applicable · one scored answer, at Coordinating"
    )


def test_evenness_says_when_every_answer_is_at_one_stage_or_none_is_scored():
    bank = nearest_bank()

    assert evenness(bank, confidences(bank, {"plan": "some", "review": "yearly"})["strategy"]) == (
        "every answer at Coordinating"
    )
    assert evenness(bank, confidences(bank, {})["care"]) == "no scored answer"
    assert evenness(bank, confidences(bank, {"plan": "some", "review": "monthly"})["strategy"]) == (
        "answers range from Coordinating to Converged (uneven)"
    )


# --- the rule in the third person (share link) ----------------------------------------------------


def test_the_rule_speaks_of_them_on_a_share_link():
    bank = small_bank("weakest_link")
    capped = score(bank, Responses(LOPSIDED))
    uncapped = score(bank, Responses({"plan": "some", "review": "never", "channels": ("service",), "speed": "3"}))

    assert stage_rule(bank, capped, viewer=True) == (
        "Their average (3.67) says Coordinating, but Strategy at Experimenting holds them at Broadcasting: "
        "an organisation is at most one stage ahead of its weakest dimension."
    )
    assert stage_rule(bank, capped) == (
        "Your average (3.67) says Coordinating, but Strategy at Experimenting holds you at Broadcasting: "
        "an organisation is at most one stage ahead of its weakest dimension."
    )
    assert stage_rule(bank, uncapped, viewer=True) == (
        "An organisation is at most one stage ahead of its weakest dimension. Their weakest, Strategy at "
        "Experimenting, does not hold the stage below their average (Broadcasting)."
    )


# --- who the page speaks to ----------------------------------------------------------------------


def test_the_owner_page_says_your():
    assert wording(viewer=False, organisation="Acme") == Wording(
        title="Your results",
        where="Where you stand",
        gaps="Gaps to your targets",
        plan="Your plan, dimension by dimension",
        plan_caption="Most pressing first. Every step comes from one of your answers.",
        answers="Your answers",
        score_name="Your score",
        answered="You answered",
        holds="holds your overall stage down, so it comes first.",
    )


def test_the_share_view_speaks_in_the_third_person_and_names_the_organisation():
    assert wording(viewer=True, organisation="Acme Ltd") == Wording(
        title="Shared results",
        where="Where they stand",
        gaps="Gaps to their targets",
        plan="Acme Ltd's plan, dimension by dimension",
        plan_caption="Most pressing first. Every step comes from one of their answers.",
        answers="Their answers",
        score_name="Their score",
        answered="They answered",
        holds="holds their overall stage down, so it comes first.",
    )
    assert wording(viewer=True).plan == "Their plan, dimension by dimension"
    assert wording(viewer=True, organisation="Harbour Ops").plan == "Harbour Ops' plan, dimension by dimension"


def test_the_date_line_says_when_it_was_submitted_and_on_a_share_link_who_shared_it():
    submitted = datetime(2026, 3, 4, 17, 30, tzinfo=UTC)

    assert when_line(submitted, viewer=False, organisation="Acme") == "Submitted 4 March 2026"
    assert when_line(submitted, viewer=True, organisation="Acme Ltd") == "Shared by Acme Ltd · submitted 4 March 2026"
    assert when_line(submitted, viewer=True, organisation="  ") == "Shared by its owner · submitted 4 March 2026"
    assert when_line(None, viewer=True, organisation="Acme") == "Shared by Acme · not submitted yet"


# --- the charts in words -------------------------------------------------------------------------


def test_radar_summary_names_the_strongest_and_weakest_and_counts_targets_reached():
    _, result = four_result(
        {"alpha": "2", "beta": "4", "gamma": "5", "delta": "1"}, {"alpha": 3, "beta": 4, "gamma": 5, "delta": 2}
    )

    assert chart_text.radar_summary(result) == (
        "Strongest: Gamma (5.00); weakest: Delta (1.00); 2 of 4 dimensions at or above their target."
    )


def test_radar_summary_names_ties_together_and_counts_the_unassessed():
    _, result = four_result({"alpha": "4", "beta": "4", "gamma": "2", "delta": NA})

    assert (
        chart_text.radar_summary(result) == "Strongest: Alpha and Beta (4.00); weakest: Gamma (2.00); 1 not assessed."
    )


def test_radar_summary_of_a_flat_or_empty_profile():
    _, flat = four_result({"alpha": "3", "beta": "3", "gamma": "3", "delta": "3"}, {"alpha": 4})
    _, empty = four_result({})

    assert chart_text.radar_summary(flat) == (
        "Every assessed dimension scores 3.00; 0 of 1 dimensions at or above their target."
    )
    assert chart_text.radar_summary(empty) == "No dimension is assessed yet."


def test_gap_summary_lists_the_gaps_widest_first_as_the_chart_does():
    bank, result = four_result(
        {"alpha": "2", "beta": "4", "gamma": "1", "delta": "3"}, {"alpha": 3, "beta": 5, "gamma": 5, "delta": 5}
    )

    assert chart_text.gap_summary(result) == (
        "4 dimensions are below their target, the widest gap first: "
        "Gamma (4.00 levels), Delta (2.00), Alpha (1.00) and Beta (1.00)."
    )
    assert chart_text.gap_table(bank, result) == {
        "Dimension": ["Gamma", "Delta", "Alpha", "Beta"],
        "Score": [1.0, 3.0, 2.0, 4.0],
        "Target": ["Converged", "Converged", "Coordinating", "Converged"],
        "Gap": [4.0, 2.0, 1.0, 1.0],
    }


def test_gap_summary_of_one_gap_of_none_and_without_targets():
    _, one = four_result({"alpha": "2", "beta": "4"}, {"alpha": 4, "beta": 4})
    _, reached = four_result({"alpha": "5"}, {"alpha": 4})
    _, untargeted = four_result({"alpha": "2"})

    assert chart_text.gap_summary(one) == "Alpha is the only dimension below its target, by 2.00 levels."
    assert chart_text.gap_summary(reached) == "Every assessed dimension has reached its target."
    assert chart_text.gap_summary(untargeted) == "No dimension has a target."
    assert chart_text.gap_table(four_bank(), reached) == {"Dimension": [], "Score": [], "Target": [], "Gap": []}


def test_chart_names_say_what_each_chart_plots():
    bank, targeted = four_result({"alpha": "2"}, {"alpha": 3})
    _, untargeted = four_result({"alpha": "2"})

    assert chart_text.radar_name(bank, targeted) == (
        "Radar chart of the scores of 4 dimensions on the 5-stage scale, with the target stages"
    )
    assert chart_text.radar_name(bank, untargeted) == "Radar chart of the scores of 4 dimensions on the 5-stage scale"
    assert chart_text.gap_name() == "Bar chart of how far each dimension is below its target, the widest gap first"


def test_team_summary_compares_the_respondent_with_the_team_mean():
    team = [3.0, 2.5, 4.0, None, 2.0]
    yours = [3.5, 2.0, 4.001, 5.0, None]

    assert chart_text.team_summary(team, yours) == (
        "You are above the team mean on 1 of 3 dimensions, below on 1 and level on 1."
    )
    assert chart_text.team_summary([3.0], [2.0]) == "You are above the team mean on 0 of 1 dimensions, below on 1."
    assert chart_text.team_summary([None], [2.0]) == (
        "There is no dimension with both a team mean and a score of yours yet."
    )
