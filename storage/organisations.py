"""Organisations and the contacts who answer for them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage import errors
from storage.base import (
    StoreBase,
    check_choice,
)
from storage.models import (
    Contact,
    Language,
    Organisation,
    WebSession,
)


class OrganisationStore(StoreBase):
    """Organisations and the contacts who answer for them."""

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
        check_choice("language", language, Language)
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
            check_choice("language", language, Language)
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
            if not active:
                await self._end_web_sessions(s, contact_id)
            action = "contact.activated" if active else "contact.deactivated"
            self._audit(s, actor, action, "contact", contact_id)
        return contact

    @staticmethod
    async def _end_web_sessions(session: AsyncSession, contact_id: int) -> None:
        """A contact who may no longer answer is signed out of every browser at once."""
        await session.execute(delete(WebSession).where(WebSession.contact_id == contact_id))

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
            await self._end_web_sessions(s, contact_id)
            self._audit(s, actor, "contact.released", "contact", contact_id, **released)
        return contact
