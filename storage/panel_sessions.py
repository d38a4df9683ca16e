"""Panel sign-in sessions, kept like the web chat's: the cookie's id is stored only as a hash.

A panel session is separate from a contact's chat session (its own table and cookie), so
a chat cookie can never open the panel.  Its user is read with it: a session of a
disabled user is no session.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, or_, update

from storage.base import TOKEN_RE, StoreBase, check_choice, hash_token
from storage.models import PanelSession, PanelStage, PanelUser, utcnow

#: ``last_seen_at`` (and with it the idle expiry) is written at most this often.
TOUCH_EVERY = timedelta(minutes=1)


def _expired(now: datetime) -> ColumnElement[bool]:
    return or_(PanelSession.idle_expires_at < now, PanelSession.expires_at < now)


class PanelSessionStore(StoreBase):
    """Sessions of panel users with idle and absolute expiry."""

    async def create_panel_session(
        self,
        user_id: int,
        *,
        stage: str,
        idle: timedelta,
        absolute: timedelta,
        pending_secret: str | None = None,
        now: datetime | None = None,
    ) -> tuple[str, PanelSession]:
        """A new session: ``(raw id for the cookie, its row)``; expired ones are purged first."""
        check_choice("stage", stage, PanelStage)
        now = now or utcnow()
        raw_id = secrets.token_urlsafe(32)
        async with self._tx() as s:
            await self._get(s, PanelUser, user_id)
            await s.execute(delete(PanelSession).where(_expired(now)))
            row = PanelSession(
                id=hash_token(raw_id),
                user_id=user_id,
                csrf=secrets.token_urlsafe(32),
                stage=stage,
                pending_secret=pending_secret,
                created_at=now,
                last_seen_at=now,
                idle_expires_at=now + idle,
                expires_at=now + absolute,
            )
            s.add(row)
        return raw_id, row

    async def get_panel_session(
        self, raw_id: str | None, *, now: datetime | None = None
    ) -> tuple[PanelSession, PanelUser] | None:
        """The live session with this raw id and its active user, idle expiry moved on."""
        if not raw_id or not TOKEN_RE.match(raw_id):
            return None
        now = now or utcnow()
        key = hash_token(raw_id)
        async with self._tx() as s:
            row = await s.get(PanelSession, key)
            if row is None:
                return None
            user = await s.get(PanelUser, row.user_id)
            s.expunge(row)
            if user is None or not user.active or now > row.idle_expires_at or now > row.expires_at:
                await s.execute(delete(PanelSession).where(PanelSession.id == key))
                return None
            if now - row.last_seen_at >= TOUCH_EVERY:
                idle = row.idle_expires_at - row.last_seen_at
                row.last_seen_at, row.idle_expires_at = now, now + idle
                await s.execute(
                    update(PanelSession)
                    .where(PanelSession.id == key)
                    .values(last_seen_at=row.last_seen_at, idle_expires_at=row.idle_expires_at)
                )
            return row, user

    async def drop_panel_session(self, raw_id: str | None) -> None:
        """End one session (sign-out, or the next stage of a sign-in)."""
        if not raw_id or not TOKEN_RE.match(raw_id):
            return
        async with self._tx() as s:
            await s.execute(delete(PanelSession).where(PanelSession.id == hash_token(raw_id)))

    async def purge_expired_panel_sessions(self, *, now: datetime | None = None) -> int:
        """Delete the sessions past their idle or absolute expiry; returns how many."""
        async with self._tx() as s:
            result = await s.execute(delete(PanelSession).where(_expired(now or utcnow())))
            return int(result.rowcount or 0)  # type: ignore[attr-defined]
