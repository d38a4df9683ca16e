"""The repository: every read and write the rest of Saualnama does, as :class:`Store` methods.

``dialogs/``, ``bot/`` and ``admin/`` never write SQL; they hold a ``Store``::

    store = Store(session_factory(create_engine(url)))
    response = await store.get_response_for_contact(contact_id, campaign_id)
    await store.save_answer(response.id, "b01.i01", value=3, contact_id=contact_id,
                            channel="telegram", expected_version=None)

Why a class: it wraps one ``async_sessionmaker`` so callers pass it around as one
typed object; every method opens its own short transaction, and everything that
belongs together (a change and its audit event, an answer and its revision) is
committed in that one transaction.  Methods return detached ORM objects (the
sessions do not expire them on commit), safe to read but not to lazy-load from.

Concurrency, on both backends:

* answers are compare-and-set per field (``expected_version``); a stale edit is
  refused with :class:`~storage.errors.StaleAnswerError`, never applied over a
  newer value; every write also lands in the append-only ``answer_revisions``;
* a write to a response locks its row first (``SELECT … FOR UPDATE`` on
  PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), so a submit and an answer cannot
  interleave, and bumps the response ``version``, so a submit carrying the version
  the person confirmed is refused if a colleague changed anything meanwhile;
* unique constraints decide races on creation (one response per organisation
  and campaign, one contact per Telegram account, one reminder per kind); the
  loser's ``IntegrityError`` is turned into "use the existing row".

Access rule: a contact only ever reaches its own organisation's response; every
method taking ``contact_id`` checks it, so a token or id from another
organisation gets :class:`~storage.errors.AccessDenied`.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage import errors
from storage.db import create_engine, session_factory
from storage.deadlines import default_deadline
from storage.models import (
    Answer,
    AnswerRevision,
    AnswerStatus,
    AuditEvent,
    Campaign,
    CampaignStatus,
    Channel,
    Contact,
    DeliveryStatus,
    DialogState,
    Invitation,
    InvitationRedemption,
    Language,
    Organisation,
    ProcessedUpdate,
    ReminderDelivery,
    Response,
    ResponseStatus,
    utcnow,
)

T = TypeVar("T")

#: How often a transaction that lost a uniqueness race is re-run before giving up.
INTEGRITY_RETRIES = 3
#: Field codes are opaque to storage but bounded by the column.
MAX_FIELD_CODE = 200
DEFAULT_INVITATION_TTL = timedelta(days=45)
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

_CAMPAIGN_TRANSITIONS = {
    CampaignStatus.DRAFT: {CampaignStatus.OPEN, CampaignStatus.CLOSED},
    CampaignStatus.OPEN: {CampaignStatus.CLOSED},
    CampaignStatus.CLOSED: {CampaignStatus.OPEN},
}
_SUBMITTABLE = {ResponseStatus.NOT_STARTED, ResponseStatus.IN_PROGRESS, ResponseStatus.RETURNED}


def hash_token(token: str) -> str:
    """SHA-256 hex of an invitation token: the only form in which tokens are stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def contact_actor(contact_id: int | None) -> str:
    """The audit ``actor`` string of a contact (``"contact:12"``)."""
    return f"contact:{contact_id}"


