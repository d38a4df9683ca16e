"""Web chat sessions, kept in the database (``web_sessions``, see storage/web_sessions.py).

The browser holds only a random 32-byte session id (an HttpOnly cookie, set by the web
channel); the contact it signs in, its CSRF token and its expiry stay on the server,
where only the id's SHA-256 is stored.  A restart keeps every session, and several
processes over one database share them.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.models import WebSession, utcnow
from storage.repository import Store

IDLE_TTL = timedelta(hours=24)
ABSOLUTE_TTL = timedelta(days=14)
MAX_SESSIONS = 100_000


@dataclass(frozen=True, slots=True)
class Session:
    """One signed-in browser: who it is and the token its state-changing requests carry."""

    id: str  # the raw id, as in the cookie (never stored)
    contact_id: int
    csrf: str
    via: str = "invite"

    def csrf_matches(self, token: str | None) -> bool:
        """Whether a request carries this session's CSRF token (compared in constant time)."""
        return bool(token) and hmac.compare_digest(self.csrf.encode(), (token or "").encode())


def _session(raw_id: str, row: WebSession) -> Session:
    return Session(id=raw_id, contact_id=row.contact_id, csrf=row.csrf, via=row.via)


class WebSessions:
    """Sessions by id, with idle and absolute expiry, in the database."""

    def __init__(
        self,
        store: Store,
        *,
        idle_ttl: timedelta = IDLE_TTL,
        absolute_ttl: timedelta = ABSOLUTE_TTL,
        max_sessions: int = MAX_SESSIONS,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._store = store
        self.idle_ttl = idle_ttl
        self.absolute_ttl = absolute_ttl
        self.max_sessions = max_sessions
        self.clock = clock

    async def create(self, contact_id: int, *, via: str = "invite") -> Session:
        """A new session for the contact, with fresh random id and CSRF token."""
        raw_id, row = await self._store.create_web_session(
            contact_id,
            via,
            idle=self.idle_ttl,
            absolute=self.absolute_ttl,
            max_sessions=self.max_sessions,
            now=self.clock(),
        )
        return _session(raw_id, row)

    async def get(self, session_id: str | None) -> Session | None:
        """The live session with this id (its idle timer restarted), or None."""
        if not session_id:
            return None
        row = await self._store.get_web_session(session_id, now=self.clock())
        return None if row is None else _session(session_id, row)

    async def drop(self, session_id: str | None) -> None:
        """End this session (signing out, or a new sign-in in the same browser)."""
        await self._store.drop_web_session(session_id)

    async def drop_contact(self, contact_id: int) -> None:
        """End every session of a contact (deactivated, released)."""
        await self._store.drop_contact_web_sessions(contact_id)

    async def purge(self) -> int:
        """Delete every expired session; returns how many."""
        return await self._store.purge_expired_web_sessions(now=self.clock())
