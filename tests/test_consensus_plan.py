"""The workshop's plan (scoring/plan.py, issue 9): progress, agreed answers in bank order, seeds."""

from scoring.answers import NA
from scoring.plan import AgreedAnswer, agreed_answers, consensus_dimensions, consensus_progress
from scoring.validate import parse_bank
from tests.banks import FIVE_LEVELS

BANK = parse_bank(
    """
schema: 1
id: plan
version: "1"
title: Plan bank
"""
    + FIVE_LEVELS
    + """
dimensions:
  - id: strategy
    title: Strategy
    questions:
      - id: plan
        text: Is there a plan?
        options:
          - {id: none, label: No plan, next_step: Write a plan}
          - {id: some, label: Some plan, next_step: Finish the plan}
          - {id: full, label: A full plan}
      - id: review
        text: How often is it reviewed?
        weight: 3
        allow_na: true
        options:
          - {id: never, label: Never, next_step: Review it yearly}
          - {id: monthly, label: Monthly}
      - id: notes
        text: Notes
        type: text
  - id: care
    title: Customer care
    questions:
      - id: channels
        text: Which teams answer?
        type: multi
        options:
          - {id: marketing, label: Marketing, points: 1, next_step: Bring marketing in}
          - {id: service, label: Service, points: 2, next_step: Bring service in}
"""
)


def test_progress_counts_required_scored_questions_and_is_partial_until_all_are_agreed():
    assert consensus_progress(BANK, {}).text() == "0 of 3 agreed"
    partial = consensus_progress(BANK, {"review": "never", "notes": "text is not counted"})
    assert (partial.agreed, partial.required, partial.complete) == (1, 3, False)
    done = consensus_progress(BANK, {"plan": "some", "review": NA, "channels": ()})
    assert done.text() == "3 of 3 agreed" and done.complete  # not applicable is an agreed answer


def test_agreed_answers_come_in_bank_order_with_their_reasons():
    answers = {"channels": ("service",), "review": "never", "plan": "none"}
    assert agreed_answers(BANK, answers, {"review": "Nobody looks at it"}) == [
        AgreedAnswer("plan", "none", ""),
        AgreedAnswer("review", "never", "Nobody looks at it"),
        AgreedAnswer("channels", ("service",), ""),
    ]


def test_each_dimension_seeds_its_actions_from_the_next_steps_of_the_agreed_answers():
    # plan "none" scores 1 and review "never" 1: a tie, so the heavier review (weight 3) first
    answers = {"plan": "none", "review": "never", "channels": ()}
    strategy, care = consensus_dimensions(BANK, answers, {"strategy": 3})
    assert (strategy.dimension_id, strategy.agreed, strategy.questions, strategy.target) == ("strategy", 2, 2, 3)
    assert strategy.seeds == ("Review it yearly", "Write a plan")
    # a multi question: each option not ticked, most points first
    assert (care.agreed, care.target, care.seeds) == (1, None, ("Bring service in", "Bring marketing in"))
    assert consensus_dimensions(BANK, {}, None)[0].seeds == ()
