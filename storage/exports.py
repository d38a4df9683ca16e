"""Reads for the expert group's exports: whole campaigns, streamed, as of one moment.

An export of 10,000 responses must not hold every answer in memory, and must not mix a
response as it was before a correction with answers from after it.  So
:meth:`ExportStore.export_snapshot` opens *one* read transaction — ``REPEATABLE READ`` on
PostgreSQL, a deferred (read, non-locking) transaction on SQLite's WAL — and the
:class:`ExportReader` it yields streams rows through server-side cursors
(``yield_per``): organisations in id order, each with its response and answers, merged
from two ordered streams.  Every campaign read through one reader (a trend over three
years, the previous year for outliers) comes from that same snapshot.

Rows are plain frozen dataclasses, not ORM objects: cheaper to build by the hundred
thousand, and nothing can lazy-load from them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, Select, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncResult

from storage import errors
from storage.base import StoreBase
from storage.models import Answer, Campaign, CampaignOrganisation, Organisation, Response

#: Rows fetched per round trip of a server-side cursor.
BATCH = 2000


@dataclass(frozen=True, slots=True)
class CampaignRow:
    id: int
    title: str
    questionnaire_version: str
    period_start: date
    period_end: date
    requested_on: date
    deadline: date
    status: str


@dataclass(frozen=True, slots=True)
class OrganisationRow:
    id: int
    name_ru: str
    name_kk: str
    subject_kind: str
    region: str | None
    blocks: list[int]


@dataclass(frozen=True, slots=True)
class ResponseRow:
    id: int
    status: str
    submitted_at: datetime | None


@dataclass(frozen=True, slots=True)
class AnswerRow:
    field_code: str
    status: str
    value: Any
    no_data_reason: str | None
    answered_at: datetime | None
    channel: str
    version: int


@dataclass(frozen=True, slots=True)
class OrganisationAnswers:
    """One organisation of a campaign, its response (``None`` if never opened) and answers."""

    organisation: OrganisationRow
    response: ResponseRow | None
    answers: list[AnswerRow]


def campaign_organisations(campaign_id: int) -> Select[tuple[Organisation]]:
    """The organisations asked to answer a campaign (its members), in id order.

    Membership, not the master list: adding organisations for next year changes nothing
    in last year's export, and a removed organisation stays in the campaigns it was in.
    """
    return (
        select(Organisation)
        .join(CampaignOrganisation, CampaignOrganisation.organisation_id == Organisation.id)
        .where(CampaignOrganisation.campaign_id == campaign_id)
        .order_by(Organisation.id)
    )


CAMPAIGN_COLUMNS = (
    Campaign.id,
    Campaign.title,
    Campaign.questionnaire_version,
    Campaign.period_start,
    Campaign.period_end,
    Campaign.requested_on,
    Campaign.deadline,
    Campaign.status,
)


async def _rows(result: AsyncResult[Any]) -> AsyncIterator[Row[Any]]:
    """Rows of a streamed result, fetched a batch per await (not one await per row)."""
    async for batch in result.partitions():
        for row in batch:
            yield row


class ExportReader:
    """Streams of one snapshot; valid only inside :meth:`ExportStore.export_snapshot`."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def campaign(self, campaign_id: int) -> CampaignRow:
        """A campaign by id (:class:`~storage.errors.NotFound` if there is none)."""
        query = select(*CAMPAIGN_COLUMNS).where(Campaign.id == campaign_id)
        row = (await self.connection.execute(query)).one_or_none()
        if row is None:
            raise errors.NotFound("Campaign", campaign_id)
        return CampaignRow(*row)

    async def campaigns(self) -> list[CampaignRow]:
        """Every campaign, oldest period first (to find last year's, or a year's)."""
        query = select(*CAMPAIGN_COLUMNS).order_by(Campaign.period_start, Campaign.id)
        return [CampaignRow(*row) for row in await self.connection.execute(query)]

    async def organisations(self, campaign_id: int) -> AsyncIterator[OrganisationAnswers]:
        """Every organisation of the campaign with its response and answers, in id order."""
        orgs = campaign_organisations(campaign_id).subquery()
        org_query = (
            select(
                orgs.c.id,
                orgs.c.name_ru,
                orgs.c.name_kk,
                orgs.c.subject_kind,
                orgs.c.region,
                orgs.c.blocks,
                Response.id,
                Response.status,
                Response.submitted_at,
            )
            .outerjoin(
                Response,
                (Response.organisation_id == orgs.c.id) & (Response.campaign_id == campaign_id),
            )
            .order_by(orgs.c.id)
        )
        answer_query = (
            select(
                Response.organisation_id,
                Answer.field_code,
                Answer.status,
                Answer.value,
                Answer.no_data_reason,
                Answer.answered_at,
                Answer.channel,
                Answer.version,
            )
            .join(Response, Answer.response_id == Response.id)
            .where(Response.campaign_id == campaign_id)
            .order_by(Response.organisation_id, Answer.field_code)
        )
        opts = {"yield_per": BATCH}
        org_rows = await self.connection.stream(org_query.execution_options(**opts))
        answer_rows = await self.connection.stream(answer_query.execution_options(**opts))
        answers_in = _rows(answer_rows)
        pending = await anext(answers_in, None)
        async for o in _rows(org_rows):
            answers: list[AnswerRow] = []
            while pending is not None and pending[0] < o[0]:
                pending = await anext(answers_in, None)  # an organisation outside the campaign
            while pending is not None and pending[0] == o[0]:
                answers.append(AnswerRow(*pending[1:]))
                pending = await anext(answers_in, None)
            yield OrganisationAnswers(
                OrganisationRow(o[0], o[1], o[2], o[3], o[4], list(o[5] or [])),
                ResponseRow(o[6], o[7], o[8]) if o[6] is not None else None,
                answers,
            )
        await answer_rows.close()

    async def answer_keys(
        self, campaign_id: int, field_codes: Iterable[str]
    ) -> dict[str, set[str]]:
        """The keys used in the values of these fields (the open categories of breakdowns)."""
        codes = list(field_codes)
        keys: dict[str, set[str]] = {code: set() for code in codes}
        if not codes:
            return keys
        query = (
            select(Answer.field_code, Answer.value)
            .join(Response, Answer.response_id == Response.id)
            .where(Response.campaign_id == campaign_id, Answer.field_code.in_(codes))
        )
        result = await self.connection.stream(query.execution_options(yield_per=BATCH))
        async for code, value in result.t:
            if isinstance(value, dict):
                keys[code].update(str(k) for k in value)
        return keys


class ExportStore(StoreBase):
    """The exports' read-only, streamed access to whole campaigns."""

    @asynccontextmanager
    async def export_snapshot(self) -> AsyncIterator[ExportReader]:
        """One read transaction for a whole export (see the module docstring)."""
        engine = self._engine or self.sessions.kw["bind"]
        async with engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                await connection.execution_options(
                    isolation_level="REPEATABLE READ", postgresql_readonly=True
                )
            else:
                await connection.execution_options(sqlite_read_only=True)
            async with connection.begin():
                yield ExportReader(connection)
