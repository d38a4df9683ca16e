"""The harness: a fake Bot API server, the real bot polling it, the demo database, people.

``Harness.start_bot()`` runs what production runs (``create_bot`` with
``TELEGRAM_API_URL`` pointing at the fake, ``build_dispatcher``, ``run_polling``) in a
task, on its own :class:`Store` of the test's copy of the demo database; ``kill()`` cancels it like a crash.
``deliver(update)`` queues an update at the fake server, waits until the bot has
taken it and finished every handler, and returns the API calls it caused.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiogram import Bot, Dispatcher

from bot.telegram import build_dispatcher, create_bot, run_polling
from dialogs.application.demo import DemoOrganisation
from dialogs.application.dialog import DialogService
from dialogs.application.factory import Application
from dialogs.application.settings import Settings
from dialogs.contract import Button, Input, Reply
from storage.models import Campaign
from storage.repository import Store
from tests.demo_db import DemoDatabase
from tests.engine.scripted import ScriptedPerson, button
from tests.telegram.fake_api import TOKEN, Call, FakeTelegram, user


@dataclass
class BotProcess:
    """One run of the bot: its own Bot, Dispatcher and Store, polling in a task."""

    bot: Bot
    dispatcher: Dispatcher
    store: Store
    service: DialogService
    task: asyncio.Task

    async def idle(self, timeout: float = 15.0) -> None:
        """Until no update is being handled."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.dispatcher._handle_update_tasks:
            if self.task.done():
                self.task.result()
            assert loop.time() < deadline, "the bot is still busy"
            await asyncio.sleep(0.002)

    async def kill(self) -> None:
        """Stop abruptly, like a killed process: handlers in flight are cancelled too.

        The polling task is cancelled (``run_polling`` then stops aiogram's loop); the
        session is closed so nothing of this run talks to the server any more.
        """
        for task in list(self.dispatcher._handle_update_tasks):
            task.cancel()
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task
        await self.bot.session.close()
        await self.store.close()


@dataclass
class Harness:
    tg: FakeTelegram
    db_url: str
    store: Store
    campaign: Campaign
    orgs: dict[str, DemoOrganisation]
    proc: BotProcess | None = None

    async def start_bot(
        self,
        service_factory: Callable[[Store], DialogService] = DialogService,
        form_url: str | None = None,
    ) -> BotProcess:
        settings = Settings(_env_file=None, bot_token=TOKEN, telegram_api_url=self.tg.url)
        store = Store.from_url(self.db_url)
        service = service_factory(store)
        bot = create_bot(settings)
        dispatcher = build_dispatcher(Application.over(store, dialog=service), form_url=form_url)
        polls = self.tg.polls
        task = asyncio.create_task(
            run_polling(bot, dispatcher, handle_signals=False, polling_timeout=10)
        )
        self.proc = BotProcess(bot, dispatcher, store, service, task)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 10
        while self.tg.polls == polls:  # until it polls
            if task.done():
                task.result()
            assert loop.time() < deadline, "the bot does not poll"
            await asyncio.sleep(0.005)
        return self.proc

    async def kill_bot(self) -> None:
        assert self.proc is not None
        await self.proc.kill()
        self.proc = None

    async def deliver(self, *updates: dict, redeliver: bool = False) -> list[Call]:
        """Queue updates (in one batch when several), wait until all are handled."""
        assert self.proc is not None, "no bot is running"
        since = len(self.tg.calls)
        ids = [await self.tg.push(u, redeliver=redeliver) for u in updates]
        for update_id in ids:
            await self.tg.wait_taken(update_id)
        await self.proc.idle()
        return self.tg.calls[since:]

    async def stored(self, kind: str) -> dict[str, tuple[str, Any]]:
        """The organisation's stored answers: code → ("value", v) or ("no_data", reason)."""
        org = self.orgs[kind].organisation
        response = await self.store.get_or_create_response(org.id, self.campaign.id)
        rows = await self.store.list_answers(response.id)
        return {
            r.field_code: ("no_data", r.no_data_reason)
            if r.status == "no_data"
            else ("value", r.value)
            for r in rows
        }

    async def state(self, telegram_user_id: int) -> dict[str, Any]:
        contact = await self.store.find_contact(telegram_user_id=telegram_user_id)
        assert contact is not None
        row = await self.store.get_dialog_state(contact.id)
        return row.state.get("engine", {}) if row else {}


