"""Bot construction, the menu commands, and the webhook with its secret."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.telegram import build_dispatcher, create_bot, set_commands, setup_webhook, texts
from dialogs.application.factory import Application
from dialogs.application.settings import Settings
from tests.telegram.conftest import Harness
from tests.telegram.fake_api import TOKEN, user


async def test_create_bot_uses_the_configured_api_server(harness: Harness):
    bot = create_bot(Settings(_env_file=None, bot_token=TOKEN, telegram_api_url=harness.tg.url))
    try:
        me = await bot.get_me()
        assert me.username == "saualnama_test_bot"
        assert harness.tg.calls_of("getMe")
    finally:
        await bot.session.close()


async def test_set_commands_in_three_languages(harness: Harness):
    bot = create_bot(Settings(_env_file=None, bot_token=TOKEN, telegram_api_url=harness.tg.url))
    try:
        await set_commands(bot)
    finally:
        await bot.session.close()
    calls = harness.tg.calls_of("setMyCommands")
    assert [c.params.get("language_code") for c in calls] == [None, "kk", "en"]
    for c in calls:
        names = [cmd["command"] for cmd in c.params["commands"]]
        assert names == ["menu", "progress", "review", "submit", "language", "help"]
        assert all(cmd["description"] for cmd in c.params["commands"])
        assert c.params["scope"] == {"type": "all_private_chats"}


async def test_webhook_checks_the_secret_and_handles_updates(harness: Harness):
    h = harness
    bot = create_bot(Settings(_env_file=None, bot_token=TOKEN, telegram_api_url=h.tg.url))
    dispatcher = build_dispatcher(Application.over(h.store))
    app = web.Application()
    setup_webhook(app, bot, dispatcher, "/telegram/hook", "s3cret-token")
    update = {"update_id": 4242, **h.tg.message(user(9100), "/start")}
    async with TestClient(TestServer(app)) as client:
        denied = await client.post("/telegram/hook", json=update)
        assert denied.status == 401
        wrong = await client.post(
            "/telegram/hook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"}
        )
        assert wrong.status == 401
        headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
        for _ in range(2):  # Telegram repeats a webhook call it thinks failed
            ok = await client.post("/telegram/hook", json=update, headers=headers)
            assert ok.status == 200
        for _ in range(200):
            if h.tg.sent():
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)
    (sent,) = h.tg.sent()
    assert (sent.params["chat_id"], sent.params["text"]) == (9100, texts.UNKNOWN_USER)


def test_webhook_without_a_secret_is_refused(harness: Harness):
    bot = create_bot(Settings(_env_file=None, bot_token=TOKEN, telegram_api_url=harness.tg.url))
    dispatcher = build_dispatcher(Application.over(harness.store))
    with pytest.raises(ValueError, match="WEBHOOK_SECRET"):
        setup_webhook(web.Application(), bot, dispatcher, "/hook", None)


def test_create_bot_needs_a_token():
    with pytest.raises(ValueError, match="BOT_TOKEN"):
        create_bot(Settings(_env_file=None, bot_token=None))
