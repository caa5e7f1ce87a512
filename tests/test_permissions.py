"""Specification of the dashboard's permission object (threadline/web/permissions.py), on a real database."""

from __future__ import annotations

from datetime import date

import pytest

from tests.banks import SMALL
from threadline.storage import Store
from threadline.web.permissions import DashboardAccess

BANK_TEXT = SMALL.replace("OVERALL", "mean")


def _engagement(store: Store) -> tuple[int, str, str]:
    bank_hash = store.put_bank(BANK_TEXT, "small", "1")
    record, invite, dashboard = store.create_engagement(bank_hash, "Acme", "Jo", "", ["Marketing", "Service"])
    return record.id, invite, dashboard


def test_only_a_current_dashboard_token_grants_access(store: Store) -> None:
    engagement_id, invite, dashboard = _engagement(store)

    access = DashboardAccess.verify(store, dashboard)

    assert access is not None and access.engagement_id == engagement_id
    assert DashboardAccess.verify(store, invite) is None
    assert DashboardAccess.verify(store, "not-a-token") is None
    assert DashboardAccess.verify(store, None) is None


def test_the_access_writes_the_engagement_settings(store: Store) -> None:
    engagement_id, _, dashboard = _engagement(store)
    access = DashboardAccess.verify(store, dashboard)
    assert access is not None

    access.set_share_team(True)
    access.close()
    assert (store.engagement(engagement_id).share_team, store.engagement(engagement_id).status) == (True, "closed")
    access.reopen()
    assert store.engagement(engagement_id).status == "open"


def test_the_workshop_records_the_agreed_answer_and_its_reason(store: Store) -> None:
    _, _, dashboard = _engagement(store)
    access = DashboardAccess.verify(store, dashboard)
    assert access is not None

    access.record_consensus("channels", ("service", "sales"), "Service and sales both answer on social.")
    access.record_consensus("review", None, "Nobody knows.")

    assessment_id, _ = access.consensus()
    assert store.assessment(assessment_id).answers == {"channels": ["service", "sales"], "review": None}
    assert store.reasons(assessment_id) == {
        "channels": "Service and sales both answer on social.",
        "review": "Nobody knows.",
    }


def test_a_replaced_dashboard_link_can_no_longer_write(store: Store) -> None:
    engagement_id, _, dashboard = _engagement(store)
    stale = DashboardAccess.verify(store, dashboard)
    assert stale is not None
    new = stale.replace_dashboard_link()

    for write in (
        lambda: stale.set_share_team(True),
        stale.close,
        stale.replace_invite_link,
        stale.replace_dashboard_link,
        lambda: stale.start_round(None),
        lambda: stale.record_consensus("review", "never", "x"),
        stale.share_consensus,
        lambda: stale.close_round(engagement_id),
        lambda: stale.move_respondent(1, "Service"),
        lambda: stale.delete_respondent(1),
    ):
        with pytest.raises(PermissionError, match="was replaced"):
            write()
    assert store.engagement(engagement_id).status == "open"
    assert store.engagement(engagement_id).share_team is False
    assert DashboardAccess.verify(store, new) is not None


def test_a_new_round_joins_the_series_with_the_same_client_and_departments(store: Store) -> None:
    engagement_id, _, dashboard = _engagement(store)
    access = DashboardAccess.verify(store, dashboard)
    assert access is not None

    new_dashboard = access.start_round(None)

    second = DashboardAccess.verify(store, new_dashboard)
    assert second is not None
    record = store.engagement(second.engagement_id)
    first = store.engagement(engagement_id)
    assert (record.round, record.series_id, record.client, list(record.departments)) == (
        2,
        first.series_id,
        "Acme",
        ["Marketing", "Service"],
    )
    assert record.bank_hash == first.bank_hash


def test_closing_a_round_is_only_for_rounds_of_the_same_series(store: Store) -> None:
    engagement_id, _, dashboard = _engagement(store)
    access = DashboardAccess.verify(store, dashboard)
    assert access is not None
    second = store.engagement(DashboardAccess.verify(store, access.start_round(None)).engagement_id)  # type: ignore[union-attr]
    other, _, _ = _engagement(store)

    access.close_round(second.id)

    assert store.engagement(second.id).status == "closed"
    assert store.engagement(engagement_id).status == "open"
    with pytest.raises(PermissionError, match="another engagement"):
        access.close_round(other)
    assert store.engagement(other).status == "open"


def test_the_dashboard_moves_and_deletes_its_own_respondents_only(store: Store) -> None:
    engagement_id, _, dashboard = _engagement(store)
    access = DashboardAccess.verify(store, dashboard)
    assert access is not None
    mine, _ = store.add_respondent(engagement_id, "Marketing")
    other_id, _, _ = _engagement(store)
    theirs, _ = store.add_respondent(other_id, "Marketing")

    access.move_respondent(mine, "Service")
    assert [r.department for r in store.respondents(engagement_id)] == ["Service"]
    access.delete_respondent(mine)
    assert store.respondents(engagement_id) == []
    with pytest.raises(LookupError):
        access.move_respondent(theirs, "Service")
    with pytest.raises(LookupError):
        access.delete_respondent(theirs)
    assert [r.department for r in store.respondents(other_id)] == ["Marketing"]


def test_a_new_round_may_have_a_closing_date(store: Store) -> None:
    _, _, dashboard = _engagement(store)
    access = DashboardAccess.verify(store, dashboard)
    assert access is not None
    second = DashboardAccess.verify(store, access.start_round(None, closes_on=date(2030, 6, 30)))
    assert second is not None
    assert store.engagement(second.engagement_id).closes_on == date(2030, 6, 30)
