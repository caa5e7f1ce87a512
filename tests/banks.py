"""Small inline banks shared by the tests."""

from scoring.validate import parse_bank

FIVE_LEVELS = """
levels:
  - name: Experimenting
  - name: Broadcasting
  - name: Coordinating
  - name: Integrating
  - name: Converged
"""

SMALL = (
    """
schema: 1
id: small
version: "1"
title: Small bank
"""
    + FIVE_LEVELS
    + """
overall_level: OVERALL
dimensions:
  - id: strategy
    title: Strategy
    questions:
      - id: plan
        text: Is there a plan?
        options:
          - {id: none, label: No plan}
          - {id: some, label: Some plan}
          - {id: full, label: A full plan}
      - id: review
        text: How often is it reviewed?
        weight: 3
        allow_na: true
        options:
          - {id: never, label: Never, score: 1}
          - {id: yearly, label: Yearly, score: 2.5}
          - {id: monthly, label: Monthly, score: 5}
      - id: notes
        text: Notes
        type: text
  - id: care
    title: Customer care
    weight: 2
    questions:
      - id: channels
        text: Which teams answer?
        type: multi
        options:
          - {id: marketing, label: Marketing, points: 1}
          - {id: service, label: Service, points: 2}
          - {id: sales, label: Sales, points: 1}
      - id: speed
        text: How fast?
        allow_na: true
        options:
          - {label: Days}
          - {label: Hours}
          - {label: Minutes}
          - {label: Seconds}
          - {label: Instantly}
"""
)


NEAREST_LEVELS = """
levels:
  - name: Experimenting
  - name: Broadcasting
    min_score: 1.5
  - name: Coordinating
    min_score: 2.5
  - name: Integrating
    min_score: 3.5
  - name: Converged
    min_score: 4.5
"""


def nearest_bank(overall_level: str = "weakest_link"):
    """The SMALL bank on nearest-anchor thresholds (stage k from k - 0.5), as the shipped banks set them."""
    return parse_bank(SMALL.replace(FIVE_LEVELS, NEAREST_LEVELS).replace("OVERALL", overall_level))


def small_bank(overall_level: str = "mean"):
    """The SMALL bank with the given overall_level rule."""
    return parse_bank(SMALL.replace("OVERALL", overall_level))


PLAN_EDITS = (
    ("{id: none, label: No plan}", "{id: none, label: No plan, next_step: Write a one-page plan.}"),
    ("{id: some, label: Some plan}", "{id: some, label: Some plan, next_step: Add targets and owners.}"),
    ("{id: never, label: Never, score: 1}", "{id: never, label: Never, score: 1, next_step: Review it yearly.}"),
    ("{id: yearly, label: Yearly, score: 2.5}", "{id: yearly, label: Yearly, score: 2.5, next_step: Review monthly.}"),
    (
        "{id: marketing, label: Marketing, points: 1}",
        "{id: marketing, label: Marketing, points: 1, next_step: Add marketing.}",
    ),
    ("{id: service, label: Service, points: 2}", "{id: service, label: Service, points: 2, next_step: Add service.}"),
    ("{id: sales, label: Sales, points: 1}", "{id: sales, label: Sales, points: 1, next_step: Add sales.}"),
    ("- {label: Days}", "- {label: Days, next_step: Answer within hours.}"),
    ("- {label: Hours}", "- {label: Hours, next_step: Answer within minutes.}"),
    (
        "    title: Strategy\n",
        "    title: Strategy\n"
        "    recommendations:\n"
        "      1:\n"
        "        - Name an owner for the plan.\n"
        "        - step: Review the plan every quarter.\n"
        "          done_if: {review: [monthly]}\n"
        "      2:\n"
        "        - step: Bring service and sales in.\n"
        "          done_if: {channels: [service, sales]}\n",
    ),
)


def planned_bank(overall_level: str = "weakest_link"):
    """The SMALL bank on nearest-anchor thresholds, with next steps on its options and done_if recommendations.

    Steps: plan none/some, review never/yearly, each channel (when not ticked), speed Days/Hours.
    Strategy's level-1 recommendations: a plain one, and one done when review is monthly;
    level 2: one done when service and sales are both ticked.
    """
    text = SMALL.replace(FIVE_LEVELS, NEAREST_LEVELS).replace("OVERALL", overall_level)
    for old, new in PLAN_EDITS:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return parse_bank(text)


_UNANSWERED = object()


def answer_sets(bank):
    """A hypothesis strategy: random answer sets to a bank (any question may be left out, N/A where allowed)."""
    from hypothesis import strategies as st

    from scoring.answers import NA

    def answer(question):
        choices = [st.just(_UNANSWERED)]
        if question.allow_na:
            choices.append(st.just(NA))
        if question.type == "choice":
            choices.append(st.sampled_from(question.option_ids))
        elif question.type == "multi":
            choices.append(st.lists(st.sampled_from(question.option_ids), unique=True).map(tuple))
        else:
            choices.append(st.text(max_size=5))
        return st.one_of(choices)

    drawn = st.fixed_dictionaries({q.id: answer(q) for q in bank.questions.values()})
    return drawn.map(lambda answers: {k: v for k, v in answers.items() if v is not _UNANSWERED})
