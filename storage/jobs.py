"""Exclusive background jobs: at most one process runs a job at a time.

On PostgreSQL a job holds a session-level advisory lock (``pg_try_advisory_lock``) on a
connection of its own, in autocommit (no transaction stays open for hours); if the
process dies, its connection closes and the lock is free for another worker.  SQLite is
the embedded, one-process database: the job always runs.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.base import StoreBase


def job_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for a job's name."""
    return int.from_bytes(hashlib.sha256(f"saualnama:{name}".encode()).digest()[:8], "big",
                          signed=True)  # fmt: skip


class JobLockStore(StoreBase):
    """The lock that keeps a periodic job in one worker."""

    def _bind(self) -> AsyncEngine:
        engine = self._engine or self.sessions.kw.get("bind")
        if not isinstance(engine, AsyncEngine):
            raise RuntimeError("the store's sessions are bound to no engine")
        return engine

    @asynccontextmanager
    async def exclusive_job(self, name: str) -> AsyncIterator[bool]:
        """``True`` inside if this process holds job ``name`` now (released on exit)."""
        engine = self._bind()
        if engine.dialect.name != "postgresql":
            yield True
            return
        key = job_key(name)
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            held = bool(await conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}))
            try:
                yield held
            finally:
                if held:
                    await conn.scalar(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
