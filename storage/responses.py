"""Responses: one per organisation and campaign; submit, return, last year's answers."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage import errors
from storage.base import (
    SUBMITTABLE,
    CampaignSnapshot,
    StoreBase,
    contact_actor,
)
from storage.membership import is_member, member_ids, members_query
from storage.models import (
    Answer,
    Campaign,
    Organisation,
    Response,
    ResponseStatus,
    utcnow,
)


class ResponseStore(StoreBase):
    """Responses: one per organisation and campaign; submit, return, last year's answers."""

    # --- responses -------------------------------------------------------------------------

    async def get_or_create_response(self, organisation_id: int, campaign_id: int) -> Response:
        """The organisation's response to the campaign, created ``not_started`` if missing.

        Only for a member of the campaign (else
        :class:`~storage.errors.NotCampaignMember`).  Safe under concurrency: the insert
        runs in a savepoint, and the loser of the race on the (organisation, campaign)
        unique constraint reads the winner's row.
        """
        return await self._member_response(organisation_id, campaign_id, None)

    async def _member_response(
        self, organisation_id: int, campaign_id: int, contact_id: int | None
    ) -> Response:
        async with self._tx() as s:
            await self._get(s, Organisation, organisation_id)
            await self._get(s, Campaign, campaign_id)
            if not await is_member(s, campaign_id, organisation_id):
                raise errors.NotCampaignMember(organisation_id, campaign_id, contact_id)
            existing = await self._find_response(s, organisation_id, campaign_id)
            if existing is not None:
                return existing
            response = Response(
                organisation_id=organisation_id,
                campaign_id=campaign_id,
                status=ResponseStatus.NOT_STARTED.value,
                version=1,
            )
            try:
                async with s.begin_nested():
                    s.add(response)
            except IntegrityError:
                existing = await self._find_response(s, organisation_id, campaign_id)
                if existing is None:
                    raise
                return existing
            return response

    @staticmethod
    async def _find_response(
        session: AsyncSession, organisation_id: int, campaign_id: int
    ) -> Response | None:
        query = select(Response).where(
            Response.organisation_id == organisation_id, Response.campaign_id == campaign_id
        )
        return (await session.scalars(query)).one_or_none()

    async def get_response(self, response_id: int) -> Response:
        """A response by id, for the coordinator (contacts go through
        :meth:`get_response_for_contact`)."""
        async with self._read() as s:
            # Fresh even when the unit of work holds the row: a step's Core writes bump it.
            response = await s.get(Response, response_id, populate_existing=True)
            if response is None:
                raise errors.NotFound("Response", response_id)
            return response

    async def get_response_for_contact(self, contact_id: int, campaign_id: int) -> Response:
        """The response of the contact's own organisation (created if missing) — never another's.

        Raises :class:`~storage.errors.AccessDenied` for a deactivated contact, its
        subclass :class:`~storage.errors.NotCampaignMember` when the organisation does not
        take part in the campaign.
        """
        async with self._tx() as s:
            contact = await self._active_contact(s, contact_id)
            organisation_id = contact.organisation_id
        return await self._member_response(organisation_id, campaign_id, contact_id)

    async def previous_answers(self, organisation_id: int, before: date) -> list[Answer]:
        """The answers the organisation submitted for the latest period ending before
        ``before`` ("last year"), empty if it submitted none; the dialog offers its
        descriptive answers again ("same as last year")."""
        query = (
            select(Response.id)
            .join(Campaign, Campaign.id == Response.campaign_id)
            .where(
                Response.organisation_id == organisation_id,
                Response.status == ResponseStatus.SUBMITTED.value,
                Campaign.period_end < before,
            )
            .order_by(Campaign.period_end.desc())
            .limit(1)
        )
        async with self._tx() as s:
            response_id = (await s.scalars(query)).first()
            if response_id is None:
                return []
            rows = await s.scalars(select(Answer).where(Answer.response_id == response_id))
            return list(rows.all())

    async def campaign_snapshot(self, campaign_id: int) -> CampaignSnapshot:
        """The campaign's organisations (its members, :meth:`campaign_organisations`), their
        responses and answers, read as of one moment.

        An export must not mix a response as it was before a correction with answers from
        after it: the reads share one transaction (repeatable read on PostgreSQL; SQLite
        transactions are serialisable already).  Responses of organisations that left
        the campaign are not part of it.
        """
        async with self._tx() as s:
            if s.bind.dialect.name == "postgresql":
                await s.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            campaign = await self._get(s, Campaign, campaign_id)
            organisations = list((await s.scalars(members_query(campaign_id))).all())
            query = select(Response).where(
                Response.campaign_id == campaign_id,
                Response.organisation_id.in_(member_ids(campaign_id)),
            )
            responses = list((await s.scalars(query.order_by(Response.organisation_id))).all())
            rows = (
                await s.scalars(
                    select(Answer)
                    .join(Response, Answer.response_id == Response.id)
                    .where(
                        Response.campaign_id == campaign_id,
                        Response.organisation_id.in_(member_ids(campaign_id)),
                    )
                    .order_by(Answer.response_id, Answer.field_code)
                )
            ).all()
        answers: dict[int, list[Answer]] = {r.id: [] for r in responses}
        for row in rows:
            answers[row.response_id].append(row)
        return CampaignSnapshot(campaign, organisations, responses, answers)

    async def list_responses(
        self, campaign_id: int, *, status: str | None = None
    ) -> list[Response]:
        """The responses of the campaign's members (not of organisations that left it)."""
        query = select(Response).where(
            Response.campaign_id == campaign_id,
            Response.organisation_id.in_(member_ids(campaign_id)),
        )
        if status is not None:
            query = query.where(Response.status == status)
        return await self._all(query.order_by(Response.organisation_id))

    async def submit_response(
        self,
        response_id: int,
        *,
        expected_version: int,
        contact_id: int | None,
        actor: str | None = None,
    ) -> Response:
        """Submit the response as it was at ``expected_version`` (the version the person confirmed).

        Raises :class:`~storage.errors.ResponseLockedError` if already submitted,
        :class:`~storage.errors.StaleResponseError` if anything changed since that version,
        :class:`~storage.errors.AccessDenied` if ``contact_id`` belongs elsewhere.
        """
        async with self._tx() as s:
            response = await self._get(s, Response, response_id, lock=True)
            await self._check_contact_owns(s, contact_id, response)
            if response.status not in SUBMITTABLE:
                raise errors.ResponseLockedError(response_id, response.status)
            if response.version != expected_version:
                raise errors.StaleResponseError(response_id, expected_version, response.version)
            now = utcnow()
            response.status = ResponseStatus.SUBMITTED.value
            response.submitted_at = now
            response.submitted_by = contact_id
            response.return_reason = None
            response.version += 1
            response.updated_at = now
            self._audit(
                s,
                actor or contact_actor(contact_id),
                "response.submitted",
                "response",
                response_id,
                version=response.version,
            )
        return response

    async def return_for_correction(
        self,
        response_id: int,
        reason: str,
        *,
        actor: str,
        expected_version: int | None = None,
        items: dict[str, str] | None = None,
    ) -> Response:
        """The coordinator sends a submitted response back, saying what to correct.

        ``items`` (item code → the note on it) limits the correction to those items: the
        dialog walks only them.  An accepted response can be returned; that unlocks it.
        """
        if not reason.strip():
            raise ValueError("a return needs a reason the organisation can act on")
        async with self._tx() as s:
            response = await self._get(s, Response, response_id, lock=True)
            if response.status != ResponseStatus.SUBMITTED:
                raise errors.InvalidTransition(
                    "response", response_id, response.status, ResponseStatus.RETURNED
                )
            if expected_version is not None and response.version != expected_version:
                raise errors.StaleResponseError(response_id, expected_version, response.version)
            now = utcnow()
            response.status = ResponseStatus.RETURNED.value
            response.return_reason = reason
            response.return_items = dict(items) if items else None
            response.returned_at = now
            response.accepted_at = response.accepted_by = None
            response.version += 1
            response.updated_at = now
            more = {"items": sorted(items)} if items else {}
            self._audit(s, actor, "response.returned", "response", response_id, reason=reason,
                        **more)  # fmt: skip
        return response

    async def accept_response(self, response_id: int, *, actor: str) -> Response:
        """The coordinator accepts a submitted response (DHIS2's approval): it is final
        until a return unlocks it.  Accepting twice changes nothing."""
        async with self._tx() as s:
            response = await self._get(s, Response, response_id, lock=True)
            if response.status != ResponseStatus.SUBMITTED:
                raise errors.InvalidTransition("response", response_id, response.status, "accepted")
            if response.accepted_at is None:
                response.accepted_at = utcnow()
                response.accepted_by = actor
                response.updated_at = response.accepted_at
                self._audit(s, actor, "response.accepted", "response", response_id)
        return response
