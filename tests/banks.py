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


def small_bank(overall_level: str = "mean"):
    """The SMALL bank with the given overall_level rule."""
    return parse_bank(SMALL.replace("OVERALL", overall_level))
