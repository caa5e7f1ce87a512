"""Named groups of departments and the workshop's actions (issue 9).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

``engagements.department_groups``: the consultant's named groups of departments, a JSON list
of ``{"name": ..., "members": [...]}`` (empty: every department on its own), which the client's
views count as one group each. ``consensus_actions``: per dimension of an engagement's
consensus plan, the actions agreed in the workshop (text, owner, due date, status), in order.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from threadline.storage.records import MAX_ID_LENGTH
from threadline.storage.schema import UTCDateTime

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add engagements.department_groups and the consensus_actions table."""
    op.add_column(
        "engagements", sa.Column("department_groups", sa.JSON, nullable=False, server_default=sa.text("'[]'"))
    )
    op.create_table(
        "consensus_actions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("engagement_id", sa.Integer, sa.ForeignKey("engagements.id", ondelete="CASCADE"), nullable=False),
        sa.Column("dimension_id", sa.String(MAX_ID_LENGTH), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("owner", sa.Text, nullable=False, server_default=""),
        sa.Column("due_on", sa.Date, nullable=True),
        sa.Column("status", sa.String(16), nullable=False, server_default="open"),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.CheckConstraint("status IN ('open', 'in_progress', 'done')", name="ck_consensus_actions_status"),
    )
    op.create_index("ix_consensus_actions_engagement_id", "consensus_actions", ["engagement_id"])


def downgrade() -> None:
    """Drop the consensus_actions table and engagements.department_groups."""
    op.drop_index("ix_consensus_actions_engagement_id", table_name="consensus_actions")
    op.drop_table("consensus_actions")
    with op.batch_alter_table("engagements") as batch:
        batch.drop_column("department_groups")
