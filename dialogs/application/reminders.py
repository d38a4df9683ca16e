"""Reminders: the deadline is near or past, or the coordinator returned a response.

The questionnaire is due within a month of the request (§9 of the Rules).  For every
open campaign :meth:`Reminders.plan_due` finds, under the campaign's reminder policy
(:mod:`dialogs.application.reminder_schedule`: offsets before the deadline, the day
itself, overdue every N days up to a cap, a minimum gap per person, sending hours in
the campaign's time zone):

* ``d-N`` / ``overdue-K`` to the active contacts of every member organisation that has
  not submitted;
* ``returned-K`` when the coordinator returned the response for correction (the K-th
  return), to every active contact of the organisation, with the reason.

Each goes out through Telegram when the contact has it (with a button that continues
the questionnaire), else by e-mail when the contact has an address and SMTP is set up
(with the web chat's link), else it is listed as skipped.  A contact a channel cannot
reach (Telegram's 403) is recorded once and skipped on that channel from then on.

Sent at most once, whatever runs it: :mod:`dialogs.application.reminder_sending` claims
the deliveries in storage a second's worth at a time, just before sending them, and
gives the claims back before any wait, so a sender that dies never keeps others waiting
for more than a claim's minute.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

from dialogs.application.metrics import REMINDERS
from dialogs.application.outgoing import Outgoing, Sender
from dialogs.application.reminder_schedule import Policy, is_deadline_kind, parse_days
from dialogs.application.reminder_texts import Progress, ReminderWriter
from dialogs.schema import Questionnaire
from storage.models import Campaign, Contact, DeliveryStatus, Response, ResponseStatus
from storage.repository import Store

log = logging.getLogger(__name__)

__all__ = ["KZ_TIME", "Delivery", "Reminders", "Sender", "local_now", "parse_days"]

#: Kazakhstan keeps one time zone, UTC+5, since March 2024 (the CLI's default "today").
KZ_TIME = timezone(timedelta(hours=5), "KZ")
CHANNELS = ("telegram", "email")

#: Why a reminder is skipped (``Delivery.error``, as ``remind --dry-run`` prints it; the
#: panel says each in the coordinator's language)
NO_CHANNEL = "web only, no e-mail address"
BLOCKED = "undeliverable on Telegram (blocked the bot)"
BLOCKED_BOTH = BLOCKED + "; e-mail undeliverable too"
NO_SMTP = "e-mail not configured (SMTP_HOST)"
MAIL_UNDELIVERABLE = "e-mail undeliverable"


@dataclass(frozen=True, slots=True)
class Delivery:
    """One reminder to one contact and what became of it.

    ``status``: ``due`` (planned), ``sent``, ``failed`` (retried next run),
    ``undeliverable`` (recorded now; not tried again), ``skipped`` (no channel reaches
    the contact: ``error`` says why) or ``deferred`` (the minimum gap since the last one).
    """

    campaign_id: int
    organisation_id: int
    contact_id: int
    kind: str
    deadline: date
    status: str
    language: str
    text: str
    channel: str | None = None
    address: int | str | None = None
    subject: str = ""
    button: str = ""
    link: str | None = None
    error: str | None = None

    def outgoing(self) -> Outgoing:
        """The message a channel's :class:`Sender` delivers."""
        assert self.channel is not None and self.address is not None
        return Outgoing(
            self.channel, self.address, self.language, self.subject, self.text, self.button,
            self.link,
        )  # fmt: skip


def local_now() -> datetime:
    """The time in Kazakhstan."""
    return datetime.now(KZ_TIME)


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _now() -> datetime:
    """The default clock, looked up when called (a test of the whole process sets the
    time by replacing :func:`_utcnow`)."""
    return _utcnow()


async def _return_kind(store: Store, response: Response) -> tuple[str, str | None]:
    """``returned-K`` for the K-th return of ``response``, and the reason (from the audit
    log: the version grows with every corrected answer and would announce one return
    again and again)."""
    returns = await store.list_audit_events(
        entity_type="response", entity_id=response.id, action="response.returned"
    )
    return f"returned-{max(len(returns), 1)}", response.return_reason


