"""Specification of the series document's JSON Schema (docs/engagement-series.schema.json).

threadline/reporting/series_schema.py writes it from ``SeriesDocument``; the series is built as
in tests/test_series_export.py (two rounds of the small bank), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json

import pytest

from tests.test_series_export import _two_rounds
from threadline.reporting import series_export, series_schema
from threadline.storage import Store


def test_the_series_schema_in_docs_is_what_the_models_give() -> None:
    written = series_schema.SERIES_SCHEMA_PATH.read_text(encoding="utf-8")
    assert written == series_schema.series_schema_text(), (
        f"{series_schema.SERIES_SCHEMA_PATH.name} is stale: regenerate it with "
        f"`.venv/bin/{series_schema.SERIES_SCHEMA_COMMAND}` (or `make schema`)"
    )


def test_the_series_schema_accepts_an_exported_series_and_refuses_a_broken_one(store: Store) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(series_schema.series_schema_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    *_, second, second_dashboard = _two_rounds(store)
    document = json.loads(series_export.series_json_bytes(store, second.id, second_dashboard))
    validator = jsonschema.Draft202012Validator(schema)

    validator.validate(document)
    assert [part["engagement"]["round"] for part in document["rounds"]] == [1, 2]
    assert not validator.is_valid({**document, "rounds": []})  # a series has at least one round
    assert not validator.is_valid({**document, "format": "threadline-engagement"})
    document["rounds"][1]["engagement"]["share_team"] = "yes"
    assert not validator.is_valid(document)
