"""Campaigns: the annual data requests, their periods, deadlines and status."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from storage import errors
from storage.base import (
    CAMPAIGN_TRANSITIONS,
    StoreBase,
    check_choice,
)
from storage.deadlines import check_deadline, default_deadline
from storage.membership import copy_members
from storage.models import Campaign, CampaignStatus, utcnow


class CampaignStore(StoreBase):
    """Campaigns: the annual data requests, their periods, deadlines and status."""

    # --- campaigns -------------------------------------------------------------------------

    async def create_campaign(
        self,
        *,
        title: str,
        period_start: date,
        period_end: date,
        questionnaire_version: str,
        requested_on: date,
        deadline: date | None = None,
        members_from: int | None = None,
        actor: str,
    ) -> Campaign:
        """A new campaign in ``draft``; the deadline defaults to one month after the request.

        ``members_from``: start with that campaign's organisations (those still on the
        master list) — year two in one step.  Their contacts stay bound to them, so
        nobody already bound needs a new link.  Raises
        :class:`~storage.errors.ImplausibleDeadline` (see
        :func:`~storage.deadlines.check_deadline`).
        """
        if period_start > period_end:
            raise ValueError("period_start must not be after period_end")
        deadline = deadline or default_deadline(requested_on)
        check_deadline(deadline, requested_on=requested_on, period_end=period_end)
        async with self._tx() as s:
            campaign = Campaign(
                title=title,
                period_start=period_start,
                period_end=period_end,
                questionnaire_version=questionnaire_version,
                requested_on=requested_on,
                deadline=deadline,
                status=CampaignStatus.DRAFT.value,
            )
            s.add(campaign)
            await s.flush()
            self._audit(s, actor, "campaign.created", "campaign", campaign.id, title=title)
            if members_from is not None:
                await copy_members(s, members_from, campaign.id, actor)
        return campaign

    async def get_campaign(self, campaign_id: int) -> Campaign:
        async with self._tx() as s:
            return await self._get(s, Campaign, campaign_id)

    async def list_campaigns(self, status: str | None = None) -> list[Campaign]:
        """Campaigns, newest request first."""
        query = select(Campaign).order_by(Campaign.requested_on.desc(), Campaign.id.desc())
        if status is not None:
            query = query.where(Campaign.status == status)
        return await self._all(query)

    async def set_campaign_status(self, campaign_id: int, status: str, *, actor: str) -> Campaign:
        """Open or close a campaign (draft → open → closed; closed may be reopened)."""
        wanted = CampaignStatus(check_choice("status", status, CampaignStatus))
        async with self._tx() as s:
            campaign = await self._get(s, Campaign, campaign_id, lock=True)
            current = CampaignStatus(campaign.status)
            if wanted not in CAMPAIGN_TRANSITIONS[current]:
                raise errors.InvalidTransition("campaign", campaign_id, current, wanted)
            campaign.status = wanted.value
            campaign.closed_at = utcnow() if wanted == CampaignStatus.CLOSED else None
            self._audit(
                s, actor, f"campaign.{wanted.value}", "campaign", campaign_id, previous=current
            )
        return campaign

    async def set_campaign_deadline(
        self, campaign_id: int, deadline: date, *, actor: str
    ) -> Campaign:
        """Move the deadline (the request may set a date other than the default).

        Reminders are logged per deadline, so after an extension the new date's
        reminders go out when due even if the old date's went out already.  Raises
        :class:`~storage.errors.ImplausibleDeadline`.
        """
        async with self._tx() as s:
            campaign = await self._get(s, Campaign, campaign_id, lock=True)
            check_deadline(
                deadline, requested_on=campaign.requested_on, period_end=campaign.period_end
            )
            previous = campaign.deadline
            campaign.deadline = deadline
            self._audit(
                s,
                actor,
                "campaign.deadline_changed",
                "campaign",
                campaign_id,
                previous=previous.isoformat(),
                deadline=deadline.isoformat(),
            )
        return campaign
