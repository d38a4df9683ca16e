"""Server-side web sessions, kept in memory.

The browser holds only a random 32-byte session id (an HttpOnly cookie); the
contact it signs in, its CSRF token and its expiry stay on the server.  A
restart ends every session: the person opens their invite link again, which
finds their contact (through the browser's stable web login) without using
the invitation up.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

IDLE_TTL = 24 * 3600.0
ABSOLUTE_TTL = 14 * 24 * 3600.0
MAX_SESSIONS = 100_000


@dataclass
class Session:
    """One signed-in browser: who it is and the token its state-changing requests carry."""

    id: str
    contact_id: int
    csrf: str
    created: float
    last_seen: float
    via: str = "invite"
    data: dict = field(default_factory=dict)

    def csrf_matches(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf.encode(), token.encode())


class SessionStore:
    """Sessions by id, with idle and absolute expiry."""

    def __init__(
        self,
        *,
        idle_ttl: float = IDLE_TTL,
        absolute_ttl: float = ABSOLUTE_TTL,
        max_sessions: int = MAX_SESSIONS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.idle_ttl = idle_ttl
        self.absolute_ttl = absolute_ttl
        self.max_sessions = max_sessions
        self.clock = clock
        self._sessions: dict[str, Session] = {}

    def __len__(self) -> int:
        return len(self._sessions)

    def create(self, contact_id: int, *, via: str = "invite") -> Session:
        """A new session for the contact, with fresh random id and CSRF token."""
        self.purge()
        if len(self._sessions) >= self.max_sessions:
            oldest = min(self._sessions.values(), key=lambda s: s.last_seen)
            self._sessions.pop(oldest.id, None)
        now = self.clock()
        session = Session(
            id=secrets.token_urlsafe(32),
            contact_id=contact_id,
            csrf=secrets.token_urlsafe(32),
            created=now,
            last_seen=now,
            via=via,
        )
        self._sessions[session.id] = session
        return session

    def get(self, session_id: str | None) -> Session | None:
        """The live session with this id (its idle timer restarted), or None."""
        if not session_id:
            return None
        session = self._sessions.get(session_id)
        if session is None:
            return None
        now = self.clock()
        if self._expired(session, now):
            self._sessions.pop(session_id, None)
            return None
        session.last_seen = now
        return session

    def drop(self, session_id: str | None) -> None:
        if session_id:
            self._sessions.pop(session_id, None)

    def drop_contact(self, contact_id: int) -> None:
        """End every session of a contact (deactivated, released)."""
        for sid in [s.id for s in self._sessions.values() if s.contact_id == contact_id]:
            self._sessions.pop(sid, None)

    def purge(self) -> None:
        now = self.clock()
        for sid in [s.id for s in self._sessions.values() if self._expired(s, now)]:
            self._sessions.pop(sid, None)

    def _expired(self, session: Session, now: float) -> bool:
        return now - session.last_seen > self.idle_ttl or now - session.created > self.absolute_ttl
