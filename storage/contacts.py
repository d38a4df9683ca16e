"""Contacts: the people who answer for an organisation, and the coordinator's hold on them.

A contact is bound to one organisation (by a Telegram account or a web login); it
answers every campaign its organisation takes part in, so year two needs no new link.
Deactivated contacts stay deactivated whatever link they open (see
:meth:`InvitationStore.redeem_invitation`); released ones free their identity.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage import errors
from storage.base import StoreBase, check_choice
from storage.models import Contact, Language, Organisation, WebSession, utcnow


class ContactStore(StoreBase):
    """Contacts: the people who answer for an organisation."""

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
            if contact.active != active:
                contact.deactivated_at = None if active else utcnow()
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
            if contact.active:
                contact.deactivated_at = utcnow()
            contact.active = False
            contact.telegram_user_id = None
            contact.web_login = None
            await self._end_web_sessions(s, contact_id)
            self._audit(s, actor, "contact.released", "contact", contact_id, **released)
        return contact
