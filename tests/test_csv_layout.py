"""Specification of the CSV layout for Excel in decimal-comma locales (threadline/reporting/exports.py).

``exports.SEMICOLON`` separates with ``;`` and writes the figures the export computes with a decimal
comma; text people typed is never changed, and the formula guard and quoting stay. The default
(``exports.COMMA``) is unchanged. The engagement is the one of tests/test_exports.py.
"""

from __future__ import annotations

import csv
import io

import pytest

from scoring.bank import Bank
from tests.banks import small_bank
from tests.test_exports import _engagement, _three_respondents, _view
from threadline.reporting import exports
from threadline.storage import Store


@pytest.fixture
def bank() -> Bank:
    return small_bank("mean")


def _rows(data: bytes, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def test_scores_in_the_semicolon_layout_have_decimal_commas(store: Store, bank: Bank) -> None:
    record, _, _ = _engagement(store)
    _three_respondents(store, record.id)
    view = _view(store, record, bank)

    comma = _rows(exports.scores_csv(bank, view), ",")
    semicolon = _rows(exports.scores_csv(bank, view, exports.SEMICOLON), ";")

    assert semicolon[0] == comma[0] == list(exports.SCORE_COLUMNS)
    # strategy: Leadership 5 (review N/A), Marketing (3 + 3 x 2.5) / 4 = 2.625; mean 3.8125, sd 1.1875,
    # alignment 1 - 1.1875 / 2 = 0.40625 (four decimals: 0.4062)
    assert comma[1] == [
        "Everyone",
        "2",
        "strategy",
        "Strategy",
        "3.8125",
        "2.625",
        "5",
        "1.1875",
        "0.4062",
        "Coordinating",
    ]
    assert semicolon[1] == ["Everyone", "2", "strategy", "Strategy", "3,8125", "2,625", "5", "1,1875", "0,4062",
                            "Coordinating"]  # fmt: skip
    assert len(semicolon) == len(comma)
    assert (
        exports.scores_csv(bank, view, exports.SEMICOLON).decode("utf-8-sig").startswith('"department";"respondents"')
    )


def test_responses_in_the_semicolon_layout_keep_typed_text_and_the_formula_guard(store: Store, bank: Bank) -> None:
    record, _, _ = _engagement(store)
    _three_respondents(store, record.id)
    respondent, _ = store.add_respondent(record.id, "HR", "x;=1+1;")
    store.save_answer(respondent, "notes", "3.5 out of 5")
    store.save_answer(respondent, "review", "yearly")

    data = exports.responses_csv(store, record, bank, exports.SEMICOLON)
    rows = _rows(data, ";")

    assert rows[0] == list(exports.RESPONSE_COLUMNS)
    mine = [row for row in rows if row[0] == "4"]
    by_question = {row[7]: row for row in mine}
    assert by_question["notes"][12] == "3.5 out of 5"  # typed text: no comma put in
    assert by_question["review"][10:] == ["yearly", "Yearly", "", "2,5"]
    assert {row[2] for row in mine} == {"x;'=1+1;'"}
    assert data.decode("utf-8-sig").count("\"x;'=1+1;'\"") == len(mine)  # quoted: one cell whatever the separator


def test_the_default_layout_is_the_comma_and_decimal_point(store: Store, bank: Bank) -> None:
    record, _, _ = _engagement(store)
    _three_respondents(store, record.id)
    assert exports.responses_csv(store, record, bank) == exports.responses_csv(store, record, bank, exports.COMMA)
    (review,) = [
        row for row in _rows(exports.responses_csv(store, record, bank), ",") if row[0] == "2" and row[7] == "review"
    ]
    assert review[10:] == ["yearly", "Yearly", "", "2.5"]
