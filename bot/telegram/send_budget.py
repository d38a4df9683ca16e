"""The bot's send budget: at most 30 messages a second overall and one a second per chat
(on average: a burst of :data:`PER_CHAT_BURST`, a dialog step's replies, goes at once).

Telegram answers 429 ("Too Many Requests: retry after N") to a bot that sends faster;
the budget keeps the bot under those limits so a 429 is the exception.  Every request
that sends or edits a message waits for its turn (:class:`BudgetMiddleware`, installed
on the bot's session by :func:`install`), whoever makes it: the dialog's replies and
the reminders alike.

Two implementations of one small interface (:class:`SendBudget`):

* :class:`LocalBudget`, within one process: a :class:`Pacer` of even slots overall,
  ``aiolimiter`` leaky buckets per chat;
* :class:`RedisBudget`, with ``REDIS_URL`` set: one budget per bot shared by every
  process that sends as it (several workers, the bot and ``python -m admin remind``),
  kept in Redis by a Lua script (a GCRA: each message reserves the next free slot).

A sender that must not hold something while waiting (a reminder's claim) reserves its
place first (:meth:`SendBudget.acquire`) and sends inside :func:`prepaid`, so the
middleware does not charge that message twice.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict
from collections.abc import Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Literal, Protocol

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods.base import TelegramType
from aiolimiter import AsyncLimiter

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import Response, TelegramMethod

#: Telegram's published limits, with a little room for the network's jitter.
OVERALL_PER_SECOND = 29.0
PER_CHAT_PER_SECOND = 1.0
#: A dialog step's replies (two or three messages) go at once; a chat still averages 1/s.
PER_CHAT_BURST = 3
#: Seconds of a late wake-up the overall pace makes up for (see :class:`Pacer`).
CATCH_UP = 0.002
#: Per-chat buckets kept in memory (the idle ones beyond this are forgotten).
MAX_CHATS = 10_000
#: The methods that count: they put a message in a chat.
COUNTED_PREFIXES = ("send", "edit", "copy", "forward")

_prepaid: ContextVar[bool] = ContextVar("saualnama_send_prepaid", default=False)


class SendBudget(Protocol):
    """Waits until one more message may go to ``chat_id`` (``None``: no chat limit)."""

    async def acquire(self, chat_id: int | str | None) -> None: ...

    async def close(self) -> None: ...


class Pacer:
    """Slots ``1/rate`` apart, each reserved when asked: the next slot is
    ``max(last + 1/rate, now)``, and a waiter that wakes late moves the following
    slots back to ``its wake-up + 1/rate - CATCH_UP``.

    Why not a capacity-1 ``aiolimiter`` bucket: it counts the gap from the moment a
    waiter actually woke, so every small lateness of a busy event loop (a millisecond
    or two) pushes all later messages back, and under load 29/s became ~27/s; here a
    lateness up to :data:`CATCH_UP` costs nothing.  Why not a plain GCRA (the Redis
    budget's): after a stall (the loop blocked 50 ms) it sends the overdue slots back to
    back, and Telegram counts any second: 31 in one is a 429.  So at most
    :data:`CATCH_UP` is caught up, and 30 messages span at least
    ``30/rate - CATCH_UP`` (1.032 s at 29/s): a request may still leave ~30 ms late.
    """

    def __init__(self, rate: float) -> None:
        self._every = 1 / rate
        self._next = 0.0

    async def acquire(self) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        slot = max(self._next, now)
        self._next = slot + self._every
        if slot > now:
            await asyncio.sleep(slot - now)
        self._next = max(self._next, loop.time() + self._every - CATCH_UP)


class LocalBudget:
    """:class:`SendBudget` of one process: evenly spaced slots overall (:class:`Pacer`),
    an ``aiolimiter`` bucket per chat (a burst of :data:`PER_CHAT_BURST`, then 1/s)."""

    def __init__(
        self, overall: float = OVERALL_PER_SECOND, per_chat: float = PER_CHAT_PER_SECOND
    ) -> None:
        self._overall = Pacer(overall)
        self._per_chat_period = PER_CHAT_BURST / per_chat
        self._chats: OrderedDict[int | str, AsyncLimiter] = OrderedDict()

    def _chat(self, chat_id: int | str) -> AsyncLimiter:
        limiter = self._chats.get(chat_id)
        if limiter is None:
            limiter = AsyncLimiter(PER_CHAT_BURST, self._per_chat_period)
            self._chats[chat_id] = limiter
            while len(self._chats) > MAX_CHATS:
                oldest, bucket = next(iter(self._chats.items()))
                if not bucket.has_capacity():
                    break
                del self._chats[oldest]
        self._chats.move_to_end(chat_id)
        return limiter

    async def acquire(self, chat_id: int | str | None) -> None:
        # the chat's turn first, so waiting for it holds no place in the overall budget
        if chat_id is not None:
            await self._chat(chat_id).acquire()
        await self._overall.acquire()

    async def close(self) -> None:
        return None


#: KEYS: overall, chat; ARGV: overall interval, chat interval, chat burst tolerance (ms).
#: Returns the ms to wait, as a string (Lua numbers become integers in replies), prefixed
#: "retry " when the chat is not free yet (nothing reserved: ask again after the wait);
#: else the next overall slot is reserved and the chat's GCRA time moved past it.
_GCRA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local every, per_chat, tolerance = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local overall = tonumber(redis.call('GET', KEYS[1]) or '0')
local chat = tonumber(redis.call('GET', KEYS[2]) or '0')
if overall < now then overall = now end
if chat - tolerance > overall then return 'retry ' .. tostring(chat - tolerance - now) end
redis.call('SET', KEYS[1], tostring(overall + every), 'PX', math.ceil(overall + every - now) + 1000)
if KEYS[2] ~= KEYS[1] then
  local next_chat = math.max(chat, overall) + per_chat
  redis.call('SET', KEYS[2], tostring(next_chat), 'PX', math.ceil(next_chat - now) + 1000)
end
return tostring(overall - now)
"""


class RedisBudget:
    """:class:`SendBudget` shared through Redis by every process sending as one bot.

    ``bot_id`` names the budget (the number before the colon of the token: the secret
    part never reaches Redis).
    """

    def __init__(
        self,
        url: str,
        bot_id: str,
        overall: float = OVERALL_PER_SECOND,
        per_chat: float = PER_CHAT_PER_SECOND,
    ) -> None:
        import redis.asyncio as aioredis

        self._redis: Any = aioredis.Redis.from_url(url)
        self._script: Any = self._redis.register_script(_GCRA)
        self._prefix = f"saualnama:send-budget:{bot_id}"
        self._every = 1000 / overall
        self._per_chat = 1000 / per_chat

    async def reserve(self, chat_id: int | str | None) -> tuple[float, bool]:
        """(seconds to wait, reserved): reserved, the message goes after the wait; not
        reserved (the chat's second is not over), ask again after the wait."""
        overall = f"{self._prefix}:all"
        chat = overall if chat_id is None else f"{self._prefix}:chat:{chat_id}"
        tolerance = (PER_CHAT_BURST - 1) * self._per_chat
        raw = await self._script(
            keys=[overall, chat], args=[self._every, self._per_chat, tolerance]
        )
        answer = raw.decode() if isinstance(raw, bytes) else str(raw)
        retry, _, wait = answer.rpartition(" ")
        return max(float(wait), 0.0) / 1000, not retry

    async def acquire(self, chat_id: int | str | None) -> None:
        while True:
            delay, reserved = await self.reserve(chat_id)
            if delay:
                await asyncio.sleep(delay)
            if reserved:
                return

    async def close(self) -> None:
        await self._redis.aclose()


def budget_for(redis_url: str | None, token: str) -> SendBudget:
    """The Redis budget with ``REDIS_URL`` set, else this process's own."""
    if redis_url:
        return RedisBudget(redis_url, token.split(":", 1)[0])
    return LocalBudget()


@contextlib.contextmanager
def prepaid() -> Iterator[None]:
    """The next counted request in this task was paid for already (:meth:`SendBudget.acquire`)."""
    token = _prepaid.set(True)
    try:
        yield
    finally:
        _prepaid.reset(token)


def counted(method: object) -> int | str | None | Literal[False]:
    """The chat a counted request goes to (``None``: counted, no chat); ``False``: not counted."""
    name = type(method).__name__.lower()
    if not name.startswith(COUNTED_PREFIXES):
        return False
    chat: int | str | None = getattr(method, "chat_id", None)
    return chat


class BudgetMiddleware(BaseRequestMiddleware):
    """Makes every counted request of a bot wait for its place in the bot's
    :class:`SendBudget` (the one :func:`install` put on it last)."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        chat = counted(method)
        budget = of(bot)
        if chat is not False and budget is not None:
            if _prepaid.get():
                _prepaid.set(False)  # one message paid for, not its continuation
            else:
                await budget.acquire(chat)
        return await make_request(bot, method)


def install(bot: Bot, budget: SendBudget) -> SendBudget:
    """Put ``budget`` in front of every counted request of ``bot`` (replacing the one
    installed before, if any); returns it."""
    if of(bot) is None:
        bot.session.middleware(BudgetMiddleware())
    setattr(bot, "send_budget", budget)  # noqa: B010 - found again by the reminders' sender
    return budget


def of(bot: Bot) -> SendBudget | None:
    """The budget installed on ``bot``, if any."""
    found: SendBudget | None = getattr(bot, "send_budget", None)
    return found
