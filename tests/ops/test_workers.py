"""Two worker processes on one PostgreSQL database and one Redis, as in production.

Each worker is a real ``python -m bot`` on a port of its own (the one-process-per-port
layout; ``--worker I`` as the supervisor starts them), with Telegram through a webhook
from a fake Bot API.  One person's updates go alternately to both workers and must be
applied in order and once (a redelivery to both at the same time included); the
reminder loop runs in one of them and the reminder goes out once; the sign-in limit is
counted across both.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from dialogs.application.demo import seed_demo
from dialogs.application.reminder_schedule import MAX_OFFSET, Policy
from storage.db import upgrade
from storage.repository import Store
from tests.telegram.fake_api import FakeTelegram, user

PG = os.environ.get("TEST_POSTGRES_URL")
REDIS = os.environ.get("TEST_REDIS_URL")
SECRET = "webhook-secret-for-tests"
HOOK = "/tg/hook"
pytestmark = pytest.mark.skipif(
    not (PG and REDIS), reason="needs TEST_POSTGRES_URL and TEST_REDIS_URL"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def fresh_database(suffix: str) -> str:
    assert PG
    name = PG.rsplit("/", 1)[1] + suffix
    engine = create_async_engine(PG, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()
    url = PG.rsplit("/", 1)[0] + "/" + name
    await upgrade(url)
    return url


async def redis_reachable() -> bool:
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS or "")
    try:
        await client.flushdb()
        return True
    except Exception:
        return False
    finally:
        await client.aclose()


class Worker:
    def __init__(self, index: int, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.log = log
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "--port", str(self.port), "--worker", str(index)],
            env={**env, "PUBLIC_URL": self.base},
            stdout=subprocess.DEVNULL,
            stderr=log.open("wb"),
        )

    async def up(self, http: aiohttp.ClientSession, timeout: float = 300.0) -> None:
        """Until /healthz answers (a loaded machine takes long to import everything)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            assert self.proc.poll() is None, self.log.read_text()
            try:
                async with http.get(f"{self.base}/healthz") as r:
                    if r.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
        raise AssertionError(f"worker on {self.port} did not come up: {self.log.read_text()}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[dict]:
    """Two workers over a fresh database, a fake Bot API, two people with Telegram."""
    if not await redis_reachable():
        pytest.skip(f"Redis at {REDIS} is not reachable")
    url = await fresh_database("_workers")
    store = Store.from_url(url)
    campaign, orgs = await seed_demo(store, today=date.today())
    # whatever the demo's deadline and the time of day, a reminder is due and may go out
    # now: the campaign's own policy (the sending hours are per campaign, not global)
    assert campaign.deadline is not None and (campaign.deadline - date.today()).days < MAX_OFFSET
    policy = Policy(offsets=(MAX_OFFSET,), hours=(0, 24))
    await store.set_reminder_policy(campaign.id, **policy.columns())
    ngo = next(o for o in orgs if o.organisation.subject_kind == "ngo")
    person, reminded = user(5_550_001), user(5_550_002)
    await store.redeem_invitation(ngo.token, telegram_user_id=person["id"], channel="telegram")
    akimat = next(o for o in orgs if o.organisation.subject_kind != "ngo")
    await store.redeem_invitation(akimat.token, telegram_user_id=reminded["id"], channel="telegram")
    async with FakeTelegram() as tg:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("WEB_", "PUBLIC_"))},
            "DATABASE_URL": url,
            "REDIS_URL": REDIS or "",
            "BOT_TOKEN": tg.token,
            "TELEGRAM_API_URL": tg.url,
            "WEBHOOK_PATH": HOOK,
            "WEBHOOK_SECRET": SECRET,
            "SIGN_IN_ATTEMPTS_PER_MINUTE": "3",
            "LOG_LEVEL": "INFO",
        }
        workers = [Worker(i, env, tmp_path / f"worker{i}.log") for i in range(2)]
        try:
            async with aiohttp.ClientSession() as http:
                for w in workers:
                    await w.up(http)
                for chat in (person["id"], reminded["id"]):  # reminders go out at start
                    await wait_for(lambda c=chat: tg.sent(chat_id=c), f"a reminder to {chat}")
                yield {"tg": tg, "workers": workers, "store": store, "person": person, "reminded": reminded,
                       "campaign": campaign, "ngo": ngo, "http": http}  # fmt: skip
        finally:
            for w in workers:
                w.stop()
            await store.close()


