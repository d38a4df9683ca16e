"""Reminders: the deadline is near or past, or the coordinator returned a response.

The questionnaire is due within a month of the request (§9 of the Rules).  For every
open campaign :func:`send_due` sends, through Telegram:

* ``d-N``: on the day the deadline is N days away (N in ``REMINDER_DAYS``, e.g. 7, 3, 1),
  to the active contacts of every organisation that has not submitted;
* ``overdue``: once, on any day after the deadline, to the same people;
* ``returned-K``: when the coordinator returned the response for correction (the K-th
  return of that response), to every active contact of the organisation, with the
  coordinator's reason.

Each message says what is due and when, how much is answered ("{done} of {total}") and
how to continue (/start in the bot), in the contact's language.

Sent at most once, whatever runs it: a delivery is *claimed* in storage
(:meth:`~storage.repository.Store.claim_reminder`, a committed ``pending`` row) before
the message goes out, so two processes, or the loop and ``python -m admin remind``,
never send the same reminder twice.  A failed send is recorded as ``failed`` and tried
again by the next run; a sender that died after its claim leaves a ``pending`` row that
another run takes over after :attr:`Store.REMINDER_CLAIM_TIMEOUT`.

Contacts without Telegram (web only) are skipped, and the skip is logged: there is no
e-mail channel.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Protocol

from dialogs import i18n
from dialogs.i18n import N_
from dialogs.walk import Walk
from storage.models import (
    Campaign,
    Contact,
    DeliveryStatus,
    Organisation,
    Response,
    ResponseStatus,
)
from storage.repository import Store

if TYPE_CHECKING:
    from aiogram import Bot

    from dialogs.application.dialog import DialogService
    from dialogs.application.settings import Settings

log = logging.getLogger(__name__)

#: Kazakhstan keeps one time zone, UTC+5, since March 2024: "today" is the day there.
KZ_TIME = timezone(timedelta(hours=5), "KZ")
#: The periodic loop sends only between these local hours (the CLI sends when told to).
SEND_HOURS = (9, 20)
#: Length of a send error kept in storage.
MAX_ERROR = 500

CHANNEL = "telegram"
OVERDUE = "overdue"

# Russian msgids; translated in locales/ (kk, en).
TEXT_DAYS_LEFT = N_(
    "Здравствуйте! Напоминаем: анкету организации «{organisation}» по противодействию "
    "торговле людьми нужно отправить до {deadline} (осталось дней: {days})."
)
TEXT_OVERDUE = N_(
    "Здравствуйте! Срок отправки анкеты организации «{organisation}» по противодействию "
    "торговле людьми истёк {deadline}, а анкета ещё не отправлена. "
    "Пожалуйста, завершите её как можно скорее."
)
TEXT_RETURNED = N_(
    "Здравствуйте! Координатор вернул анкету организации «{organisation}» на доработку."
)
TEXT_REASON = N_("Причина: {reason}")
TEXT_PROGRESS = N_("Заполнено: {done} из {total}.")
TEXT_ALL_ANSWERED = N_("Заполнено: {done} из {total} — осталось проверить и отправить анкету.")
TEXT_CONTINUE = N_("Чтобы продолжить, отправьте /start в этом чате.")
TEXT_CORRECT = N_("Чтобы исправить ответы и отправить анкету снова, отправьте /start в этом чате.")


class Sender(Protocol):
    """Delivers one text to one Telegram user; raises if it could not."""

    async def send(self, telegram_user_id: int, text: str) -> None: ...


class TelegramSender:
    """:class:`Sender` through the aiogram ``Bot``: plain text, split at 4096, and
    flood control (429) waited out / network errors retried by ``with_retry``."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, telegram_user_id: int, text: str) -> None:
        # Imported here: the web-only process (and its tests) must not need the
        # Telegram channel package just to import this module.
        from bot.telegram.sending import send_text

        await send_text(self.bot, telegram_user_id, text)


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