def _route(
    contact: Contact, channels: Collection[str], blocked: set[str]
) -> tuple[str | None, int | str | None, str | None]:
    """(channel, address, why not) for one contact: Telegram first, then e-mail."""
    tg = contact.telegram_user_id
    if tg is not None and "telegram" not in blocked and "telegram" in channels:
        return "telegram", tg, None
    if contact.email and "email" not in blocked and "email" in channels:
        return "email", contact.email, None
    if contact.telegram_user_id is not None and "telegram" in blocked:
        return None, None, BLOCKED_BOTH if "email" in blocked else BLOCKED
    if contact.email and "email" not in channels:
        return None, None, NO_SMTP
    if contact.email:
        return None, None, MAIL_UNDELIVERABLE
    return None, None, NO_CHANNEL


class Reminders:
    """Plans and sends the reminders of every open campaign (see the module docstring)."""

    def __init__(
        self,
        store: Store,
        questionnaire: Questionnaire,
        *,
        web_url: str | None = None,
        clock: Callable[[], datetime] = _now,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self._store = store
        self._q = questionnaire
        self._web_url = web_url.rstrip("/") + "/chat" if web_url else None
        self.clock = clock
        self.sleep = sleep

    async def policy(self, campaign_id: int, days: Sequence[int] | None = None) -> Policy:
        """The campaign's reminder policy (``days``: offsets of a campaign without its own)."""
        row = await self._store.get_reminder_policy(campaign_id)
        return Policy.of(row, offsets=None if row is not None else days)

    async def quiet_campaigns(
        self, *, now: datetime | None = None, campaign_id: int | None = None
    ) -> list[tuple[Campaign, Policy]]:
        """Open campaigns outside their sending hours at ``now``, with their policies."""
        now = now or self.clock()
        quiet = []
        for campaign in await self._campaigns(campaign_id):
            policy = await self.policy(campaign.id)
            if not policy.in_hours(now):
                quiet.append((campaign, policy))
        return quiet

    async def _campaigns(self, campaign_id: int | None) -> list[Campaign]:
        campaigns = await self._store.list_campaigns(status="open")
        if campaign_id is not None:
            campaigns = [c for c in campaigns if c.id == campaign_id]
        return sorted(campaigns, key=lambda c: c.id)

    async def plan_due(
        self,
        *,
        now: datetime | None = None,
        today: date | None = None,
        days: Sequence[int] | None = None,
        campaign_id: int | None = None,
        channels: Collection[str] = CHANNELS,
        respect_hours: bool = False,
    ) -> list[Delivery]:
        """Every reminder due at ``now`` and not yet sent; reads only (``--dry-run``).

        ``today`` overrides the campaign's local date, ``days`` the default offsets;
        ``channels``: those that can send now; ``respect_hours``: leave out campaigns
        outside their sending hours.
        """
        now = now or self.clock()
        writer = ReminderWriter(Progress(self._store, self._q))
        planned: list[Delivery] = []
        for campaign in await self._campaigns(campaign_id):
            policy = await self.policy(campaign.id, days)
            if respect_hours and not policy.in_hours(now):
                continue
            day = today or policy.local(now).date()
            planned.extend(await self._plan(campaign, policy, day, now, channels, writer))
        return planned

    async def _plan(
        self,
        campaign: Campaign,
        policy: Policy,
        today: date,
        now: datetime,
        channels: Collection[str],
        writer: ReminderWriter,
    ) -> list[Delivery]:
        wanted = await self._wanted(campaign, policy, today)
        if wanted:
            await writer.preload(campaign.id)
        blocked = await self._store.undeliverable_channels([c.id for c, _, _ in wanted])
        last = await self._last_sent(campaign.id)
        out = []
        for contact, kind, reason in wanted:
            channel, address, why = _route(contact, channels, blocked.get(contact.id, set()))
            link = self._web_url if channel == "email" else None
            written = await writer.write(campaign, contact, kind, today, reason, link)
            status, error = ("due", None) if channel else ("skipped", why)
            seen = last.get(contact.id)
            if channel and is_deadline_kind(kind) and seen and now - seen < policy.min_gap:
                status, error = "deferred", f"last reminder at {seen:%Y-%m-%d %H:%M} UTC"
            out.append(
                Delivery(
                    campaign.id,
                    contact.organisation_id,
                    contact.id,
                    kind,
                    campaign.deadline,
                    status,
                    written.language,
                    written.text,
                    channel,
                    address,
                    written.subject,
                    written.button,
                    link,
                    error,
                )  # fmt: skip
            )
        return out

    async def _last_sent(self, campaign_id: int) -> dict[int, datetime]:
        """When each contact was last sent a deadline reminder of this campaign."""
        last: dict[int, datetime] = {}
        for d in await self._store.list_reminder_deliveries(campaign_id):
            if d.status == DeliveryStatus.SENT and is_deadline_kind(d.kind):
                last[d.contact_id] = max(d.at, last.get(d.contact_id, d.at))
        return last

    async def _wanted(
        self, campaign: Campaign, policy: Policy, today: date
    ) -> list[tuple[Contact, str, str | None]]:
        """(contact, kind, reason) of every reminder of one campaign due ``today``."""
        store = self._store
        wanted: list[tuple[Contact, str, str | None]] = []
        kind = policy.due_kind(campaign.deadline, today)
        if kind is not None:
            for contact in await store.contacts_due_reminder(campaign.id, kind):
                wanted.append((contact, kind, None))
        returned = await store.list_responses(campaign.id, status=ResponseStatus.RETURNED)
        if not returned:
            return wanted
        sent = {
            (d.contact_id, d.kind)
            for d in await store.list_reminder_deliveries(campaign.id)
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
        senders: Sender | Mapping[str, Sender],
        *,
        now: datetime | None = None,
        today: date | None = None,
        days: Sequence[int] | None = None,
        campaign_id: int | None = None,
        respect_hours: bool = False,
        concurrency: int = 8,
    ) -> list[Delivery]:
        """Send every reminder due (see :meth:`plan_due`); returns what happened to each.

        ``senders``: by channel name (one sender alone is Telegram's).
        """
        from dialogs.application.reminder_sending import deliver_all

        by_channel = dict(senders) if isinstance(senders, Mapping) else {"telegram": senders}
        planned = await self.plan_due(
            now=now, today=today, days=days, campaign_id=campaign_id,
            channels=by_channel, respect_hours=respect_hours,
        )  # fmt: skip
        done = await deliver_all(self, by_channel, planned, concurrency=concurrency)
        for d in done:
            REMINDERS.labels(d.status).inc()
        if done:
            counts = {s: sum(1 for d in done if d.status == s) for s in {d.status for d in done}}
            log.info("reminders: %s", ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
        return done

    @property
    def store(self) -> Store:
        """The store (for :mod:`dialogs.application.reminder_sending`)."""
        return self._store

    async def send_returned(
        self,
        senders: Sender | Mapping[str, Sender],
        *,
        today: date,
        campaign_id: int,
        organisation_id: int,
    ) -> list[Delivery]:
        """Send the ``returned-K`` reminders of one organisation now (the coordinator just
        returned its response), claimed like every reminder so the loop does not send them
        again; contacts no channel reaches come back ``skipped`` (they see the return in
        the chat)."""
        from dialogs.application.reminder_sending import deliver_all

        by_channel = dict(senders) if isinstance(senders, Mapping) else {"telegram": senders}
        planned = [
            p
            for p in await self.plan_due(
                today=today, days=(), campaign_id=campaign_id, channels=by_channel
            )
            if p.organisation_id == organisation_id and p.kind.startswith("returned-")
        ]
        return await deliver_all(self, by_channel, planned)

    async def run_forever(
        self,
        senders: Sender | Mapping[str, Sender],
        *,
        days: Sequence[int] | None = None,
        interval_minutes: float,
        now: Callable[[], datetime] | None = None,
        sleep: Callable[[float], Awaitable[object]] | None = None,
    ) -> None:
        """Run :meth:`send_due` now and every ``interval_minutes`` (at least 1) until
        cancelled, each campaign within its sending hours only (nobody is reminded at
        night).  An exception is logged and the loop goes on."""
        clock = now or self.clock
        pause = sleep or asyncio.sleep
        interval = max(float(interval_minutes), 1.0) * 60
        while True:
            try:
                await self.send_due(senders, now=clock(), days=days, respect_hours=True)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception(
                    "reminders: this run failed; trying again in %s minutes", interval / 60
                )
            await pause(interval)
