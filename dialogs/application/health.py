"""Readiness: may this worker take traffic?  Its database answers and is migrated to head."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from storage.repository import Store, head_revision

log = logging.getLogger(__name__)
#: A probe that waits longer than this for the database calls it down.
PROBE_TIMEOUT = 5.0


@dataclass(frozen=True, slots=True)
class Readiness:
    """The answer of a readiness probe; ``problem`` says why not, without secrets."""

    ready: bool
    database: str  # "ok", "unreachable"
    revision: str | None
    head: str | None
    problem: str | None = None


async def readiness(store: Store, timeout: float = PROBE_TIMEOUT) -> Readiness:
    """Ask the database for its revision and compare it with the code's newest migration."""
    head = head_revision()
    try:
        revision = await asyncio.wait_for(store.schema_revision(), timeout)
    except Exception as exc:  # any failure to reach the database means "not ready"
        log.warning("readiness: the database is unreachable (%s)", type(exc).__name__)
        return Readiness(False, "unreachable", None, head, "database unreachable")
    if revision != head:
        return Readiness(False, "ok", revision, head, "migrations are not at head")
    return Readiness(True, "ok", revision, head)