@dataclass(frozen=True, slots=True)
class DialogSnapshot:
    """What a dialog step reads: see :meth:`Store.dialog_snapshot`."""

    campaign: Campaign
    contact: Contact
    organisation: Organisation
    response: Response
    answers: list[Answer]


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One answer of one organisation, as handed to the exporters (which flatten ``value``)."""

    organisation_id: int
    response_id: int
    response_status: str
    field_code: str
    status: str
    value: Any
    no_data_reason: str | None
    answered_at: datetime
    version: int


def _check_choice(name: str, value: str, allowed: type[Any]) -> str:
    choices = {member.value for member in allowed}
    if value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)}, not {value!r}")
    return str(value)


def _check_field_code(field_code: str) -> None:
    if not field_code or len(field_code) > MAX_FIELD_CODE:
        raise ValueError(f"field_code must be 1..{MAX_FIELD_CODE} characters, got {field_code!r}")


class _NothingToClear(Exception):
    """Internal: ends a clear_answer transaction that found nothing, rolling it back."""


class Store:
    """All storage operations, each in its own transaction on ``sessions``."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine | None = None
    ) -> None:
        self.sessions = sessions
        self._engine = engine

    @classmethod
    def from_url(cls, url: str | None = None, **engine_kwargs: Any) -> Store:
        """A store owning its own engine (``url`` defaults to ``$DATABASE_URL``); ``close()`` it."""
        engine = create_engine(url, **engine_kwargs)
        return cls(session_factory(engine), engine)

    async def close(self) -> None:
        """Dispose of the engine if this store created it."""
        if self._engine is not None:
            await self._engine.dispose()

    # --- plumbing --------------------------------------------------------------------------

    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as session, session.begin():
            yield session

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

    async def _all(self, query: Select[tuple[T]]) -> list[T]:
        """Every row of a read-only query, in its own short transaction."""
        async with self._tx() as s:
            return list((await s.scalars(query)).all())

    @staticmethod
    async def _get(session: AsyncSession, model: type[T], key: Any, *, lock: bool = False) -> T:
        row = await session.get(model, key, with_for_update=lock or None)
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

    # --- campaigns -------------------------------------------------------------------------

    async def create_campaign(
        self,
        *,
        title: str,
        period_start: date,
        period_end: date,
        questionnaire_version: str,
        requested_on: date,
        deadline: date | None = None,
        actor: str,
    ) -> Campaign:
        """A new campaign in ``draft``; the deadline defaults to one month after the request."""
        if period_start > period_end:
            raise ValueError("period_start must not be after period_end")
        async with self._tx() as s:
            campaign = Campaign(
                title=title,
                period_start=period_start,
                period_end=period_end,
                questionnaire_version=questionnaire_version,
                requested_on=requested_on,
                deadline=deadline or default_deadline(requested_on),
                status=CampaignStatus.DRAFT.value,
            )
            s.add(campaign)
            await s.flush()
            self._audit(s, actor, "campaign.created", "campaign", campaign.id, title=title)
        return campaign

    async def get_campaign(self, campaign_id: int) -> Campaign:
        async with self._tx() as s:
            return await self._get(s, Campaign, campaign_id)

    async def list_campaigns(self, status: str | None = None) -> list[Campaign]:
        """Campaigns, newest request first."""
        query = select(Campaign).order_by(Campaign.requested_on.desc(), Campaign.id.desc())
        if status is not None:
            query = query.where(Campaign.status == status)
        return await self._all(query)

    async def set_campaign_status(self, campaign_id: int, status: str, *, actor: str) -> Campaign:
        """Open or close a campaign (draft → open → closed; closed may be reopened)."""
        wanted = CampaignStatus(_check_choice("status", status, CampaignStatus))
        async with self._tx() as s:
            campaign = await self._get(s, Campaign, campaign_id, lock=True)
            current = CampaignStatus(campaign.status)
            if wanted not in _CAMPAIGN_TRANSITIONS[current]:
                raise errors.InvalidTransition("campaign", campaign_id, current, wanted)
            campaign.status = wanted.value
            self._audit(
                s, actor, f"campaign.{wanted.value}", "campaign", campaign_id, previous=current
            )
        return campaign

    async def set_campaign_deadline(self, campaign_id: int, deadline: date, *, actor: str) -> None:
        """Move the deadline (the request may set a date other than the default)."""
        async with self._tx() as s:
            campaign = await self._get(s, Campaign, campaign_id, lock=True)
            previous = campaign.deadline
            campaign.deadline = deadline
            self._audit(
                s,
                actor,
                "campaign.deadline_changed",
                "campaign",
                campaign_id,
                previous=previous.isoformat(),
                deadline=deadline.isoformat(),
            )

    # --- organisations and contacts -------------------------------------------------------

    async def create_organisation(
        self,
        *,
        name_ru: str,
        name_kk: str,
        subject_kind: str,
        region: str | None = None,
        blocks: Sequence[int] = (),
    ) -> Organisation:
        async with self._tx() as s:
            organisation = Organisation(
                name_ru=name_ru,
                name_kk=name_kk,
                subject_kind=subject_kind,
                region=region,
                blocks=[int(b) for b in blocks],
            )
            s.add(organisation)
        return organisation

    async def get_organisation(self, organisation_id: int) -> Organisation:
        async with self._tx() as s:
            return await self._get(s, Organisation, organisation_id)

    async def list_organisations(self, subject_kind: str | None = None) -> list[Organisation]:
        query = select(Organisation).order_by(Organisation.id)
        if subject_kind is not None:
            query = query.where(Organisation.subject_kind == subject_kind)
        return await self._all(query)

    async def update_organisation(
        self,
        organisation_id: int,
        *,
        name_ru: str | None = None,
        name_kk: str | None = None,
        region: str | None = None,
        blocks: Sequence[int] | None = None,
    ) -> Organisation:
        """Change the given attributes; ``None`` leaves an attribute as it is."""
        async with self._tx() as s:
            organisation = await self._get(s, Organisation, organisation_id, lock=True)
            if name_ru is not None:
                organisation.name_ru = name_ru
            if name_kk is not None:
                organisation.name_kk = name_kk
            if region is not None:
                organisation.region = region
            if blocks is not None:
                organisation.blocks = [int(b) for b in blocks]
        return organisation

    async def create_contact(
        self,
        organisation_id: int,
        *,
        telegram_user_id: int | None = None,
        web_login: str | None = None,
        display_name: str = "",
        language: str = "ru",
        actor: str,
    ) -> Contact:
        """Bind a person to an organisation directly (the coordinator, without an invitation).

        Raises :class:`~storage.errors.AlreadyBoundElsewhere` if the identity is taken.
        """
        if telegram_user_id is None and web_login is None:
            raise ValueError("a contact needs a telegram_user_id or a web_login")
        _check_choice("language", language, Language)
        try:
            async with self._tx() as s:
                await self._get(s, Organisation, organisation_id)
                contact = Contact(
                    organisation_id=organisation_id,
                    telegram_user_id=telegram_user_id,
                    web_login=web_login,
                    display_name=display_name,
                    language=language,
                    active=True,
                )
                s.add(contact)
                await s.flush()
                self._audit(
                    s,
                    actor,
                    "contact.created",
                    "contact",
                    contact.id,
                    organisation_id=organisation_id,
                )
            return contact
        except IntegrityError:
            existing = await self.find_contact(
                telegram_user_id=telegram_user_id, web_login=web_login
            )
            if existing is None:
                raise
            raise errors.AlreadyBoundElsewhere(existing.id, existing.organisation_id) from None

    async def get_contact(self, contact_id: int) -> Contact:
        async with self._tx() as s:
            return await self._get(s, Contact, contact_id)

    async def find_contact(
        self, *, telegram_user_id: int | None = None, web_login: str | None = None
    ) -> Contact | None:
        """The contact with this Telegram account or web login (active or not), if any."""
        if (telegram_user_id is None) == (web_login is None):
            raise ValueError("give exactly one of telegram_user_id and web_login")
        query = select(Contact)
        if telegram_user_id is not None:
            query = query.where(Contact.telegram_user_id == telegram_user_id)
        else:
            query = query.where(Contact.web_login == web_login)
        async with self._tx() as s:
            return (await s.scalars(query)).one_or_none()

    async def list_contacts(
        self, organisation_id: int, *, active_only: bool = False
    ) -> list[Contact]:
        query = select(Contact).where(Contact.organisation_id == organisation_id)
        if active_only:
            query = query.where(Contact.active.is_(True))
        return await self._all(query.order_by(Contact.id))

    async def update_contact(
        self, contact_id: int, *, display_name: str | None = None, language: str | None = None
    ) -> Contact:
        """Change the display name or preferred language (``"ru"``, ``"kk"``, ``"en"``)."""
        if language is not None:
            _check_choice("language", language, Language)
        async with self._tx() as s:
            contact = await self._get(s, Contact, contact_id, lock=True)
            if display_name is not None:
                contact.display_name = display_name
            if language is not None:
                contact.language = language
        return contact

    async def set_contact_active(self, contact_id: int, active: bool, *, actor: str) -> Contact:
        """Deactivate (or reactivate) a contact: an inactive contact can read and write nothing."""
        async with self._tx() as s:
            contact = await self._get(s, Contact, contact_id, lock=True)
            contact.active = active
            action = "contact.activated" if active else "contact.deactivated"
            self._audit(s, actor, action, "contact", contact_id)
        return contact

    async def release_contact(self, contact_id: int, *, actor: str) -> Contact:
        """Deactivate a contact and free its Telegram account / web login for another binding.

        The row stays so that answers and history still say who wrote them.
        """
        async with self._tx() as s:
            contact = await self._get(s, Contact, contact_id, lock=True)
            released = {
                "telegram_user_id": contact.telegram_user_id,
                "web_login": contact.web_login,
            }
            contact.active = False
            contact.telegram_user_id = None
            contact.web_login = None
            self._audit(s, actor, "contact.released", "contact", contact_id, **released)
        return contact

    # --- invitations -----------------------------------------------------------------------

    async def create_invitation(
        self,
        organisation_id: int,
        campaign_id: int,
        *,
        actor: str,
        expires_at: datetime | None = None,
        max_uses: int = 1,
    ) -> tuple[Invitation, str]:
        """A new invitation and its plaintext token (shown once; only its hash is stored).

        The token is ``secrets.token_urlsafe(32)``: 43 characters of ``A-Za-z0-9_-``, fit
        for a Telegram deep link.  ``expires_at`` defaults to 45 days from now.
        """
        if max_uses < 1:
            raise ValueError("max_uses must be at least 1")
        token = secrets.token_urlsafe(32)
        async with self._tx() as s:
            await self._get(s, Organisation, organisation_id)
            await self._get(s, Campaign, campaign_id)
            invitation = Invitation(
                token_hash=hash_token(token),
                organisation_id=organisation_id,
                campaign_id=campaign_id,
                expires_at=expires_at or utcnow() + DEFAULT_INVITATION_TTL,
                max_uses=max_uses,
                uses=0,
                created_by=actor,
            )
            s.add(invitation)
            await s.flush()
            self._audit(
                s,
                actor,
                "invitation.created",
                "invitation",
                invitation.id,
                organisation_id=organisation_id,
                campaign_id=campaign_id,
                max_uses=max_uses,
                expires_at=invitation.expires_at.isoformat(),
            )
        return invitation, token

    async def redeem_invitation(
        self,
        token: str,
        *,
        campaign_id: int | None = None,
        telegram_user_id: int | None = None,
        web_login: str | None = None,
        channel: str,
        display_name: str = "",
        language: str = "ru",
    ) -> Contact:
        """Bind the person to the invitation's organisation and return their contact.

        Creates the contact if the identity is new.  A contact already (actively) bound
        to the same organisation gets its contact back without using up the invitation,
        so clicking a link twice is harmless.  Raises, in this order of checks:
        :class:`~storage.errors.InvalidInvitation`,
        :class:`~storage.errors.WrongCampaignInvitation` (when ``campaign_id`` is given),
        :class:`~storage.errors.ExpiredInvitation`,
        :class:`~storage.errors.AlreadyBoundElsewhere`,
        :class:`~storage.errors.UsedUpInvitation`.
        """
        if (telegram_user_id is None) == (web_login is None):
            raise ValueError("give exactly one of telegram_user_id and web_login")
        _check_choice("channel", channel, Channel)
        _check_choice("language", language, Language)
        if not _TOKEN_RE.match(token):
            raise errors.InvalidInvitation()
        token_hash = hash_token(token)

        async def work() -> Contact:
            async with self._tx() as s:
                invitation = (
                    await s.scalars(
                        select(Invitation)
                        .where(Invitation.token_hash == token_hash)
                        .with_for_update()
                    )
                ).one_or_none()
                if invitation is None:
                    raise errors.InvalidInvitation()
                if campaign_id is not None and invitation.campaign_id != campaign_id:
                    raise errors.WrongCampaignInvitation(invitation.campaign_id, campaign_id)
                if utcnow() >= invitation.expires_at:
                    raise errors.ExpiredInvitation(invitation.expires_at)
                identity = (
                    Contact.telegram_user_id == telegram_user_id
                    if telegram_user_id is not None
                    else Contact.web_login == web_login
                )
                contact = (
                    await s.scalars(select(Contact).where(identity).with_for_update())
                ).one_or_none()
                if contact is not None:
                    if contact.organisation_id != invitation.organisation_id:
                        raise errors.AlreadyBoundElsewhere(contact.id, contact.organisation_id)
                    if contact.active:
                        return contact
                if invitation.uses >= invitation.max_uses:
                    raise errors.UsedUpInvitation(invitation.max_uses)
                invitation.uses += 1
                if contact is None:
                    contact = Contact(
                        organisation_id=invitation.organisation_id,
                        telegram_user_id=telegram_user_id,
                        web_login=web_login,
                        display_name=display_name,
                        language=language,
                        active=True,
                    )
                    s.add(contact)
                else:
                    contact.active = True
                await s.flush()
                s.add(
                    InvitationRedemption(
                        invitation_id=invitation.id, contact_id=contact.id, channel=channel
                    )
                )
                self._audit(
                    s,
                    contact_actor(contact.id),
                    "invitation.redeemed",
                    "invitation",
                    invitation.id,
                    organisation_id=invitation.organisation_id,
                    channel=channel,
                )
                return contact

        return await self._retrying(work)

    async def get_invitation(self, invitation_id: int) -> Invitation:
        async with self._tx() as s:
            return await self._get(s, Invitation, invitation_id)

    async def list_redemptions(self, invitation_id: int) -> list[InvitationRedemption]:
        query = (
            select(InvitationRedemption)
            .where(InvitationRedemption.invitation_id == invitation_id)
            .order_by(InvitationRedemption.id)
        )
        return await self._all(query)

    # --- responses -------------------------------------------------------------------------

    async def get_or_create_response(self, organisation_id: int, campaign_id: int) -> Response:
        """The organisation's response to the campaign, created ``not_started`` if missing.

        Safe under concurrency: the insert runs in a savepoint, and the loser of the race
        on the (organisation, campaign) unique constraint reads the winner's row.
        """
        async with self._tx() as s:
            await self._get(s, Organisation, organisation_id)
            await self._get(s, Campaign, campaign_id)
            existing = await self._find_response(s, organisation_id, campaign_id)
            if existing is not None:
                return existing
            response = Response(
                organisation_id=organisation_id,
                campaign_id=campaign_id,
                status=ResponseStatus.NOT_STARTED.value,
                version=1,
            )
            try:
                async with s.begin_nested():
                    s.add(response)
            except IntegrityError:
                existing = await self._find_response(s, organisation_id, campaign_id)
                if existing is None:
                    raise
                return existing
            return response

    @staticmethod
    async def _find_response(
        session: AsyncSession, organisation_id: int, campaign_id: int
    ) -> Response | None:
        query = select(Response).where(
            Response.organisation_id == organisation_id, Response.campaign_id == campaign_id
        )
        return (await session.scalars(query)).one_or_none()

    async def get_response(self, response_id: int) -> Response:
        """A response by id, for the coordinator (contacts go through
        :meth:`get_response_for_contact`)."""
        async with self._tx() as s:
            return await self._get(s, Response, response_id)

    async def get_response_for_contact(self, contact_id: int, campaign_id: int) -> Response:
        """The response of the contact's own organisation (created if missing) — never another's.

        Raises :class:`~storage.errors.AccessDenied` for a deactivated contact.
        """
        async with self._tx() as s:
            contact = await self._active_contact(s, contact_id)
            organisation_id = contact.organisation_id
        return await self.get_or_create_response(organisation_id, campaign_id)

    async def dialog_snapshot(self, contact_id: int, campaign_id: int) -> DialogSnapshot:
        """Everything one dialog step reads, in one short transaction.

        A person's every message needs the campaign, their organisation, its response and
        its answers; reading them together keeps a step to one read and one write
        transaction.  Only the contact's own organisation is ever read.
        """
        async with self._tx() as s:
            contact = await self._active_contact(s, contact_id)
            campaign = await self._get(s, Campaign, campaign_id)
            organisation = await self._get(s, Organisation, contact.organisation_id)
            response = await self._find_response(s, organisation.id, campaign_id)
            answers: list[Answer] = []
            if response is not None:
                query = select(Answer).where(Answer.response_id == response.id)
                answers = list((await s.scalars(query)).all())
        if response is None:
            response = await self.get_or_create_response(organisation.id, campaign_id)
        return DialogSnapshot(campaign, contact, organisation, response, answers)

    async def list_responses(
        self, campaign_id: int, *, status: str | None = None
    ) -> list[Response]:
        query = select(Response).where(Response.campaign_id == campaign_id)
        if status is not None:
            query = query.where(Response.status == status)
        return await self._all(query.order_by(Response.organisation_id))

    async def submit_response(
        self,
        response_id: int,
        *,
        expected_version: int,
        contact_id: int | None,
        actor: str | None = None,
    ) -> Response:
        """Submit the response as it was at ``expected_version`` (the version the person confirmed).

        Raises :class:`~storage.errors.ResponseLockedError` if already submitted,
        :class:`~storage.errors.StaleResponseError` if anything changed since that version,
        :class:`~storage.errors.AccessDenied` if ``contact_id`` belongs elsewhere.
        """
        async with self._tx() as s:
            response = await self._get(s, Response, response_id, lock=True)
            await self._check_contact_owns(s, contact_id, response)
            if response.status not in _SUBMITTABLE:
                raise errors.ResponseLockedError(response_id, response.status)
            if response.version != expected_version:
                raise errors.StaleResponseError(response_id, expected_version, response.version)
            now = utcnow()
            response.status = ResponseStatus.SUBMITTED.value
            response.submitted_at = now
            response.submitted_by = contact_id
            response.return_reason = None
            response.version += 1
            response.updated_at = now
            self._audit(
                s,
                actor or contact_actor(contact_id),
                "response.submitted",
                "response",
                response_id,
                version=response.version,
            )
        return response

    async def return_for_correction(
        self,
        response_id: int,
        reason: str,
        *,
        actor: str,
        expected_version: int | None = None,
    ) -> Response:
        """The coordinator sends a submitted response back, saying what to correct."""
        if not reason.strip():
            raise ValueError("a return needs a reason the organisation can act on")
        async with self._tx() as s:
            response = await self._get(s, Response, response_id, lock=True)
            if response.status != ResponseStatus.SUBMITTED:
                raise errors.InvalidTransition(
                    "response", response_id, response.status, ResponseStatus.RETURNED
                )
            if expected_version is not None and response.version != expected_version:
                raise errors.StaleResponseError(response_id, expected_version, response.version)
            response.status = ResponseStatus.RETURNED.value
            response.return_reason = reason
            response.version += 1
            response.updated_at = utcnow()
            self._audit(s, actor, "response.returned", "response", response_id, reason=reason)
        return response

    # --- answers ---------------------------------------------------------------------------

    async def _lock_writable_response(
        self, session: AsyncSession, response_id: int, contact_id: int | None
    ) -> Response:
        response = await self._get(session, Response, response_id, lock=True)
        await self._check_contact_owns(session, contact_id, response)
        if response.status == ResponseStatus.SUBMITTED:
            raise errors.ResponseLockedError(response_id, response.status)
        if response.status == ResponseStatus.NOT_STARTED:
            response.status = ResponseStatus.IN_PROGRESS.value
        response.version += 1
        response.updated_at = utcnow()
        return response

    @staticmethod
    async def _current_answer(
        session: AsyncSession, response_id: int, field_code: str
    ) -> Answer | None:
        query = (
            select(Answer)
            .where(Answer.response_id == response_id, Answer.field_code == field_code)
            .with_for_update()
        )
        return (await session.scalars(query)).one_or_none()

    @staticmethod
    def _check_expected(
        response_id: int, field_code: str, expected_version: int | None, answer: Answer | None
    ) -> None:
        """``None``: no check; ``0``: the field must have no answer; ``n``: must be at ``n``."""
        if expected_version is None:
            return
        current = answer.version if answer is not None else None
        if (current or 0) != expected_version:
            raise errors.StaleAnswerError(
                response_id,
                field_code,
                expected_version,
                current,
                answer.value if answer is not None else None,
                answer.status if answer is not None else None,
            )

    async def save_answer(
        self,
        response_id: int,
        field_code: str,
        *,
        value: Any = None,
        no_data_reason: str | None = None,
        contact_id: int | None,
        channel: str,
        expected_version: int | None = None,
    ) -> Answer:
        """Write one field of a response in its own transaction, committed before returning.

        Give ``no_data_reason`` (and no ``value``) to record "no data"; otherwise ``value`` is
        the field's JSON value.  ``expected_version`` is the version the person saw (``0`` if
        the field had no answer); if the field changed since, nothing is written and
        :class:`~storage.errors.StaleAnswerError` carries the current value.  ``None`` writes
        unconditionally (last write wins on this field; the history keeps both).
        Raises :class:`~storage.errors.ResponseLockedError` on a submitted response and
        :class:`~storage.errors.AccessDenied` when the contact is of another organisation.
        ``contact_id`` is ``None`` only for coordinator corrections (``channel="admin"``).
        """
        _check_field_code(field_code)
        _check_choice("channel", channel, Channel)
        if no_data_reason is not None and value is not None:
            raise ValueError("give either a value or a no_data_reason, not both")
        status = AnswerStatus.NO_DATA if no_data_reason is not None else AnswerStatus.ANSWERED

        async def work() -> Answer:
            async with self._tx() as s:
                await self._lock_writable_response(s, response_id, contact_id)
                answer = await self._current_answer(s, response_id, field_code)
                self._check_expected(response_id, field_code, expected_version, answer)
                now = utcnow()
                if answer is None:
                    last = await s.scalar(
                        select(func.max(AnswerRevision.revision)).where(
                            AnswerRevision.response_id == response_id,
                            AnswerRevision.field_code == field_code,
                        )
                    )
                    answer = Answer(
                        response_id=response_id, field_code=field_code, version=(last or 0) + 1
                    )
                    s.add(answer)
                else:
                    answer.version += 1
                answer.status = status.value
                answer.value = value
                answer.no_data_reason = no_data_reason
                answer.contact_id = contact_id
                answer.channel = channel
                answer.answered_at = now
                s.add(
                    AnswerRevision(
                        response_id=response_id,
                        field_code=field_code,
                        revision=answer.version,
                        status=status.value,
                        value=value,
                        no_data_reason=no_data_reason,
                        contact_id=contact_id,
                        channel=channel,
                        answered_at=now,
                    )
                )
                return answer

        return await self._retrying(work)

    async def clear_answer(
        self,
        response_id: int,
        field_code: str,
        *,
        contact_id: int | None,
        channel: str,
        expected_version: int | None = None,
    ) -> bool:
        """Remove a field's answer (the clearing is kept as a ``cleared`` revision).

        Returns ``False`` if there was nothing to clear.  Same checks as :meth:`save_answer`.
        """
        _check_field_code(field_code)
        _check_choice("channel", channel, Channel)
        try:
            async with self._tx() as s:
                await self._lock_writable_response(s, response_id, contact_id)
                answer = await self._current_answer(s, response_id, field_code)
                self._check_expected(response_id, field_code, expected_version, answer)
                if answer is None:
                    raise _NothingToClear  # rolls back the response version bump
                s.add(
                    AnswerRevision(
                        response_id=response_id,
                        field_code=field_code,
                        revision=answer.version + 1,
                        status=AnswerStatus.CLEARED.value,
                        value=None,
                        no_data_reason=None,
                        contact_id=contact_id,
                        channel=channel,
                        answered_at=utcnow(),
                    )
                )
                await s.delete(answer)
        except _NothingToClear:
            return False
        return True

    async def get_answer(self, response_id: int, field_code: str) -> Answer | None:
        query = select(Answer).where(
            Answer.response_id == response_id, Answer.field_code == field_code
        )
        async with self._tx() as s:
            return (await s.scalars(query)).one_or_none()

    async def list_answers(
        self, response_id: int, *, contact_id: int | None = None
    ) -> list[Answer]:
        """Current answers of a response by field code; with ``contact_id``, checks access."""
        async with self._tx() as s:
            response = await self._get(s, Response, response_id)
            await self._check_contact_owns(s, contact_id, response)
            query = (
                select(Answer).where(Answer.response_id == response_id).order_by(Answer.field_code)
            )
            return list((await s.scalars(query)).all())

    async def answer_history(self, response_id: int, field_code: str) -> list[AnswerRevision]:
        """Every value ever written to the field (and every clearing), oldest first."""
        query = (
            select(AnswerRevision)
            .where(
                AnswerRevision.response_id == response_id,
                AnswerRevision.field_code == field_code,
            )
            .order_by(AnswerRevision.revision)
        )
        return await self._all(query)

    async def export_answers(
        self, campaign_id: int, *, actor: str, only_submitted: bool = True
    ) -> list[ExportRow]:
        """All answers of a campaign for the exporters; the export is recorded in the audit log."""
        query = (
            select(Response, Answer)
            .join(Answer, Answer.response_id == Response.id)
            .where(Response.campaign_id == campaign_id)
            .order_by(Response.organisation_id, Answer.field_code)
        )
        if only_submitted:
            query = query.where(Response.status == ResponseStatus.SUBMITTED)
        async with self._tx() as s:
            await self._get(s, Campaign, campaign_id)
            rows = [
                ExportRow(
                    organisation_id=response.organisation_id,
                    response_id=response.id,
                    response_status=response.status,
                    field_code=answer.field_code,
                    status=answer.status,
                    value=answer.value,
                    no_data_reason=answer.no_data_reason,
                    answered_at=answer.answered_at,
                    version=answer.version,
                )
                for response, answer in (await s.execute(query)).tuples()
            ]
            self._audit(
                s,
                actor,
                "export.taken",
                "campaign",
                campaign_id,
                rows=len(rows),
                only_submitted=only_submitted,
            )
        return rows

    # --- dialog state ----------------------------------------------------------------------

    async def get_dialog_state(self, contact_id: int) -> DialogState | None:
        """The contact's saved dialog position (``.state``, ``.version``), or ``None``."""
        async with self._tx() as s:
            return await s.get(DialogState, contact_id)

    async def save_dialog_state(
        self, contact_id: int, state: dict[str, Any], *, expected_version: int | None
    ) -> int:
        """Store the dialog state and return its new version.

        ``expected_version``: the version read (``0`` when there was none); a mismatch raises
        :class:`~storage.errors.StaleDialogStateError`.  ``None`` overwrites unconditionally.
        """

        async def work() -> int:
            async with self._tx() as s:
                row = await s.get(DialogState, contact_id, with_for_update=True)
                current = row.version if row is not None else None
                if expected_version is not None and (current or 0) != expected_version:
                    raise errors.StaleDialogStateError(contact_id, expected_version, current)
                if row is None:
                    await self._get(s, Contact, contact_id)
                    row = DialogState(contact_id=contact_id, state=state, version=1)
                    s.add(row)
                else:
                    row.state = state
                    row.version += 1
                row.updated_at = utcnow()
                await s.flush()
                return row.version

        return await self._retrying(work)

    # --- reminders -------------------------------------------------------------------------

    async def record_reminder(
        self,
        campaign_id: int,
        contact_id: int,
        kind: str,
        *,
        channel: str,
        status: str,
        error: str | None = None,
    ) -> bool:
        """Log a reminder delivery; ``False`` if one of this kind was already sent.

        A ``failed`` delivery may be overwritten by a later attempt, a ``sent`` one never.
        """
        _check_choice("channel", channel, Channel)
        _check_choice("status", status, DeliveryStatus)
        async with self._tx() as s:
            query = (
                select(ReminderDelivery)
                .where(
                    ReminderDelivery.campaign_id == campaign_id,
                    ReminderDelivery.contact_id == contact_id,
                    ReminderDelivery.kind == kind,
                )
                .with_for_update()
            )
            existing = (await s.scalars(query)).one_or_none()
            if existing is None:
                delivery = ReminderDelivery(
                    campaign_id=campaign_id,
                    contact_id=contact_id,
                    kind=kind,
                    channel=channel,
                    status=status,
                    error=error,
                )
                try:
                    async with s.begin_nested():
                        s.add(delivery)
                    return True
                except IntegrityError:
                    existing = (await s.scalars(query)).one_or_none()
                    if existing is None:
                        raise
            if existing.status == DeliveryStatus.SENT:
                return False
            existing.channel = channel
            existing.status = status
            existing.error = error
            existing.at = utcnow()
            return True

    async def contacts_due_reminder(self, campaign_id: int, kind: str) -> list[Contact]:
        """Active contacts of organisations that have not submitted the campaign and have
        not yet been sent a reminder of ``kind`` for it (failed deliveries count as not sent)."""
        submitted = select(Response.organisation_id).where(
            Response.campaign_id == campaign_id, Response.status == ResponseStatus.SUBMITTED
        )
        delivered = select(ReminderDelivery.contact_id).where(
            ReminderDelivery.campaign_id == campaign_id,
            ReminderDelivery.kind == kind,
            ReminderDelivery.status == DeliveryStatus.SENT,
        )
        query = (
            select(Contact)
            .where(
                Contact.active.is_(True),
                Contact.organisation_id.not_in(submitted),
                Contact.id.not_in(delivered),
            )
            .order_by(Contact.id)
        )
        return await self._all(query)

    async def list_reminder_deliveries(self, campaign_id: int) -> list[ReminderDelivery]:
        query = (
            select(ReminderDelivery)
            .where(ReminderDelivery.campaign_id == campaign_id)
            .order_by(ReminderDelivery.id)
        )
        return await self._all(query)

    #: A ``pending`` claim older than this is taken to be a crashed sender's and may be re-claimed.
    REMINDER_CLAIM_TIMEOUT = timedelta(minutes=10)

    async def claim_reminder(
        self,
        campaign_id: int,
        contact_id: int,
        kind: str,
        *,
        channel: str,
        stale_after: timedelta | None = None,
    ) -> bool:
        """Claim the right to send one reminder, before sending it; ``True``: go ahead and send.

        Writes the delivery as ``pending`` and commits, so of several senders (processes,
        concurrent runs) exactly one gets ``True``.  ``False`` when it was already ``sent``, or
        is ``pending`` for another sender since less than ``stale_after`` (default
        :attr:`REMINDER_CLAIM_TIMEOUT`; an older claim is a crashed sender's and is taken over).
        A ``failed`` delivery is claimed again (that is the retry).  Report the outcome with
        :meth:`finish_reminder`.
        """
        _check_choice("channel", channel, Channel)
        stale_after = self.REMINDER_CLAIM_TIMEOUT if stale_after is None else stale_after

        async def work() -> bool:
            async with self._tx() as s:
                query = (
                    select(ReminderDelivery)
                    .where(
                        ReminderDelivery.campaign_id == campaign_id,
                        ReminderDelivery.contact_id == contact_id,
                        ReminderDelivery.kind == kind,
                    )
                    .with_for_update()
                )
                existing = (await s.scalars(query)).one_or_none()
                now = utcnow()
                if existing is None:
                    # a concurrent insert of the same claim fails the unique constraint here;
                    # _retrying runs the transaction again, which then finds that row
                    s.add(
                        ReminderDelivery(
                            campaign_id=campaign_id,
                            contact_id=contact_id,
                            kind=kind,
                            channel=channel,
                            status=DeliveryStatus.PENDING.value,
                            error=None,
                            at=now,
                        )
                    )
                    await s.flush()
                    return True
                if existing.status == DeliveryStatus.SENT:
                    return False
                if existing.status == DeliveryStatus.PENDING and now - existing.at < stale_after:
                    return False
                existing.channel = channel
                existing.status = DeliveryStatus.PENDING.value
                existing.at = now
                return True

        return await self._retrying(work)

    async def finish_reminder(
        self,
        campaign_id: int,
        contact_id: int,
        kind: str,
        *,
        status: str,
        error: str | None = None,
    ) -> None:
        """Record how a claimed reminder went: ``sent``, or ``failed`` with ``error``.

        A failed one is claimed again by the next run.  A delivery already ``sent`` stays
        sent (a sender whose stale claim was taken over may report late).  Raises
        :class:`~storage.errors.NotFound` if the reminder was never claimed.
        """
        if status not in (DeliveryStatus.SENT, DeliveryStatus.FAILED):
            raise ValueError(f"status must be 'sent' or 'failed', not {status!r}")
        async with self._tx() as s:
            query = (
                select(ReminderDelivery)
                .where(
                    ReminderDelivery.campaign_id == campaign_id,
                    ReminderDelivery.contact_id == contact_id,
                    ReminderDelivery.kind == kind,
                )
                .with_for_update()
            )
            delivery = (await s.scalars(query)).one_or_none()
            if delivery is None:
                raise errors.NotFound("ReminderDelivery", (campaign_id, contact_id, kind))
            if delivery.status == DeliveryStatus.SENT:
                return
            delivery.status = str(status)
            delivery.error = error if status == DeliveryStatus.FAILED else None
            delivery.at = utcnow()

    # --- idempotent updates ----------------------------------------------------------------

    async def mark_processed(self, channel: str, update_id: int) -> bool:
        """Remember an incoming update; ``False`` if it was seen before (skip it)."""
        try:
            async with self._tx() as s:
                s.add(ProcessedUpdate(channel=channel, update_id=update_id))
            return True
        except IntegrityError:
            return False

    async def forget_processed_before(self, cutoff: datetime) -> int:
        """Drop processed-update marks older than ``cutoff``; returns how many."""
        async with self._tx() as s:
            result = await s.execute(
                delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < cutoff)
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]