def screen(replies: list[Reply]) -> list[tuple[str, list[list[str]]]]:
    """What a person sees of each reply: its whole text and its buttons' labels, by row."""
    return [(r.text, [[b.label for b in row] for row in r.buttons]) for r in replies]


def replies_of(calls: list[Call], chat_id: int) -> list[Reply]:
    """The messages the bot sent (or rewrote) in a chat, as engine replies."""
    out = []
    for c in calls:
        if c.method not in ("sendMessage", "editMessageText") or c.error is not None:
            continue
        if c.params.get("chat_id") != chat_id:
            continue
        rows = (c.params.get("reply_markup") or {}).get("inline_keyboard", [])
        if c.method == "editMessageText" and not rows:
            continue  # a pressed question keeping its answer ("→ Да"), not a new reply
        buttons = tuple(tuple(Button(b["text"], b["callback_data"]) for b in row) for row in rows)
        out.append(Reply(c.params["text"], buttons))
    return out


@dataclass
class TelegramPerson(ScriptedPerson):
    """The engine tests' scripted person, typing and pressing through Telegram instead."""

    harness: Harness | None = None
    tg_user: dict = field(default_factory=dict)
    token: str = ""
    button_message: dict[str, int] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)

    @property
    def chat_id(self) -> int:
        return self.tg_user["id"]

    def update_for(self, inp: Input) -> dict:
        tg = self.harness.tg
        if inp.kind == "button":
            return tg.callback(self.tg_user, inp.value, self.button_message.get(inp.value))
        if inp.kind == "command":
            return tg.message(self.tg_user, f"/{inp.value}")
        return tg.message(self.tg_user, inp.value)

    async def deliver(self, *updates: dict, redeliver: bool = False) -> list[Reply]:
        self.calls = await self.harness.deliver(*updates, redeliver=redeliver)
        for c in self.calls:
            if c.method == "sendMessage" and c.error is None and c.result:
                for row in (c.params.get("reply_markup") or {}).get("inline_keyboard", []):
                    for b in row:
                        self.button_message[b["callback_data"]] = c.result["message_id"]
        self.replies = replies_of(self.calls, self.chat_id)
        return self.replies

    async def send(self, inp: Input) -> list[Reply]:
        self.steps += 1
        return await self.deliver(self.update_for(inp))

    async def join(self) -> None:
        """Open the deep link ``https://t.me/<bot>?start=<token>``."""
        await self.deliver(self.harness.tg.message(self.tg_user, f"/start {self.token}"))
        contact = await self.harness.store.find_contact(telegram_user_id=self.chat_id)
        assert contact is not None, [r.text for r in self.replies]
        self.contact_id = contact.id

    async def begin(self) -> None:
        await self.join()
        await self.send(button(self.replies, f"lang:{self.lang}"))


@pytest.fixture
async def harness(demo_db: DemoDatabase) -> AsyncIterator[Harness]:
    store = Store.from_url(demo_db.url)
    async with FakeTelegram() as tg:
        h = Harness(tg, demo_db.url, store, demo_db.campaign, demo_db.orgs)
        try:
            yield h
        finally:
            if h.proc is not None:
                await h.kill_bot()
            await store.close()


@pytest.fixture
async def running(harness: Harness) -> Harness:
    await harness.start_bot()
    return harness


def person(h: Harness, kind: str, user_id: int, lang: str = "ru", **kw: Any) -> TelegramPerson:
    return TelegramPerson(
        service=DialogService(h.store),
        contact_id=0,
        lang=lang,
        channel="telegram",
        harness=h,
        tg_user=user(user_id, language_code=kw.pop("language_code", lang)),
        token=h.orgs[kind].token,
        **kw,
    )
