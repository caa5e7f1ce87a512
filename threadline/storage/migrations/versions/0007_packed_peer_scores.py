"""Peer scores packed for reading (issue 13).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

``peer_scores.score_ids`` and ``peer_scores.score_vector``: each row's scores once more, packed
(the dimension ids as JSON, the scores as little-endian float64: the overall, then each
dimension in the order of its id; `threadline.storage.peers.packed_scores`), so the first
comparison on an app server reads 100,000 rows into one matrix without decoding 100,000 JSON
objects. The JSON ``dimensions`` column stays the record. Rows already there are packed here;
a row written later without them (by a server still on 0006 during an upgrade) is read from
its JSON.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from threadline.storage.peers import packed_scores

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 5_000


def upgrade() -> None:
    """Add the packed columns and pack every row."""
    op.add_column("peer_scores", sa.Column("score_ids", sa.Text, nullable=True))
    op.add_column("peer_scores", sa.Column("score_vector", sa.LargeBinary, nullable=True))
    conn = op.get_bind()
    table = sa.table(
        "peer_scores",
        sa.column("assessment_id", sa.Integer),
        sa.column("overall", sa.Float),
        sa.column("dimensions", sa.Text),
        sa.column("score_ids", sa.Text),
        sa.column("score_vector", sa.LargeBinary),
    )
    rows = conn.execute(sa.select(table.c.assessment_id, table.c.overall, sa.cast(table.c.dimensions, sa.Text))).all()
    update = (
        table.update()
        .where(table.c.assessment_id == sa.bindparam("row_id"))
        .values(score_ids=sa.bindparam("ids"), score_vector=sa.bindparam("vector"))
    )
    for start in range(0, len(rows), _BATCH):
        batch = []
        for row_id, overall, text in rows[start : start + _BATCH]:
            ids, vector = packed_scores(overall, json.loads(text))
            batch.append({"row_id": row_id, "ids": ids, "vector": vector})
        conn.execute(update, batch)


def downgrade() -> None:
    """Drop the packed columns (the JSON column holds the same scores)."""
    op.drop_column("peer_scores", "score_vector")
    op.drop_column("peer_scores", "score_ids")
