"""Outer middleware: every update is handled at most once, across restarts and webhooks."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from bot.logs import request_id
from dialogs.application.updates import UpdateLog

log = logging.getLogger(__name__)


class ProcessedUpdates(BaseMiddleware):
    """Drop an update whose ``update_id`` was seen before (Telegram may deliver it twice:
    after a restart that came before the offset was confirmed, or a repeated webhook call).

    The mark is written before the handler runs (at most once): a crash mid-handling
    loses that one message rather than applying it twice, e.g. to the next question.
    Log lines of the update carry ``tg-<update_id>`` as their request id.
    """

    def __init__(self, updates: UpdateLog, channel: str = "telegram") -> None:
        self.updates = updates
        self.channel = channel

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, Update):
            request_id.set(f"tg-{event.update_id}")  # this update's task: its own context
        if isinstance(event, Update) and not await self.updates.first_time(
            self.channel, event.update_id
        ):
            log.info("update %s was handled before; skipped", event.update_id)
            return None
        return await handler(event, data)
