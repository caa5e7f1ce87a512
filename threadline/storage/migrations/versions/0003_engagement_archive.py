"""Archived engagements (issue 10).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

``engagements.archived_at``: when the consultant archived the round (None: not archived).
The consultant's home lists archived rounds only on request; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from threadline.storage.schema import UTCDateTime

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add engagements.archived_at."""
    op.add_column("engagements", sa.Column("archived_at", UTCDateTime, nullable=True))


def downgrade() -> None:
    """Drop engagements.archived_at."""
    with op.batch_alter_table("engagements") as batch:
        batch.drop_column("archived_at")
