"""Reminders through Telegram (and e-mail): the bot's sender, and the loop the bot runs.

What is due, to whom and in which words is planned by the application layer
(:mod:`dialogs.application.reminders`); this module only delivers it with the aiogram
``Bot``: plain text with a button (:data:`CONTINUE_DATA`) that continues the
questionnaire, within the bot's send budget (:mod:`bot.telegram.send_budget`).
Telegram's 429 is reported as :class:`~dialogs.application.outgoing.Throttled`, not
waited out here, so the reminder's claim is given back before the wait; a 403 (the
person blocked the bot) or "chat not found" as
:class:`~dialogs.application.outgoing.Undeliverable`.

:func:`telegram_sender` is registered as the ``telegram`` entry point of
``saualnama.senders``, so ``python -m admin remind`` can send without importing ``bot``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from dialogs.application.jobs import Jobs
from dialogs.application.outgoing import Outgoing, Sender, Throttled, Undeliverable
from dialogs.application.reminders import Reminders, parse_days
from dialogs.application.settings import Settings

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)

#: The callback data of the button under every reminder (handled as /start).
CONTINUE_DATA = "reminder:continue"
#: A reminder's send is one request: a claim lasts a minute, the request far less.
REQUEST_TIMEOUT = 20


class TelegramSender:
    """:class:`~dialogs.application.outgoing.Sender` through the aiogram ``Bot``."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def reserve(self, message: Outgoing) -> None:
        """Wait for this message's place in the bot's send budget (before any claim)."""
        from bot.telegram import send_budget

        budget = send_budget.of(self.bot)
        if budget is not None:
            await budget.acquire(int(message.address))

    async def send(self, message: Outgoing) -> None:
        # Imported here: the web-only process (and its tests) must not need the
        # Telegram channel package just to import this module.
        from aiogram.exceptions import (
            TelegramBadRequest,
            TelegramForbiddenError,
            TelegramRetryAfter,
        )
        from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

        from bot.telegram.send_budget import prepaid

        markup = InlineKeyboardMarkup(
            inline_keyboard=[
                [InlineKeyboardButton(text=message.button, callback_data=CONTINUE_DATA)]
            ]
        )
        try:
            with prepaid():
                await self.bot.send_message(
                    int(message.address), message.text, parse_mode=None,
                    reply_markup=markup, request_timeout=REQUEST_TIMEOUT,
                )  # fmt: skip
        except TelegramRetryAfter as exc:
            raise Throttled(exc.retry_after, str(exc)) from exc
        except TelegramForbiddenError as exc:
            raise Undeliverable(exc.message) from exc
        except TelegramBadRequest as exc:
            if "chat not found" in exc.message.lower():
                raise Undeliverable(exc.message) from exc
            raise


@asynccontextmanager
async def telegram_sender(settings: Settings) -> AsyncIterator[Sender]:
    """A sender over a bot of its own (``BOT_TOKEN``, ``TELEGRAM_API_URL``), closed on exit."""
    from bot.telegram import create_bot, send_budget

    bot = create_bot(settings)
    try:
        yield TelegramSender(bot)
    finally:
        budget = send_budget.of(bot)
        if budget is not None:
            await budget.close()
        await bot.session.close()


def start_reminders(
    settings: Settings,
    reminders: Reminders,
    bot: Bot | None,
    email: Sender | None = None,
    jobs: Jobs | None = None,
) -> asyncio.Task[None] | None:
    """The reminder loop as a task, sending through ``bot`` (Telegram) and ``email`` (for
    contacts without Telegram), whichever of the two there is; ``None`` if there is
    neither (nothing could be delivered) or the settings are invalid.

    An e-mail-only deployment (no ``BOT_TOKEN``, ``SMTP_HOST`` set) runs it too, so web
    chat contacts with an address are reminded there.  With ``jobs`` the loop runs in one
    worker at a time (the others stand by for it).
    """
    senders: dict[str, Sender] = {}
    if bot is not None:
        senders["telegram"] = TelegramSender(bot)
    if email is not None:
        senders["email"] = email
    if not senders:
        log.info("reminders: no channel can deliver them (BOT_TOKEN, SMTP_HOST): none are sent")
        return None
    try:
        days = parse_days(settings.reminder_days)
    except ValueError as exc:
        log.error("REMINDER_DAYS is invalid (%s): no reminders are sent", exc)
        return None
    log.info(
        "reminders: by default %s days before the deadline, on it and after it, "
        "checked every %s minutes, through %s",
        ",".join(map(str, days)) or "no",
        settings.reminder_interval_minutes,
        " and ".join("e-mail" if name == "email" else "Telegram" for name in senders),
    )

    async def loop() -> None:
        await reminders.run_forever(
            senders, days=days, interval_minutes=settings.reminder_interval_minutes
        )

    work = loop() if jobs is None else jobs.run_exclusively("reminders", loop)
    return asyncio.create_task(work, name="saualnama-reminders")
