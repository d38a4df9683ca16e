"""The periodic loop, and the bot process starting and stopping it with Telegram."""

from __future__ import annotations

import asyncio
import io
import logging
import socket
from datetime import datetime

import pytest

from bot import app as bot_app
from bot.reminders import start_reminders
from dialogs.application import reminders
from dialogs.application.reminders import KZ_TIME
from dialogs.application.settings import Settings
from tests.reminders.conftest import ALICE, BEK, D7, DAYS, EVE, World
from tests.telegram.fake_api import TOKEN

MORNING = datetime(D7.year, D7.month, D7.day, 10, 0, tzinfo=KZ_TIME)
NIGHT = datetime(D7.year, D7.month, D7.day, 23, 30, tzinfo=KZ_TIME)


def sleeper(runs: int, slept: list[float]):
    """A sleep that records what it was asked and ends the loop (as a cancel) after ``runs``."""

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) >= runs:
            raise asyncio.CancelledError

    return sleep


async def test_the_loop_sends_runs_again_and_survives_a_failing_run(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real = world.store.list_campaigns
    calls = 0

    async def flaky(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("database went away")
        return await real(*args, **kwargs)

    monkeypatch.setattr(world.store, "list_campaigns", flaky)
    slept: list[float] = []
    with pytest.raises(asyncio.CancelledError):
        await world.reminders.run_forever(
            world.sender,
            days=DAYS,
            interval_minutes=60,
            now=lambda: MORNING,
            sleep=sleeper(3, slept),
        )
    assert slept == [3600.0] * 3  # three runs: failed, sent, nothing new
    assert calls == 3
    assert any("this run failed" in r.getMessage() for r in caplog.records)
    for chat in (ALICE, BEK, EVE):
        assert len(world.tg.texts(chat_id=chat)) == 1


async def test_the_loop_is_quiet_at_night(world: World) -> None:
    slept: list[float] = []
    with pytest.raises(asyncio.CancelledError):
        await world.reminders.run_forever(
            world.sender,
            days=DAYS,
            interval_minutes=0,  # at least a minute
            now=lambda: NIGHT,
            sleep=sleeper(2, slept),
        )
    assert slept == [60.0, 60.0]
    assert world.tg.calls == []


async def test_the_loop_stops_when_cancelled(world: World) -> None:
    task = asyncio.create_task(
        world.reminders.run_forever(
            world.sender, days=DAYS, interval_minutes=60, now=lambda: MORNING
        )
    )  # fmt: skip
    for _ in range(500):
        if len(world.tg.sent()) == 3:
            break
        await asyncio.sleep(0.01)
    assert len(world.tg.sent()) == 3
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def settings_for(world: World, **overrides) -> Settings:
    values = {
        "database_url": world.url,
        "bot_token": TOKEN,
        "telegram_api_url": world.tg.url,
        "web_host": "127.0.0.1",
        "web_port": free_port(),
        "reminder_days": "7,3,1",
        "reminder_interval_minutes": 60,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


async def test_the_bot_process_runs_reminders_with_telegram_and_stops_them(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reminders, "_utcnow", lambda: MORNING)  # within the sending hours
    runtime = await bot_app.start(settings_for(world), out=io.StringIO())
    try:
        assert runtime.telegram is not None
        task = runtime.reminders
        assert task is not None and task.get_name() == "saualnama-reminders"
        for _ in range(1000):
            if len(world.tg.sent()) == 3:
                break
            await asyncio.sleep(0.01)
        for chat in (ALICE, BEK, EVE):
            assert len(world.tg.texts(chat_id=chat)) == 1
    finally:
        await bot_app.stop(runtime)
    assert task.cancelled()


async def test_no_channel_no_reminders_and_bad_days_are_reported(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    runtime = await bot_app.start(settings_for(world, bot_token=None), out=io.StringIO())
    try:
        assert runtime.telegram is None and runtime.reminders is None  # nor SMTP_HOST
        assert not [t for t in asyncio.all_tasks() if t.get_name() == "saualnama-reminders"]
    finally:
        await bot_app.stop(runtime)
    caplog.set_level(logging.ERROR, logger="bot.reminders")
    bad = settings_for(world, reminder_days="7, tomorrow")
    assert start_reminders(bad, world.reminders, world.bot) is None
    assert any("REMINDER_DAYS" in r.getMessage() for r in caplog.records)
