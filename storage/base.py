"""The store's foundation: sessions, transactions, retries, access checks, the audit log.

Each entity module (campaigns, invitations, answers …) adds its methods to
:class:`StoreBase`; :class:`storage.repository.Store` puts them together.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Self, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage import errors
from storage.db import create_engine, session_factory
from storage.models import (
    Answer,
    AuditEvent,
    Campaign,
    CampaignStatus,
    Contact,
    Organisation,
    Response,
    ResponseStatus,
)

T = TypeVar("T")

#: The session of the unit of work running in this task (see :meth:`StoreBase.unit_of_work`).
_UNIT: ContextVar[AsyncSession | None] = ContextVar("storage_unit_of_work", default=None)

#: How often a transaction that lost a uniqueness race is re-run before giving up.
INTEGRITY_RETRIES = 3
#: Field codes are opaque to storage but bounded by the column.
MAX_FIELD_CODE = 200
DEFAULT_INVITATION_TTL = timedelta(days=45)
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

CAMPAIGN_TRANSITIONS = {
    CampaignStatus.DRAFT: {CampaignStatus.OPEN, CampaignStatus.CLOSED},
    CampaignStatus.OPEN: {CampaignStatus.CLOSED},
    CampaignStatus.CLOSED: {CampaignStatus.OPEN},
}
SUBMITTABLE = {ResponseStatus.NOT_STARTED, ResponseStatus.IN_PROGRESS, ResponseStatus.RETURNED}


def hash_token(token: str) -> str:
    """SHA-256 hex of an invitation token: the only form in which tokens are stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def contact_actor(contact_id: int | None) -> str:
    """The audit ``actor`` string of a contact (``"contact:12"``)."""
    return f"contact:{contact_id}"


@dataclass(frozen=True, slots=True)
class CampaignSnapshot:
    """A campaign's organisations, responses and answers as of one moment (for exports)."""

    campaign: Campaign
    organisations: list[Organisation]
    responses: list[Response]
    answers: dict[int, list[Answer]]


def insert_or_nothing(session: AsyncSession, model: type[Any]) -> Any:
    """``INSERT … ON CONFLICT DO NOTHING`` for the session's backend (both have it).

    One statement where a savepoint, the insert and a caught ``IntegrityError`` were
    three round trips; a conflict leaves the transaction usable (add ``.returning()`` to
    learn whether the row went in).
    """
    if session.bind.dialect.name == "postgresql":
        return postgresql.insert(model).on_conflict_do_nothing()
    return sqlite.insert(model).on_conflict_do_nothing()


def check_choice(name: str, value: str, allowed: type[Any]) -> str:
    choices = {member.value for member in allowed}
    if value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)}, not {value!r}")
    return str(value)


def check_field_code(field_code: str) -> None:
    if not field_code or len(field_code) > MAX_FIELD_CODE:
        raise ValueError(f"field_code must be 1..{MAX_FIELD_CODE} characters, got {field_code!r}")


class NothingToClear(Exception):
    """Internal: ends a clear_answer transaction that found nothing, rolling it back."""


