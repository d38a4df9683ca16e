"""Who to chase: a campaign's organisations with their responses, contacts and links.

The coordinator's progress view (:mod:`admin.ops.progress`) reads everything it needs in
one transaction through :meth:`RosterStore.campaign_roster`, as plain columns (no ORM
objects: a national campaign is 3,000 members per dashboard refresh).  A closed campaign
reads as it was when it closed: only the contacts bound and still active at
``closed_at`` count (a contact released later, or one bound a year later, does not
change it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import StoreBase
from storage.membership import member_ids
from storage.models import (
    Campaign,
    CampaignOrganisation,
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


class MemberRow(NamedTuple):
    """One member and its response's columns (``None`` without a response)."""

    organisation_id: int
    name_ru: str
    subject_kind: str
    region: str | None
    response_id: int | None
    status: str | None
    submitted_at: datetime | None
    updated_at: datetime | None


class RosterContact(NamedTuple):
    """A contact that counts for the campaign: how to reach it and when it was last seen."""

    id: int
    organisation_id: int
    display_name: str
    language: str
    telegram_user_id: int | None
    web_login: str | None
    email: str | None
    last_seen_at: datetime | None
    joined_via: str | None


class LinkTally(NamedTuple):
    """An organisation's invitation links for the campaign: made, used, revoked."""

    made: int
    used: int
    revoked: int


@dataclass(frozen=True, slots=True)
class CampaignRoster:
    """A campaign's members (by id) with their responses, and per organisation id its
    contacts and link counts — plain columns, no ORM objects: a national campaign's
    dashboard reads 3,000 of them per refresh."""

    campaign: Campaign
    members: list[MemberRow]
    contacts: dict[int, list[RosterContact]]
    links: dict[int, LinkTally]


def bound_at(moment: datetime) -> ColumnElement[bool]:
    """Contacts bound by ``moment`` and not deactivated or released before it."""
    return (Contact.created_at <= moment) & (
        Contact.deactivated_at.is_(None) | (Contact.deactivated_at > moment)
    )


async def _last_seen(
    session: AsyncSession, ids: list[int]
) -> dict[int, tuple[datetime | None, str | None]]:
    """Contact id → (last seen: a dialog step or a web request, the channel of the
    first link that bound it — ``None`` when the coordinator bound it directly)."""
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
    out: dict[int, tuple[datetime | None, str | None]] = {}
    for contact_id in ids:
        times = [t for t in (steps.get(contact_id), browsers.get(contact_id)) if t is not None]
        out[contact_id] = (max(times) if times else None, via.get(contact_id))
    return out


async def _seen(session: AsyncSession, contacts: Iterable[Contact]) -> list[ContactSeen]:
    rows = list(contacts)
    if not rows:
        return []
    seen = await _last_seen(session, [c.id for c in rows])
    return [ContactSeen(c, *seen[c.id]) for c in rows]


def _members(campaign_id: int) -> Select[tuple[Any, ...]]:
    """Members by id, each joined with its response for the campaign (one at most)."""
    return (
        select(
            Organisation.id,
            Organisation.name_ru,
            Organisation.subject_kind,
            Organisation.region,
            Response.id,
            Response.status,
            Response.submitted_at,
            Response.updated_at,
        )
        .join(CampaignOrganisation, CampaignOrganisation.organisation_id == Organisation.id)
        .outerjoin(
            Response,
            (Response.organisation_id == Organisation.id) & (Response.campaign_id == campaign_id),
        )
        .where(CampaignOrganisation.campaign_id == campaign_id)
        .order_by(Organisation.id)
    )


def _link_counts(campaign_id: int) -> Select[tuple[Any, ...]]:
    """Per organisation: links made, used at least once, revoked (counted by the database)."""
    return (
        select(
            Invitation.organisation_id,
            func.count(),
            func.sum(case((Invitation.uses > 0, 1), else_=0)),
            func.sum(case((Invitation.revoked_at.is_not(None), 1), else_=0)),
        )
        .where(Invitation.campaign_id == campaign_id)
        .group_by(Invitation.organisation_id)
    )


async def _roster_contacts(
    session: AsyncSession, campaign_id: int, cut: datetime
) -> list[RosterContact]:
    """The members' contacts bound at ``cut``, by id, with last seen and joined via."""
    rows = (
        await session.execute(
            select(
                Contact.id,
                Contact.organisation_id,
                Contact.display_name,
                Contact.language,
                Contact.telegram_user_id,
                Contact.web_login,
                Contact.email,
            )
            .where(Contact.organisation_id.in_(member_ids(campaign_id)), bound_at(cut))
            .order_by(Contact.id)
        )
    ).all()
    if not rows:
        return []
    seen = await _last_seen(session, [r[0] for r in rows])
    out = []
    for c_id, org_id, name, language, telegram, web, email in rows:
        last_seen_at, joined_via = seen[c_id]
        out.append(
            RosterContact(
                c_id, org_id, name, language, telegram, web, email, last_seen_at, joined_via
            )
        )
    return out


class RosterStore(StoreBase):
    """Reads for the coordinator's "who to chase" and contact lists."""

    async def campaign_roster(
        self, campaign_id: int, *, now: datetime | None = None
    ) -> CampaignRoster:
        """The campaign's members with their responses, the contacts that count for it
        (bound and active at ``closed_at`` for a closed campaign, at ``now`` otherwise)
        and this campaign's link counts — one consistent read of columns only."""
        async with self._tx() as s:
            if s.bind.dialect.name == "postgresql":
                await s.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            campaign = await self._get(s, Campaign, campaign_id)
            members = [MemberRow(*row) for row in await s.execute(_members(campaign_id))]
            cut = campaign.closed_at or now or utcnow()
            by_org: dict[int, list[RosterContact]] = defaultdict(list)
            for contact in await _roster_contacts(s, campaign_id, cut):
                by_org[contact.organisation_id].append(contact)
            links = {
                org_id: LinkTally(int(made), int(used or 0), int(revoked or 0))
                for org_id, made, used, revoked in await s.execute(_link_counts(campaign_id))
            }
        return CampaignRoster(campaign, members, dict(by_org), links)

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
