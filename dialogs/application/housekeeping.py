"""Rows that would only grow: processed-update marks and expired sessions.

Every Telegram update leaves a mark so a redelivery is applied once; Telegram redelivers
for at most a day, so a mark a week old protects nothing and is dropped.  Chat and panel
sessions are purged when a new one is made, but an office that stops signing in leaves
its expired rows behind.  One sweep an hour, in one worker (:class:`~.jobs.Jobs`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.models import utcnow
from storage.repository import Store

log = logging.getLogger(__name__)

#: How long a processed update is remembered (Telegram gives up redelivering after 24 h).
KEEP_UPDATES = timedelta(days=7)


@dataclass(frozen=True)
class Swept:
    """How many rows one sweep removed, by kind."""

    updates: int
    web_sessions: int
    panel_sessions: int


class Housekeeping:
    """The sweep over the store, on a clock tests can set."""

    def __init__(
        self,
        store: Store,
        *,
        clock: Callable[[], datetime] = utcnow,
        keep_updates: timedelta = KEEP_UPDATES,
    ) -> None:
        self._store = store
        self.clock = clock
        self.keep_updates = keep_updates

    async def sweep(self) -> Swept:
        """Drop old update marks and expired chat and panel sessions, once."""
        now = self.clock()
        swept = Swept(
            updates=await self._store.forget_processed_before(now - self.keep_updates),
            web_sessions=await self._store.purge_expired_web_sessions(now=now),
            panel_sessions=await self._store.purge_expired_panel_sessions(now=now),
        )
        if swept != Swept(0, 0, 0):
            log.info(
                "housekeeping: %s update marks, %s chat and %s panel sessions removed",
                swept.updates, swept.web_sessions, swept.panel_sessions,
            )  # fmt: skip
        return swept

    async def run_forever(self, every_seconds: float = 3600.0) -> None:
        """Sweep now and then every ``every_seconds``; a failed sweep waits for the next."""
        while True:
            try:
                await self.sweep()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("housekeeping failed; trying again at the next sweep")
            await asyncio.sleep(every_seconds)
