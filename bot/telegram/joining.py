"""Parts of one long text that Telegram split into several messages, joined again.

Why: Telegram cuts a text longer than 4,096 characters into consecutive messages, often
mid-word.  Taken one by one, the first part was refused as too long and the second saved
as the answer ("Сохранено"), starting mid-word.  A text this long is held for a moment:
parts arriving within :data:`WINDOW` seconds are joined and parsed (or refused) as one
input, whose step marks every part's update.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

#: A message at least this long may be a part of a longer text (Telegram cuts at 4,096).
LONG_PART = 3500
#: How long a part waits for the next one (Telegram sends them within a second or so).
WINDOW = 1.5

Flush = Callable[[str, list[int]], Awaitable[None]]


@dataclass
class _Held:
    parts: list[str]
    updates: list[int]
    timer: asyncio.Task[None] | None = field(default=None)


class SplitText:
    """Per chat, the long part waiting for its continuation."""

    def __init__(self, window: float = WINDOW, long_part: int = LONG_PART) -> None:
        self.window = window
        self.long_part = long_part
        self._held: dict[int, _Held] = {}

    def take(
        self, chat_id: int, update_id: int, text: str, flush: Flush
    ) -> tuple[str, list[int]] | None:
        """The whole text and its updates to handle now, or ``None`` while a part waits.

        A part that waits is handled by ``flush`` when no continuation comes in time.
        """
        held = self._held.pop(chat_id, None)
        if held is not None and held.timer is not None:
            held.timer.cancel()
        parts = [*(held.parts if held else []), text]
        updates = [*(held.updates if held else []), update_id]
        if len(text) < self.long_part:
            return "".join(parts), updates
        waiting = _Held(parts, updates)
        waiting.timer = asyncio.create_task(self._later(chat_id, waiting, flush))
        self._held[chat_id] = waiting
        return None

    async def _later(self, chat_id: int, held: _Held, flush: Flush) -> None:
        await asyncio.sleep(self.window)
        if self._held.get(chat_id) is held:
            del self._held[chat_id]
            await flush("".join(held.parts), held.updates)

    async def drain(self) -> None:
        """Cancel every waiting part (shutdown: their updates stay unmarked, so redelivered)."""
        for held in list(self._held.values()):
            if held.timer is not None:
                held.timer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await held.timer
        self._held.clear()
