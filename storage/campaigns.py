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
from storage.deadlines import default_deadline
from storage.models import (
    Campaign,
    CampaignStatus,
)


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
        actor: str,
    ) -> Campaign:
        """A new campaign in ``draft``; the deadline defaults to one month after the request."""
        if period_start > period_end:
            raise ValueError("period_start must not be after period_end")
        async with self._tx() as s:
            campaign = Campaign(
                title=title,
                period_start=period_start,
                period_end=period_end,
                questionnaire_version=questionnaire_version,
                requested_on=requested_on,
                deadline=deadline or default_deadline(requested_on),
                status=CampaignStatus.DRAFT.value,
            )
            s.add(campaign)
            await s.flush()
            self._audit(s, actor, "campaign.created", "campaign", campaign.id, title=title)
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
            self._audit(
                s, actor, f"campaign.{wanted.value}", "campaign", campaign_id, previous=current
            )
        return campaign

    async def set_campaign_deadline(self, campaign_id: int, deadline: date, *, actor: str) -> None:
        """Move the deadline (the request may set a date other than the default)."""
        async with self._tx() as s:
            campaign = await self._get(s, Campaign, campaign_id, lock=True)
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
