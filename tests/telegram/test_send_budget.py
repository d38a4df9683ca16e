"""The bot's send budget: every counted request waits its turn; one budget per bot,
shared through Redis across processes (TEST_REDIS_URL, e.g. redis://127.0.0.1:6379/4)."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import AsyncIterator

import pytest

from bot.telegram import create_bot, send_budget
from bot.telegram.send_budget import LocalBudget, RedisBudget, prepaid
from dialogs.application.settings import Settings
from tests.telegram.fake_api import TOKEN, FakeTelegram

REDIS_URL = os.environ.get("TEST_REDIS_URL")


class Recording:
    """A budget that lets everything through and remembers for which chat."""

    def __init__(self) -> None:
        self.chats: list[int | str | None] = []

    async def acquire(self, chat_id: int | str | None) -> None:
        self.chats.append(chat_id)

    async def close(self) -> None:
        return None


async def test_every_message_the_bot_sends_is_counted_once(tmp_path) -> None:
    async with FakeTelegram() as tg:
        bot = create_bot(Settings(_env_file=None, bot_token=TOKEN, telegram_api_url=tg.url))
        try:
            assert isinstance(send_budget.of(bot), LocalBudget)  # no REDIS_URL
            recording = Recording()
            send_budget.install(bot, recording)
            await bot.send_message(7, "one")
            await bot.get_me()  # not a message: not counted
            with prepaid():  # paid for by the reminders' sender before its claim
                await bot.send_message(8, "two")
            await bot.send_message(8, "three")
            assert recording.chats == [7, 8]
            assert [c.params["text"] for c in tg.sent()] == ["one", "two", "three"]
        finally:
            await bot.session.close()


async def test_a_busy_chat_does_not_hold_up_the_others() -> None:
    budget = LocalBudget()
    for _ in range(send_budget.PER_CHAT_BURST):  # a dialog step's replies go at once
        await budget.acquire(1)
    second_to_1 = asyncio.create_task(budget.acquire(1))  # must wait for chat 1's bucket
    await budget.acquire(2)  # waits only its overall turn
    assert not second_to_1.done()
    await second_to_1


async def test_the_overall_pace_never_puts_31_in_a_second_and_a_late_waiter_costs_nobody(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pacer = send_budget.Pacer(29)
    loop = asyncio.get_running_loop()
    slots: list[float] = []
    real_sleep = asyncio.sleep
    late = [0.001] * 60  # every wake-up 1 ms late (a busy loop) …
    late[20] = 0.1  # … and one stalled 100 ms

    async def late_sleep(seconds: float) -> None:
        await real_sleep(seconds + late[len(slots)])

    monkeypatch.setattr(asyncio, "sleep", late_sleep)
    for _ in range(60):
        await pacer.acquire()
        slots.append(loop.time())
    spans = [b - a for a, b in zip(slots, slots[30:], strict=False)]
    assert min(spans) >= 30 / 29 - send_budget.CATCH_UP, "no 31 messages within a second"
    gaps = [b - a for a, b in zip(slots, slots[1:], strict=False)]
    assert min(gaps) >= 1 / 29 - send_budget.CATCH_UP, "no catching up after the stall"
    # the small lateness does not add up: 59 intervals, the stall, a few ms of scheduling
    assert slots[-1] - slots[0] < 59 / 29 + 0.1 + 0.03  # drifting: + 0.059


@pytest.fixture
async def budgets() -> AsyncIterator[tuple[RedisBudget, RedisBudget, RedisBudget]]:
    if not REDIS_URL:
        pytest.skip("set TEST_REDIS_URL to run the shared budget against Redis")
    bot_id = f"test-{uuid.uuid4().hex}"
    one, two = RedisBudget(REDIS_URL, bot_id), RedisBudget(REDIS_URL, bot_id)
    elsewhere = RedisBudget(REDIS_URL, f"{bot_id}-other")
    try:
        yield one, two, elsewhere
    finally:
        for b in (one, two, elsewhere):
            await b.close()


async def test_two_processes_share_one_budget_per_bot(budgets) -> None:
    one, two, elsewhere = budgets
    slots = []  # when each message may go, on this process's clock
    for n in range(30):  # thirty chats, alternately from two "processes"
        before = time.monotonic()
        wait, reserved = await (one if n % 2 else two).reserve(n)
        after = time.monotonic()
        assert reserved
        slots.append((before + after) / 2 + wait)
    interval = 1 / send_budget.OVERALL_PER_SECOND
    # each message takes the next slot, 1/29 s after the previous, whoever sends it
    # (give or take the Redis round trip the slot is measured across)
    assert slots[-1] - slots[0] == pytest.approx(29 * interval, abs=0.05)
    steps = [b - a for a, b in zip(slots, slots[1:], strict=False)]
    assert all(step == pytest.approx(interval, abs=0.03) for step in steps), steps
    # another bot's budget is its own
    wait, reserved = await elsewhere.reserve(0)
    assert reserved and wait < interval


async def test_one_chat_gets_one_message_a_second_across_processes(budgets) -> None:
    one, two, _ = budgets
    for n in range(send_budget.PER_CHAT_BURST):  # a burst, from either process
        assert (await (one if n % 2 else two).reserve(42))[1]
    wait, reserved = await two.reserve(42)
    assert not reserved and 0.9 < wait <= 1.0
    await two.acquire(43)  # another chat is not held up by 42
