"""Contacts: who answers for which organisation, when they were last seen; release,
deactivate, activate.

*Deactivate* stops a person (they left, or a link reached the wrong one): they can read
and write nothing, and no invitation brings them back.  *Release* also frees their
Telegram account or web login, so the same person can be bound again — to this
organisation or, after changing jobs, to another.  Both keep the row, so answers still
say who gave them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from admin.ops.progress import channels_of
from storage.repository import ContactSeen, Store

ACTIVE, DEACTIVATED, RELEASED = "active", "deactivated", "released"


@dataclass(frozen=True, slots=True)
class ContactInfo:
    id: int
    organisation_id: int
    organisation: str
    display_name: str
    #: ``telegram`` and/or ``web``: how the contact can be reached now
    channels: tuple[str, ...]
    language: str
    state: str
    joined_via: str | None
    created_at: datetime
    last_seen_at: datetime | None


def _info(seen: ContactSeen, names: dict[int, str]) -> ContactInfo:
    c = seen.contact
    channels = channels_of(seen)
    state = ACTIVE if c.active else (DEACTIVATED if channels else RELEASED)
    return ContactInfo(
        c.id,
        c.organisation_id,
        names.get(c.organisation_id, ""),
        c.display_name,
        channels,
        c.language,
        state,
        seen.joined_via,
        c.created_at,
        seen.last_seen_at,
    )


async def list_contacts(
    store: Store,
    *,
    campaign_id: int | None = None,
    organisation_id: int | None = None,
    include_inactive: bool = False,
) -> list[ContactInfo]:
    """Contacts by id: of one organisation, of a campaign's organisations, or all."""
    orgs = (
        await store.campaign_organisations(campaign_id)
        if campaign_id is not None
        else await store.list_organisations(include_removed=True)
    )
    names = {o.id: o.name_ru for o in orgs}
    ids: list[int] | None = list(names) if campaign_id is not None else None
    if organisation_id is not None:
        await store.get_organisation(organisation_id)  # NotFound for a wrong id
        ids = [organisation_id] if ids is None or organisation_id in ids else []
    seen = await store.list_contacts_seen(organisation_ids=ids, include_inactive=include_inactive)
    return [_info(s, names) for s in seen]


async def _one(store: Store, contact_id: int) -> ContactInfo:
    contact = await store.get_contact(contact_id)
    org = await store.get_organisation(contact.organisation_id)
    (seen,) = [
        s
        for s in await store.list_contacts_seen(organisation_ids=[org.id])
        if s.contact.id == contact_id
    ]
    return _info(seen, {org.id: org.name_ru})


async def deactivate_contact(store: Store, contact_id: int, *, actor: str) -> ContactInfo:
    """Stop the contact (signed out of every browser at once); no link reactivates it."""
    await store.set_contact_active(contact_id, False, actor=actor)
    return await _one(store, contact_id)


async def activate_contact(store: Store, contact_id: int, *, actor: str) -> ContactInfo:
    """Let a deactivated contact answer again (a released one has no identity left:
    send the person a new link instead)."""
    await store.set_contact_active(contact_id, True, actor=actor)
    return await _one(store, contact_id)


async def release_contact(store: Store, contact_id: int, *, actor: str) -> ContactInfo:
    """Deactivate and free the Telegram account / web login for a new binding."""
    await store.release_contact(contact_id, actor=actor)
    return await _one(store, contact_id)
