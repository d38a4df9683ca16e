"""Signing in to the panel: password, then (when set up or required) a TOTP code.

Each stage gets a fresh session id (a session fixed before the sign-in is worthless
after it): a right password opens a short ``totp`` or ``enrol`` session that reaches
only the code page, a right code a ``full`` one.  Wrong passwords and wrong codes
count together; the :data:`LOCK_AFTER`-th locks the account for :data:`LOCK_FOR`
(``python -m admin user reset`` lifts it sooner).  A locked account is refused
without looking at the password, so guessing goes on learning nothing.  Every
success and failure is in the audit log (written by the store).

Argon2 takes tens of milliseconds of CPU on purpose: it runs in a worker thread so
the event loop (the chat of everyone else) never waits for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from admin.accounts import Passwords, new_secret, verify_code
from storage.models import PanelSession, PanelStage, PanelUser, utcnow
from storage.repository import Store
from storage.users import CodeReused

LOCK_AFTER = 5
LOCK_FOR = timedelta(minutes=15)
IDLE_TTL = timedelta(minutes=30)
ABSOLUTE_TTL = timedelta(hours=12)
PENDING_TTL = timedelta(minutes=5)
LOGIN_SHOWN_MAX = 100

Outcome = Literal["full", "totp", "enrol", "wrong", "locked", "disabled"]


@dataclass(frozen=True, slots=True)
class Result:
    """What a sign-in step came to; ``session`` is the new cookie value, if any."""

    outcome: Outcome
    session: str | None = None
    locked_until: datetime | None = None


class Auth:
    """The sign-in steps over the store, with an injectable clock and password hasher."""

    def __init__(
        self,
        store: Store,
        passwords: Passwords | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.passwords = passwords or Passwords()
        self.clock = clock

    async def _session(self, user: PanelUser, stage: PanelStage, secret: str | None = None) -> str:
        full = stage == PanelStage.FULL
        raw, _ = await self.store.create_panel_session(
            user.id,
            stage=stage.value,
            idle=IDLE_TTL if full else PENDING_TTL,
            absolute=ABSOLUTE_TTL if full else PENDING_TTL,
            pending_secret=secret,
            now=self.clock(),
        )
        return raw

    async def _fail(self, user: PanelUser, reason: str, address: str) -> Result:
        after = await self.store.record_sign_in_failure(
            user.id, limit=LOCK_AFTER, lock_for=LOCK_FOR, reason=reason, address=address,
            now=self.clock(),
        )  # fmt: skip
        if after.locked_until is not None and after.locked_until > self.clock():
            return Result("locked", locked_until=after.locked_until)
        return Result("wrong")

    async def password(self, login: str, password: str, address: str) -> Result:
        """The first step: the login and password."""
        user = await self.store.find_user(login)
        if user is None:
            await asyncio.to_thread(self.passwords.verify, self.passwords.dummy_hash, password)
            await self.store.record_event(
                "panel", "panel.sign_in_failed", "panel_user", None,
                {"login": login[:LOGIN_SHOWN_MAX], "reason": "unknown", "address": address},
            )  # fmt: skip
            return Result("wrong")
        if user.locked_until is not None and user.locked_until > self.clock():
            await self.store.record_event(
                f"{user.role}:{user.login}", "panel.sign_in_failed", "panel_user", user.id,
                {"reason": "locked", "address": address},
            )  # fmt: skip
            return Result("locked", locked_until=user.locked_until)
        right = await asyncio.to_thread(self.passwords.verify, user.password_hash, password)
        if not right:
            return await self._fail(user, "password", address)
        if not user.active:
            await self.store.record_event(
                f"{user.role}:{user.login}", "panel.sign_in_failed", "panel_user", user.id,
                {"reason": "disabled", "address": address},
            )  # fmt: skip
            return Result("disabled")
        if self.passwords.needs_rehash(user.password_hash):
            rehashed = await asyncio.to_thread(self.passwords.hash, password)
            await self.store.rehash_password(user.id, rehashed)
        if user.totp_secret:
            return Result("totp", await self._session(user, PanelStage.TOTP))
        if user.totp_required:
            return Result("enrol", await self._session(user, PanelStage.ENROL, new_secret()))
        await self.store.record_sign_in(user.id, via="password", address=address, now=self.clock())
        return Result("full", await self._session(user, PanelStage.FULL))

    async def code(
        self, session_id: str, session: PanelSession, user: PanelUser, code: str, address: str
    ) -> Result:
        """The second step: a code from the authenticator (proving its setup when enrolling)."""
        enrolling = session.stage == PanelStage.ENROL
        secret = session.pending_secret if enrolling else user.totp_secret
        step = verify_code(secret, code, self.clock()) if secret else None
        if step is None:
            result = await self._fail(user, "totp", address)
            if result.outcome == "locked":
                await self.store.drop_panel_session(session_id)
            return result
        try:
            if enrolling and secret:
                await self.store.enrol_totp(
                    user.id, secret, step, actor=f"{user.role}:{user.login}"
                )
                await self.store.record_sign_in(
                    user.id, via="totp_enrolled", address=address, now=self.clock()
                )
            else:
                await self.store.record_sign_in(
                    user.id, via="totp", address=address, step=step, now=self.clock()
                )
        except CodeReused:
            return await self._fail(user, "totp_reused", address)
        await self.store.drop_panel_session(session_id)
        return Result("full", await self._session(user, PanelStage.FULL))

    async def sign_out(self, session_id: str, user: PanelUser, address: str) -> None:
        await self.store.drop_panel_session(session_id)
        await self.store.record_event(
            f"{user.role}:{user.login}", "panel.sign_out", "panel_user", user.id,
            {"address": address},
        )  # fmt: skip
