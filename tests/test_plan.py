"""Specification of the plan (scoring/plan.py): steps drawn from the answers, ranked, Start here first."""

from __future__ import annotations

from hypothesis import given

from scoring.answers import NA, Responses
from scoring.engine import score
from scoring.plan import is_done, plan
from tests.banks import answer_sets as shared_answer_sets
from tests.banks import planned_bank
from threadline.reporting.summary import default_targets

BANK = planned_bank("weakest_link")


def planned(answers: dict):
    """The plan as the results page makes it: scored with the default targets."""
    plain = score(BANK, Responses(answers))
    result = score(BANK, Responses(answers, default_targets(BANK, plain)))
    return result, plan(BANK, result, answers)


def texts(steps) -> list[str]:
    return [step.text for step in steps]


# Strategy at 1 caps the stage (average 3.67, stage 4 by the average, capped at 2); care is at 5.
CAPPED = {"plan": "none", "review": "never", "channels": ("marketing", "service", "sales"), "speed": "5"}
# Strategy (3 + 3 * 2.5) / 4 = 2.625, Coordinating; care 2.0, Broadcasting; overall 2.21, stage 2, no cap.
BEHIND_IN_CARE = {"plan": "some", "review": "yearly", "channels": ("marketing",), "speed": "2"}


def test_a_choice_answer_gives_the_next_step_of_the_option_chosen():
    _, the_plan = planned({"plan": "some"})

    (strategy,) = the_plan.dimensions
    assert [(s.question_id, s.option_id, s.ticked, s.text) for s in strategy.steps] == [
        ("plan", "some", True, "Add targets and owners.")
    ]


def test_the_top_option_and_an_option_without_a_next_step_give_no_step():
    _, the_plan = planned({"plan": "full", "review": "monthly", "speed": "5"})

    assert [part.steps for part in the_plan.dimensions] == [(), ()]


def test_a_multi_answer_gives_the_steps_of_the_options_not_ticked_most_points_first():
    _, the_plan = planned({"channels": ("marketing",)})

    (care,) = the_plan.dimensions
    assert [(s.option_id, s.ticked) for s in care.steps] == [("service", False), ("sales", False)]


def test_not_applicable_and_unanswered_questions_give_no_step():
    _, the_plan = planned({"plan": "none", "review": NA})

    (strategy,) = the_plan.dimensions
    assert texts(strategy.steps) == ["Write a one-page plan."]


def test_the_dimension_that_caps_the_overall_stage_comes_first():
    result, the_plan = planned(CAPPED)

    assert (result.level, result.mean_level, result.limited_by) == (2, 4, "strategy")
    assert [(p.dimension_id, p.caps_overall) for p in the_plan.dimensions] == [("strategy", True), ("care", False)]


def test_steps_in_a_dimension_start_from_the_lowest_answer_the_heavier_question_first_on_a_tie():
    _, the_plan = planned(CAPPED)

    # plan and review both answered at 1; review weighs 3
    assert texts(the_plan.dimensions[0].steps) == ["Review it yearly.", "Write a one-page plan."]


def test_dimensions_rank_by_gap_to_target():
    result, the_plan = planned(BEHIND_IN_CARE)

    assert result.limited_by is None
    assert [(p.dimension_id, round(p.gap, 3)) for p in the_plan.dimensions] == [("care", 1.0), ("strategy", 0.375)]


def test_start_here_takes_one_step_per_dimension_with_a_gap_round_after_round_up_to_five():
    _, the_plan = planned(BEHIND_IN_CARE)

    assert texts(the_plan.start_here) == [
        "Add service.",
        "Review monthly.",
        "Add sales.",
        "Add targets and owners.",
        "Answer within minutes.",
    ]


def test_start_here_leaves_out_dimensions_that_reached_their_target():
    _, the_plan = planned(CAPPED)  # care at 5, its target 3

    assert texts(the_plan.start_here) == ["Review it yearly.", "Write a one-page plan."]


def test_start_here_is_empty_when_every_dimension_reached_its_target():
    answers = {"plan": "full", "review": "monthly", "channels": ("marketing", "service", "sales"), "speed": "5"}
    _, the_plan = planned(answers)

    assert the_plan.start_here == ()


def test_the_dimension_recommendations_for_its_stage_follow_its_steps():
    _, the_plan = planned(CAPPED)

    assert the_plan.dimensions[0].recommendations == ("Name an owner for the plan.", "Review the plan every quarter.")


def test_a_recommendation_whose_done_if_answers_were_given_is_left_out():
    # Strategy (1 + 3 * 2.5) / 4 = 2.125, Broadcasting: the level-2 step is done once service and sales are ticked
    done = {"plan": "none", "review": "yearly", "channels": ("service", "sales")}
    half = {"plan": "none", "review": "yearly", "channels": ("service",)}

    assert planned(done)[1].dimensions[0].recommendations == ()
    assert planned(half)[1].dimensions[0].recommendations == ("Bring service and sales in.",)


def test_done_if_holds_for_a_choice_answer_among_its_options_only():
    quarterly = BANK.dimensions[0].recommendations[1][1]

    assert is_done(BANK, quarterly, {"review": "monthly"})
    assert not is_done(BANK, quarterly, {"review": "yearly"})
    assert not is_done(BANK, quarterly, {"review": NA})
    assert not is_done(BANK, quarterly, {})
    assert not is_done(BANK, BANK.dimensions[0].recommendations[1][0], {"review": "monthly"})  # no done_if


def test_dimensions_not_assessed_have_no_plan():
    _, the_plan = planned({"speed": "1"})

    assert [p.dimension_id for p in the_plan.dimensions] == ["care"]


answer_sets = shared_answer_sets(BANK)


@given(answer_sets)
def test_no_step_recommends_what_the_answers_say_is_done(answers):
    result, the_plan = planned(answers)

    for part in the_plan.dimensions:
        for step in part.steps:
            given_answer = answers[step.question_id]
            assert given_answer is not NA
            if step.ticked:
                assert step.option_id == given_answer
            else:
                assert step.option_id not in given_answer
        dimension = next(d for d in BANK.dimensions if d.id == part.dimension_id)
        level = next(d.level for d in result.dimensions if d.id == part.dimension_id)
        for recommendation in dimension.recommendations.get(level, ()):
            assert (recommendation.step in part.recommendations) is not is_done(BANK, recommendation, answers)
    every_step = [step for part in the_plan.dimensions for step in part.steps]
    assert len(the_plan.start_here) <= 5
    assert all(step in every_step for step in the_plan.start_here)
