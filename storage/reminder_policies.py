"""A campaign's reminder settings, contacts' e-mail addresses, and who cannot be reached.

Kept apart from the reminder log (:mod:`storage.reminders_log`): the log says what was
sent; these rows say what should be sent, where, and to whom no longer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from storage.base import StoreBase
from storage.membership import member_ids
from storage.models import (
    Campaign,
    Contact,
    ReminderPolicy,
    UndeliverableContact,
    utcnow,
)

#: The columns of :class:`~storage.models.ReminderPolicy` a caller may set.
POLICY_FIELDS = (
    "offsets",
    "on_the_day",
    "overdue_every_days",
    "overdue_cap",
    "min_gap_hours",
    "time_zone",
    "send_from_hour",
    "send_until_hour",
)


@dataclass(frozen=True, slots=True)
class Unreachable:
    """One undeliverable contact, with what the coordinator needs to fix it."""

    contact_id: int
    organisation_id: int
    display_name: str
    channel: str
    reason: str
    campaign_id: int | None
    at: datetime


class ReminderPolicyStore(StoreBase):
    """Reminder settings per campaign, e-mail addresses, the undeliverable list."""

    async def get_reminder_policy(self, campaign_id: int) -> ReminderPolicy | None:
        """The campaign's settings, or ``None`` when it uses the defaults."""
        async with self._tx() as s:
            await self._get(s, Campaign, campaign_id)
            return await s.get(ReminderPolicy, campaign_id)

    async def set_reminder_policy(self, campaign_id: int, **values: Any) -> ReminderPolicy:
        """Create or change the campaign's settings (only the fields given change).

        The caller validates meaning (:mod:`dialogs.application.reminder_schedule`); the
        database refuses impossible hours, a zero interval or a negative cap.
        """
        unknown = set(values) - set(POLICY_FIELDS)
        if unknown:
            raise ValueError(f"unknown reminder settings: {sorted(unknown)}")
        async with self._tx() as s:
            await self._get(s, Campaign, campaign_id)
            row = await s.get(ReminderPolicy, campaign_id, with_for_update=True)
            if row is None:
                row = ReminderPolicy(campaign_id=campaign_id, offsets=[7, 3, 1])
                s.add(row)
            for name, value in values.items():
                setattr(row, name, list(value) if name == "offsets" else value)
            row.updated_at = utcnow()
            await s.flush()
            return row

    async def set_contact_email(self, contact_id: int, email: str | None) -> Contact:
        """Set (or with ``None`` clear) where e-mail reminders go; clears its undeliverable mark."""
        async with self._tx() as s:
            contact = await self._get(s, Contact, contact_id, lock=True)
            contact.email = email
            await s.execute(
                delete(UndeliverableContact).where(
                    UndeliverableContact.contact_id == contact_id,
                    UndeliverableContact.channel == "email",
                )
            )
            return contact

    async def mark_undeliverable(
        self, contact_id: int, channel: str, reason: str, *, campaign_id: int | None = None
    ) -> bool:
        """Record that ``channel`` cannot reach the contact; ``True`` if newly recorded.

        Recorded once: a second report (another worker, a later run) changes nothing.
        """
        try:
            async with self._tx() as s:
                if await self._undeliverable(s, contact_id, channel) is not None:
                    return False
                s.add(
                    UndeliverableContact(
                        contact_id=contact_id,
                        channel=channel,
                        campaign_id=campaign_id,
                        reason=reason,
                        at=utcnow(),
                    )
                )
                await s.flush()
                return True
        except IntegrityError:
            return False  # a concurrent report won the unique constraint

    @staticmethod
    async def _undeliverable(s: Any, contact_id: int, channel: str) -> UndeliverableContact | None:
        query = select(UndeliverableContact).where(
            UndeliverableContact.contact_id == contact_id, UndeliverableContact.channel == channel
        )
        row: UndeliverableContact | None = (await s.scalars(query)).one_or_none()
        return row

    async def clear_undeliverable(self, contact_id: int, channel: str | None = None) -> int:
        """Forget the marks of a contact (one channel, or all); how many were removed."""
        async with self._tx() as s:
            query = delete(UndeliverableContact).where(
                UndeliverableContact.contact_id == contact_id
            )
            if channel is not None:
                query = query.where(UndeliverableContact.channel == channel)
            result = await s.execute(query)
            return int(getattr(result, "rowcount", 0) or 0)

    async def undeliverable_channels(self, contact_ids: list[int]) -> dict[int, set[str]]:
        """For each contact given, the channels that cannot reach it (absent: none)."""
        out: dict[int, set[str]] = {}
        if not contact_ids:
            return out
        query = select(UndeliverableContact.contact_id, UndeliverableContact.channel).where(
            UndeliverableContact.contact_id.in_(contact_ids)
        )
        async with self._tx() as s:
            for contact_id, channel in (await s.execute(query)).all():
                out.setdefault(contact_id, set()).add(channel)
        return out

    async def list_undeliverable(self, campaign_id: int | None = None) -> list[Unreachable]:
        """Every undeliverable contact (of the campaign's organisations, if given), oldest first."""
        query = (
            select(UndeliverableContact, Contact)
            .join(Contact, Contact.id == UndeliverableContact.contact_id)
            .order_by(UndeliverableContact.at, UndeliverableContact.id)
        )
        if campaign_id is not None:
            query = query.where(Contact.organisation_id.in_(member_ids(campaign_id)))
        async with self._tx() as s:
            rows = (await s.execute(query)).all()
        return [
            Unreachable(
                contact_id=contact.id,
                organisation_id=contact.organisation_id,
                display_name=contact.display_name,
                channel=mark.channel,
                reason=mark.reason,
                campaign_id=mark.campaign_id,
                at=mark.at,
            )
            for mark, contact in rows
        ]
