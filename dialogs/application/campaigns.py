"""Which campaign a contact answers now: one rule, for every channel.

The dialog service asks :func:`current_campaign` on every step and onboarding asks
:func:`open_campaign_ids` before it lets an invitation in, so the Telegram bot and the
web chat can never disagree about it.  The rule lives here alone so that changing it
is a change of this module only.
"""

from __future__ import annotations

from storage.repository import Store


class NoCampaign(Exception):
    """No open campaign for this contact: nothing to answer now."""


async def open_campaign_ids(store: Store) -> set[int]:
    """The ids of every campaign that is open now."""
    return {c.id for c in await store.list_campaigns(status="open")}


async def current_campaign(store: Store, contact_id: int, remembered: int | None = None) -> int:
    """The campaign ``contact_id`` answers now.

    The campaign the contact's invitation opened (``remembered``, kept in the dialog state
    by onboarding) while it is open; else the open campaign the contact's organisation
    takes part in (the newest, if several); else the remembered one, read-only once closed. Year two thus leads a
    bound contact into the new campaign without a new link, never back into last year.
    Raises :class:`NoCampaign` when there is none to answer.
    """
    if remembered is not None and remembered in await open_campaign_ids(store):
        return remembered  # two open at once: the link's own campaign
    current = await store.current_campaign(contact_id)
    if current is not None:
        return current.id
    if remembered is not None:
        return remembered
    raise NoCampaign
