"""Scoring invariants, checked with hypothesis over random answers to the SMALL bank."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.answers import NA, Responses
from scoring.bank import Bank
from scoring.engine import score
from tests.banks import answer_sets as shared_answer_sets
from tests.banks import small_bank

BANK = small_bank("weakest_link")
UNANSWERED = object()
answer_sets = shared_answer_sets(BANK)


def all_scores(result):
    return [result.score] + [d.score for d in result.dimensions]


@given(answer_sets)
def test_every_score_lies_between_1_and_L(answers):
    result = score(BANK, Responses(answers))
    for value in all_scores(result):
        assert value is None or 1 <= value <= BANK.level_count
    assert result.level is None or 1 <= result.level <= BANK.level_count


def raised(answers, question_id):
    """The same answers with one question's answer raised one step, or None if it cannot rise."""
    question = BANK.questions[question_id]
    current = answers.get(question_id, UNANSWERED)
    if current is UNANSWERED or current is NA:
        return None
    if question.type == "choice":
        scores = BANK.option_scores[question_id]
        better = [o for o in question.option_ids if scores[o] > scores[current]]
        return {**answers, question_id: min(better, key=scores.get)} if better else None
    missing = [o for o in question.option_ids if o not in current]
    return {**answers, question_id: (*current, missing[0])} if missing else None


@given(answer_sets, st.sampled_from([q.id for q in BANK.questions.values() if q.is_scored]))
def test_raising_one_answer_never_lowers_its_dimension_or_the_overall_score(answers, question_id):
    higher = raised(answers, question_id)
    if higher is None:
        return
    before, after = score(BANK, Responses(answers)), score(BANK, Responses(higher))
    dimension = BANK.dimension_of[question_id].id
    assert {d.id: d.score for d in after.dimensions}[dimension] >= {d.id: d.score for d in before.dimensions}[dimension]
    assert after.score >= before.score - 1e-12


def scaled(bank: Bank, factor: float) -> Bank:
    data = bank.model_dump(by_alias=True, exclude_none=True)
    for dimension in data["dimensions"]:
        dimension["weight"] *= factor
        for question in dimension["questions"]:
            question["weight"] *= factor
    return Bank.model_validate(data)


@settings(max_examples=50)
@given(answer_sets, st.floats(min_value=0.01, max_value=1000))
def test_multiplying_all_weights_by_the_same_number_changes_nothing(answers, factor):
    before, after = score(BANK, Responses(answers)), score(scaled(BANK, factor), Responses(answers))
    for old, new in zip(all_scores(before), all_scores(after), strict=True):
        assert (old is None and new is None) or math.isclose(old, new, rel_tol=1e-9)
    assert (before.level, [d.level for d in before.dimensions]) == (after.level, [d.level for d in after.dimensions])


@given(answer_sets, st.sampled_from([q.id for q in BANK.questions.values() if q.allow_na]))
def test_adding_an_na_answer_changes_no_score(answers, question_id):
    answers = {k: v for k, v in answers.items() if k != question_id}
    before = score(BANK, Responses(answers))
    after = score(BANK, Responses({**answers, question_id: NA}))
    assert all_scores(before) == all_scores(after)
    assert before.level == after.level