def _date(d: date) -> str:
    return d.strftime("%d.%m.%Y")


class _Run:
    """One pass over the campaigns: caches what several contacts share."""

    def __init__(self, store: Store, service: DialogService) -> None:
        self.store = store
        self.service = service
        self.organisations: dict[int, Organisation] = {}
        self.responses: dict[int, dict[int, Response]] = {}
        self.progress_of: dict[tuple[int, int], tuple[int, int]] = {}

    async def organisation(self, organisation_id: int) -> Organisation:
        if organisation_id not in self.organisations:
            self.organisations[organisation_id] = await self.store.get_organisation(organisation_id)
        return self.organisations[organisation_id]

    async def response(self, campaign_id: int, organisation_id: int) -> Response | None:
        if campaign_id not in self.responses:
            rows = await self.store.list_responses(campaign_id)
            self.responses[campaign_id] = {r.organisation_id: r for r in rows}
        return self.responses[campaign_id].get(organisation_id)

    async def progress(self, campaign_id: int, organisation: Organisation) -> tuple[int, int]:
        """(answered, all) fields of the organisation's questionnaire in this campaign.

        The walk ``DialogService.progress`` counts, but for this campaign, and read-only
        (no response is created for an organisation that has not started).
        """
        key = (campaign_id, organisation.id)
        if key not in self.progress_of:
            response = await self.response(campaign_id, organisation.id)
            answered: set[str] = set()
            if response is not None:
                answered = {a.field_code for a in await self.store.list_answers(response.id)}
            walk = Walk(self.service.q, list(organisation.blocks))
            self.progress_of[key] = walk.progress(answered)
        return self.progress_of[key]

    async def text(
        self, campaign: Campaign, contact: Contact, kind: str, today: date, reason: str | None
    ) -> tuple[str, str]:
        """(language, message) of one reminder to one contact."""
        lang = i18n.normalise(contact.language)
        _ = i18n.translator(lang)
        org = await self.organisation(contact.organisation_id)
        name = org.name_kk if lang == "kk" and org.name_kk else org.name_ru
        deadline = _date(campaign.deadline)
        if kind.startswith("returned-"):
            lines = [_(TEXT_RETURNED).format(organisation=name)]
            if reason:
                lines.append(_(TEXT_REASON).format(reason=reason))
            lines.append(_(TEXT_CORRECT))
            return lang, "\n".join(lines)
        if kind == OVERDUE:
            head = _(TEXT_OVERDUE).format(organisation=name, deadline=deadline)
        else:
            left = (campaign.deadline - today).days
            head = _(TEXT_DAYS_LEFT).format(organisation=name, deadline=deadline, days=left)
        done, total = await self.progress(campaign.id, org)
        progress = TEXT_ALL_ANSWERED if total and done >= total else TEXT_PROGRESS
        return lang, "\n".join([head, _(progress).format(done=done, total=total), _(TEXT_CONTINUE)])


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


async def plan_due(
    store: Store,
    service: DialogService,
    *,
    today: date,
    days: Sequence[int],
    campaign_id: int | None = None,
) -> list[Delivery]:
    """Every reminder due today and not yet sent (``due``, or ``skipped``: no Telegram).

    Reads only: nothing is claimed, sent or recorded (``python -m admin remind --dry-run``).
    """
    run = _Run(store, service)
    planned: list[Delivery] = []
    campaigns = await store.list_campaigns(status="open")
    if campaign_id is not None:
        campaigns = [c for c in campaigns if c.id == campaign_id]
    for campaign in sorted(campaigns, key=lambda c: c.id):
        wanted: list[tuple[Contact, str, str | None]] = []
        kind = deadline_kind(campaign.deadline, today, days)
        if kind is not None:
            for contact in await store.contacts_due_reminder(campaign.id, kind):
                wanted.append((contact, kind, None))
        returned = await store.list_responses(campaign.id, status=ResponseStatus.RETURNED)
        if returned:
            sent = {
                (d.contact_id, d.kind)
                for d in await store.list_reminder_deliveries(campaign.id)
                if d.status == DeliveryStatus.SENT
            }
            for response in returned:
                returned_kind, reason = await _return_kind(store, response)
                for contact in await store.list_contacts(
                    response.organisation_id, active_only=True
                ):
                    if (contact.id, returned_kind) not in sent:
                        wanted.append((contact, returned_kind, reason))
        for contact, kind, reason in wanted:
            lang, text = await run.text(campaign, contact, kind, today, reason)
            planned.append(
                Delivery(
                    campaign_id=campaign.id,
                    organisation_id=contact.organisation_id,
                    contact_id=contact.id,
                    kind=kind,
                    status="due" if contact.telegram_user_id is not None else "skipped",
                    language=lang,
                    text=text,
                    telegram_user_id=contact.telegram_user_id,
                    error=None if contact.telegram_user_id is not None else "no Telegram account",
                )
            )
    return planned


