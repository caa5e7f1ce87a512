"""Peer comparison scores: one row per assessment that joins comparisons (issue 13).

The row holds only what a comparison needs (scoring/peers.py): the bank id and version, the
kind, the industry and size choices, and the scores. It is written when its owner chooses to be
compared (or at submit with the choice on), rewritten when the answers change, and deleted when
the owner withdraws or the assessment is deleted.

Two kinds never meet. ``self`` rows are self-assessments, in the public peer groups.
``portfolio`` rows are engagements' complete consensus results, in the consultant's own
portfolio (revision 0006): keyed by the consensus assessment (so they go with the engagement),
written only through the engagement's current dashboard link and only while its
``engagements.portfolio`` switch is on; turning the switch off deletes the row in the same
transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.storage.database import StoreBase, _now
from threadline.storage.engagements import _check_dashboard, _consensus_id, _update_engagement
from threadline.storage.schema import assessments, engagements, peer_scores

PeerKind = Literal["self", "portfolio"]


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


@dataclass(frozen=True, slots=True, eq=False)
class PeerColumns:
    """Every row of one bank version and kind as arrays, in assessment order.

    scores: rows x (1 + len(dimension_ids)): the overall score, then each dimension's; NaN where
    not assessed.
    """

    assessment_ids: np.ndarray
    industries: list[str | None]
    sizes: list[str | None]
    dimension_ids: tuple[str, ...]
    scores: np.ndarray


def packed_scores(overall: float | None, dimensions: Mapping[str, float | None]) -> tuple[str, bytes]:
    """A row's scores as stored for fast reading: the dimension ids (JSON) and the scores packed.

    The scores are little-endian float64, the overall first, then the dimensions in the order of
    their sorted ids, NaN for not assessed: 100,000 of them become one matrix in one call.
    """
    ids = sorted(dimensions)
    values = [overall, *(dimensions[d] for d in ids)]
    vector = np.array([np.nan if v is None else v for v in values], dtype="<f8")
    return json.dumps(ids), vector.tobytes()


class PeerStore(StoreBase):
    """The peer comparison's part of the :class:`Store`, and the consultant's portfolio."""

    def save_peer_scores(self, scores: PeerScores) -> None:
        """Write (or rewrite) a self-assessment's row in the comparison (a portfolio row: `save_portfolio_scores`)."""
        if scores.kind != "self":
            raise ValueError("a portfolio row is written through its engagement's dashboard (save_portfolio_scores)")
        with self._write() as conn:
            _replace_row(conn, scores)

    def withdraw_peer_scores(self, assessment_id: int) -> None:
        """Take an assessment out of the comparison (nothing of it stays there)."""
        with self._write() as conn:
            conn.execute(peer_scores.delete().where(peer_scores.c.assessment_id == assessment_id))

    def in_comparison(self, assessment_id: int) -> bool:
        """Whether the assessment's scores are in the comparison."""
        query = sa.select(peer_scores.c.assessment_id).where(peer_scores.c.assessment_id == assessment_id)
        with self._read() as conn:
            return conn.execute(query).first() is not None

    def peer_marker(self, bank_id: str, bank_version: str) -> tuple[int, object, int]:
        """A cheap value that changes whenever a bank version's rows change (for caching them)."""
        c = peer_scores.c
        query = sa.select(sa.func.count(), sa.func.max(c.updated_at), sa.func.coalesce(sa.func.sum(c.assessment_id), 0))
        query = query.where(c.bank_id == bank_id, c.bank_version == bank_version)
        with self._read() as conn:
            count, latest, ids = conn.execute(query).one()
        return int(count), latest, int(ids)

    def peer_scores(self, bank_id: str, bank_version: str, kind: PeerKind | None = None) -> list[PeerScores]:
        """Every row of one bank version (of one kind, if given), in assessment order."""
        c = peer_scores.c
        query = _rows_query().where(c.bank_id == bank_id, c.bank_version == bank_version)
        if kind is not None:
            query = query.where(c.kind == kind)
        with self._read() as conn:
            return _decoded(conn.execute(query.order_by(c.assessment_id)).all(), bank_id, bank_version)

    def peer_columns(self, bank_id: str, bank_version: str, kind: PeerKind = "self") -> PeerColumns:
        """`peer_scores` of one kind as arrays: no object per row (at 100,000 rows those cost most of the read)."""
        c = peer_scores.c
        # the JSON only for a row written without its packed scores (by a server older than 0007)
        unpacked = sa.case((c.score_vector.is_(None), sa.cast(c.dimensions, sa.Text)), else_=sa.null())
        query = sa.select(c.assessment_id, c.industry, c.size, c.overall, c.score_ids, c.score_vector, unpacked)
        query = query.where(c.bank_id == bank_id, c.bank_version == bank_version, c.kind == kind)
        with self._read() as conn:
            rows = conn.execute(query.order_by(c.assessment_id)).all()
        if not rows:
            return PeerColumns(np.zeros(0, dtype=np.int64), [], [], (), np.zeros((0, 1)))
        ids, industries, sizes, overall, score_ids, vectors, texts = (list(field) for field in zip(*rows, strict=True))
        dimension_ids, scores = _score_matrix(overall, score_ids, vectors, texts)
        return PeerColumns(np.array(ids, dtype=np.int64), industries, sizes, dimension_ids, scores)

    def peer_row(self, assessment_id: int) -> PeerScores | None:
        """One assessment's row in the comparison, if it has one."""
        c = peer_scores.c
        query = _rows_query().add_columns(c.bank_id, c.bank_version).where(c.assessment_id == assessment_id)
        with self._read() as conn:
            rows = conn.execute(query).all()
        return None if not rows else _decoded(rows, rows[0].bank_id, rows[0].bank_version)[0]

    # The consultant's portfolio ------------------------------------------------------------------

    def in_portfolio(self, engagement_id: int) -> bool:
        """Whether the consultant has switched on "include this engagement's consensus in my portfolio"."""
        query = sa.select(engagements.c.portfolio).where(engagements.c.id == engagement_id)
        with self._read() as conn:
            return bool(conn.scalar(query))

    def set_portfolio(self, engagement_id: int, on: bool, dashboard_token: str) -> None:
        """Switch the engagement's consensus into the portfolio or out of it (its row is deleted at once).

        ``dashboard_token`` must be the engagement's current dashboard link (PermissionError otherwise).
        Switching on writes no scores: `save_portfolio_scores` does, once the consensus is complete.
        """
        if not isinstance(on, bool):
            raise TypeError(f"on must be a bool, not {on!r}")
        with self._write() as conn:
            _check_dashboard(conn, engagement_id, dashboard_token)
            _update_engagement(conn, engagement_id, portfolio=on, updated_at=_now())
            if not on:
                _delete_portfolio_row(conn, engagement_id)

    def save_portfolio_scores(self, engagement_id: int, dashboard_token: str, scores: PeerScores | None) -> None:
        """Write the engagement's consensus scores into the portfolio, or (None) take them out.

        Refused (PermissionError) without the current dashboard link, or with scores while the
        engagement's switch is off; ValueError unless the row is of kind ``portfolio`` and belongs
        to the engagement's own consensus assessment.
        """
        with self._write() as conn:
            _check_dashboard(conn, engagement_id, dashboard_token)
            if scores is None:
                _delete_portfolio_row(conn, engagement_id)
                return
            on = conn.scalar(sa.select(engagements.c.portfolio).where(engagements.c.id == engagement_id))
            if not on:
                raise PermissionError("this engagement's consensus is not included in the portfolio")
            if scores.kind != "portfolio" or scores.assessment_id != conn.scalar(_consensus_id(engagement_id)):
                raise ValueError("a portfolio row holds the engagement's own consensus, of kind 'portfolio'")
            _replace_row(conn, scores)

    def portfolio_row(self, engagement_id: int) -> PeerScores | None:
        """The engagement's own row in the portfolio, if it has one."""
        query = _portfolio_query().where(assessments.c.engagement_id == engagement_id)
        with self._read() as conn:
            rows = conn.execute(query).all()
        return None if not rows else _decoded(rows, rows[0].bank_id, rows[0].bank_version)[0]

    def portfolio_scores(
        self, bank_id: str, bank_version: str, excluding_series: int | None = None
    ) -> list[PeerScores]:
        """The portfolio of one bank version: every switched-on engagement's consensus row, in assessment order.

        ``excluding_series``: leave out every round of that series (a client is never its own peer).
        """
        c = peer_scores.c
        query = _portfolio_query().where(c.bank_id == bank_id, c.bank_version == bank_version)
        if excluding_series is not None:
            query = query.where(engagements.c.series_id != excluding_series)
        with self._read() as conn:
            return _decoded(conn.execute(query.order_by(c.assessment_id)).all(), bank_id, bank_version)


