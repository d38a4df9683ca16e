"""Which organisations take part in which campaign, and a contact's current campaign.

A campaign's progress, invitations, reminders and exports read its members only, so
adding organisations for 2026 does not turn 2025's "of 40" into "of 42".  Members of
a closed campaign cannot change (reopen it first).  Leaving a campaign keeps the
organisation's answers stored — they come back if it is added again — but revokes
its live links for that campaign.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import errors
from storage.base import StoreBase
from storage.models import (
    Campaign,
    CampaignOrganisation,
    CampaignStatus,
    Invitation,
    Organisation,
    utcnow,
)


async def open_campaign(session: AsyncSession, campaign_id: int) -> Campaign:
    """The campaign, locked, if its members may change (not closed)."""
    campaign = await StoreBase._get(session, Campaign, campaign_id, lock=True)
    if campaign.status == CampaignStatus.CLOSED:
        raise errors.CampaignClosed(campaign_id)
    return campaign


async def is_member(session: AsyncSession, campaign_id: int, organisation_id: int) -> bool:
    return await session.get(CampaignOrganisation, (campaign_id, organisation_id)) is not None


async def join_campaign(
    session: AsyncSession, campaign_id: int, organisation_id: int, actor: str
) -> bool:
    """Make the organisation a member (``False``: it was one already).  The caller has
    checked that the campaign is not closed."""
    organisation = await StoreBase._get(session, Organisation, organisation_id)
    if await is_member(session, campaign_id, organisation_id):
        return False
    if organisation.removed_at is not None:
        raise errors.OrganisationRemoved(organisation_id)
    session.add(
        CampaignOrganisation(
            campaign_id=campaign_id, organisation_id=organisation_id, added_by=actor
        )
    )
    StoreBase._audit(
        session,
        actor,
        "campaign.member_added",
        "campaign",
        campaign_id,
        organisation_id=organisation_id,
    )
    return True


async def leave_campaign(
    session: AsyncSession, campaign_id: int, organisation_id: int, actor: str
) -> bool:
    """Drop one membership and revoke the organisation's live links for that campaign
    (``False``: it was not a member)."""
    gone = await session.execute(
        delete(CampaignOrganisation).where(
            CampaignOrganisation.campaign_id == campaign_id,
            CampaignOrganisation.organisation_id == organisation_id,
        )
    )
    if not gone.rowcount:  # type: ignore[attr-defined]
        return False
    links = await session.scalars(
        select(Invitation).where(
            Invitation.campaign_id == campaign_id,
            Invitation.organisation_id == organisation_id,
            Invitation.revoked_at.is_(None),
        )
    )
    now = utcnow()
    for invitation in links:
        invitation.revoked_at, invitation.revoked_by = now, actor
    StoreBase._audit(
        session,
        actor,
        "campaign.member_removed",
        "campaign",
        campaign_id,
        organisation_id=organisation_id,
    )
    return True


async def copy_members(session: AsyncSession, source_id: int, target_id: int, actor: str) -> int:
    """Give ``target_id`` the members of ``source_id`` that are still on the master list."""
    await StoreBase._get(session, Campaign, source_id)
    query = (
        select(CampaignOrganisation.organisation_id)
        .join(Organisation, Organisation.id == CampaignOrganisation.organisation_id)
        .where(CampaignOrganisation.campaign_id == source_id, Organisation.removed_at.is_(None))
        .order_by(CampaignOrganisation.organisation_id)
    )
    organisation_ids = list((await session.scalars(query)).all())
    for organisation_id in organisation_ids:
        session.add(
            CampaignOrganisation(
                campaign_id=target_id, organisation_id=organisation_id, added_by=actor
            )
        )
    StoreBase._audit(
        session,
        actor,
        "campaign.members_copied",
        "campaign",
        target_id,
        source_campaign_id=source_id,
        organisations=len(organisation_ids),
    )
    return len(organisation_ids)


def members_query(campaign_id: int) -> Select[tuple[Organisation]]:
    """The campaign's organisations by id (removed ones included: they took part)."""
    return (
        select(Organisation)
        .join(CampaignOrganisation, CampaignOrganisation.organisation_id == Organisation.id)
        .where(CampaignOrganisation.campaign_id == campaign_id)
        .order_by(Organisation.id)
    )


