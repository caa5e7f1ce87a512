"""The consultant's portfolio (issue 13).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

``engagements.portfolio``: whether the consultant includes the engagement's consensus result
in their own portfolio (off by default). The scores themselves are a ``peer_scores`` row of
kind ``portfolio``, keyed by the consensus assessment (so it goes with the engagement), written
only while the switch is on and the consensus is complete.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add engagements.portfolio."""
    op.add_column("engagements", sa.Column("portfolio", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    """Drop engagements.portfolio and the portfolio rows (the older code has no switch to remove them)."""
    op.execute(sa.text("DELETE FROM peer_scores WHERE kind = 'portfolio'"))
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+), not a batch copy: SQLite refuses to drop and
    # rebuild a table that other tables' foreign keys reference
    op.drop_column("engagements", "portfolio")
