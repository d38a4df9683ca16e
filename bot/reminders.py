"""Reminders through Telegram: the bot's sender, and the loop the bot process runs.

What is due, to whom and in which words is planned by the application layer
(:mod:`dialogs.application.reminders`); this module only delivers it with the aiogram
``Bot``.  :func:`telegram_sender` is also registered as the ``telegram`` entry point of
``saualnama.senders``, so ``python -m admin remind`` can send without importing ``bot``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from dialogs.application.jobs import Jobs
from dialogs.application.reminders import Reminders, Sender, parse_days, parse_hours
from dialogs.application.settings import Settings

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)


class TelegramSender:
    """:class:`~dialogs.application.reminders.Sender` through the aiogram ``Bot``: plain
    text, split at 4096, and flood control (429) waited out / network errors retried by
    ``with_retry``."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, telegram_user_id: int, text: str) -> None:
        # Imported here: the web-only process (and its tests) must not need the
        # Telegram channel package just to import this module.
        from bot.telegram.sending import send_text

        await send_text(self.bot, telegram_user_id, text)


@asynccontextmanager
async def telegram_sender(settings: Settings) -> AsyncIterator[Sender]:
    """A sender over a bot of its own (``BOT_TOKEN``, ``TELEGRAM_API_URL``), closed on exit."""
    from bot.telegram import create_bot

    bot = create_bot(settings)
    try:
        yield TelegramSender(bot)
    finally:
        await bot.session.close()


def start_reminders(
    settings: Settings, reminders: Reminders, bot: Bot, jobs: Jobs | None = None
) -> asyncio.Task[None] | None:
    """The reminder loop as a task, sending through ``bot``; ``None`` if misconfigured.

    With ``jobs`` the loop runs in one worker at a time (the others stand by for it).
    """
    try:
        days = parse_days(settings.reminder_days)
        hours = parse_hours(settings.reminder_hours)
    except ValueError as exc:
        log.error("REMINDER_DAYS or REMINDER_HOURS is invalid (%s): no reminders are sent", exc)
        return None
    log.info(
        "reminders: %s days before the deadline and after it, checked every %s minutes",
        ",".join(map(str, days)) or "no",
        settings.reminder_interval_minutes,
    )

    async def loop() -> None:
        await reminders.run_forever(
            TelegramSender(bot),
            days=days,
            interval_minutes=settings.reminder_interval_minutes,
            hours=hours,
        )

    work = loop() if jobs is None else jobs.run_exclusively("reminders", loop)
    return asyncio.create_task(work, name="saualnama-reminders")