class StoreBase:
    """Sessions and the transaction plumbing every store method uses."""

    """All storage operations, each in its own transaction on ``sessions``."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine | None = None
    ) -> None:
        self.sessions = sessions
        self._engine = engine

    @classmethod
    def from_url(cls, url: str | None = None, **engine_kwargs: Any) -> Self:
        """A store owning its own engine (``url`` defaults to ``$DATABASE_URL``); ``close()`` it."""
        engine = create_engine(url, **engine_kwargs)
        return cls(session_factory(engine), engine)

    async def close(self) -> None:
        """Dispose of the engine if this store created it."""
        if self._engine is not None:
            await self._engine.dispose()

    # --- plumbing --------------------------------------------------------------------------

    @asynccontextmanager
    async def _tx(self, *, savepoint: bool = False) -> AsyncIterator[AsyncSession]:
        """A transaction of its own, or the unit of work this task runs.

        Inside :meth:`unit_of_work` every method's writes join the one transaction, with
        no savepoint of their own (issue 15: a SAVEPOINT and its RELEASE per call were two
        round trips each, a third of a step's statements).  So a method that may run in a
        unit raises its refusals (stale, locked, denied) *before* it changes anything, and
        one that expects a constraint to fail asks for ``savepoint=True`` (or uses an
        ``ON CONFLICT`` that cannot fail): on PostgreSQL a failed statement outside a
        savepoint aborts the whole unit.
        """
        unit = _UNIT.get()
        if unit is not None:
            if savepoint:
                async with unit.begin_nested():
                    yield unit
            else:
                yield unit
            return
        async with self.sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[None]:
        """Run every store call of the block in ONE transaction, committed at its end.

        Why: a dialog step writes answers, their audit rows, the dialog position and the
        processed-update mark; committed one by one, a crash between two of them left a
        half-applied step (a false "a colleague changed this", a doubled list entry, a
        Telegram message marked handled but never answered).  Any exception rolls the
        whole block back.  Not reentrant: a nested call joins the outer unit.
        """
        if _UNIT.get() is not None:
            yield
            return
        async with self.sessions() as session, session.begin():
            token = _UNIT.set(session)
            try:
                yield
            finally:
                _UNIT.reset(token)

    async def _retrying(self, work: Callable[[], Awaitable[T]]) -> T:
        """Re-run ``work`` (a whole transaction) when it lost a uniqueness race."""
        for attempt in range(INTEGRITY_RETRIES):
            try:
                return await work()
            except IntegrityError:
                if attempt == INTEGRITY_RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    @staticmethod
    def _audit(
        session: AsyncSession,
        actor: str,
        action: str,
        entity_type: str,
        entity_id: int | None,
        **details: Any,
    ) -> None:
        session.add(
            AuditEvent(
                actor=actor,
                action=action,
                entity_type=entity_type,
                entity_id=entity_id,
                details=details,
            )
        )

    @asynccontextmanager
    async def _read(self, *, single: bool = False) -> AsyncIterator[AsyncSession]:
        """A session for reads only: the unit of work this task runs (no savepoint: a read
        changes nothing to roll back), else a transaction of its own that on SQLite begins
        DEFERRED, so it reads a WAL snapshot and never waits for or holds the write lock.

        ``single``: the block runs one statement, which needs no transaction around it; on
        PostgreSQL it runs in autocommit, without the BEGIN and COMMIT round trips (the
        web chat's session read on every request, issue 15).
        """
        unit = _UNIT.get()
        if unit is not None:
            yield unit
            return
        async with self.sessions() as session:
            options: dict[str, Any] = {"sqlite_read_only": True}
            if single and session.bind.dialect.name == "postgresql":
                options = {"isolation_level": "AUTOCOMMIT"}
            await session.connection(execution_options=options)
            yield session
            await session.commit()

    async def _all(self, query: Select[tuple[T]]) -> list[T]:
        """Every row of a read-only query (see :meth:`_read`)."""
        async with self._read() as s:
            return list((await s.scalars(query)).all())

    @staticmethod
    async def _get(session: AsyncSession, model: type[T], key: Any, *, lock: bool = False) -> T:
        # A locked read refreshes a row the session holds already: inside a unit of work a
        # Core UPDATE (answers.py) may have changed it since the ORM loaded it.
        row = await session.get(model, key, with_for_update=lock or None, populate_existing=lock)
        if row is None:
            raise errors.NotFound(model.__name__, key)
        return row

    @staticmethod
    async def _active_contact(session: AsyncSession, contact_id: int) -> Contact:
        contact = await session.get(Contact, contact_id)
        if contact is None:
            raise errors.NotFound("Contact", contact_id)
        if not contact.active:
            raise errors.AccessDenied(contact_id, "the contact was deactivated")
        return contact

    async def _check_contact_owns(
        self, session: AsyncSession, contact_id: int | None, response: Response
    ) -> None:
        if contact_id is None:
            return
        contact = await self._active_contact(session, contact_id)
        if contact.organisation_id != response.organisation_id:
            raise errors.AccessDenied(
                contact_id, f"response {response.id} belongs to another organisation"
            )

    # --- audit -----------------------------------------------------------------------------

    async def record_event(
        self,
        actor: str,
        action: str,
        entity_type: str,
        entity_id: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> AuditEvent:
        """Record an event that no other repository method records itself."""
        async with self._tx() as s:
            event = AuditEvent(
                actor=actor,
                action=action,
                entity_type=entity_type,
                entity_id=entity_id,
                details=details or {},
            )
            s.add(event)
        return event

    async def list_audit_events(
        self,
        *,
        entity_type: str | None = None,
        entity_id: int | None = None,
        action: str | None = None,
    ) -> list[AuditEvent]:
        """Audit events, oldest first, optionally for one entity or action."""
        query = select(AuditEvent).order_by(AuditEvent.id)
        if entity_type is not None:
            query = query.where(AuditEvent.entity_type == entity_type)
        if entity_id is not None:
            query = query.where(AuditEvent.entity_id == entity_id)
        if action is not None:
            query = query.where(AuditEvent.action == action)
        return await self._all(query)
