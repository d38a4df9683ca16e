"""Which campaign a contact answers now: one rule, for every channel.

The dialog service asks :func:`current_campaign` on every step and onboarding asks
:func:`open_campaign_ids` before it lets an invitation in, so the Telegram bot and the
web chat can never disagree about it.  The rule lives here alone so that changing it
is a change of this module only.
"""

from __future__ import annotations

from storage import errors
from storage.models import CampaignStatus
from storage.repository import DialogSnapshot, Store


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


async def current_snapshot(
    store: Store, contact_id: int, remembered: int | None = None
) -> DialogSnapshot:
    """The dialog snapshot of the campaign :func:`current_campaign` chooses.

    Why not simply that function, then the snapshot: a step would read the open
    campaigns first, every time.  The snapshot of the remembered campaign carries its
    status, so in the usual case (the remembered campaign is open) one read answers
    both; otherwise the rule above decides, as it always did.
    """
    snap: DialogSnapshot | None = None
    if remembered is not None:
        try:
            snap = await store.dialog_snapshot(contact_id, remembered)
        except (errors.NotCampaignMember, errors.NotFound):
            snap = None  # the rule below decides (and raises again if it is this one)
        if snap is not None and snap.campaign.status == CampaignStatus.OPEN:
            return snap
    campaign_id = await current_campaign(store, contact_id, remembered)
    if snap is not None and campaign_id == snap.campaign.id:
        return snap
    return await store.dialog_snapshot(contact_id, campaign_id)
