"""The reminder log: claimed before sending, so each reminder goes out once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import errors
from storage.base import (
    StoreBase,
    check_choice,
)
from storage.models import (
    Channel,
    Contact,
    DeliveryStatus,
    ReminderDelivery,
    Response,
    ResponseStatus,
    utcnow,
)


class ReminderStore(StoreBase):
    """The reminder log: claimed before sending, so each reminder goes out once."""

    # --- reminders -------------------------------------------------------------------------

    @staticmethod
    async def _delivery(
        session: AsyncSession, campaign_id: int, contact_id: int, kind: str
    ) -> ReminderDelivery | None:
        """The log row of one reminder, locked for this transaction."""
        query = (
            select(ReminderDelivery)
            .where(
                ReminderDelivery.campaign_id == campaign_id,
                ReminderDelivery.contact_id == contact_id,
                ReminderDelivery.kind == kind,
            )
            .with_for_update()
        )
        return (await session.scalars(query)).one_or_none()

    async def contacts_due_reminder(self, campaign_id: int, kind: str) -> list[Contact]:
        """Active contacts of organisations that have not submitted the campaign and have
        not yet been sent a reminder of ``kind`` for it (failed deliveries count as not sent)."""
        submitted = select(Response.organisation_id).where(
            Response.campaign_id == campaign_id, Response.status == ResponseStatus.SUBMITTED
        )
        delivered = select(ReminderDelivery.contact_id).where(
            ReminderDelivery.campaign_id == campaign_id,
            ReminderDelivery.kind == kind,
            ReminderDelivery.status == DeliveryStatus.SENT,
        )
        query = (
            select(Contact)
            .where(
                Contact.active.is_(True),
                Contact.organisation_id.not_in(submitted),
                Contact.id.not_in(delivered),
            )
            .order_by(Contact.id)
        )
        return await self._all(query)

    async def list_reminder_deliveries(self, campaign_id: int) -> list[ReminderDelivery]:
        query = (
            select(ReminderDelivery)
            .where(ReminderDelivery.campaign_id == campaign_id)
            .order_by(ReminderDelivery.id)
        )
        return await self._all(query)

    #: A ``pending`` claim older than this is taken to be a crashed sender's and may be re-claimed.
    REMINDER_CLAIM_TIMEOUT = timedelta(minutes=10)

    async def claim_reminder(
        self,
        campaign_id: int,
        contact_id: int,
        kind: str,
        *,
        channel: str,
        stale_after: timedelta | None = None,
    ) -> bool:
        """Claim the right to send one reminder, before sending it; ``True``: go ahead and send.

        Writes the delivery as ``pending`` and commits, so of several senders (processes,
        concurrent runs) exactly one gets ``True``.  ``False`` when it was already ``sent``, or
        is ``pending`` for another sender since less than ``stale_after`` (default
        :attr:`REMINDER_CLAIM_TIMEOUT`; an older claim is a crashed sender's and is taken over).
        A ``failed`` delivery is claimed again (that is the retry).  Report the outcome with
        :meth:`finish_reminder`.
        """
        check_choice("channel", channel, Channel)
        stale_after = self.REMINDER_CLAIM_TIMEOUT if stale_after is None else stale_after

        async def work() -> bool:
            async with self._tx() as s:
                existing = await self._delivery(s, campaign_id, contact_id, kind)
                now = utcnow()
                if existing is None:
                    # a concurrent insert of the same claim fails the unique constraint here;
                    # _retrying runs the transaction again, which then finds that row
                    s.add(
                        ReminderDelivery(
                            campaign_id=campaign_id,
                            contact_id=contact_id,
                            kind=kind,
                            channel=channel,
                            status=DeliveryStatus.PENDING.value,
                            error=None,
                            at=now,
                        )
                    )
                    await s.flush()
                    return True
                if existing.status == DeliveryStatus.SENT:
                    return False
                if existing.status == DeliveryStatus.PENDING and now - existing.at < stale_after:
                    return False
                existing.channel = channel
                existing.status = DeliveryStatus.PENDING.value
                existing.at = now
                return True

        return await self._retrying(work)

    async def finish_reminder(
        self,
        campaign_id: int,
        contact_id: int,
        kind: str,
        *,
        status: str,
        error: str | None = None,
    ) -> None:
        """Record how a claimed reminder went: ``sent``, or ``failed`` with ``error``.

        A failed one is claimed again by the next run.  A delivery already ``sent`` stays
        sent (a sender whose stale claim was taken over may report late).  Raises
        :class:`~storage.errors.NotFound` if the reminder was never claimed.
        """
        if status not in (DeliveryStatus.SENT, DeliveryStatus.FAILED):
            raise ValueError(f"status must be 'sent' or 'failed', not {status!r}")
        async with self._tx() as s:
            delivery = await self._delivery(s, campaign_id, contact_id, kind)
            if delivery is None:
                raise errors.NotFound("ReminderDelivery", (campaign_id, contact_id, kind))
            if delivery.status == DeliveryStatus.SENT:
                return
            delivery.status = str(status)
            delivery.error = error if status == DeliveryStatus.FAILED else None
            delivery.at = utcnow()
