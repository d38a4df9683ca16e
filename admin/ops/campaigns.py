"""Campaigns: create (with last year's organisations), open, close, list, move the deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from admin.ops.errors import OpsError
from dialogs.questionnaire import default
from storage.models import Campaign, CampaignStatus
from storage.repository import Store

TITLE_MAX = 300


@dataclass(frozen=True, slots=True)
class CampaignInfo:
    id: int
    title: str
    status: str
    period_start: date
    period_end: date
    requested_on: date
    deadline: date
    questionnaire_version: str
    closed_at: datetime | None

    @classmethod
    def of(cls, c: Campaign) -> CampaignInfo:
        return cls(
            c.id,
            c.title,
            c.status,
            c.period_start,
            c.period_end,
            c.requested_on,
            c.deadline,
            c.questionnaire_version,
            c.closed_at,
        )


@dataclass(frozen=True, slots=True)
class CreatedCampaign:
    campaign: CampaignInfo
    deadline_defaulted: bool
    members: int
    #: members that already have an active contact: they go on without a new link
    with_contacts: int


@dataclass(frozen=True, slots=True)
class DeadlineMoved:
    campaign: CampaignInfo
    previous: date

    @property
    def extended(self) -> bool:
        return self.campaign.deadline > self.previous


async def with_contacts(store: Store, organisation_ids: list[int]) -> set[int]:
    """Which of these organisations have an active contact."""
    seen = await store.list_contacts_seen(organisation_ids=organisation_ids, include_inactive=False)
    return {s.contact.organisation_id for s in seen}


async def create_campaign(
    store: Store,
    *,
    title: str,
    period_start: date,
    period_end: date,
    requested_on: date,
    deadline: date | None = None,
    members_from: int | None = None,
    all_organisations: bool = False,
    actor: str,
) -> CreatedCampaign:
    """A draft campaign; ``members_from`` copies that campaign's organisations (year two
    in one step: their bound contacts need no new link), ``all_organisations`` takes the
    whole master list.  The deadline defaults to one calendar month after the request."""
    title = " ".join(title.split())
    if not title or len(title) > TITLE_MAX:
        raise OpsError(f"the title must be 1 to {TITLE_MAX} characters")
    if members_from is not None and all_organisations:
        raise OpsError("give either the campaign to copy organisations from or all of them")
    if period_start > period_end:
        raise OpsError(f"the period {period_start}:{period_end} ends before it starts")
    campaign = await store.create_campaign(
        title=title,
        period_start=period_start,
        period_end=period_end,
        questionnaire_version=default().version,
        requested_on=requested_on,
        deadline=deadline,
        members_from=members_from,
        actor=actor,
    )
    if all_organisations:
        ids = [o.id for o in await store.list_organisations()]
        await store.add_campaign_members(campaign.id, ids, actor=actor)
    members = [o.id for o in await store.campaign_organisations(campaign.id)]
    bound = await with_contacts(store, members)
    return CreatedCampaign(CampaignInfo.of(campaign), deadline is None, len(members), len(bound))


async def list_campaigns(store: Store) -> list[CampaignInfo]:
    """Every campaign, newest request first."""
    return [CampaignInfo.of(c) for c in await store.list_campaigns()]


async def open_campaign(store: Store, campaign_id: int, *, actor: str) -> CampaignInfo:
    return CampaignInfo.of(
        await store.set_campaign_status(campaign_id, CampaignStatus.OPEN, actor=actor)
    )


# Closing lists who has not submitted first: admin.ops.progress.close_with_check.


async def move_deadline(
    store: Store, campaign_id: int, deadline: date, *, actor: str
) -> DeadlineMoved:
    """Move the deadline (checked: after the request, within a year of the period's end);
    reminders of the new date count anew."""
    previous = (await store.get_campaign(campaign_id)).deadline
    campaign = await store.set_campaign_deadline(campaign_id, deadline, actor=actor)
    return DeadlineMoved(CampaignInfo.of(campaign), previous)
