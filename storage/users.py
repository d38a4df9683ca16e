"""The web panel's users (coordinators and experts) and the bookkeeping of their sign-ins.

Storage holds what the panel decides with, never how: it keeps an already-made
password hash (``admin.accounts`` makes and checks Argon2 hashes), counts
failures and locks atomically (two wrong passwords sent at once both count), and
writes every change to the audit log in the same transaction.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage import errors
from storage.base import StoreBase, check_choice
from storage.models import PanelRole, PanelSession, PanelUser, utcnow

LOGIN_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,99}$")
DISPLAY_NAME_MAX = 300


class LoginTaken(errors.StorageError):
    """Another panel user already has this login."""

    def __init__(self, login: str) -> None:
        super().__init__(f"the login {login!r} is taken")
        self.login = login


class CodeReused(errors.StorageError):
    """A TOTP code of a time step already used (a replayed or shoulder-surfed code)."""


def normal_login(login: str) -> str:
    """The stored form of a login: trimmed, lower case; ValueError if not a valid login."""
    value = login.strip().lower()
    if not LOGIN_RE.match(value):
        raise ValueError(
            "a login is 2-100 characters: Latin letters, digits and . _ @ -, starting with a"
            " letter or digit"
        )
    return value


class UserStore(StoreBase):
    """Panel users: create, read, disable, reset, second factor, sign-in counting."""

    async def create_user(
        self,
        login: str,
        *,
        role: str,
        password_hash: str,
        display_name: str = "",
        totp_required: bool = False,
        actor: str,
    ) -> PanelUser:
        """A new active user; :class:`LoginTaken` if the login is taken."""
        login = normal_login(login)
        check_choice("role", role, PanelRole)
        try:
            return await self._create_user(login, role, password_hash, display_name,
                                           totp_required, actor)  # fmt: skip
        except IntegrityError:  # the same login made at the same moment elsewhere
            raise LoginTaken(login) from None

    async def _create_user(
        self, login: str, role: str, password_hash: str, display_name: str, totp_required: bool,
        actor: str,
    ) -> PanelUser:  # fmt: skip
        async with self._tx() as s:
            taken = await s.scalar(select(PanelUser.id).where(PanelUser.login == login))
            if taken is not None:
                raise LoginTaken(login)
            now = utcnow()
            user = PanelUser(
                login=login,
                display_name=display_name.strip()[:DISPLAY_NAME_MAX],
                role=role,
                password_hash=password_hash,
                active=True,
                totp_required=totp_required,
                failed_sign_ins=0,
                created_at=now,
                updated_at=now,
            )
            s.add(user)
            await s.flush()
            self._audit(
                s, actor, "panel_user.created", "panel_user", user.id, login=login, role=role,
                totp_required=totp_required,
            )  # fmt: skip
        return user

    async def get_user(self, user_id: int) -> PanelUser:
        async with self._tx() as s:
            return await self._get(s, PanelUser, user_id)

    async def find_user(self, login: str) -> PanelUser | None:
        """The user with this login (any case, surrounding spaces ignored), or ``None``."""
        try:
            login = normal_login(login)
        except ValueError:
            return None
        async with self._tx() as s:
            return (await s.scalars(select(PanelUser).where(PanelUser.login == login))).first()

    async def list_users(self) -> list[PanelUser]:
        return await self._all(select(PanelUser).order_by(PanelUser.login))

    async def count_users(self, role: str | None = None) -> int:
        query = select(func.count()).select_from(PanelUser)
        if role is not None:
            query = query.where(PanelUser.role == role)
        async with self._tx() as s:
            return int(await s.scalar(query) or 0)

    async def _change(self, user_id: int, actor: str, action: str, **values: Any) -> PanelUser:
        """Set ``values`` on the user, audit ``action``; sign them out if asked to."""
        sign_out = values.pop("_sign_out", False)
        async with self._tx() as s:
            user = await self._get(s, PanelUser, user_id, lock=True)
            for name, value in values.items():
                setattr(user, name, value)
            user.updated_at = utcnow()
            if sign_out:
                await self._end_panel_sessions(s, user_id)
            shown = {k: v for k, v in values.items() if k not in ("password_hash", "totp_secret")}
            self._audit(s, actor, action, "panel_user", user_id, login=user.login, **{
                k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in shown.items()
            })  # fmt: skip
        return user

    @staticmethod
    async def _end_panel_sessions(session: AsyncSession, user_id: int) -> None:
        await session.execute(delete(PanelSession).where(PanelSession.user_id == user_id))

    async def set_user_active(self, user_id: int, active: bool, *, actor: str) -> PanelUser:
        """Disable (signing out of every browser) or enable a user."""
        action = "panel_user.enabled" if active else "panel_user.disabled"
        return await self._change(user_id, actor, action, active=active, _sign_out=not active)

    async def reset_user(
        self,
        user_id: int,
        *,
        password_hash: str | None,
        forget_totp: bool = False,
        actor: str,
    ) -> PanelUser:
        """A new password and/or a fresh second factor; unlocks and signs out everywhere."""
        values: dict[str, Any] = {"failed_sign_ins": 0, "locked_until": None, "_sign_out": True}
        if password_hash is not None:
            values["password_hash"] = password_hash
        if forget_totp:
            values.update(totp_secret=None, totp_last_step=None)
        return await self._change(user_id, actor, "panel_user.reset", **values)

    async def require_totp(self, user_id: int, required: bool, *, actor: str) -> PanelUser:
        """Make a second factor required (or optional again) for a user."""
        return await self._change(
            user_id, actor, "panel_user.totp_required", totp_required=required
        )

    async def enrol_totp(self, user_id: int, secret: str, step: int, *, actor: str) -> PanelUser:
        """Keep the TOTP secret the user proved with a code of time step ``step``."""
        return await self._change(
            user_id, actor, "panel_user.totp_enrolled", totp_secret=secret, totp_last_step=step
        )

    async def rehash_password(self, user_id: int, password_hash: str) -> None:
        """Store the same password under stronger hash parameters (no audit: nothing changed)."""
        async with self._tx() as s:
            user = await self._get(s, PanelUser, user_id, lock=True)
            user.password_hash = password_hash

    # --- sign-in bookkeeping ----------------------------------------------------------------

    async def record_sign_in_failure(
        self,
        user_id: int,
        *,
        limit: int,
        lock_for: timedelta,
        reason: str,
        address: str,
        now: datetime | None = None,
    ) -> PanelUser:
        """Count a wrong password or code; the ``limit``-th locks the user for ``lock_for``."""
        now = now or utcnow()
        async with self._tx() as s:
            user = await self._get(s, PanelUser, user_id, lock=True)
            user.failed_sign_ins += 1
            self._audit(
                s, f"{user.role}:{user.login}", "panel.sign_in_failed", "panel_user", user.id,
                reason=reason, address=address, failures=user.failed_sign_ins,
            )  # fmt: skip
            if user.failed_sign_ins >= limit:
                user.locked_until = now + lock_for
                user.failed_sign_ins = 0
                await self._end_panel_sessions(s, user.id)
                self._audit(
                    s, "panel", "panel.locked", "panel_user", user.id, login=user.login,
                    until=user.locked_until.isoformat(), address=address,
                )  # fmt: skip
        return user

    async def record_sign_in(
        self, user_id: int, *, via: str, address: str, step: int | None = None,
        now: datetime | None = None,
    ) -> PanelUser:  # fmt: skip
        """A successful sign-in: failures forgotten, the TOTP step used up, audited."""
        now = now or utcnow()
        async with self._tx() as s:
            user = await self._get(s, PanelUser, user_id, lock=True)
            if step is not None:
                if user.totp_last_step is not None and step <= user.totp_last_step:
                    raise CodeReused(f"user {user_id}: a code of step {step} was already used")
                user.totp_last_step = step
            user.failed_sign_ins = 0
            user.locked_until = None
            user.last_sign_in_at = now
            self._audit(
                s, f"{user.role}:{user.login}", "panel.sign_in", "panel_user", user.id,
                via=via, address=address,
            )  # fmt: skip
        return user
