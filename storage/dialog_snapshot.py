"""What one dialog step reads, in two statements: the contact's world, then the answers.

A person's every message needs the campaign, their organisation, its response, the
membership that lets them answer it, this year's answers and last year's submitted ones.
Read through the ORM that was eight statements and as many identity-map objects per step
(issue 15's profile: ``AsyncSession.get`` was 30 % of a worker's time); here one joined
Core read brings every row the step needs and a second the answers of both years, as
plain frozen records.  Nothing is cached: every step sees the campaign's status, the
organisation's names and blocks and the answers as committed, on any worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import BindParameter, Select, and_, bindparam, select
from sqlalchemy.orm import aliased

from storage import errors
from storage.models import (
    Answer,
    Campaign,
    CampaignOrganisation,
    Contact,
    Organisation,
    Response,
    ResponseStatus,
)
from storage.responses import ResponseStore


@dataclass(frozen=True, slots=True)
class SnapshotCampaign:
    id: int
    status: str
    period_start: date
    period_end: date
    deadline: date


@dataclass(frozen=True, slots=True)
class SnapshotContact:
    id: int
    organisation_id: int
    language: str
    active: bool


@dataclass(frozen=True, slots=True)
class SnapshotOrganisation:
    id: int
    name_ru: str
    name_kk: str
    blocks: list[int]


@dataclass(frozen=True, slots=True)
class SnapshotResponse:
    id: int
    organisation_id: int
    status: str
    return_reason: str | None
    return_items: dict[str, Any] | None
    version: int


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """One field's current answer, as the dialog reads it."""

    field_code: str
    status: str
    value: Any
    no_data_reason: str | None
    version: int


@dataclass(frozen=True, slots=True)
class DialogSnapshot:
    """What a dialog step reads: see :meth:`DialogSnapshotStore.dialog_snapshot`."""

    campaign: SnapshotCampaign
    contact: SnapshotContact
    organisation: SnapshotOrganisation
    response: SnapshotResponse
    answers: list[StoredAnswer]
    #: The answers the organisation submitted for the latest earlier period ("last year").
    last_year: list[StoredAnswer]


def _world() -> Select[Any]:
    """The contact, its organisation, the campaign, the membership, the response, and the
    id of last year's submitted response, in one row (none: no such contact).

    Built once (:data:`WORLD`, with bound parameters): building it per step, aliases and
    all, cost more CPU than running it.
    """
    contact_id: BindParameter[int] = bindparam("contact_id")
    campaign_id: BindParameter[int] = bindparam("campaign_id")
    current = aliased(Campaign)
    earlier_response, earlier = aliased(Response), aliased(Campaign)
    last_year = (
        select(earlier_response.id)
        .join(earlier, earlier.id == earlier_response.campaign_id)
        .where(
            earlier_response.organisation_id == Contact.organisation_id,
            earlier_response.status == ResponseStatus.SUBMITTED.value,
            earlier.period_end < current.period_start,
        )
        .order_by(earlier.period_end.desc())
        .limit(1)
        .correlate(Contact, current)
        .scalar_subquery()
    )
    membership = and_(
        CampaignOrganisation.campaign_id == current.id,
        CampaignOrganisation.organisation_id == Contact.organisation_id,
    )
    this_response = and_(
        Response.organisation_id == Contact.organisation_id, Response.campaign_id == current.id
    )
    return (
        select(
            Contact.organisation_id,
            Contact.language,
            Contact.active,
            Organisation.name_ru,
            Organisation.name_kk,
            Organisation.blocks,
            current.id.label("campaign_id"),
            current.status.label("campaign_status"),
            current.period_start,
            current.period_end,
            current.deadline,
            CampaignOrganisation.organisation_id.label("member"),
            Response.id.label("response_id"),
            Response.status.label("response_status"),
            Response.return_reason,
            Response.return_items,
            Response.version,
            last_year.label("last_year_id"),
        )
        .select_from(Contact)
        .join(Organisation, Organisation.id == Contact.organisation_id)
        .outerjoin(current, current.id == campaign_id)
        .outerjoin(CampaignOrganisation, membership)
        .outerjoin(Response, this_response)
        .where(Contact.id == contact_id)
    )


WORLD = _world()
ANSWERS = select(
    Answer.response_id,
    Answer.field_code,
    Answer.status,
    Answer.value,
    Answer.no_data_reason,
    Answer.version,
).where(Answer.response_id.in_(bindparam("ids", expanding=True)))


def _stored(row: Any) -> StoredAnswer:
    return StoredAnswer(row.field_code, row.status, row.value, row.no_data_reason, row.version)


class DialogSnapshotStore(ResponseStore):
    """The dialog step's read (a response is created through :class:`ResponseStore`)."""

    async def dialog_snapshot(self, contact_id: int, campaign_id: int) -> DialogSnapshot:
        """Everything one dialog step reads: two statements in the step's transaction.

        Only the contact's own organisation is ever read, and only for a campaign it takes
        part in (else :class:`~storage.errors.NotCampaignMember`); a deactivated contact
        gets :class:`~storage.errors.AccessDenied`.  The response is created on the first
        step (``not_started``).
        """
        async with self._read() as s:
            params = {"contact_id": contact_id, "campaign_id": campaign_id}
            row = (await s.execute(WORLD, params)).one_or_none()
            if row is None:
                raise errors.NotFound("Contact", contact_id)
            if not row.active:
                raise errors.AccessDenied(contact_id, "the contact was deactivated")
            if row.campaign_id is None:
                raise errors.NotFound("Campaign", campaign_id)
            if row.member is None:
                raise errors.NotCampaignMember(row.organisation_id, campaign_id, contact_id)
            wanted = [i for i in (row.response_id, row.last_year_id) if i is not None]
            answers: list[Any] = []
            if wanted:
                answers = list((await s.execute(ANSWERS, {"ids": wanted})).all())
        if row.response_id is None:
            made = await self._member_response(row.organisation_id, campaign_id, contact_id)
            response = SnapshotResponse(made.id, made.organisation_id, made.status,
                                        made.return_reason, made.return_items, made.version)  # fmt: skip
        else:
            response = SnapshotResponse(row.response_id, row.organisation_id, row.response_status,
                                        row.return_reason, row.return_items, row.version)  # fmt: skip
        return DialogSnapshot(
            campaign=SnapshotCampaign(
                campaign_id, row.campaign_status, row.period_start, row.period_end, row.deadline
            ),  # fmt: skip
            contact=SnapshotContact(contact_id, row.organisation_id, row.language, row.active),
            organisation=SnapshotOrganisation(
                row.organisation_id, row.name_ru, row.name_kk, list(row.blocks or [])
            ),
            response=response,
            answers=[_stored(a) for a in answers if a.response_id == row.response_id],
            last_year=[_stored(a) for a in answers if a.response_id == row.last_year_id],
        )
