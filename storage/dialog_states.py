"""Where each contact stands in the dialog, so a restart loses nothing.

Read and written with Core statements, not the ORM (issue 15): a step reads the row once
(locked) and writes it once, an ``UPDATE … WHERE version = <read>`` that is its own
compare-and-set, where the ORM's get, flush and second locked read were five round trips.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import errors
from storage.base import StoreBase, insert_or_nothing
from storage.models import Contact, DialogState, utcnow

_COLUMNS = (DialogState.contact_id, DialogState.state, DialogState.version, DialogState.updated_at)
_TABLE = cast(Table, DialogState.__table__)
#: Built once, with bound parameters (building a statement per call costs more than running it).
READ = select(*_COLUMNS).where(DialogState.contact_id == bindparam("cid"))
READ_LOCKED = READ.with_for_update()
VERSION = select(DialogState.version).where(DialogState.contact_id == bindparam("cid"))
#: The compare-and-set: the row changes only if it is still at the version read.
CHANGE = (
    update(_TABLE)
    .where(_TABLE.c.contact_id == bindparam("cid"), _TABLE.c.version == bindparam("expected"))
    .returning(_TABLE.c.version)
    .execution_options(synchronize_session=False)  # nothing in the session holds the row
)


class DialogStateStore(StoreBase):
    """Where each contact stands in the dialog, so a restart loses nothing."""

    # --- dialog state ----------------------------------------------------------------------

    async def get_dialog_state(self, contact_id: int, *, lock: bool = False) -> DialogState | None:
        """The contact's saved dialog position (``.state``, ``.version``), or ``None``.

        ``lock``: hold the row until the unit of work ends (``FOR UPDATE`` on PostgreSQL;
        SQLite's ``BEGIN IMMEDIATE`` serialises writers already), so two steps of one
        contact never run on the same position at once.  The row returned is a detached
        copy (changing it stores nothing).
        """
        async with self._read() as s:
            row = (
                await s.execute(READ_LOCKED if lock else READ, {"cid": contact_id})
            ).one_or_none()
        if row is None:
            return None
        return DialogState(
            contact_id=row.contact_id,
            state=row.state,
            version=row.version,
            updated_at=row.updated_at,
        )

    async def save_dialog_state(
        self, contact_id: int, state: dict[str, Any], *, expected_version: int | None
    ) -> int:
        """Store the dialog state and return its new version.

        ``expected_version``: the version read (``0`` when there was none); a mismatch raises
        :class:`~storage.errors.StaleDialogStateError`.  ``None`` overwrites unconditionally.
        """
        async with self._tx() as s:
            if expected_version is None:
                current = await s.scalar(VERSION.with_for_update(), {"cid": contact_id})
                expected_version = current or 0
            if expected_version == 0:
                return await self._insert_dialog_state(s, contact_id, state)
            values = {"state": state, "version": expected_version + 1, "updated_at": utcnow()}
            changed = await s.scalar(
                CHANGE, {"cid": contact_id, "expected": expected_version, **values}
            )
            if changed is None:
                raise errors.StaleDialogStateError(
                    contact_id, expected_version, await self._dialog_version(s, contact_id)
                )
            return int(changed)

    async def _insert_dialog_state(
        self, s: AsyncSession, contact_id: int, state: dict[str, Any]
    ) -> int:
        """The contact's first position; another step that stored one first makes it stale."""
        await self._get(s, Contact, contact_id)
        inserted = await s.scalar(
            insert_or_nothing(s, DialogState)
            .values(contact_id=contact_id, state=state, version=1, updated_at=utcnow())
            .returning(DialogState.version)
        )
        if inserted is None:
            raise errors.StaleDialogStateError(
                contact_id, 0, await self._dialog_version(s, contact_id)
            )
        return 1

    @staticmethod
    async def _dialog_version(s: AsyncSession, contact_id: int) -> int | None:
        version: int | None = await s.scalar(VERSION, {"cid": contact_id})
        return version
