"""The actions of an engagement's consensus plan (issue 9): per dimension, in order; text, owner, due, status.

Part of the :class:`Store` through :class:`threadline.storage.engagements.EngagementStore`;
the table is ``consensus_actions`` (revision 0005). Deleting an engagement deletes its actions.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Row

from threadline.storage.database import StoreBase, _inserted_id, _now
from threadline.storage.records import (
    ACTION_STATUSES,
    MAX_ID_LENGTH,
    MAX_NOTE_LENGTH,
    ActionStatus,
    ConsensusAction,
    NotFoundError,
)
from threadline.storage.schema import consensus_actions, engagements
from threadline.text import clean_name


class ActionStore(StoreBase):
    """The consensus plan's actions."""

    def actions(self, engagement_id: int) -> list[ConsensusAction]:
        """The actions of the engagement's consensus plan, per dimension in the order given."""
        query = (
            sa.select(consensus_actions)
            .where(consensus_actions.c.engagement_id == engagement_id)
            .order_by(consensus_actions.c.dimension_id, consensus_actions.c.position, consensus_actions.c.id)
        )
        with self._read() as conn:
            return [_action(row) for row in conn.execute(query)]

    def add_action(
        self,
        engagement_id: int,
        dimension_id: str,
        text: str,
        owner: str = "",
        due_on: date | None = None,
        status: ActionStatus = "open",
    ) -> int:
        """Add an action at the end of a dimension's list; return its id."""
        values = _action_values(text=text, owner=owner, due_on=due_on, status=status)
        if not isinstance(dimension_id, str) or not dimension_id or len(dimension_id) > MAX_ID_LENGTH:
            raise ValueError(f"not a dimension id: {dimension_id!r}")
        now = _now()
        with self._write() as conn:
            locked = sa.select(engagements.c.id).where(engagements.c.id == engagement_id).with_for_update()
            if conn.execute(locked).first() is None:
                raise NotFoundError(f"no engagement {engagement_id!r}")
            last = conn.scalar(
                sa.select(sa.func.max(consensus_actions.c.position)).where(
                    consensus_actions.c.engagement_id == engagement_id,
                    consensus_actions.c.dimension_id == dimension_id,
                )
            )
            result = conn.execute(
                consensus_actions.insert().values(
                    engagement_id=engagement_id,
                    dimension_id=dimension_id,
                    position=0 if last is None else int(last) + 1,
                    created_at=now,
                    updated_at=now,
                    **values,
                )
            )
            return _inserted_id(result)

    def update_action(self, engagement_id: int, action_id: int, **fields: Any) -> None:
        """Change any of an action's text, owner, due_on and status."""
        values = _action_values(**fields)
        with self._write() as conn:
            result = conn.execute(
                consensus_actions.update()
                .where(consensus_actions.c.id == action_id, consensus_actions.c.engagement_id == engagement_id)
                .values(updated_at=_now(), **values)
            )
            if result.rowcount == 0:
                raise NotFoundError(f"engagement {engagement_id} has no action {action_id!r}")

    def delete_action(self, engagement_id: int, action_id: int) -> None:
        """Remove an action."""
        with self._write() as conn:
            conn.execute(
                consensus_actions.delete().where(
                    consensus_actions.c.id == action_id, consensus_actions.c.engagement_id == engagement_id
                )
            )


def _action(row: Row[*tuple[Any, ...]]) -> ConsensusAction:
    return ConsensusAction(
        id=row.id,
        dimension_id=row.dimension_id,
        position=row.position,
        text=row.text,
        owner=row.owner,
        due_on=row.due_on,
        status=row.status,
    )


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, not {value!r}")
    return clean_name(value)


def _date(value: object) -> date | None:
    if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
        raise TypeError(f"a due date is a date or None, not {value!r}")
    return value


def _action_text(value: object) -> str:
    text = _text(value).strip()
    if not text or len(text) > MAX_NOTE_LENGTH:
        raise ValueError(f"an action is 1 to {MAX_NOTE_LENGTH} characters")
    return text


def _action_owner(value: object) -> str:
    owner = _text(value).strip()
    if len(owner) > MAX_ID_LENGTH:
        raise ValueError(f"an owner is at most {MAX_ID_LENGTH} characters")
    return owner


def _action_status(value: object) -> str:
    if value not in ACTION_STATUSES:
        raise ValueError(f"an action's status is one of {ACTION_STATUSES}, not {value!r}")
    return cast(str, value)


_ACTION_FIELDS: dict[str, Callable[[Any], Any]] = {
    "text": _action_text,
    "owner": _action_owner,
    "due_on": _date,
    "status": _action_status,
}


def _action_values(**fields: Any) -> dict[str, Any]:
    unknown = sorted(set(fields) - set(_ACTION_FIELDS))
    if unknown:
        raise TypeError(f"not an action field: {', '.join(unknown)}")
    return {name: _ACTION_FIELDS[name](value) for name, value in fields.items()}
