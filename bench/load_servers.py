"""The servers bench_load.py measures, each in a process of its own, and their set-up.

* the product: ``python -m bot`` (one process per port: the same as N workers behind a
  proxy, without the proxy's cost), web only or with Telegram polling a fake Bot API;
* the bare baseline: an aiohttp handler doing one insert through SQLAlchemy async per
  request (``python bench/load_servers.py bare PORT URL``), the least a step can cost;
* the bare aiogram echo bot on the same fake (``python bench/load_servers.py echo API``).

CPU is read from ``/proc/<pid>/stat`` (user + system time), so a figure per request is the
server's own work, not the client's.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import aiohttp

PY = sys.executable
HERE = Path(__file__).resolve().parent
TICK = os.sysconf("SC_CLK_TCK")
BARE_TABLE = "bench_bare_answers"
#: The product's log lines (failures under load) go here, not to the terminal.
LOG = Path(os.environ.get("BENCH_LOAD_LOG", "/tmp/bench_load_server.log"))


def logged_failures() -> int:
    """Lines of the servers' log that report a failed request or step."""
    if not LOG.exists():
        return 0
    return sum(" failed" in line for line in LOG.read_text(errors="replace").splitlines())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU seconds the processes have used so far."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / TICK


def rss_mb(pids: Sequence[int]) -> float:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


class Servers:
    """Processes started for one measurement; ``stop()`` ends exactly these."""

    def __init__(self, procs: list[subprocess.Popen[bytes]], ports: list[int]) -> None:
        self.procs = procs
        self.ports = ports

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.procs]

    def stop(self) -> None:
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()


def _env(url: str, port: int, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "WEBHOOK_PATH")}
    env.update(
        DATABASE_URL=url,
        WEB_PORT=str(port),
        PUBLIC_URL=f"http://127.0.0.1:{port}",
        SIGN_IN_ATTEMPTS_PER_MINUTE="1000000",
        LOG_LEVEL="WARNING",
    )
    env.update(extra or {})
    return env


async def wait_up(port: int, path: str = "/", timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while True:
            try:
                async with http.get(f"http://127.0.0.1:{port}{path}") as r:
                    if r.status < 500:
                        return
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"nothing listens on {port}")
            await asyncio.sleep(0.1)


async def start_product(url: str, workers: int, extra: dict[str, str] | None = None) -> Servers:
    ports = [free_port() for _ in range(workers)]
    procs = [
        subprocess.Popen(
            [PY, "-m", "bot"],
            env=_env(url, p, extra),
            cwd=HERE,
            stdout=subprocess.DEVNULL,
            stderr=LOG.open("ab"),
        )
        for p in ports
    ]
    servers = Servers(procs, ports)
    try:
        for p in ports:
            await wait_up(p)
    except BaseException:
        servers.stop()
        raise
    return servers


async def start_bare(url: str, workers: int) -> Servers:
    ports = [free_port() for _ in range(workers)]
    script = str(Path(__file__).resolve())
    procs = [subprocess.Popen([PY, script, "bare", str(p), url], cwd=HERE) for p in ports]
    servers = Servers(procs, ports)
    for p in ports:
        await wait_up(p, "/up")
    return servers


def start_echo(api_url: str, token: str, budget: bool = False) -> Servers:
    """The echo bot; ``budget``: behind the product's send budget (Telegram's limits)."""
    script = str(Path(__file__).resolve())
    argv = [PY, script, "echo", api_url, token] + (["budget"] if budget else [])
    return Servers([subprocess.Popen(argv, cwd=HERE)], [])


# --- set-up -------------------------------------------------------------------------------


async def fresh_database(admin_url: str, name: str) -> str:
    """Drop and create database ``name`` next to ``admin_url``'s; the new URL, migrated."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    from storage.db import upgrade

    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()
    url = admin_url.rsplit("/", 1)[0] + "/" + name
    await upgrade(url)
    return url


async def seed(url: str, organisations: int) -> list[str]:
    """An open campaign and ``organisations`` NGOs, each with an invitation; their tokens."""
    from sqlalchemy import JSON, Column, DateTime, Integer, MetaData, String, Table

    from dialogs.application.demo import seed_demo
    from dialogs.questionnaire import default
    from storage.db import create_engine
    from storage.repository import Store

    store = Store.from_url(url)
    campaign, _ = await seed_demo(store, today=date(2026, 2, 1))
    blocks = [b.number for b in default().blocks_for("ngo")]
    tokens = []
    for n in range(organisations):
        org = await store.create_organisation(
            name_ru=f"Нагрузка {n}", name_kk=f"Жүктеме {n}", subject_kind="ngo", blocks=blocks
        )
        _, token = await store.create_invitation(org.id, campaign.id, actor="bench", max_uses=50)
        tokens.append(token)
    await store.close()
    meta = MetaData()
    Table(
        BARE_TABLE,
        meta,
        Column("id", Integer, primary_key=True),
        Column("field_code", String(200)),
        Column("value", JSON),
        Column("created_at", DateTime(timezone=True)),
    )
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(meta.create_all)
    await engine.dispose()
    return tokens


# --- the bare baselines (run as scripts) ---------------------------------------------------


def serve_bare(port: int, url: str) -> None:
    """One insert through SQLAlchemy async per POST /bare: what a step exists for."""
    from datetime import UTC, datetime

    from aiohttp import web
    from sqlalchemy import JSON, Column, DateTime, Integer, MetaData, String, Table, insert
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    table = Table(
        BARE_TABLE,
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("field_code", String(200)),
        Column("value", JSON),
        Column("created_at", DateTime(timezone=True)),
    )
    sessions = async_sessionmaker(create_async_engine(url))

    async def bare(request: web.Request) -> web.Response:
        body = await request.json()
        row = {"field_code": "b16.i02.residence_appeals", "value": body["value"]}
        async with sessions() as s, s.begin():
            await s.execute(insert(table).values(**row, created_at=datetime.now(UTC)))
        return web.json_response({"saved": body["value"]})

    async def up(request: web.Request) -> web.Response:
        return web.Response(text="up")

    app = web.Application()
    app.router.add_post("/bare", bare)
    app.router.add_get("/up", up)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def serve_echo(api_url: str, token: str, budget: bool = False) -> None:
    """The bare aiogram echo bot: each text back, with one button (as the product's prompts).

    ``budget``: its sends wait for the same send budget as the product's (29 messages a
    second overall, one a second per chat on average: bot/telegram/send_budget.py), the
    limits Telegram itself enforces on any bot, so the two are compared on equal terms.
    """
    from aiogram import Bot, Dispatcher
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message

    dp = Dispatcher()
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="ok", callback_data="ok")]]
    )

    @dp.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "?", reply_markup=keyboard)

    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api_url)))
    if budget:
        from bot.telegram import send_budget

        send_budget.install(bot, send_budget.LocalBudget())
    asyncio.run(dp.start_polling(bot, polling_timeout=10, handle_signals=True))


if __name__ == "__main__":
    if sys.argv[1] == "bare":
        serve_bare(int(sys.argv[2]), sys.argv[3])
    elif sys.argv[1] == "echo":
        serve_echo(sys.argv[2], sys.argv[3], budget=sys.argv[4:] == ["budget"])
