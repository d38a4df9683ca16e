"""Periodic work that must run in exactly one worker at a time (the reminder loop).

Every worker calls :meth:`Jobs.run_exclusively`; one gets the job's lock and runs it, the
others wait and try again every ``retry_seconds``, so when the holder stops or dies
another worker takes over.  On SQLite (one process) the job simply runs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from storage.repository import Store

log = logging.getLogger(__name__)


class Jobs:
    """Exclusive background jobs over the store's lock."""

    def __init__(self, store: Store, *, retry_seconds: float = 30.0) -> None:
        self._store = store
        self.retry_seconds = retry_seconds

    async def run_exclusively(self, name: str, work: Callable[[], Awaitable[None]]) -> None:
        """Run ``work`` while holding job ``name``; wait for the lock while another has it."""
        waiting_said = False
        while True:
            try:
                async with self._store.exclusive_job(name) as held:
                    if held:
                        log.info("job %s runs in this worker", name)
                        await work()
                        return
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("job %s: the lock could not be taken; trying again", name)
            if not waiting_said:
                log.info("job %s runs in another worker; this one stands by", name)
                waiting_said = True
            await asyncio.sleep(self.retry_seconds)
