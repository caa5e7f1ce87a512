"""The JSON Schema of the series document (every round of an engagement), as written to docs/.

``SeriesDocument`` in ``engagement_document`` is the document (``format:
threadline-engagement-series``, written by ``series_export``); this module only writes its
schema, as ``engagement_document.schema_text`` does for a single round. Regenerate it with
``python -m threadline.reporting.series_schema docs/engagement-series.schema.json`` (``make
schema`` writes both; a test fails when it is stale).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from threadline.reporting.engagement_document import SeriesDocument

SERIES_SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "engagement-series.schema.json"
SERIES_SCHEMA_COMMAND = "python -m threadline.reporting.series_schema docs/engagement-series.schema.json"


def series_schema_text() -> str:
    """The JSON Schema of a series document, as written to ``docs/engagement-series.schema.json``."""
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **SeriesDocument.model_json_schema()}
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"usage: {SERIES_SCHEMA_COMMAND}")
    Path(sys.argv[1]).write_text(series_schema_text(), encoding="utf-8")
