"""The outcomes of reminders sent, written a batch at a time off the senders' path.

Why: one commit per outcome put the database between two sends; the
:class:`Recorder` writes whatever outcomes have come in, in one transaction
(``Store.finish_reminders``), while the next messages go out.  Writing an outcome
again is harmless (a ``sent`` row stays sent), so a batch cut off mid-commit is simply
written again; :meth:`Recorder.close` writes the rest before the run ends, even when it
was stopped, so a sent reminder is not left ``pending`` (to be sent again after the
claim's minute).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dialogs.application.reminders import Delivery
    from storage.repository import ReminderKey, Store

log = logging.getLogger(__name__)

#: Seconds before writing again after the database failed a batch.
RETRY_AFTER = 1.0


def key_of(item: Delivery) -> ReminderKey:
    """The reminder log's key of one delivery."""
    return (item.campaign_id, item.contact_id, item.kind, item.deadline)


class Recorder:
    """Collects (key, status, error) outcomes; a task writes them in batches."""

    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self._store, self._clock = store, clock
        self._outcomes: list[tuple[ReminderKey, str, str | None]] = []
        self._wake = asyncio.Event()
        self._closing = False
        self._task = asyncio.create_task(self._run(), name="saualnama-reminder-outcomes")

    def add(self, key: ReminderKey, status: str, error: str | None = None) -> None:
        """Record ``status`` (``sent`` or ``failed``) of one claimed reminder, soon."""
        self._outcomes.append((key, status, error))
        self._wake.set()

    async def _run(self) -> None:
        while not (self._closing and not self._outcomes):
            await self._wake.wait()
            self._wake.clear()
            try:
                await self.flush()
            except Exception:
                if self._closing:
                    raise
                log.exception("reminders: outcomes not written; trying again")
                await asyncio.sleep(RETRY_AFTER)
                self._wake.set()

    async def flush(self) -> None:
        """Write every outcome collected so far (one transaction per batch)."""
        while self._outcomes:
            batch = list(self._outcomes)
            await self._store.finish_reminders(batch, now=self._clock())
            del self._outcomes[: len(batch)]

    async def close(self) -> None:
        """Write what is left and stop (raises if the database refuses).  The task is not
        cancelled: a transaction cut off mid-way would leave its connection behind."""
        self._closing = True
        self._wake.set()
        try:
            await asyncio.shield(self._task)
        except Exception:
            log.exception("reminders: outcomes not written; once more")
        await self.flush()