def _replace_row(conn: Connection, scores: PeerScores) -> None:
    conn.execute(peer_scores.delete().where(peer_scores.c.assessment_id == scores.assessment_id))
    conn.execute(
        peer_scores.insert().values(
            assessment_id=scores.assessment_id,
            bank_id=scores.bank_id,
            bank_version=scores.bank_version,
            kind=scores.kind,
            industry=scores.industry,
            size=scores.size,
            overall=scores.overall,
            dimensions=dict(scores.dimensions),
            updated_at=_now(),
            **_packed_columns(scores),
        )
    )


def _packed_columns(scores: PeerScores) -> dict[str, object]:
    ids, vector = packed_scores(scores.overall, scores.dimensions)
    return {"score_ids": ids, "score_vector": vector}


def _score_matrix(
    overall: list[float | None], score_ids: list[str | None], vectors: list[bytes | None], texts: list[str | None]
) -> tuple[tuple[str, ...], np.ndarray]:
    """The rows' scores as one matrix: the overall, then every dimension any row has, in sorted order.

    Rows of one layout (the same dimension ids: every row of a bank version, as a rule) are
    unpacked together; a row without packed scores is decoded from its JSON.
    """
    layouts: dict[str, list[int]] = {}
    for row, ids in enumerate(score_ids):
        if vectors[row] is not None and ids is not None:
            layouts.setdefault(ids, []).append(row)
    unpacked = [row for row, vector in enumerate(vectors) if vector is None or score_ids[row] is None]
    decoded = dict(zip(unpacked, json.loads("[" + ",".join(texts[row] or "{}" for row in unpacked) + "]"), strict=True))
    laid_out = {ids: json.loads(ids) for ids in layouts}
    named = {d for ids in laid_out.values() for d in ids} | {d for scores in decoded.values() for d in scores}
    dimension_ids = tuple(sorted(named))
    column = {d: at for at, d in enumerate(dimension_ids, start=1)}
    if len(layouts) == 1 and not unpacked and list(dimension_ids) == next(iter(laid_out.values())):
        return dimension_ids, np.frombuffer(b"".join(vectors), dtype="<f8").reshape(len(vectors), -1).copy()  # type: ignore[arg-type]
    matrix = np.full((len(vectors), 1 + len(dimension_ids)), np.nan)
    for ids, rows in layouts.items():
        block = np.frombuffer(b"".join(vectors[row] for row in rows), dtype="<f8").reshape(len(rows), -1)  # type: ignore[misc]
        matrix[np.ix_(rows, [0, *(column[d] for d in laid_out[ids])])] = block
    for row, dimensions in decoded.items():
        matrix[row, 0] = np.nan if overall[row] is None else overall[row]
        for d, value in dimensions.items():
            matrix[row, column[d]] = np.nan if value is None else value
    return dimension_ids, matrix


