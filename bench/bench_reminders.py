"""Reminders at national scale: 3,000 contacts due, through the real aiogram Bot, against
a fake Bot API that enforces Telegram's limits.

Run: ``python bench/bench_reminders.py [--contacts 3000] [--url postgresql+asyncpg://…]``.

The fake Bot API (aiohttp on 127.0.0.1, a free port) accepts at most 30 ``sendMessage``
in any second and one a second per chat, and answers 429 "retry after 1" beyond either,
as Telegram does.  The database holds one open campaign of 1,000 organisations with
three Telegram contacts each, none submitted, on the day of its D-7 reminder.  One run
of :meth:`Reminders.send_due` (planning, claims, sends, records) is timed.

Printed: wall time / (N / 30 s) — the floor any sender obeying the limit needs — with
the target ≤ 1.10; duplicates (a chat reminded twice), misses (a contact due but not
reminded) and 429s received, targets 0, 0 and 0.  The figures go in ``bench/RESULTS.md``
under "Reminders (issue 12)".
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import socket
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.reminders import TelegramSender  # noqa: E402
from bot.telegram import create_bot  # noqa: E402
from dialogs.application.reminders import Reminders  # noqa: E402
from dialogs.application.settings import Settings  # noqa: E402
from dialogs.questionnaire import default  # noqa: E402
from storage import db  # noqa: E402
from storage.repository import Store  # noqa: E402

TOKEN = "123456:BENCH-fake-token"
LIMIT_ALL, LIMIT_CHAT, WINDOW = 30, 1, 1.0
DEADLINE = date(2026, 3, 1)
NOON_D7 = datetime(2026, 2, 22, 7, 0, tzinfo=UTC)  # 12:00 in Almaty


class FakeBotAPI:
    """sendMessage within Telegram's limits, else 429; counts what it delivered."""

    def __init__(self) -> None:
        self.accepted: collections.deque[float] = collections.deque()
        self.last_per_chat: dict[int, float] = {}
        self.delivered: collections.Counter[int] = collections.Counter()
        self.refused = 0

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        data = dict(await request.post())
        if method == "getMe":
            return web.json_response(
                {"ok": True, "result": {"id": 123456, "is_bot": True, "first_name": "B"}}
            )
        if method != "sendMessage":
            return web.json_response({"ok": True, "result": True})
        chat, now = int(str(data["chat_id"])), time.monotonic()
        while self.accepted and now - self.accepted[0] >= WINDOW:
            self.accepted.popleft()
        if len(self.accepted) >= LIMIT_ALL or now - self.last_per_chat.get(chat, -9) < WINDOW:
            self.refused += 1
            return web.json_response(
                {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                 "parameters": {"retry_after": 1}},
                status=429,
            )  # fmt: skip
        self.accepted.append(now)
        self.last_per_chat[chat] = now
        self.delivered[chat] += 1
        message = {"message_id": sum(self.delivered.values()), "date": int(time.time()),
                   "chat": {"id": chat, "type": "private"}, "text": str(data.get("text", ""))}  # fmt: skip
        return web.json_response({"ok": True, "result": message})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def seed(store: Store, contacts: int) -> int:
    """An open campaign whose organisations have ``contacts`` Telegram contacts in all."""
    q = default()
    campaign = await store.create_campaign(
        title="Bench", period_start=date(2025, 1, 1), period_end=date(2025, 12, 31),
        questionnaire_version=q.version, requested_on=date(2026, 2, 1), deadline=DEADLINE,
        actor="bench",
    )  # fmt: skip
    kind = q.subject_kinds[0].code
    blocks = [b.number for b in q.blocks_for(kind)]
    org_ids = []
    for n in range((contacts + 2) // 3):
        org = await store.create_organisation(
            name_ru=f"Организация {n}", name_kk=f"Ұйым {n}", subject_kind=kind, blocks=blocks
        )
        org_ids.append(org.id)
    await store.add_campaign_members(campaign.id, org_ids, actor="bench")
    for n in range(contacts):
        await store.create_contact(
            org_ids[n // 3], telegram_user_id=10_000 + n, language="ru", actor="bench"
        )
    await store.set_campaign_status(campaign.id, "open", actor="bench")
    return campaign.id


async def main(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        await db.upgrade(url)
        store = Store.from_url(url)
        api = FakeBotAPI()
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", api.handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        bot = create_bot(
            Settings(_env_file=None, bot_token=TOKEN, telegram_api_url=f"http://127.0.0.1:{port}")
        )
        try:
            await seed(store, args.contacts)
            reminders = Reminders(store, default(), clock=lambda: NOON_D7)
            started = time.perf_counter()
            done = await reminders.send_due(
                TelegramSender(bot), now=NOON_D7, concurrency=args.concurrency
            )
            wall = time.perf_counter() - started
        finally:
            await bot.session.close()
            await runner.cleanup()
            await store.close()
    n = args.contacts
    return {
        "contacts": n,
        "wall_s": wall,
        "floor_s": n / LIMIT_ALL,
        "ratio": wall / (n / LIMIT_ALL),
        "sent": sum(1 for d in done if d.status == "sent"),
        "duplicates": sum(c - 1 for c in api.delivered.values() if c > 1),
        "misses": n - len(api.delivered),
        "429s": api.refused,
        "backend": "postgresql" if args.url else "sqlite",
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=4, help="senders at once")
    parser.add_argument("--url", help="a PostgreSQL database to use (emptied first: use a spare)")
    result = asyncio.run(main(parser.parse_args()))
    print(
        f"{result['contacts']} contacts ({result['backend']}): wall {result['wall_s']:.1f} s, "
        f"N/30 = {result['floor_s']:.1f} s, ratio {result['ratio']:.3f} (target ≤ 1.10); "
        f"sent {result['sent']}, duplicates {result['duplicates']}, misses {result['misses']}, "
        f"429s {result['429s']} (targets 0, 0, 0)"
    )