async def post_update(http: aiohttp.ClientSession, worker: Worker, update: dict) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with http.post(f"{worker.base}{HOOK}", json=update, headers=headers) as r:
        assert r.status == 200, await r.text()


def last_button(tg: FakeTelegram, chat_id: int, suffix: str) -> tuple[str, int]:
    for call in reversed(tg.sent(chat_id=chat_id)):
        for row in (call.params.get("reply_markup") or {}).get("inline_keyboard", []):
            for b in row:
                if b["callback_data"].endswith(suffix):
                    return b["callback_data"], call.result["message_id"]
    raise AssertionError(f"no button …{suffix} among {tg.texts(chat_id=chat_id)[-3:]}")


async def wait_for(condition, what: str, timeout: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, what
        await asyncio.sleep(0.1)


async def test_one_persons_updates_across_two_workers_apply_in_order_and_once(world):
    tg, (a, b), http, person = world["tg"], world["workers"], world["http"], world["person"]
    chat = person["id"]
    next_id = iter(range(1, 100))

    async def send(worker: Worker, update: dict) -> dict:
        update = {"update_id": next(next_id), **update}
        await post_update(http, worker, update)
        return update

    async def press(worker: Worker, suffix: str) -> dict:
        data, message_id = last_button(tg, chat, suffix)
        return await send(worker, tg.callback(person, data, message_id))

    await send(a, tg.message(person, "/start"))
    await press(b, "lang:ru")
    await send(a, tg.message(person, "/menu"))
    await press(b, "blk:16")
    await press(a, "b16.i02")
    answer = await send(b, tg.message(person, "17"))
    replied = len(tg.sent(chat_id=chat))
    # Telegram delivers the same update again, to both workers at once: applied once.
    await asyncio.gather(post_update(http, a, answer), post_update(http, b, answer))
    assert len(tg.sent(chat_id=chat)) == replied  # no second confirmation

    store: Store = world["store"]
    response = await store.get_or_create_response(
        world["ngo"].organisation.id, world["campaign"].id
    )
    answers = {r.field_code: (r.value, r.version) for r in await store.list_answers(response.id)}
    assert answers == {"b16.i02.residence_appeals": (17, 1)}


async def test_the_reminder_loop_runs_in_one_worker_and_the_reminder_goes_out_once(world):
    tg, workers, chat = world["tg"], world["workers"], world["reminded"]["id"]

    def roles() -> list[str]:
        said = [w.log.read_text(errors="replace") for w in workers]
        return ["runs" if "job reminders runs in this worker" in s
                else "stands by" if "job reminders runs in another worker" in s else "?"
                for s in said]  # fmt: skip

    await wait_for(lambda: "?" not in roles(), "both workers took a role in the reminder job")
    assert sorted(roles()) == ["runs", "stands by"]
    await wait_for(lambda: tg.sent(chat_id=chat), "the reminder was sent")
    store: Store = world["store"]
    await wait_for(lambda: tg.sent(chat_id=world["person"]["id"]), "the other reminder was sent")
    log = await store.list_reminder_deliveries(world["campaign"].id)
    assert sorted(r.status for r in log) == ["sent", "sent"]  # one for each contact
    assert len({r.contact_id for r in log}) == 2
    # the person who only gets reminders got exactly one message
    assert len(tg.sent(chat_id=chat)) == 1


async def test_the_sign_in_limit_is_counted_across_workers(world):
    (a, b), http = world["workers"], world["http"]
    statuses = []
    for worker in (a, b, a, b):
        async with http.get(f"{worker.base}/i/not-a-real-token") as r:
            statuses.append(r.status)
    assert statuses[:3] != [429, 429, 429] and 429 not in statuses[:3]
    assert statuses[3] == 429