def _delete_portfolio_row(conn: Connection, engagement_id: int) -> None:
    owned = sa.select(assessments.c.id).where(assessments.c.engagement_id == engagement_id)
    conn.execute(peer_scores.delete().where(peer_scores.c.kind == "portfolio", peer_scores.c.assessment_id.in_(owned)))


def _rows_query() -> sa.Select:
    c = peer_scores.c
    # the scores as JSON text, decoded in one go: 100,000 small decodes cost most of the read
    return sa.select(c.assessment_id, c.kind, c.industry, c.size, c.overall, sa.cast(c.dimensions, sa.Text))


def _portfolio_query() -> sa.Select:
    """Portfolio rows of switched-on engagements only: a row left behind by any path would still not count."""
    c = peer_scores.c
    joined = peer_scores.join(assessments, assessments.c.id == c.assessment_id).join(
        engagements, engagements.c.id == assessments.c.engagement_id
    )
    query = _rows_query().add_columns(c.bank_id, c.bank_version).select_from(joined)
    return query.where(c.kind == "portfolio", assessments.c.kind == "consensus", engagements.c.portfolio == sa.true())


def _decoded(rows: Sequence[sa.Row], bank_id: str, bank_version: str) -> list[PeerScores]:
    decoded = json.loads("[" + ",".join(row[5] for row in rows) + "]")
    return [
        PeerScores(row[0], bank_id, bank_version, row[1], row[2], row[3], row[4], scores)
        for row, scores in zip(rows, decoded, strict=True)
    ]
