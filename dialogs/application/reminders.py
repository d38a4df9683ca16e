"""Reminders: the deadline is near or past, or the coordinator returned a response.

The questionnaire is due within a month of the request (§9 of the Rules).  For every
open campaign :meth:`Reminders.send_due` sends, through a :class:`Sender`:

* ``d-N``: on the day the deadline is N days away (N in ``REMINDER_DAYS``, e.g. 7, 3, 1),
  to the active contacts of every organisation that has not submitted;
* ``overdue``: once, on any day after the deadline, to the same people;
* ``returned-K``: when the coordinator returned the response for correction (the K-th
  return of that response), to every active contact of the organisation, with the
  coordinator's reason.

Each message says what is due and when, how much is answered ("{done} of {total}") and
how to continue (/start in the bot), in the contact's language
(:mod:`dialogs.application.reminder_texts`).

Sent at most once, whatever runs it: a delivery is *claimed* in storage
(:meth:`~storage.repository.Store.claim_reminder`, a committed ``pending`` row) before
the message goes out, so two processes, or the bot's loop and ``python -m admin remind``,
never send the same reminder twice.  A failed send is recorded as ``failed`` and tried
again by the next run; a sender that died after its claim leaves a ``pending`` row that
another run takes over after :attr:`Store.REMINDER_CLAIM_TIMEOUT`.

Planning is here; the delivery itself is the channel's (the Telegram bot implements
:class:`Sender`, see :mod:`dialogs.application.senders`).  Contacts without Telegram
(web only) are skipped, and the skip is logged: there is no e-mail channel.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from typing import Protocol

from dialogs.application.metrics import REMINDERS
from dialogs.application.reminder_texts import Progress, ReminderWriter
from dialogs.schema import Questionnaire
from storage.models import Contact, DeliveryStatus, Response, ResponseStatus
from storage.repository import Store

log = logging.getLogger(__name__)

#: Kazakhstan keeps one time zone, UTC+5, since March 2024: "today" is the day there.
KZ_TIME = timezone(timedelta(hours=5), "KZ")
#: The periodic loop sends only between these local hours (the CLI sends when told to).
SEND_HOURS = (9, 20)
#: Length of a send error kept in storage.
MAX_ERROR = 500

CHANNEL = "telegram"
OVERDUE = "overdue"


class Sender(Protocol):
    """Delivers one text to one Telegram user; raises if it could not."""

    async def send(self, telegram_user_id: int, text: str) -> None: ...


@dataclass(frozen=True, slots=True)
class Delivery:
    """One reminder to one contact: planned (``due``), ``sent``, ``failed`` or ``skipped``."""

    campaign_id: int
    organisation_id: int
    contact_id: int
    kind: str
    status: str
    language: str
    text: str
    telegram_user_id: int | None = None
    error: str | None = None


def parse_days(value: str | Sequence[int]) -> tuple[int, ...]:
    """``"7,3,1"`` → ``(7, 3, 1)``; blanks ignored; a negative or non-number is refused."""
    items = value.split(",") if isinstance(value, str) else list(value)
    days = []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        if not text.isdigit():
            raise ValueError(f"reminder days must be whole numbers ≥ 0, not {text!r}")
        days.append(int(text))
    return tuple(dict.fromkeys(days))


def parse_hours(value: str) -> tuple[int, int]:
    """``"9-20"`` → ``(9, 20)``: from hour inclusive to hour exclusive, 0 ≤ from < to ≤ 24."""
    start, sep, end = value.partition("-")
    if not sep or not start.strip().isdigit() or not end.strip().isdigit():
        raise ValueError(f"reminder hours must read like 9-20, not {value!r}")
    hours = int(start), int(end)
    if not 0 <= hours[0] < hours[1] <= 24:
        raise ValueError(f"reminder hours must be 0 ≤ from < to ≤ 24, not {value!r}")
    return hours


def local_now() -> datetime:
    """The time in Kazakhstan."""
    return datetime.now(KZ_TIME)


def deadline_kind(deadline: date, today: date, days: Sequence[int]) -> str | None:
    """The reminder due now: ``d-N`` from N days before the deadline, ``overdue`` after it.

    Each ``d-N`` covers the days until the next, shorter one begins, so a reminder missed
    while the bot was down goes out on the next run (once: the log remembers it).
    """
    left = (deadline - today).days
    if left < 0:
        return OVERDUE
    milestone = min((n for n in days if n >= left), default=None)
    return None if milestone is None else f"d-{milestone}"


async def _return_kind(store: Store, response: Response) -> tuple[str, str | None]:
    """``returned-K`` for the K-th return of ``response``, and the reason.

    Counted from the audit log, not taken from ``response.version``: the version grows
    with every answer the organisation corrects, which would announce one return again
    and again.
    """
    returns = await store.list_audit_events(
        entity_type="response", entity_id=response.id, action="response.returned"
    )
    return f"returned-{max(len(returns), 1)}", response.return_reason


class Reminders:
    """Plans and sends the reminders of every open campaign (see the module docstring)."""

    def __init__(self, store: Store, questionnaire: Questionnaire) -> None:
        self._store = store
        self._q = questionnaire

    async def plan_due(
        self, *, today: date, days: Sequence[int], campaign_id: int | None = None
    ) -> list[Delivery]:
        """Every reminder due today and not yet sent (``due``, or ``skipped``: no Telegram).

        Reads only: nothing is claimed, sent or recorded (``python -m admin remind --dry-run``).
        """
        store = self._store
        writer = ReminderWriter(Progress(store, self._q))
        planned: list[Delivery] = []
        campaigns = await store.list_campaigns(status="open")
        if campaign_id is not None:
            campaigns = [c for c in campaigns if c.id == campaign_id]
        for campaign in sorted(campaigns, key=lambda c: c.id):
            for contact, kind, reason in await self._wanted(
                campaign.id, campaign.deadline, today, days
            ):
                lang, text = await writer.text(campaign, contact, kind, today, reason)
                telegram = contact.telegram_user_id
                planned.append(
                    Delivery(
                        campaign_id=campaign.id,
                        organisation_id=contact.organisation_id,
                        contact_id=contact.id,
                        kind=kind,
                        status="due" if telegram is not None else "skipped",
                        language=lang,
                        text=text,
                        telegram_user_id=telegram,
                        error=None if telegram is not None else "no Telegram account",
                    )
                )
        return planned

    async def _wanted(
        self, campaign_id: int, deadline: date, today: date, days: Sequence[int]
    ) -> list[tuple[Contact, str, str | None]]:
        """(contact, kind, reason) of every reminder of one campaign due today."""
        store = self._store
        wanted: list[tuple[Contact, str, str | None]] = []
        kind = deadline_kind(deadline, today, days)
        if kind is not None:
            for contact in await store.contacts_due_reminder(campaign_id, kind):
                wanted.append((contact, kind, None))
        returned = await store.list_responses(campaign_id, status=ResponseStatus.RETURNED)
        if not returned:
            return wanted
        sent = {
            (d.contact_id, d.kind)
            for d in await store.list_reminder_deliveries(campaign_id)
            if d.status == DeliveryStatus.SENT
        }
        for response in returned:
            returned_kind, reason = await _return_kind(store, response)
            for contact in await store.list_contacts(response.organisation_id, active_only=True):
                if (contact.id, returned_kind) not in sent:
                    wanted.append((contact, returned_kind, reason))
        return wanted

    async def send_due(
        self,
        sender: Sender,
        *,
        today: date,
        days: Sequence[int],
        campaign_id: int | None = None,
    ) -> list[Delivery]:
        """Send every reminder due today (see the module docstring); returns what happened.

        Each delivery is claimed before it is sent, so a reminder another run is sending (or
        has sent) is left out; a failed send is recorded and retried by the next run.
        """
        done: list[Delivery] = []
        for planned in await self.plan_due(today=today, days=days, campaign_id=campaign_id):
            if planned.telegram_user_id is None:
                log.info(
                    "reminder %s of campaign %s not sent to contact %s: web only (no Telegram)",
                    planned.kind,
                    planned.campaign_id,
                    planned.contact_id,
                )
                done.append(planned)
                continue
            result = await self._deliver(sender, planned, planned.telegram_user_id)
            if result is not None:
                done.append(result)
        sent = sum(1 for d in done if d.status == "sent")
        for d in done:
            REMINDERS.labels("undeliverable" if d.status == "skipped" else d.status).inc()
        if done:
            log.info("reminders: %s sent, %s failed or skipped", sent, len(done) - sent)
        return done

    async def _deliver(self, sender: Sender, planned: Delivery, chat: int) -> Delivery | None:
        """Claim, send, record one reminder; ``None`` if another run has it already."""
        store = self._store
        key = (planned.campaign_id, planned.contact_id, planned.kind)
        if not await store.claim_reminder(*key, channel=CHANNEL):
            return None  # sent already, or being sent by another run
        try:
            await sender.send(chat, planned.text)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR]
            log.warning(
                "reminder %s of campaign %s to contact %s failed (retried next run): %s",
                planned.kind,
                planned.campaign_id,
                planned.contact_id,
                error,
            )
            await store.finish_reminder(*key, status="failed", error=error)
            return replace(planned, status="failed", error=error)
        await store.finish_reminder(*key, status="sent")
        return replace(planned, status="sent")

    async def run_forever(
        self,
        sender: Sender,
        *,
        days: Sequence[int],
        interval_minutes: float,
        now: Callable[[], datetime] | None = None,
        hours: tuple[int, int] | None = None,
        sleep: Callable[[float], Awaitable[object]] | None = None,
    ) -> None:
        """Run :meth:`send_due` now and every ``interval_minutes`` (at least 1) until cancelled.

        Only between ``hours`` (default :data:`SEND_HOURS`; Kazakhstan time from ``now``,
        default :func:`local_now`; start inclusive, end exclusive): nobody gets a reminder
        at night.  An exception is logged and the loop goes on.
        """
        clock = now or (lambda: local_now())
        start_hour, end_hour = hours or SEND_HOURS
        pause = sleep or asyncio.sleep
        interval = max(float(interval_minutes), 1.0) * 60
        while True:
            try:
                current = clock()
                if start_hour <= current.hour < end_hour:
                    await self.send_due(sender, today=current.date(), days=days)
                else:
                    log.debug("reminders: outside sending hours %s-%s", start_hour, end_hour)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception(
                    "reminders: this run failed; trying again in %s minutes", interval / 60
                )
            await pause(interval)
