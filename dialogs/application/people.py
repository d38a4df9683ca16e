"""The people who answer, as the channels see them: who they are, their language, access.

Channels get a :class:`Person`, never a storage row, so what a channel may know of a
contact is decided here.
"""

from __future__ import annotations

from dataclasses import dataclass

from dialogs import i18n
from storage.models import Contact
from storage.repository import Store


@dataclass(frozen=True, slots=True)
class Person:
    """One contact: the id the dialog is keyed on, the language texts are shown in."""

    id: int
    organisation_id: int
    language: str
    active: bool


def person_of(contact: Contact) -> Person:
    """The channel's view of a stored contact."""
    return Person(
        id=contact.id,
        organisation_id=contact.organisation_id,
        language=i18n.normalise(contact.language),
        active=contact.active,
    )


class People:
    """Looks people up for the channels."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def get(self, contact_id: int) -> Person:
        """The contact with this id (:class:`~storage.errors.NotFound` if there is none)."""
        return person_of(await self._store.get_contact(contact_id))

    async def by_telegram(self, telegram_user_id: int) -> Person | None:
        """The contact bound to this Telegram account, active or not, or ``None``."""
        contact = await self._store.find_contact(telegram_user_id=telegram_user_id)
        return None if contact is None else person_of(contact)

    async def organisation_name(self, person: Person) -> str:
        """The name of the person's organisation in their language (Russian if no Kazakh)."""
        org = await self._store.get_organisation(person.organisation_id)
        return org.name_kk if person.language == "kk" and org.name_kk else org.name_ru
