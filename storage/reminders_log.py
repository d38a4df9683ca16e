"""The reminder log: claimed before sending, so each reminder goes out once per deadline.

Every row carries the campaign deadline it counted towards (``deadline``): after an
extension the new date's D-7, D-1, overdue … are new reminders, while the ones sent
for the old date stay in the log.  Callers may leave ``deadline`` out; it is then the
campaign's current deadline, read in the same transaction.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import errors
from storage.base import (
    StoreBase,
    check_choice,
)
from storage.membership import member_ids
from storage.models import (
    Campaign,
    Contact,
    DeliveryStatus,
    ReminderDelivery,
    Response,
    ResponseStatus,
    utcnow,
)


class ReminderChannel(enum.StrEnum):
    """The channels a reminder goes out through."""

    TELEGRAM = "telegram"
    EMAIL = "email"


class ReminderStore(StoreBase):
    """The reminder log: claimed before sending, so each reminder goes out once per deadline."""

    # --- reminders -------------------------------------------------------------------------

    @staticmethod
    async def _deadline(session: AsyncSession, campaign_id: int, deadline: date | None) -> date:
        if deadline is not None:
            return deadline
        return (await StoreBase._get(session, Campaign, campaign_id)).deadline

    @staticmethod
    async def _delivery(
        session: AsyncSession, campaign_id: int, contact_id: int, kind: str, deadline: date
    ) -> ReminderDelivery | None:
        """The log row of one reminder, locked for this transaction."""
        query = (
            select(ReminderDelivery)
            .where(
                ReminderDelivery.campaign_id == campaign_id,
                ReminderDelivery.contact_id == contact_id,
                ReminderDelivery.kind == kind,
                ReminderDelivery.deadline == deadline,
            )
            .with_for_update()
        )
        return (await session.scalars(query)).one_or_none()

    async def contacts_due_reminder(
        self, campaign_id: int, kind: str, *, deadline: date | None = None
    ) -> list[Contact]:
        """Active contacts of the campaign's organisations that have not submitted it and
        have not yet been sent a reminder of ``kind`` for its deadline (the current one by
        default; failed deliveries count as not sent)."""
        async with self._tx() as s:
            deadline = await self._deadline(s, campaign_id, deadline)
            submitted = select(Response.organisation_id).where(
                Response.campaign_id == campaign_id, Response.status == ResponseStatus.SUBMITTED
            )
            delivered = select(ReminderDelivery.contact_id).where(
                ReminderDelivery.campaign_id == campaign_id,
                ReminderDelivery.kind == kind,
                ReminderDelivery.deadline == deadline,
                ReminderDelivery.status == DeliveryStatus.SENT,
            )
            query = (
                select(Contact)
                .where(
                    Contact.active.is_(True),
                    Contact.organisation_id.in_(member_ids(campaign_id)),
                    Contact.organisation_id.not_in(submitted),
                    Contact.id.not_in(delivered),
                )
                .order_by(Contact.id)
            )
            return list((await s.scalars(query)).all())

    async def list_reminder_deliveries(self, campaign_id: int) -> list[ReminderDelivery]:
        query = (
            select(ReminderDelivery)
            .where(ReminderDelivery.campaign_id == campaign_id)
            .order_by(ReminderDelivery.id)
        )
        return await self._all(query)

    #: A ``pending`` claim older than this is taken to be a crashed sender's and may be
    #: re-claimed.  A claim covers one send only (never a wait for Telegram's flood
    #: control: the sender gives the claim back first), so a minute is ample.
    REMINDER_CLAIM_TIMEOUT = timedelta(minutes=1)

    async def claim_reminder(
        self,
        campaign_id: int,
        contact_id: int,
        kind: str,
        *,
        channel: str,
        stale_after: timedelta | None = None,
        deadline: date | None = None,
        now: datetime | None = None,
    ) -> bool:
        """Claim the right to send one reminder, before sending it; ``True``: go ahead and send.

        Writes the delivery as ``pending`` and commits, so of several senders (processes,
        concurrent runs) exactly one gets ``True``.  ``False`` when it was already ``sent``, or
        is ``pending`` for another sender since less than ``stale_after`` (default
        :attr:`REMINDER_CLAIM_TIMEOUT`; an older claim is a crashed sender's and is taken over).
        A ``failed`` delivery is claimed again (that is the retry).  Report the outcome with
        :meth:`finish_reminder`.  ``deadline``: the deadline the reminder counts towards
        (default: the campaign's current one).  ``now``: the time of the claim (a frozen
        clock in tests; default the real one).
        """
        check_choice("channel", channel, ReminderChannel)
        stale_after = self.REMINDER_CLAIM_TIMEOUT if stale_after is None else stale_after

        async def work() -> bool:
            async with self._tx() as s:
                due = await self._deadline(s, campaign_id, deadline)
                existing = await self._delivery(s, campaign_id, contact_id, kind, due)
                at = now or utcnow()
                if existing is None:
                    # a concurrent insert of the same claim fails the unique constraint here;
                    # _retrying runs the transaction again, which then finds that row
                    s.add(
                        ReminderDelivery(
                            campaign_id=campaign_id,
                            contact_id=contact_id,
                            kind=kind,
                            deadline=due,
                            channel=channel,
                            status=DeliveryStatus.PENDING.value,
                            error=None,
                            at=at,
                        )
                    )
                    await s.flush()
                    return True
                if existing.status == DeliveryStatus.SENT:
                    return False
                if existing.status == DeliveryStatus.PENDING and at - existing.at < stale_after:
                    return False
                existing.channel = channel
                existing.status = DeliveryStatus.PENDING.value
                existing.at = at
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
        deadline: date | None = None,
        now: datetime | None = None,
    ) -> None:
        """Record how a claimed reminder went: ``sent``, or ``failed`` with ``error``.

        A failed one is claimed again by the next run.  A delivery already ``sent`` stays
        sent (a sender whose stale claim was taken over may report late).  Without
        ``deadline``, the claim for the current deadline — or, if the deadline moved since
        the claim, the newest claim of that reminder.  Raises
        :class:`~storage.errors.NotFound` if the reminder was never claimed.
        """
        if status not in (DeliveryStatus.SENT, DeliveryStatus.FAILED):
            raise ValueError(f"status must be 'sent' or 'failed', not {status!r}")
        async with self._tx() as s:
            due = await self._deadline(s, campaign_id, deadline)
            delivery = await self._delivery(s, campaign_id, contact_id, kind, due)
            if delivery is None and deadline is None:
                delivery = await self._newest_delivery(s, campaign_id, contact_id, kind)
            if delivery is None:
                raise errors.NotFound("ReminderDelivery", (campaign_id, contact_id, kind))
            if delivery.status == DeliveryStatus.SENT:
                return
            delivery.status = str(status)
            delivery.error = error if status == DeliveryStatus.FAILED else None
            delivery.at = now or utcnow()

    @staticmethod
    async def _newest_delivery(
        session: AsyncSession, campaign_id: int, contact_id: int, kind: str
    ) -> ReminderDelivery | None:
        query = (
            select(ReminderDelivery)
            .where(
                ReminderDelivery.campaign_id == campaign_id,
                ReminderDelivery.contact_id == contact_id,
                ReminderDelivery.kind == kind,
            )
            .order_by(ReminderDelivery.id.desc())
            .limit(1)
            .with_for_update()
        )
        return (await session.scalars(query)).one_or_none()