def member_ids(campaign_id: int) -> Select[tuple[int]]:
    """The ids of the campaign's organisations, as a subquery."""
    return select(CampaignOrganisation.organisation_id).where(
        CampaignOrganisation.campaign_id == campaign_id
    )


class MembershipStore(StoreBase):
    """Which organisations take part in which campaign."""

    async def campaign_organisations(self, campaign_id: int) -> list[Organisation]:
        """The organisations of a campaign, by id: what its progress, invitations and
        exports cover.  Raises :class:`~storage.errors.NotFound` for an unknown campaign."""
        async with self._tx() as s:
            await self._get(s, Campaign, campaign_id)
            return list((await s.scalars(members_query(campaign_id))).all())

    async def is_campaign_member(self, campaign_id: int, organisation_id: int) -> bool:
        async with self._tx() as s:
            return await is_member(s, campaign_id, organisation_id)

    async def add_campaign_members(
        self, campaign_id: int, organisation_ids: Sequence[int], *, actor: str
    ) -> list[int]:
        """Add organisations to a draft or open campaign; returns the ids newly added.

        All or nothing.  Raises :class:`~storage.errors.CampaignClosed`,
        :class:`~storage.errors.NotFound` (an unknown id) or
        :class:`~storage.errors.OrganisationRemoved`.
        """
        async with self._tx() as s:
            await open_campaign(s, campaign_id)
            added = []
            for organisation_id in dict.fromkeys(organisation_ids):
                if await join_campaign(s, campaign_id, organisation_id, actor):
                    added.append(organisation_id)
            return added

    async def remove_campaign_members(
        self, campaign_id: int, organisation_ids: Sequence[int], *, actor: str
    ) -> list[int]:
        """Take organisations out of a draft or open campaign; returns the ids removed.

        Their answers stay stored (and come back if they are added again); their live
        links for this campaign are revoked.  Raises :class:`~storage.errors.CampaignClosed`.
        """
        async with self._tx() as s:
            await open_campaign(s, campaign_id)
            removed = []
            for organisation_id in dict.fromkeys(organisation_ids):
                if await leave_campaign(s, campaign_id, organisation_id, actor):
                    removed.append(organisation_id)
            return removed

    async def organisation_campaigns(self, organisation_id: int) -> list[Campaign]:
        """The campaigns an organisation takes or took part in, newest request first
        (a contact's menu lists them; closed ones stay readable)."""
        query = (
            select(Campaign)
            .join(CampaignOrganisation, CampaignOrganisation.campaign_id == Campaign.id)
            .where(CampaignOrganisation.organisation_id == organisation_id)
            .order_by(Campaign.requested_on.desc(), Campaign.id.desc())
        )
        return await self._all(query)

    async def current_campaign(self, contact_id: int) -> Campaign | None:
        """The open campaign the contact's organisation takes part in (the newest request
        if several are open), or ``None``: where plain ``/start``, the web chat and every
        reminder lead.  Raises :class:`~storage.errors.AccessDenied` for a deactivated
        contact."""
        async with self._tx() as s:
            contact = await self._active_contact(s, contact_id)
            query = (
                select(Campaign)
                .join(CampaignOrganisation, CampaignOrganisation.campaign_id == Campaign.id)
                .where(
                    CampaignOrganisation.organisation_id == contact.organisation_id,
                    Campaign.status == CampaignStatus.OPEN,
                )
                .order_by(Campaign.requested_on.desc(), Campaign.id.desc())
                .limit(1)
            )
            return (await s.scalars(query)).one_or_none()
