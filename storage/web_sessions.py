"""Web chat sign-in sessions, kept in the database so a restart or a second process keeps them.

The browser holds a random session id (an HttpOnly cookie); the row is keyed by its
SHA-256 (:func:`~storage.base.hash_token`), like invitation tokens, so the database
never holds a usable session id.  The CSRF token is stored as it is: the chat page
hands it to its own script.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, bindparam, delete, func, or_, select, update

from storage.base import TOKEN_RE, StoreBase, hash_token
from storage.models import Contact, WebSession, utcnow

#: ``last_seen_at`` (and with it the idle expiry) is written at most this often per session.
TOUCH_EVERY = timedelta(minutes=1)


_COLUMNS = (
    WebSession.id,
    WebSession.contact_id,
    WebSession.csrf,
    WebSession.via,
    WebSession.created_at,
    WebSession.last_seen_at,
    WebSession.idle_expires_at,
    WebSession.expires_at,
)

READ = select(*_COLUMNS).where(WebSession.id == bindparam("key"))


def _expired(now: datetime) -> ColumnElement[bool]:
    return or_(WebSession.idle_expires_at < now, WebSession.expires_at < now)


class WebSessionStore(StoreBase):
    """Web chat sessions with idle and absolute expiry."""

    # --- web sessions ----------------------------------------------------------------------

    async def create_web_session(
        self,
        contact_id: int,
        via: str,
        *,
        idle: timedelta,
        absolute: timedelta,
        max_sessions: int | None = None,
        now: datetime | None = None,
    ) -> tuple[str, WebSession]:
        """A new session for the contact: ``(raw id for the cookie, its row)``.

        Expired sessions are purged first; with ``max_sessions``, the least recently seen
        sessions make room so that there are never more.
        """
        now = now or utcnow()
        raw_id = secrets.token_urlsafe(32)
        async with self._tx() as s:
            await self._get(s, Contact, contact_id)
            await s.execute(delete(WebSession).where(_expired(now)))
            if max_sessions is not None:
                count = await s.scalar(select(func.count()).select_from(WebSession)) or 0
                if count >= max_sessions:
                    oldest = (
                        select(WebSession.id)
                        .order_by(WebSession.last_seen_at, WebSession.created_at)
                        .limit(count - max_sessions + 1)
                    )
                    await s.execute(delete(WebSession).where(WebSession.id.in_(oldest)))
            row = WebSession(
                id=hash_token(raw_id),
                contact_id=contact_id,
                csrf=secrets.token_urlsafe(32),
                via=via,
                created_at=now,
                last_seen_at=now,
                idle_expires_at=now + idle,
                expires_at=now + absolute,
            )
            s.add(row)
        return raw_id, row

    async def get_web_session(
        self, raw_id: str | None, *, now: datetime | None = None
    ) -> WebSession | None:
        """The live session with this raw id, its idle expiry moved on; else ``None``.

        ``last_seen_at`` is written at most once per :data:`TOUCH_EVERY`; an expired
        session is deleted.
        """
        if not raw_id or not TOKEN_RE.match(raw_id):
            return None
        now = now or utcnow()
        key = hash_token(raw_id)
        async with self._read(single=True) as s:  # most requests only read: no write lock
            found = (await s.execute(READ, {"key": key})).one_or_none()
        if found is None:
            return None
        row = WebSession(**found._asdict())  # a detached copy, from one Core read
        if now > row.idle_expires_at or now > row.expires_at:
            async with self._tx() as s:
                await s.execute(delete(WebSession).where(WebSession.id == key))
            return None
        if now - row.last_seen_at >= TOUCH_EVERY:
            idle = row.idle_expires_at - row.last_seen_at
            row.last_seen_at, row.idle_expires_at = now, now + idle
            async with self._tx() as s:
                # A plain UPDATE: a session dropped meanwhile stays dropped.
                await s.execute(
                    update(WebSession)
                    .where(WebSession.id == key)
                    .values(last_seen_at=row.last_seen_at, idle_expires_at=row.idle_expires_at)
                )
        return row

    async def drop_web_session(self, raw_id: str | None) -> None:
        """End one session (logout, or a new sign-in in the same browser)."""
        if not raw_id or not TOKEN_RE.match(raw_id):
            return
        async with self._tx() as s:
            await s.execute(delete(WebSession).where(WebSession.id == hash_token(raw_id)))

    async def drop_contact_web_sessions(self, contact_id: int) -> int:
        """End every session of a contact (deactivated, released); returns how many."""
        async with self._tx() as s:
            result = await s.execute(delete(WebSession).where(WebSession.contact_id == contact_id))
            return int(result.rowcount or 0)  # type: ignore[attr-defined]  # a DELETE gives a CursorResult; execute() is typed Result

    async def purge_expired_web_sessions(self, *, now: datetime | None = None) -> int:
        """Delete the sessions past their idle or absolute expiry; returns how many."""
        async with self._tx() as s:
            result = await s.execute(delete(WebSession).where(_expired(now or utcnow())))
            return int(result.rowcount or 0)  # type: ignore[attr-defined]  # a DELETE gives a CursorResult; execute() is typed Result
