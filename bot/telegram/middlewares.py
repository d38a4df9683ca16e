"""Outer middleware: every update is applied at most once, and none is lost in silence."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from bot.logs import request_id
from dialogs.application.updates import UpdateLog

log = logging.getLogger(__name__)

#: What a handler returns when it could not do its work: the update stays unmarked.
NOT_PROCESSED = object()


class ProcessedUpdates(BaseMiddleware):
    """Drop an update whose ``update_id`` was handled before (Telegram may deliver it twice:
    after a restart that came before the offset was confirmed, or a repeated webhook call).

    The mark is written when the update has been handled, never before (issue 10): a dialog
    step writes it in its own transaction (see ``DialogService.converse(updates=…)``), the
    other handlers (notices, refusals) after they return.  A handler that dies, or returns
    :data:`NOT_PROCESSED`, leaves the update unmarked, so a redelivery is applied once.
    Across workers, aiogram's ``RedisEventIsolation`` holds one person's updates one at a
    time, so a redelivery handled by another worker finds the mark.  Log lines of the
    update carry ``tg-<update_id>`` as their request id.
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
        if not isinstance(event, Update):
            return await handler(event, data)
        request_id.set(f"tg-{event.update_id}")  # this update's task: its own context
        if await self.updates.seen(self.channel, event.update_id):
            log.info("update %s was handled before; skipped", event.update_id)
            return None
        result = await handler(event, data)
        if result is not NOT_PROCESSED:
            await self.updates.mark(self.channel, event.update_id)
        return result
