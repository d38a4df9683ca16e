"""Each update a channel receives is applied once, across restarts and processes."""

from __future__ import annotations

from storage.repository import Store


class UpdateLog:
    """Remembers which updates of a channel were handled (in the database, shared by processes).

    A dialog step marks its updates in its own transaction; this marks the rest.
    """

    def __init__(self, store: Store) -> None:
        self._store = store

    async def seen(self, channel: str, update_id: int) -> bool:
        """Was ``update_id`` of ``channel`` handled already?"""
        return await self._store.was_processed(channel, update_id)

    async def mark(self, channel: str, update_id: int) -> None:
        """Mark it handled (a mark already there, from the step's transaction, is kept)."""
        await self._store.mark_processed(channel, update_id)

    async def first_time(self, channel: str, update_id: int) -> bool:
        """True the first time ``update_id`` of ``channel`` is seen; the mark is committed."""
        return await self._store.mark_processed(channel, update_id)
