"""Peer comparison scores: one row per assessment that joins comparisons (issue 13).

The row holds only what a comparison needs (scoring/peers.py): the bank id and version, the
kind (``self`` or ``consensus``), the industry and size choices, and the scores. It is written
when its owner chooses to be compared (or at submit with the choice on), rewritten when the
answers change, and deleted when the owner withdraws or the assessment is deleted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa

from threadline.storage.database import StoreBase, _now
from threadline.storage.schema import peer_scores

PeerKind = Literal["self", "consensus"]


@dataclass(frozen=True, slots=True)
class PeerScores:
    """One assessment's row in the comparison (no name, note or typed text)."""

    assessment_id: int
    bank_id: str
    bank_version: str
    kind: PeerKind
    industry: str | None
    size: str | None
    overall: float | None
    dimensions: Mapping[str, float | None]


class PeerStore(StoreBase):
    """The peer comparison's part of the :class:`Store`."""

    def save_peer_scores(self, scores: PeerScores) -> None:
        """Write (or rewrite) an assessment's row in the comparison."""
        values = {
            "assessment_id": scores.assessment_id,
            "bank_id": scores.bank_id,
            "bank_version": scores.bank_version,
            "kind": scores.kind,
            "industry": scores.industry,
            "size": scores.size,
            "overall": scores.overall,
            "dimensions": dict(scores.dimensions),
            "updated_at": _now(),
        }
        with self._write() as conn:
            conn.execute(peer_scores.delete().where(peer_scores.c.assessment_id == scores.assessment_id))
            conn.execute(peer_scores.insert().values(**values))

    def withdraw_peer_scores(self, assessment_id: int) -> None:
        """Take an assessment out of the comparison (nothing of it stays there)."""
        with self._write() as conn:
            conn.execute(peer_scores.delete().where(peer_scores.c.assessment_id == assessment_id))

    def in_comparison(self, assessment_id: int) -> bool:
        """Whether the assessment's scores are in the comparison."""
        query = sa.select(peer_scores.c.assessment_id).where(peer_scores.c.assessment_id == assessment_id)
        with self.engine.connect() as conn:
            return conn.execute(query).first() is not None

    def peer_marker(self, bank_id: str, bank_version: str) -> tuple[int, object, int]:
        """A cheap value that changes whenever a bank version's rows change (for caching them)."""
        c = peer_scores.c
        query = sa.select(sa.func.count(), sa.func.max(c.updated_at), sa.func.coalesce(sa.func.sum(c.assessment_id), 0))
        query = query.where(c.bank_id == bank_id, c.bank_version == bank_version)
        with self.engine.connect() as conn:
            count, latest, ids = conn.execute(query).one()
        return int(count), latest, int(ids)

    def peer_scores(self, bank_id: str, bank_version: str, kind: PeerKind | None = None) -> list[PeerScores]:
        """Every row of one bank version (of one kind, if given), in assessment order."""
        c = peer_scores.c
        # the scores as JSON text, decoded in one go: 100,000 small decodes cost most of the read
        dimensions = sa.cast(c.dimensions, sa.Text)
        query = sa.select(c.assessment_id, c.kind, c.industry, c.size, c.overall, dimensions)
        query = query.where(c.bank_id == bank_id, c.bank_version == bank_version).order_by(c.assessment_id)
        if kind is not None:
            query = query.where(c.kind == kind)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        decoded = json.loads("[" + ",".join(row[5] for row in rows) + "]")
        return [
            PeerScores(row[0], bank_id, bank_version, row[1], row[2], row[3], row[4], scores)
            for row, scores in zip(rows, decoded, strict=True)
        ]
