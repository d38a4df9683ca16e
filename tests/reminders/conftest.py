"""The demo database with a few people, a fake Bot API server and the real aiogram Bot.

The demo campaign (tests/demo_db.py) is requested on 1 February 2026, so its deadline is
1 March 2026: D-7 is 22 February.  People:

* Alice (Telegram, ru) and Carol (web only) answer for the MVD unit, which has answered
  two fields;
* Bek (Telegram, kk) and Eve (Telegram, en) answer for the NGO, which has not started;
* Dana (Telegram, ru) answers for the health ministry, which has submitted.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from aiogram import Bot

from bot.reminders import TelegramSender
from bot.telegram import create_bot
from dialogs.application.demo import DemoOrganisation
from dialogs.application.reminders import Reminders
from dialogs.application.settings import Settings
from dialogs.questionnaire import default
from dialogs.walk import Walk
from storage.models import Campaign, Contact
from storage.repository import Store
from tests.demo_db import DemoDatabase
from tests.telegram.fake_api import TOKEN, FakeTelegram

DEADLINE = date(2026, 3, 1)
D7 = date(2026, 2, 22)
DAYS = (7, 3, 1)

ALICE, BEK, EVE, DANA = 501, 502, 503, 504
ALMATY = ZoneInfo("Asia/Almaty")


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """A moment of ``day`` in Almaty (noon by default: within the sending hours)."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ALMATY)


class Clock:
    """A frozen clock the tests move by hand (``clock.now = …``)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    url: str
    store: Store
    reminders: Reminders
    campaign: Campaign
    orgs: dict[str, DemoOrganisation]
    tg: FakeTelegram
    bot: Bot
    sender: TelegramSender
    clock: Clock
    alice: Contact
    carol: Contact
    bek: Contact
    eve: Contact
    dana: Contact

    def org_id(self, kind: str) -> int:
        return self.orgs[kind].organisation.id

    def total(self, kind: str) -> int:
        return len(Walk(default(), list(self.orgs[kind].organisation.blocks)))

    def forbid_next_send(self, code: int = 403, description: str | None = None) -> None:
        """The next sendMessage fails as Telegram answers a person who blocked the bot."""
        description = description or (
            "Forbidden: bot was blocked by the user"
            if code == 403
            else "Bad Request: chat not found"
        )
        error = {"ok": False, "error_code": code, "description": description}
        self.tg.failures.setdefault("sendMessage", []).append(error)


async def join(store: Store, demo: DemoOrganisation, **identity) -> Contact:
    channel = "telegram" if "telegram_user_id" in identity else "web"
    return await store.redeem_invitation(demo.token, channel=channel, **identity)


@pytest.fixture
async def world(demo_db: DemoDatabase) -> AsyncIterator[World]:
    url = demo_db.url
    store = Store.from_url(url)
    campaign, orgs = demo_db.campaign, demo_db.orgs
    assert campaign.deadline == DEADLINE
    alice = await join(store, orgs["mvd_unit"], telegram_user_id=ALICE, language="ru")
    carol = await join(store, orgs["mvd_unit"], web_login="carol", language="ru")
    bek = await join(store, orgs["ngo"], telegram_user_id=BEK, language="kk")
    eve = await join(store, orgs["ngo"], telegram_user_id=EVE, language="en")
    dana = await join(store, orgs["health_ministry"], telegram_user_id=DANA, language="ru")

    # the MVD unit answered two fields
    mvd = orgs["mvd_unit"].organisation
    response = await store.get_response_for_contact(alice.id, campaign.id)
    walk = Walk(default(), list(mvd.blocks))
    for step in walk.steps[:2]:
        await store.save_answer(
            response.id, step.code, value=1, contact_id=alice.id, channel="telegram"
        )
    # the health ministry submitted
    submitted = await store.get_response_for_contact(dana.id, campaign.id)
    await store.save_answer(
        submitted.id, walk.steps[0].code, value=1, contact_id=dana.id, channel="telegram"
    )
    submitted = await store.get_response(submitted.id)
    await store.submit_response(
        submitted.id, expected_version=submitted.version, contact_id=dana.id
    )

    async with FakeTelegram() as tg:
        bot = create_bot(Settings(_env_file=None, bot_token=TOKEN, telegram_api_url=tg.url))
        clock = Clock(at(D7))
        planner = Reminders(store, default(), web_url="https://saualnama.example.kz", clock=clock)
        try:
            yield World(
                url, store, planner, campaign, orgs, tg, bot, TelegramSender(bot), clock,
                alice, carol, bek, eve, dana,
            )  # fmt: skip
        finally:
            await bot.session.close()
            await store.close()
