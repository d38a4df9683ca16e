"""Reminders for the coordinator: settings, the plan, the log, who cannot be reached.

Typed functions the CLI (``python -m admin reminders …``, ``remind``) and the web panel
share.  The planning itself is the application layer's
(:class:`dialogs.application.reminders.Reminders`); these functions read and change
what the coordinator decides and show what happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from admin.ops.errors import OpsError
from dialogs.application.reminder_schedule import Policy, parse_days
from dialogs.application.reminders import Delivery, Reminders
from dialogs.application.settings import Settings
from dialogs.questionnaire import default
from storage import errors
from storage.models import ReminderDelivery
from storage.repository import Store, Unreachable


@dataclass(frozen=True, slots=True)
class Milestone:
    """One deadline reminder of a campaign's schedule: when it is due, and how it went."""

    kind: str
    due_on: date
    sent: int
    failed: int


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One row of the reminder log: which channel reached (or failed to reach) whom."""

    contact_id: int
    organisation_id: int
    kind: str
    deadline: date
    channel: str
    status: str
    error: str | None
    at: datetime


def sending_channels(settings: Settings) -> list[str]:
    """The channels this deployment sends reminders through: Telegram with a bot token,
    e-mail with an SMTP server."""
    found = []
    if settings.bot_token and settings.bot_token.get_secret_value():
        found.append("telegram")
    if settings.smtp_host:
        found.append("email")
    return found


async def get_policy(store: Store, campaign_id: int) -> Policy:
    """The campaign's reminder settings (the defaults if never set)."""
    try:
        return Policy.of(await store.get_reminder_policy(campaign_id))
    except errors.NotFound as exc:
        raise OpsError(f"campaign {campaign_id} does not exist") from exc


async def set_policy(store: Store, campaign_id: int, **changes: Any) -> Policy:
    """Change some settings (``offsets`` as "7,3,1" or numbers, ``hours`` as (9, 20),
    ``min_gap_hours``, …), checked as a whole before anything is stored."""
    current = (await get_policy(store, campaign_id)).columns()
    if "offsets" in changes:
        raw = changes.pop("offsets")
        try:
            current["offsets"] = list(parse_days(raw))
        except ValueError as exc:
            raise OpsError(str(exc)) from exc
    if "hours" in changes:
        current["send_from_hour"], current["send_until_hour"] = changes.pop("hours")
    current.update(changes)
    try:
        policy = Policy.of(_Row(current))
    except (ValueError, TypeError) as exc:
        raise OpsError(str(exc)) from exc
    await store.set_reminder_policy(campaign_id, **policy.columns())
    return policy


class _Row:
    """A ``reminder_policies`` row in memory, to check settings before storing them."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)


async def schedule(store: Store, campaign_id: int) -> list[Milestone]:
    """The campaign's deadline reminders in order, each with its day and the log's counts."""
    campaign = await store.get_campaign(campaign_id)
    policy = await get_policy(store, campaign_id)
    rows = [d for d in await store.list_reminder_deliveries(campaign_id)]
    out = []
    for due_on, kind in policy.schedule(campaign.deadline):
        mine = [d for d in rows if d.kind == kind and d.deadline == campaign.deadline]
        out.append(
            Milestone(
                kind,
                due_on,
                sum(1 for d in mine if d.status == "sent"),
                sum(1 for d in mine if d.status == "failed"),
            )
        )
    return out


async def plan(
    store: Store, campaign_id: int, *, now: datetime | None = None, web_url: str | None = None
) -> list[Delivery]:
    """Who would get which reminder now, through which channel, in which words."""
    reminders = Reminders(store, default(), web_url=web_url)
    return await reminders.plan_due(now=now, campaign_id=campaign_id)


async def reminder_log(store: Store, campaign_id: int) -> list[LogEntry]:
    """Every reminder sent or tried in a campaign, oldest first."""
    names: dict[int, int] = {}

    async def org_of(contact_id: int) -> int:
        if contact_id not in names:
            names[contact_id] = (await store.get_contact(contact_id)).organisation_id
        return names[contact_id]

    rows: list[ReminderDelivery] = await store.list_reminder_deliveries(campaign_id)
    return [
        LogEntry(
            d.contact_id,
            await org_of(d.contact_id),
            d.kind,
            d.deadline,
            d.channel,
            d.status,
            d.error,
            d.at,
        )  # fmt: skip
        for d in rows
    ]


async def undeliverable(store: Store, campaign_id: int | None = None) -> list[Unreachable]:
    """The contacts a channel cannot reach (of one campaign's organisations, if given)."""
    return await store.list_undeliverable(campaign_id)


async def clear_undeliverable(store: Store, contact_id: int, channel: str | None = None) -> int:
    """Try the contact again (e.g. they unblocked the bot); how many marks were removed."""
    return await store.clear_undeliverable(contact_id, channel)


async def set_email(store: Store, contact_id: int, email: str | None) -> None:
    """Where e-mail reminders reach the contact (``None``: nowhere)."""
    if email is not None and ("@" not in email or email.strip() != email or len(email) > 320):
        raise OpsError(f"not an e-mail address: {email!r}")
    try:
        await store.set_contact_email(contact_id, email)
    except errors.NotFound as exc:
        raise OpsError(f"contact {contact_id} does not exist") from exc
