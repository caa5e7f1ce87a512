"""Question banks: each stored once, by the SHA-256 of its YAML text."""

from __future__ import annotations

import hashlib
from typing import cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from threadline.storage.database import StoreBase, _now
from threadline.storage.records import NotFoundError
from threadline.storage.schema import banks


def content_hash(content: str) -> str:
    """Return the SHA-256 hex digest that identifies a bank's YAML text."""
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


class BankStore(StoreBase):
    """The banks' part of the :class:`Store`."""

    def put_bank(self, content: str, bank_id: str, version: str) -> str:
        """Store a bank's text once (idempotent); return its content hash."""
        digest = content_hash(content)
        stmt = self._insert(banks).values(
            content_hash=digest,
            bank_id=bank_id,
            version=version,
            content=content,
            created_at=_now(),
        )
        with self._write() as conn:
            conn.execute(stmt.on_conflict_do_nothing(index_elements=["content_hash"]))
        return digest

    def bank_content(self, bank_hash: str) -> str | None:
        """Return the text of a stored bank, or None if there is none."""
        query = sa.select(banks.c.content).where(banks.c.content_hash == bank_hash)
        with self._read() as conn:
            return cast(str | None, conn.scalar(query))


def _is_bank(bank_hash: str) -> sa.ColumnElement[bool]:
    return banks.c.content_hash == bank_hash


def _check_bank(conn: Connection, bank_hash: str) -> None:
    if conn.scalar(sa.select(banks.c.bank_id).where(_is_bank(bank_hash))) is None:
        raise NotFoundError(f"no bank {bank_hash!r}")
