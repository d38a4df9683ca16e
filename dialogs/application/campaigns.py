"""Which campaign a contact answers now: one rule, for every channel.

The dialog service asks :func:`current_campaign` on every step and onboarding asks
:func:`open_campaign_ids` before it lets an invitation in, so the Telegram bot and the
web chat can never disagree about it.  The rule lives here alone so that changing it
(e.g. to "the open campaign the contact's organisation takes part in") is a change of
this module only.
"""

from __future__ import annotations

from storage.repository import Store


class NoCampaign(Exception):
    """No open campaign for this contact: nothing to answer now."""


async def open_campaign_ids(store: Store) -> set[int]:
    """The ids of every campaign that is open now."""
    return {c.id for c in await store.list_campaigns(status="open")}


async def current_campaign(store: Store, contact_id: int, remembered: int | None = None) -> int:
    """The campaign ``contact_id`` answers: the invitation's, else the newest open one.

    ``remembered`` is the campaign the contact's invitation opened (kept in the dialog
    state by onboarding); without one, the open campaign requested last is taken.
    Raises :class:`NoCampaign` when there is none to answer.  ``contact_id`` is not
    consulted yet: it is the seam for a rule that looks at the contact's organisation.
    """
    if remembered is not None:
        return remembered
    open_ = await store.list_campaigns(status="open")
    if not open_:
        raise NoCampaign
    return max(open_, key=lambda c: (c.requested_on, c.id)).id
