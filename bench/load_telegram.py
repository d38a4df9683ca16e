"""Telegram users through the fake Bot API: the product's bot against a bare echo bot.

Both bots long-poll the same fake server (tests/telegram/fake_api.py) in processes of
their own.  A user sends, then waits for the bot's next message with buttons (the
product's prompts all have them; the echo bot adds one): that wait is the answer's
latency.  Product users join with their invitation's deep link, choose Russian, open
block 16 item 2 and then answer the count and press "back", like the web sessions.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bench.load_web import Tally
from tests.telegram.fake_api import FakeTelegram, user


class WatchedTelegram(FakeTelegram):
    """The fake, telling each chat's waiter when a message with buttons arrived."""

    def __init__(self) -> None:
        super().__init__(max_wait=10.0)
        self.waiters: dict[int, asyncio.Event] = {}
        self.buttons: dict[int, dict[str, int]] = {}

    def _seen(self, params: dict[str, Any], msg: dict[str, Any]) -> None:
        rows = (params.get("reply_markup") or {}).get("inline_keyboard") or []
        if not rows:
            return
        chat = params["chat_id"]
        self.buttons[chat] = {b["callback_data"]: msg["message_id"] for row in rows for b in row}
        if chat in self.waiters:
            self.waiters[chat].set()

    async def _api_sendMessage(self, params: dict, request: Any) -> dict:
        msg = await super()._api_sendMessage(params, request)
        self._seen(params, msg)
        return msg

    async def _api_editMessageText(self, params: dict, request: Any) -> dict:
        msg = await super()._api_editMessageText(params, request)
        self._seen(params, msg)
        return msg


class TelegramUser:
    def __init__(self, tg: WatchedTelegram, user_id: int) -> None:
        self.tg = tg
        self.user = user(user_id)
        self.id = user_id
        self.event = tg.waiters.setdefault(user_id, asyncio.Event())

    async def _round(self, update: dict[str, Any], timeout: float = 180.0) -> float:
        self.event.clear()
        started = time.monotonic()
        await self.tg.push(update)
        await asyncio.wait_for(self.event.wait(), timeout)
        return time.monotonic() - started

    async def say(self, text: str) -> float:
        return await self._round(self.tg.message(self.user, text))

    async def press(self, suffix: str) -> float:
        shown = self.tg.buttons.get(self.id, {})
        data = next((d for d in shown if d.endswith(suffix)), None)
        assert data is not None, f"no button …{suffix} in {list(shown)}"
        return await self._round(self.tg.callback(self.user, data, shown[data]))

    async def join(self, token: str) -> None:
        await self.say(f"/start {token}")
        if any(d.endswith("lang:ru") for d in self.tg.buttons.get(self.id, {})):
            await self.press("lang:ru")
        await self.say("/menu")
        await self.press("blk:16")
        await self.press("b16.i02")


async def walk(
    people: list[TelegramUser], seconds: float, steps: list[tuple[str, str]]
) -> tuple[Tally, float]:
    """Each user repeats ``steps`` ((say|press, value)) until time is up: (tally, wall)."""

    async def one(person: TelegramUser, until: float, tally: Tally) -> None:
        n = 0
        while time.monotonic() < until:
            n += 1
            for how, value in steps:
                try:
                    if how == "press":
                        tally.latencies.append(await person.press(value))
                    else:
                        tally.latencies.append(await person.say(value.format(n=n)))
                except (TimeoutError, AssertionError):
                    tally.errors += 1
                    return

    parts = [Tally() for _ in people]
    started = time.monotonic()
    until = started + seconds
    await asyncio.gather(*(one(p, until, t) for p, t in zip(people, parts, strict=True)))
    wall = time.monotonic() - started
    tally = Tally()
    for t in parts:
        tally.add(t)
    return tally, wall


async def wait_polling(tg: FakeTelegram, timeout: float = 300.0) -> None:
    polls = tg.polls
    deadline = time.monotonic() + timeout
    while tg.polls == polls:
        if time.monotonic() > deadline:
            raise RuntimeError("the bot does not poll the fake Bot API")
        await asyncio.sleep(0.05)
