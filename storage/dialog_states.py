"""Where each contact stands in the dialog, so a restart loses nothing."""

from __future__ import annotations

from typing import Any

from storage import errors
from storage.base import (
    StoreBase,
)
from storage.models import (
    Contact,
    DialogState,
    utcnow,
)


class DialogStateStore(StoreBase):
    """Where each contact stands in the dialog, so a restart loses nothing."""

    # --- dialog state ----------------------------------------------------------------------

    async def get_dialog_state(self, contact_id: int, *, lock: bool = False) -> DialogState | None:
        """The contact's saved dialog position (``.state``, ``.version``), or ``None``.

        ``lock``: hold the row until the unit of work ends (``FOR UPDATE`` on PostgreSQL;
        SQLite's ``BEGIN IMMEDIATE`` serialises writers already), so two steps of one
        contact never run on the same position at once.
        """
        async with self._tx() as s:
            if lock:
                return await s.get(
                    DialogState, contact_id, with_for_update=True, populate_existing=True
                )
            return await s.get(DialogState, contact_id)

    async def save_dialog_state(
        self, contact_id: int, state: dict[str, Any], *, expected_version: int | None
    ) -> int:
        """Store the dialog state and return its new version.

        ``expected_version``: the version read (``0`` when there was none); a mismatch raises
        :class:`~storage.errors.StaleDialogStateError`.  ``None`` overwrites unconditionally.
        """

        async def work() -> int:
            async with self._tx() as s:
                row = await s.get(DialogState, contact_id, with_for_update=True)
                current = row.version if row is not None else None
                if expected_version is not None and (current or 0) != expected_version:
                    raise errors.StaleDialogStateError(contact_id, expected_version, current)
                if row is None:
                    await self._get(s, Contact, contact_id)
                    row = DialogState(contact_id=contact_id, state=state, version=1)
                    s.add(row)
                else:
                    row.state = state
                    row.version += 1
                row.updated_at = utcnow()
                await s.flush()
                return row.version

        return await self._retrying(work)
