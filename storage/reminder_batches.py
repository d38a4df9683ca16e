"""Reminder claims by the batch: a second's worth of deliveries in one transaction.

Why: claiming and recording one reminder at a time cost two commits per message, and
the claim's commit sat between the send budget's slot and the request, so at 30
messages a second the database was on the critical path and its latency bunched the
requests.  A sender now claims about a second's worth at once
(:meth:`ReminderBatchStore.claim_reminders`), sends each right after its slot, records
the outcomes a batch at a time (:meth:`ReminderBatchStore.finish_reminders`) and gives
back what it did not send (:meth:`ReminderBatchStore.release_reminders`) before any
wait.  The rules are :meth:`~storage.reminders_log.ReminderStore.claim_reminder`'s: of
several senders exactly one gets a reminder; a ``pending`` claim older than
:attr:`~storage.reminders_log.ReminderStore.REMINDER_CLAIM_TIMEOUT` is a dead sender's
and is taken over.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import StoreBase, check_choice
from storage.models import DeliveryStatus, ReminderDelivery, utcnow
from storage.reminders_log import ReminderChannel, ReminderStore

#: (campaign, contact, kind, deadline): one reminder.
ReminderKey = tuple[int, int, str, date]


@dataclass(frozen=True, slots=True)
class ReminderClaim:
    """A claim this sender holds: what to give back if it does not send.

    ``previous``: the row's (status, error, at) before the claim, ``None`` if the claim
    created it (giving it back then removes the row, as if never claimed).
    """

    key: ReminderKey
    at: datetime
    previous: tuple[str, str | None, datetime] | None


def _key(row: ReminderDelivery) -> ReminderKey:
    return (row.campaign_id, row.contact_id, row.kind, row.deadline)


async def _rows(
    session: AsyncSession, keys: Iterable[ReminderKey]
) -> dict[ReminderKey, ReminderDelivery]:
    """The log rows of ``keys`` that exist, locked for this transaction (in key order, so
    two senders never wait for each other in a cycle)."""
    groups: dict[tuple[int, str, date], list[int]] = {}
    for campaign_id, contact_id, kind, deadline in sorted(set(keys)):
        groups.setdefault((campaign_id, kind, deadline), []).append(contact_id)
    found: dict[ReminderKey, ReminderDelivery] = {}
    for (campaign_id, kind, deadline), contacts in groups.items():
        query = (
            select(ReminderDelivery)
            .where(
                ReminderDelivery.campaign_id == campaign_id,
                ReminderDelivery.kind == kind,
                ReminderDelivery.deadline == deadline,
                ReminderDelivery.contact_id.in_(contacts),
            )
            .order_by(ReminderDelivery.contact_id)
            .with_for_update()
        )
        for row in await session.scalars(query):
            found[_key(row)] = row
    return found


class ReminderBatchStore(StoreBase):
    """Claims, outcomes and give-backs of many reminders, one transaction each."""

    async def claim_reminders(
        self,
        wanted: Sequence[tuple[ReminderKey, str]],
        *,
        now: datetime | None = None,
        stale_after: timedelta = ReminderStore.REMINDER_CLAIM_TIMEOUT,
    ) -> dict[ReminderKey, ReminderClaim]:
        """Claim every (key, channel) of ``wanted`` that nobody has sent or holds, in ONE
        committed transaction; returns the claims got (the others are left out).

        ``now``: the time of the claim (a frozen clock in tests; default the real one).
        """
        for _, channel in wanted:
            check_choice("channel", channel, ReminderChannel)
        at = now or utcnow()

        async def work() -> dict[ReminderKey, ReminderClaim]:
            async with self._tx() as s:
                existing = await _rows(s, (key for key, _ in wanted))
                claims: dict[ReminderKey, ReminderClaim] = {}
                for key, channel in sorted(wanted):
                    row = existing.get(key)
                    if row is None:
                        campaign_id, contact_id, kind, deadline = key
                        s.add(
                            ReminderDelivery(
                                campaign_id=campaign_id, contact_id=contact_id, kind=kind,
                                deadline=deadline, channel=channel,
                                status=DeliveryStatus.PENDING.value, error=None, at=at,
                            )
                        )  # fmt: skip
                        claims[key] = ReminderClaim(key, at, None)
                        continue
                    if row.status == DeliveryStatus.SENT:
                        continue
                    if row.status == DeliveryStatus.PENDING and at - row.at < stale_after:
                        continue
                    claims[key] = ReminderClaim(key, at, (row.status, row.error, row.at))
                    row.channel, row.status, row.at = channel, DeliveryStatus.PENDING.value, at
                # a concurrent insert of the same claim fails the unique constraint here;
                # _retrying runs the transaction again, which then finds that row
                await s.flush()
                return claims

        return await self._retrying(work)

    async def finish_reminders(
        self,
        outcomes: Sequence[tuple[ReminderKey, str, str | None]],
        *,
        now: datetime | None = None,
    ) -> None:
        """Record (key, ``sent`` or ``failed``, error) of claimed reminders, in ONE
        transaction; a row already ``sent`` stays sent, a key never claimed is ignored."""
        for _, status, _ in outcomes:
            if status not in (DeliveryStatus.SENT, DeliveryStatus.FAILED):
                raise ValueError(f"status must be 'sent' or 'failed', not {status!r}")
        at = now or utcnow()
        async with self._tx() as s:
            rows = await _rows(s, (key for key, _, _ in outcomes))
            for key, status, error in outcomes:
                row = rows.get(key)
                if row is None or row.status == DeliveryStatus.SENT:
                    continue
                row.status = str(status)
                row.error = error if status == DeliveryStatus.FAILED else None
                row.at = at

    async def release_reminders(self, claims: Iterable[ReminderClaim]) -> None:
        """Give back claims not sent on: each row as it was before (removed if the claim
        made it), so anyone may claim it at once; a claim taken over since is left alone."""
        by_key = {c.key: c for c in claims}
        if not by_key:
            return
        async with self._tx() as s:
            rows = await _rows(s, by_key)
            for key, row in rows.items():
                claim = by_key[key]
                if row.status != DeliveryStatus.PENDING or row.at != claim.at:
                    continue
                if claim.previous is None:
                    await s.delete(row)
                else:
                    row.status, row.error, row.at = claim.previous
