"""An engagement exported with all its rounds, and imported back as the same rounds (issue 10).

A series document (``engagement_document.SeriesDocument``) holds one engagement document per
round, first round first, exactly as ``exports.engagement_document`` writes a single round. The
dashboard link of any round exports the whole series (it already starts rounds and compares
them). Importing checks every round before writing anything, then creates round 1 as a new
series and each later round as its next round, in one transaction (every round or none), so
the comparison across rounds works again.
Rounds are numbered 1, 2, 3... in the new series, in the document's order (a series whose first
round was deleted keeps its order, not its numbers). A single-round document imports as before.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from threadline.reporting import exports
from threadline.reporting.engagement_document import SERIES_FORMAT, SERIES_FORMAT_VERSION, read_series
from threadline.storage import EngagementRecord, Store


def series_document(store: Store, engagement_id: int, dashboard_token: str) -> dict[str, Any]:
    """Every round of the engagement's series; ``dashboard_token`` must be this round's current one."""
    store.consensus_assessment(engagement_id, dashboard_token)  # PermissionError for any other token
    rounds = store.series(store.engagement(engagement_id).series_id)
    return {
        "format": SERIES_FORMAT,
        "format_version": SERIES_FORMAT_VERSION,
        "exported_at": datetime.now(UTC).isoformat(),
        "rounds": [exports.round_document(store, record.id, store.consensus_of(record.id)) for record in rounds],
    }


def series_json_bytes(store: Store, engagement_id: int, dashboard_token: str) -> bytes:
    """``series_document`` as indented UTF-8 JSON."""
    document = series_document(store, engagement_id, dashboard_token)
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def import_any(store: Store, document: dict[str, Any]) -> list[tuple[EngagementRecord, str, str]]:
    """Import a single-round or a series document; every round created, with its invite and dashboard tokens."""
    if document.get("format") == SERIES_FORMAT:
        return import_series(store, document)
    return [exports.import_engagement(store, document)]


def import_series(store: Store, document: object) -> list[tuple[EngagementRecord, str, str]]:
    """Create the rounds of a series document as one new series; checked in full before anything is written."""
    checked = read_series(document)
    created: list[tuple[EngagementRecord, str, str]] = []
    with store.atomic():  # every round, or none
        for number, part in enumerate(checked.rounds):
            series_id = created[0][0].id if created else None
            created.append(exports.import_round(store, part, series_id, where=f"rounds[{number}].engagement"))
    return created