async def send_due(
    store: Store,
    service: DialogService,
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
    for planned in await plan_due(store, service, today=today, days=days, campaign_id=campaign_id):
        if planned.telegram_user_id is None:
            log.info(
                "reminder %s of campaign %s not sent to contact %s: web only (no Telegram)",
                planned.kind,
                planned.campaign_id,
                planned.contact_id,
            )
            done.append(planned)
            continue
        key = (planned.campaign_id, planned.contact_id, planned.kind)
        if not await store.claim_reminder(*key, channel=CHANNEL):
            continue  # sent already, or being sent by another run
        try:
            await sender.send(planned.telegram_user_id, planned.text)
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
            done.append(replace(planned, status="failed", error=error))
            continue
        await store.finish_reminder(*key, status="sent")
        done.append(replace(planned, status="sent"))
    sent = sum(1 for d in done if d.status == "sent")
    if done:
        log.info("reminders: %s sent, %s failed or skipped", sent, len(done) - sent)
    return done


async def reminder_loop(
    store: Store,
    service: DialogService,
    sender: Sender,
    *,
    days: Sequence[int],
    interval_minutes: float,
    now: Callable[[], datetime] | None = None,
    hours: tuple[int, int] | None = None,
    sleep: Callable[[float], Awaitable[Any]] | None = None,
) -> None:
    """Run :func:`send_due` now and every ``interval_minutes`` (at least 1) until cancelled.

    Only between ``hours`` (default :data:`SEND_HOURS`; Kazakhstan time from ``now``, default
    :func:`local_now`; start inclusive, end exclusive): nobody gets a reminder at night.
    An exception is logged and the loop goes on.
    """
    now = now or local_now
    start_hour, end_hour = hours or SEND_HOURS
    sleep = sleep or asyncio.sleep
    interval = max(float(interval_minutes), 1.0) * 60
    while True:
        try:
            current = now()
            if start_hour <= current.hour < end_hour:
                await send_due(store, service, sender, today=current.date(), days=days)
            else:
                log.debug("reminders: outside sending hours %s-%s", start_hour, end_hour)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("reminders: this run failed; trying again in %s minutes", interval / 60)
        await sleep(interval)


def start_reminders(
    settings: Settings, store: Store, service: DialogService, bot: Bot
) -> asyncio.Task | None:
    """The reminder loop as a task, sending through ``bot``; ``None`` if misconfigured."""
    try:
        days = parse_days(settings.reminder_days)
    except ValueError as exc:
        log.error("REMINDER_DAYS is invalid (%s): no reminders are sent", exc)
        return None
    log.info(
        "reminders: %s days before the deadline and after it, checked every %s minutes",
        ",".join(map(str, days)) or "no",
        settings.reminder_interval_minutes,
    )
    return asyncio.create_task(
        reminder_loop(
            store,
            service,
            TelegramSender(bot),
            days=days,
            interval_minutes=settings.reminder_interval_minutes,
        ),
        name="saualnama-reminders",
    )
