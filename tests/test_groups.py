"""Named groups, what is withheld and why, and the silo story (scoring/groups.py): hand-worked values.

The team (bank of tests/test_team.py: Voice is the tone question 1..5, Reach the channels multi,
1 + 4 * ticks / 2):

| department | n | tone  | channels  | Voice | Reach |
|------------|---|-------|-----------|-------|-------|
| a          | 3 | five  | web, mail | 5     | 5     |
| b          | 3 | two   | none      | 2     | 1     |
| c          | 2 | four  | web       | 4     | 3     |

Without groups c (2) is withheld as small, and then a (the first of the smallest shown, 3) by
subtraction: the team minus b would be a and c together, and a alone c. Merging b and c into
"b and c" (5) shows both groups: Voice (3 * 2 + 2 * 4) / 5 = 2.80, Reach (3 * 1 + 2 * 3) / 5 = 1.80.
"""

import math

import numpy as np
import pytest

from scoring.batch import encode
from scoring.groups import (
    Withheld,
    check_merges,
    silo_findings,
    silo_summary,
    widest_pair,
    withheld,
    withheld_caption,
    withheld_sentences,
)
from scoring.team import team_view
from tests.test_team import BANK

A = {"tone": "five", "channels": ("web", "mail")}
B = {"tone": "two", "channels": ()}
C = {"tone": "four", "channels": ("web",)}
D = {"tone": "three", "channels": ("web",)}
TITLES = {"voice": "Voice", "reach": "Reach"}
MERGE = (("b and c", ("b", "c")),)


def view(merges=(), extra=()):
    answers = [A] * 3 + [B] * 3 + [C] * 2 + [D] * len(extra)
    departments = ["a"] * 3 + ["b"] * 3 + ["c"] * 2 + list(extra)
    return team_view(BANK, encode(BANK, answers), departments, ("a", "b", "c"), merges)


def test_without_groups_the_small_one_and_the_one_that_would_reveal_it_are_withheld_with_why():
    full = view()
    assert full.client_safe().departments.names == ("b",)
    assert withheld(full) == [Withheld("a", 3, "subtraction", (("c", 2),)), Withheld("c", 2, "small")]
    assert withheld_sentences(full) == [
        "a (3) is not shown: with c (2) withheld, showing it would let c's answers be worked out from the team's.",
        "c (2) is not shown: fewer than 3 responses.",
    ]


def test_a_named_group_counts_the_small_department_inside_it_and_both_groups_are_shown():
    full = view(MERGE)
    assert full.departments.names == ("a", "b", "c")  # the consultant's own view keeps every department
    safe = full.client_safe()
    assert safe.departments.names == ("a", "b and c") and safe.departments.withheld == 0
    assert safe.departments.count.tolist() == [3, 5]
    np.testing.assert_allclose(safe.departments.dimension_means, [[5.0, 5.0], [2.8, 1.8]])
    tone = safe.questions.ids.index("tone")
    assert safe.departments.question_means[1, tone] == pytest.approx(2.8)
    assert safe.departments.question_sds[1, tone] == pytest.approx(math.sqrt(0.96))  # 2, 2, 2, 4, 4
    distribution = safe.distributions["tone"]
    assert distribution.columns == ("one", "two", "three", "four", "five", "na")
    assert distribution.counts.tolist() == [[0, 0, 0, 0, 3, 0], [0, 3, 0, 2, 0, 0]]
    assert "'c'" not in repr(safe.departments) and "'c'" not in repr(safe.distributions)
    assert withheld(full) == []
    assert withheld_sentences(full) == ["b and c counts b and c together."]


def test_the_caption_says_all_are_shown_or_names_each_withheld_group():
    assert withheld_caption(view(MERGE)) == (
        "Every group with responses is shown, with its number of responses (n). b and c counts b and c "
        "together. A department is shown on its own from 3 responses, and only when showing it cannot reveal "
        "a smaller group's answers; the team figures include everyone."
    )
    caption = withheld_caption(view())
    assert caption.startswith("a (3) is not shown: with c (2) withheld")
    assert "fewer than 3 are not shown" not in caption and "Every group" not in caption


def test_the_silo_summary_names_the_widest_difference_per_dimension_largest_first():
    safe = view(MERGE).client_safe()
    findings = silo_findings(safe)
    assert [(f.dimension_id, f.high, f.low, f.difference) for f in findings] == [
        ("reach", "a", "b and c", 3.2),
        ("voice", "a", "b and c", 2.2),
    ]
    assert silo_summary(safe, TITLES) == [
        "a rates Reach 3.20 points above b and c (5.00 vs 1.80).",
        "a rates Voice 2.20 points above b and c (5.00 vs 2.80).",
    ]
    assert silo_summary(safe, TITLES, most=1) == ["a rates Reach 3.20 points above b and c (5.00 vs 1.80)."]


def test_the_silo_summary_needs_two_groups_and_leaves_out_no_difference():
    assert silo_findings(view().client_safe()) == []  # only b is shown
    same = team_view(BANK, encode(BANK, [A] * 6), ["a"] * 3 + ["b"] * 3)
    assert silo_findings(same.client_safe()) == []


def test_the_widest_pair_differs_most_on_average_over_the_dimensions():
    # a-b: (3 + 4) / 2 = 3.5; a-d: (2 + 2) / 2 = 2; b-d: (1 + 2) / 2 = 1.5
    safe = view((("b and c", ("b", "c")),), extra=["d"] * 3).client_safe()
    assert safe.departments.names == ("a", "b and c", "d")
    assert widest_pair(safe) == ("a", "b and c")
    assert widest_pair(view().client_safe()) is None


@pytest.mark.parametrize(
    ("merges", "problem"),
    [
        ((("", ("a", "b")),), "needs a name"),
        ((("x", ("a",)),), "at least two"),
        ((("x", ("a", "z")),), "does not have"),
        ((("x", ("a", "b")), ("y", ("b", "c"))), "one group at most"),
        ((("c", ("a", "b")),), "already a department"),
        ((("x", ("a", "b")), ("x", ("c", "d"))), "already a department"),
    ],
)
def test_check_merges_refuses_what_cannot_be_a_group(merges, problem):
    with pytest.raises(ValueError, match=problem):
        check_merges(["a", "b", "c", "d"], merges)


def test_check_merges_returns_the_groups_as_tuples_and_allows_a_group_named_like_its_member():
    assert check_merges(["a", "b"], [(" a ", ["a", "b"])]) == (("a", ("a", "b")),)
