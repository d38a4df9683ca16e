"""Reads the web panel needs and the rest of the store has no use for.

Each read is one short transaction returning detached rows, so a page is built from
one consistent moment per read and never lazy-loads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from storage.base import StoreBase
from storage.models import (
    Answer,
    AnswerRevision,
    AuditEvent,
    Campaign,
    CampaignOrganisation,
    Contact,
    Invitation,
    Organisation,
    Response,
)

AUDIT_PAGE_MAX = 500


@dataclass(frozen=True, slots=True)
class OrganisationRecord:
    """One organisation in one campaign: its sheet, every revision, its people and links."""

    campaign: Campaign
    organisation: Organisation
    response: Response | None
    answers: list[Answer]
    revisions: list[AnswerRevision]
    contacts: list[Contact]
    invitations: list[Invitation]


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What the audit viewer narrows by; ``None`` is "any"."""

    actor: str | None = None
    action: str | None = None
    entity_type: str | None = None
    entity_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


class PanelReadStore(StoreBase):
    """The panel's reads: an organisation's record, campaign counts, the audit log."""

    async def organisation_record(
        self, organisation_id: int, campaign_id: int
    ) -> OrganisationRecord:
        """Everything the organisation page shows, read in one transaction."""
        async with self._tx() as s:
            campaign = await self._get(s, Campaign, campaign_id)
            organisation = await self._get(s, Organisation, organisation_id)
            response = (
                await s.scalars(
                    select(Response).where(
                        Response.organisation_id == organisation_id,
                        Response.campaign_id == campaign_id,
                    )
                )
            ).first()
            answers: list[Answer] = []
            revisions: list[AnswerRevision] = []
            if response is not None:
                answers = list(
                    (
                        await s.scalars(
                            select(Answer)
                            .where(Answer.response_id == response.id)
                            .order_by(Answer.field_code)
                        )
                    ).all()
                )
                revisions = list(
                    (
                        await s.scalars(
                            select(AnswerRevision)
                            .where(AnswerRevision.response_id == response.id)
                            .order_by(AnswerRevision.field_code, AnswerRevision.revision)
                        )
                    ).all()
                )
            contacts = list(
                (
                    await s.scalars(
                        select(Contact)
                        .where(Contact.organisation_id == organisation_id)
                        .order_by(Contact.id)
                    )
                ).all()
            )
            invitations = list(
                (
                    await s.scalars(
                        select(Invitation)
                        .where(
                            Invitation.organisation_id == organisation_id,
                            Invitation.campaign_id == campaign_id,
                        )
                        .order_by(Invitation.id.desc())
                    )
                ).all()
            )
        return OrganisationRecord(
            campaign, organisation, response, answers, revisions, contacts, invitations
        )

    async def response_counts(self) -> dict[int, dict[str, int]]:
        """campaign id → response status → how many (organisations without one not counted)."""
        query = select(Response.campaign_id, Response.status, func.count()).group_by(
            Response.campaign_id, Response.status
        )
        counts: dict[int, dict[str, int]] = {}
        async with self._tx() as s:
            for campaign_id, status, n in (await s.execute(query)).all():
                counts.setdefault(campaign_id, {})[status] = int(n)
        return counts

    async def member_counts(self) -> dict[int, int]:
        """campaign id → how many organisations take part in it (a campaign's own members,
        not the master list: adding next year's organisations leaves last year's "of N")."""
        query = select(CampaignOrganisation.campaign_id, func.count()).group_by(
            CampaignOrganisation.campaign_id
        )
        async with self._tx() as s:
            return {int(c): int(n) for c, n in (await s.execute(query)).all()}

    async def search_audit(
        self, where: AuditFilter, *, before_id: int | None = None, limit: int = 100
    ) -> list[AuditEvent]:
        """Audit events matching ``where``, newest first, ``limit`` at most, older than
        ``before_id`` (the next page starts below the last id shown)."""
        query = select(AuditEvent).order_by(AuditEvent.id.desc())
        if where.actor:
            query = query.where(AuditEvent.actor == where.actor)
        if where.action:
            query = query.where(AuditEvent.action == where.action)
        if where.entity_type:
            query = query.where(AuditEvent.entity_type == where.entity_type)
        if where.entity_id is not None:
            query = query.where(AuditEvent.entity_id == where.entity_id)
        if where.since is not None:
            query = query.where(AuditEvent.at >= where.since)
        if where.until is not None:
            query = query.where(AuditEvent.at < where.until)
        if before_id is not None:
            query = query.where(AuditEvent.id < before_id)
        return await self._all(query.limit(max(1, min(limit, AUDIT_PAGE_MAX))))

    async def audit_choices(self) -> tuple[list[str], list[str]]:
        """The distinct actions and entity types in the log, for the viewer's filter lists."""
        async with self._tx() as s:
            actions = (await s.scalars(select(AuditEvent.action).distinct())).all()
            types = (await s.scalars(select(AuditEvent.entity_type).distinct())).all()
        return sorted(actions), sorted(types)
