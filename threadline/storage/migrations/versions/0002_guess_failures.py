"""Wrong guesses of secrets, per client address and for everyone (issue 14).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

One row per secret (``scope``, e.g. ``consultant-password``) and subject (a client address,
or ``*`` for everyone): how many failures count, the last one, and any lockout. The policy
is threadline/throttle.py; every app server reads and writes the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from threadline.storage.schema import UTCDateTime

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the guess_failures table."""
    op.create_table(
        "guess_failures",
        sa.Column("scope", sa.String(64), primary_key=True),
        sa.Column("subject", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_failure_at", UTCDateTime, nullable=True),
        sa.Column("locked_until", UTCDateTime, nullable=True),
    )


def downgrade() -> None:
    """Drop the guess_failures table."""
    op.drop_table("guess_failures")
