"""Each update a channel receives is handled at most once, across restarts and processes."""

from __future__ import annotations

from storage.repository import Store


class UpdateLog:
    """Remembers which updates of a channel were taken (in the database, shared by processes)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def first_time(self, channel: str, update_id: int) -> bool:
        """True the first time ``update_id`` of ``channel`` is seen; the mark is committed."""
        return await self._store.mark_processed(channel, update_id)
