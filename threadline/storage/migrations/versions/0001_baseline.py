"""Baseline: schema version 2, as the legacy steps leave it.

Revision ID: 0001
Revises:
Create Date: 2026-04-01

Store.migrate runs the legacy steps (threadline/storage/legacy.py) up to schema
version 2 on every database, a fresh one included, before Alembic; this revision
marks that state, so it changes nothing. Later revisions start from it.
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to do: the legacy steps made schema version 2."""


def downgrade() -> None:
    """Nothing to undo: below the baseline only the legacy steps exist."""
