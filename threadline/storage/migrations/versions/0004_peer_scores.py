"""Peer comparison scores (issue 13).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

``peer_scores``: one row per assessment that joins peer comparisons: its bank id and version,
kind (``self`` or ``consensus``), industry and size choices, overall and dimension scores.
Nothing that names anyone. The comparison (scoring/peers.py) reads only this table.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from threadline.storage.records import MAX_ID_LENGTH
from threadline.storage.schema import UTCDateTime

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the peer_scores table."""
    op.create_table(
        "peer_scores",
        sa.Column(
            "assessment_id",
            sa.Integer,
            sa.ForeignKey("assessments.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("bank_id", sa.String(MAX_ID_LENGTH), nullable=False),
        sa.Column("bank_version", sa.String(MAX_ID_LENGTH), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("industry", sa.String(MAX_ID_LENGTH), nullable=True),
        sa.Column("size", sa.String(MAX_ID_LENGTH), nullable=True),
        sa.Column("overall", sa.Float, nullable=True),
        sa.Column("dimensions", sa.JSON, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_peer_scores_bank", "peer_scores", ["bank_id", "bank_version"])


def downgrade() -> None:
    """Drop the peer_scores table."""
    op.drop_index("ix_peer_scores_bank", table_name="peer_scores")
    op.drop_table("peer_scores")
