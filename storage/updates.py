"""Channel updates already handled, so a repeated delivery is handled once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from storage.base import StoreBase, insert_or_nothing
from storage.models import ProcessedUpdate, utcnow


class UpdateStore(StoreBase):
    """Channel updates already handled, so a repeated delivery is handled once."""

    # --- idempotent updates ----------------------------------------------------------------

    async def mark_processed(self, channel: str, update_id: int) -> bool:
        """Remember an incoming update; ``False`` if it was seen before (skip it)."""
        async with self._tx() as s:
            marked = await s.scalar(
                insert_or_nothing(s, ProcessedUpdate)
                .values(channel=channel, update_id=update_id, processed_at=utcnow())
                .returning(ProcessedUpdate.id)
            )
        return marked is not None

    async def was_processed(self, channel: str, update_id: int) -> bool:
        """Has this update been handled (its step committed)?  A read; marks nothing."""
        query = select(ProcessedUpdate.id).where(
            ProcessedUpdate.channel == channel, ProcessedUpdate.update_id == update_id
        )
        async with self._tx() as s:
            return (await s.scalar(query)) is not None

    async def forget_processed_before(self, cutoff: datetime) -> int:
        """Drop processed-update marks older than ``cutoff``; returns how many."""
        async with self._tx() as s:
            result = await s.execute(
                delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < cutoff)
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]  # a DELETE gives a CursorResult; execute() is typed Result
