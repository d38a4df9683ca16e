"""``python -m admin remind``: the reminders due today, listed (``--dry-run``) or sent now.

The bot sends them by itself every ``REMINDER_INTERVAL_MINUTES`` while it runs; this
command is for the coordinator who wants to see who would be reminded, or to send
without waiting.  Sending goes through Telegram (``BOT_TOKEN``, ``TELEGRAM_API_URL``)
and is claimed in the database like the bot's own runs, so nothing is sent twice.

The sender is the Telegram channel's, found by name through the application layer
(:func:`dialogs.application.senders.sender_for`): ``admin`` never imports ``bot``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date
from typing import TextIO

from dialogs.application import reminders
from dialogs.application.senders import NoSender, sender_for
from dialogs.application.settings import Settings, load_settings
from dialogs.questionnaire import default
from storage import db
from storage.repository import Store


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``remind`` command."""
    p = subparsers.add_parser("remind", help="list (--dry-run) or send now the reminders due today")
    p.add_argument("--campaign", type=int, metavar="ID", help="only this campaign")
    p.add_argument(
        "--today",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="the day to act as (default: today in Kazakhstan)",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="list who would get which reminder; send and record nothing",
    )
    p.add_argument("--days", help="days before the deadline (default: $REMINDER_DAYS, 7,3,1)")
    p.add_argument("--url", help="database URL (default: $DATABASE_URL)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """0 when everything due was listed or sent; 1 if a send failed; 2 on bad settings."""
    try:
        settings = load_settings()
        days = reminders.parse_days(args.days if args.days is not None else settings.reminder_days)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError too
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.url:
        settings = settings.model_copy(update={"database_url": args.url})
    token = settings.bot_token.get_secret_value() if settings.bot_token else ""
    if not args.dry_run and not token:
        print("error: BOT_TOKEN is not set: reminders go out through Telegram", file=sys.stderr)
        return 2
    today = args.today or reminders.local_now().date()
    return asyncio.run(_run(settings, args.campaign, today, days, args.dry_run, sys.stdout))


async def _run(
    settings: Settings,
    campaign_id: int | None,
    today: date,
    days: tuple[int, ...],
    dry_run: bool,
    out: TextIO,
) -> int:
    if not dry_run:
        # as the bot does at start; a dry run writes nothing
        await db.upgrade(settings.database_url)
    store = Store.from_url(settings.database_url)
    try:
        planner = reminders.Reminders(store, default())
        if dry_run:
            planned = await planner.plan_due(today=today, days=days, campaign_id=campaign_id)
            await _print(store, planned, out, today, dry_run=True)
            return 0
        try:
            opened = sender_for(settings, "telegram")
        except NoSender as exc:
            print(f"error: {exc}; --dry-run still lists them", file=sys.stderr)
            return 2
        async with opened as sender:
            done = await planner.send_due(sender, today=today, days=days, campaign_id=campaign_id)
        await _print(store, done, out, today, dry_run=False)
        return 1 if any(d.status == "failed" for d in done) else 0
    finally:
        await store.close()


STATUS_WORDS = {
    "due": "would send",
    "skipped": "skipped: web only, no Telegram",
    "sent": "sent",
    "failed": "FAILED",
}


async def _print(
    store: Store, deliveries: list[reminders.Delivery], out: TextIO, today: date, *, dry_run: bool
) -> None:
    names: dict[int, str] = {}
    for d in deliveries:
        if d.organisation_id not in names:
            names[d.organisation_id] = (await store.get_organisation(d.organisation_id)).name_ru
        contact = await store.get_contact(d.contact_id)
        who = contact.display_name or (
            f"telegram {d.telegram_user_id}" if d.telegram_user_id else f"web {contact.web_login}"
        )
        line = (
            f"campaign {d.campaign_id}  {d.kind:<11} contact {d.contact_id:<5} {who} "
            f"({d.language}), {names[d.organisation_id]}: {STATUS_WORDS.get(d.status, d.status)}"
        )
        if d.status == "failed" and d.error:
            line += f" ({d.error})"
        print(line, file=out)
    counts = {s: sum(1 for d in deliveries if d.status == s) for s in STATUS_WORDS}
    if dry_run:
        summary = f"{counts['due']} would be sent, {counts['skipped']} skipped (web only)"
    else:
        summary = (
            f"{counts['sent']} sent, {counts['failed']} failed (retried by the next run), "
            f"{counts['skipped']} skipped (web only)"
        )
    print(f"{today.isoformat()}: {summary}" if deliveries else f"{today}: nothing due", file=out)
