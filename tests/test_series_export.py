"""Specification of exporting an engagement with all its rounds and importing it as the same rounds.

threadline/reporting/series_export.py, on SQLite and PostgreSQL; the rounds are built with the
helpers of tests/test_exports.py (the small bank).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.store_support import refused_at
from tests.test_exports import _engagement, _three_respondents
from threadline.reporting import exports, series_export
from threadline.storage import Store, WriteFailedError


def _two_rounds(store: Store) -> tuple[Any, str, Any, str]:
    first, _, first_dashboard = _engagement(store)
    _three_respondents(store, first.id)
    consensus, _ = store.consensus_assessment(first.id, first_dashboard)
    store.save_answer(consensus, "plan", "some")
    store.save_reason(consensus, "plan", "agreed")
    second, _, second_dashboard = store.create_engagement(
        first.bank_hash, first.client, first.consultant, first.logo_text, list(first.departments), series_id=first.id
    )
    store.import_respondent(second.id, "HR", None, "in_progress", {"plan": "full"}, first.created_at, None)
    store.set_engagement_status(first.id, "closed")
    return first, first_dashboard, second, second_dashboard


def _rounds_without_export_time(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [{k: v for k, v in part.items() if k != "exported_at"} for part in document["rounds"]]


def test_an_engagement_exported_with_its_rounds_comes_back_as_the_same_rounds(
    store: Store, another_db_url: str
) -> None:
    first, first_dashboard, second, second_dashboard = _two_rounds(store)
    data = series_export.series_json_bytes(store, second.id, second_dashboard)
    document = json.loads(data)
    assert (document["format"], document["format_version"]) == ("threadline-engagement-series", 1)
    assert [part["engagement"]["round"] for part in document["rounds"]] == [1, 2]
    single = exports.engagement_document(store, first.id, first_dashboard)
    assert _rounds_without_export_time(document)[0] == {k: v for k, v in single.items() if k != "exported_at"}
    assert document["rounds"][1]["consensus"] is None  # round 2's workshop never started

    other = Store(another_db_url)
    other.migrate()
    try:
        created = series_export.import_any(other, document)
        (one, _, one_dashboard), (two, _, two_dashboard) = created
        assert [r.id for r in other.series(one.series_id)] == [one.id, two.id]
        assert (one.round, two.round, two.series_id) == (1, 2, one.id)
        assert (other.engagement(one.id).status, other.engagement(two.id).status) == ("closed", "open")
        again = series_export.series_document(other, two.id, two_dashboard)
        assert _rounds_without_export_time(again) == _rounds_without_export_time(document)
        assert one_dashboard != first_dashboard
    finally:
        other.dispose()


def test_a_series_with_a_bad_round_writes_nothing(store: Store, another_db_url: str) -> None:
    _, _, second, second_dashboard = _two_rounds(store)
    document = series_export.series_document(store, second.id, second_dashboard)
    document["rounds"][1]["respondents"][0]["answers"] = {"plan": "not-an-option"}
    other = Store(another_db_url)
    other.migrate()
    try:
        with pytest.raises(exports.EngagementImportError, match=r"^rounds\[1\]\.respondents\[0\]\.answers"):
            series_export.import_any(other, document)
        assert other.engagement_summaries() == []
    finally:
        other.dispose()


def test_a_series_whose_second_round_the_database_refuses_leaves_no_round(store: Store, another_db_url: str) -> None:
    _, _, second, second_dashboard = _two_rounds(store)
    document = series_export.series_document(store, second.id, second_dashboard)
    other = Store(another_db_url)
    other.migrate()
    rounds = refused_at(other, "create_engagement", 2, "unavailable")
    try:
        with pytest.raises(WriteFailedError, match="unavailable"):
            series_export.import_any(other, document)
        assert len(rounds) == 2  # round 1 had been written in full
        assert other.engagement_summaries() == []
    finally:
        other.dispose()


def test_only_a_current_dashboard_token_exports_the_series(store: Store) -> None:
    first, _, second, _ = _two_rounds(store)
    with pytest.raises(PermissionError):
        series_export.series_document(store, second.id, "x" * 43)
    with pytest.raises(PermissionError):
        series_export.series_document(store, first.id, store.issue_dashboard_link(second.id))


def test_a_single_round_document_still_imports_as_one_new_engagement(store: Store, another_db_url: str) -> None:
    first, first_dashboard, _, _ = _two_rounds(store)
    document = exports.engagement_document(store, first.id, first_dashboard)
    other = Store(another_db_url)
    other.migrate()
    try:
        ((record, _, _),) = series_export.import_any(other, document)
        assert (record.round, len(other.series(record.series_id))) == (1, 1)
    finally:
        other.dispose()


def test_a_series_of_another_format_version_is_refused(store: Store) -> None:
    with pytest.raises(exports.EngagementImportError, match="unsupported format_version 2"):
        series_export.import_any(store, {"format": "threadline-engagement-series", "format_version": 2, "rounds": []})
