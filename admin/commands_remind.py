"""``python -m admin remind``: the reminders due now, listed (``--dry-run``) or sent now.

The bot sends them by itself every ``REMINDER_INTERVAL_MINUTES`` while it runs; this
command is for the coordinator who wants to see who would be reminded, in which words
and through which channel, or to send without waiting.  It keeps each campaign's
sending hours (its time zone; ``--now`` sends anyway).  Sending goes through Telegram
(``BOT_TOKEN``) and, for contacts without it, e-mail (``SMTP_HOST``), claimed in the
database like the bot's own runs, so nothing is sent twice.  A contact who blocked the
bot is recorded as undeliverable once and listed; that is no failure (exit 0).

The senders are the channels', found by name through the application layer
(:func:`dialogs.application.senders.sender_for`): ``admin`` never imports ``bot``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from contextlib import AsyncExitStack
from datetime import UTC, date, datetime
from typing import TextIO

from admin.ops.reminders import sending_channels
from dialogs.application import reminders
from dialogs.application.outgoing import Sender
from dialogs.application.reminder_schedule import parse_days
from dialogs.application.senders import NoSender, sender_for
from dialogs.application.settings import Settings, load_settings
from dialogs.questionnaire import default
from storage import db
from storage.repository import Store


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``remind`` command."""
    p = subparsers.add_parser("remind", help="list (--dry-run) or send now the reminders due")
    p.add_argument("--campaign", type=int, metavar="ID", help="only this campaign")
    p.add_argument(
        "--today",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="the day to act as (default: today in each campaign's time zone)",
    )
    p.add_argument("--dry-run", action="store_true", help="list who would get what, with each text")
    p.add_argument("--now", action="store_true", help="send even outside the sending hours")
    p.add_argument(
        "--at",
        type=datetime.fromisoformat,
        metavar="YYYY-MM-DDTHH:MM+05:00",
        help="act as at this moment (default: now)",
    )
    p.add_argument(
        "--days", help="days before the deadline of campaigns without their own settings"
    )
    p.add_argument("--url", help="database URL (default: $DATABASE_URL)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """0 when everything due was listed or sent; 1 if a send failed; 2 on bad settings."""
    try:
        settings = load_settings()
        days = parse_days(args.days if args.days is not None else settings.reminder_days)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError too
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.url:
        settings = settings.model_copy(update={"database_url": args.url})
    channels = sending_channels(settings)
    if not args.dry_run and not channels:
        print(
            "error: BOT_TOKEN is not set: reminders go out through Telegram "
            "(and e-mail with SMTP_HOST)",
            file=sys.stderr,
        )
        return 2
    return asyncio.run(_run(settings, args, days, channels, sys.stdout))


async def _run(
    settings: Settings,
    args: argparse.Namespace,
    days: tuple[int, ...],
    channels: list[str],
    out: TextIO,
) -> int:
    if not args.dry_run:
        await db.upgrade(settings.database_url)  # as the bot does at start
    store = Store.from_url(settings.database_url)
    try:
        planner = reminders.Reminders(store, default(), web_url=settings.public_url)
        now = args.at or datetime.now(UTC)
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        await _quiet(planner, now, args.campaign, args.now, args.dry_run, out)
        scope = dict(now=now, today=args.today, days=days, campaign_id=args.campaign)
        respect = not args.now and not args.dry_run
        if args.dry_run:
            shown = channels if channels else ["telegram"]
            planned = await planner.plan_due(**scope, channels=shown)
            await _print(store, planned, out, dry_run=True)
            return 0
        async with AsyncExitStack() as stack:
            senders: dict[str, Sender] = {}
            for channel in channels:
                try:
                    senders[channel] = await stack.enter_async_context(
                        sender_for(settings, channel)
                    )
                except NoSender as exc:
                    print(f"error: {exc}; --dry-run still lists them", file=sys.stderr)
                    return 2
            done = await planner.send_due(senders, **scope, respect_hours=respect)
        await _print(store, done, out, dry_run=False)
        return 1 if any(d.status == "failed" for d in done) else 0
    finally:
        await store.close()


async def _quiet(
    planner: reminders.Reminders,
    now: datetime,
    campaign_id: int | None,
    anyway: bool,
    dry_run: bool,
    out: TextIO,
) -> None:
    """Say which campaigns are outside their sending hours, and what happens to them."""
    for campaign, policy in await planner.quiet_campaigns(now=now, campaign_id=campaign_id):
        start, end = policy.hours
        local = policy.local(now)
        opens = policy.next_window(now)
        what = (
            "sending anyway (--now)"
            if anyway
            else "listed only"
            if dry_run
            else f"nothing sent before {opens:%Y-%m-%d %H:%M}; --now sends anyway"
        )
        print(
            f"campaign {campaign.id}: outside sending hours {start:02d}:00-{end:02d}:00 "
            f"{policy.time_zone} (now {local:%H:%M} there): {what}",
            file=out,
        )


STATUS_WORDS = {
    "due": "would send",
    "sent": "sent",
    "failed": "FAILED",
    "undeliverable": "UNDELIVERABLE (recorded; not tried again)",
    "deferred": "deferred (minimum gap)",
    "skipped": "skipped",
}
CHANNEL_WORDS = {"telegram": "Telegram", "email": "e-mail"}


def _line(d: reminders.Delivery, who: str, org: str) -> str:
    status = STATUS_WORDS.get(d.status, d.status)
    if d.channel is not None and d.status in ("due", "sent", "failed", "undeliverable"):
        status += f" by {CHANNEL_WORDS.get(d.channel, d.channel)}"
        if d.channel == "email":
            status += f" to {d.address}"
    if d.error and d.status != "sent":
        status += f": {d.error}" if d.status == "skipped" else f" ({d.error})"
    return (
        f"campaign {d.campaign_id}  {d.kind:<11} contact {d.contact_id:<5} {who} "
        f"({d.language}), {org}: {status}"
    )


async def _print(
    store: Store, deliveries: list[reminders.Delivery], out: TextIO, *, dry_run: bool
) -> None:
    names: dict[int, str] = {}
    for d in deliveries:
        if d.organisation_id not in names:
            names[d.organisation_id] = (await store.get_organisation(d.organisation_id)).name_ru
        contact = await store.get_contact(d.contact_id)
        who = contact.display_name or (
            f"telegram {contact.telegram_user_id}"
            if contact.telegram_user_id
            else f"web {contact.web_login}"
        )
        print(_line(d, who, names[d.organisation_id]), file=out)
        if dry_run and d.status == "due":
            for text_line in [f"Subject: {d.subject}"] * (d.channel == "email") + d.text.split(
                "\n"
            ):
                print(f"    | {text_line}", file=out)
            if d.channel == "telegram":
                print(f"    [{d.button}]", file=out)
    counts = {s: sum(1 for d in deliveries if d.status == s) for s in STATUS_WORDS}
    if not deliveries:
        print("nothing due", file=out)
        return
    if dry_run:
        head = f"{counts['due']} would be sent"
    else:
        head = (
            f"{counts['sent']} sent, {counts['failed']} failed (retried by the next run), "
            f"{counts['undeliverable']} undeliverable"
        )
    print(f"{head}, {counts['deferred']} deferred, {counts['skipped']} skipped", file=out)
