"""Vectorised scoring (scoring/batch.py) gives the engine's results for every assessment."""

import gc
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import batch
from scoring.answers import NA, Responses
from scoring.batch import encode, score_table
from scoring.engine import score
from tests.banks import small_bank
from tests.test_engine_properties import BANK, answer_sets


def test_an_empty_assessment_scores_nan_and_level_0():
    table = score_table(BANK, encode(BANK, [{}]))
    assert np.isnan(table.overall_scores[0]) and table.overall_levels[0] == 0
    assert np.isnan(table.dimension_scores[0]).all() and (table.dimension_levels[0] == 0).all()


def test_hand_worked_rows():
    bank = small_bank("weakest_link")
    rows = [
        {"plan": "some", "review": "yearly", "channels": ("service",), "speed": "4"},
        {"plan": "none", "channels": ("marketing", "service", "sales"), "speed": "5"},
        {"review": NA, "channels": ()},
    ]
    table = score_table(bank, encode(bank, rows))
    np.testing.assert_allclose(table.dimension_scores[0], [2.625, 3.5])
    np.testing.assert_allclose(table.overall_scores[:2], [9.625 / 3, 11 / 3])
    assert table.overall_levels.tolist() == [3, 2, 1]
    assert np.isnan(table.dimension_scores[2, 0]) and table.dimension_scores[2, 1] == 1.0


@settings(max_examples=30)
@given(st.lists(answer_sets, min_size=1, max_size=20), st.sampled_from(["mean", "weakest_link"]))
def test_batch_and_engine_give_the_same_scores_and_levels(rows, rule):
    bank = small_bank(rule)
    table = score_table(bank, encode(bank, rows))
    for n, answers in enumerate(rows):
        result = score(bank, Responses(answers))
        expected = [math.nan if d.score is None else d.score for d in result.dimensions]
        np.testing.assert_allclose(table.dimension_scores[n], expected, rtol=1e-12)
        assert table.dimension_levels[n].tolist() == [d.level or 0 for d in result.dimensions]
        assert (result.score is None) == bool(np.isnan(table.overall_scores[n]))
        if result.score is not None:
            assert math.isclose(table.overall_scores[n], result.score, rel_tol=1e-12)
        assert table.overall_levels[n] == (result.level or 0)


def test_encode_reads_answers_as_stored_and_ignores_what_the_bank_no_longer_has():
    bank = small_bank("mean")
    stored = [
        {"plan": "some", "review": None, "channels": ["service", "gone"], "speed": "4", "notes": "text"},
        {"plan": "removed-option", "channels": "not-a-list", "speed": ["4"]},
        {},
    ]
    table = encode(bank, stored)
    # columns: plan, review, channels, speed (scored questions in bank order)
    assert table.codes.tolist() == [[1, -2, 0, 3], [-1, -1, -1, -1], [-1, -1, -1, -1]]
    assert table.chosen.tolist() == [[False, True, False], [False, False, False], [False, False, False]]


def test_encode_of_stored_lists_matches_encode_of_checked_tuples():
    bank = small_bank("mean")
    checked = {"plan": "full", "review": NA, "channels": ("marketing", "sales"), "speed": "1"}
    stored = {**checked, "channels": ["marketing", "sales"]}
    left, right = encode(bank, [checked]), encode(bank, [stored])
    assert left.codes.tolist() == right.codes.tolist() and left.chosen.tolist() == right.chosen.tolist()


def test_a_selection_given_again_encodes_the_same_and_odd_values_inside_one_are_left_out():
    bank = small_bank("mean")
    rows = [
        {"channels": ["service", "sales"]},
        {"channels": ("sales", "service")},  # the same options in another order
        {"channels": ["service", "sales"]},
        {"channels": [["service"], "sales", 3]},  # an unhashable and a number among them
        {"channels": []},
        {"channels": NA},
    ]
    table = encode(bank, rows)
    assert table.codes[:, 2].tolist() == [0, 0, 0, 0, 0, -2]
    assert table.chosen.tolist() == [
        [False, True, True],
        [False, True, True],
        [False, True, True],
        [False, False, True],
        [False, False, False],
        [False, False, False],
    ]


def test_encoding_leaves_the_cycle_collector_as_it_found_it():
    bank = small_bank("mean")
    assert gc.isenabled()
    encode(bank, [{"plan": "some"}])
    assert gc.isenabled()
    gc.disable()
    try:
        encode(bank, [{"plan": "some"}])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_multi_question_with_more_options_than_a_mask_holds_encodes_the_same(monkeypatch):
    bank = small_bank("mean")
    rows = [{"channels": ["service", "sales"]}, {"channels": [["x"], "marketing"]}, {"channels": NA}, {}]
    masked = encode(bank, rows)
    monkeypatch.setattr(batch, "_MASK_BITS", 1)  # the bank's three options no longer fit: row by row
    by_row = encode(bank, rows)
    assert by_row.codes.tolist() == masked.codes.tolist()
    assert by_row.chosen.tolist() == masked.chosen.tolist()
