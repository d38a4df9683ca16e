"""Who to chase: a campaign's organisations with their responses, contacts and links.

The coordinator's progress view (:mod:`admin.ops.progress`) reads everything it needs in
one transaction through :meth:`RosterStore.campaign_roster`.  A closed campaign reads as
it was when it closed: only the contacts bound and still active at ``closed_at`` count
(a contact released later, or one bound a year later, does not change it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import StoreBase
from storage.membership import members_query
from storage.models import (
    Campaign,
    Contact,
    DialogState,
    Invitation,
    InvitationRedemption,
    Organisation,
    Response,
    WebSession,
    utcnow,
)


@dataclass(frozen=True, slots=True)
class ContactSeen:
    """A contact, when it was last seen (a dialog step or a web request) and the channel
    of the link that bound it (``None`` when the coordinator bound it directly)."""

    contact: Contact
    last_seen_at: datetime | None
    joined_via: str | None


@dataclass(frozen=True, slots=True)
class CampaignRoster:
    """A campaign's members, and per organisation id its response, contacts and links."""

    campaign: Campaign
    organisations: list[Organisation]
    responses: dict[int, Response]
    contacts: dict[int, list[ContactSeen]]
    invitations: dict[int, list[Invitation]]


def bound_at(moment: datetime) -> ColumnElement[bool]:
    """Contacts bound by ``moment`` and not deactivated or released before it."""
    return (Contact.created_at <= moment) & (
        Contact.deactivated_at.is_(None) | (Contact.deactivated_at > moment)
    )


async def _seen(session: AsyncSession, contacts: Iterable[Contact]) -> list[ContactSeen]:
    rows = list(contacts)
    ids = [c.id for c in rows]
    if not ids:
        return []
    steps = dict(
        (
            await session.execute(
                select(DialogState.contact_id, DialogState.updated_at).where(
                    DialogState.contact_id.in_(ids)
                )
            )
        )
        .tuples()
        .all()
    )
    browsers = dict(
        (
            await session.execute(
                select(WebSession.contact_id, func.max(WebSession.last_seen_at))
                .where(WebSession.contact_id.in_(ids))
                .group_by(WebSession.contact_id)
            )
        )
        .tuples()
        .all()
    )
    via: dict[int, str] = {}
    redemptions = await session.execute(
        select(InvitationRedemption.contact_id, InvitationRedemption.channel)
        .where(InvitationRedemption.contact_id.in_(ids))
        .order_by(InvitationRedemption.id)
    )
    for contact_id, channel in redemptions.tuples():
        via.setdefault(contact_id, channel)
    out = []
    for contact in rows:
        times = [t for t in (steps.get(contact.id), browsers.get(contact.id)) if t is not None]
        out.append(ContactSeen(contact, max(times) if times else None, via.get(contact.id)))
    return out


class RosterStore(StoreBase):
    """Reads for the coordinator's "who to chase" and contact lists."""

    async def campaign_roster(
        self, campaign_id: int, *, now: datetime | None = None
    ) -> CampaignRoster:
        """The campaign's members with their responses, the contacts that count for it
        (bound and active at ``closed_at`` for a closed campaign, at ``now`` otherwise)
        and this campaign's invitations — one consistent read."""
        async with self._tx() as s:
            if s.bind.dialect.name == "postgresql":
                await s.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            campaign = await self._get(s, Campaign, campaign_id)
            organisations = list((await s.scalars(members_query(campaign_id))).all())
            ids = [o.id for o in organisations]
            responses = {
                r.organisation_id: r
                for r in await s.scalars(
                    select(Response).where(
                        Response.campaign_id == campaign_id, Response.organisation_id.in_(ids)
                    )
                )
            }
            cut = campaign.closed_at or now or utcnow()
            contacts = (
                await s.scalars(
                    select(Contact)
                    .where(Contact.organisation_id.in_(ids), bound_at(cut))
                    .order_by(Contact.id)
                )
            ).all()
            by_org: dict[int, list[ContactSeen]] = defaultdict(list)
            for seen in await _seen(s, contacts):
                by_org[seen.contact.organisation_id].append(seen)
            links: dict[int, list[Invitation]] = defaultdict(list)
            for invitation in await s.scalars(
                select(Invitation)
                .where(Invitation.campaign_id == campaign_id)
                .order_by(Invitation.id)
            ):
                links[invitation.organisation_id].append(invitation)
        return CampaignRoster(campaign, organisations, responses, dict(by_org), dict(links))

    async def list_contacts_seen(
        self,
        *,
        organisation_ids: Iterable[int] | None = None,
        include_inactive: bool = True,
    ) -> list[ContactSeen]:
        """Contacts by id (of some organisations, or all), with when they were last seen."""
        query = select(Contact).order_by(Contact.id)
        if organisation_ids is not None:
            query = query.where(Contact.organisation_id.in_(list(organisation_ids)))
        if not include_inactive:
            query = query.where(Contact.active.is_(True))
        async with self._tx() as s:
            return await _seen(s, (await s.scalars(query)).all())
