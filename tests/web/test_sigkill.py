"""20 SIGKILLs of the server process during a scripted walk (issue 10), SQLite and PostgreSQL.

A real ``python -m bot`` serves the web chat; a person walks block 1 answering "no data"
with a reason at every field, resending whatever got no reply (the client cannot know
whether the server died before or after committing).  The process is killed with SIGKILL
at random moments of 20 requests and started again each time.  Every answer that was
acknowledged is stored exactly once, the dialog stands at the next field after every
acknowledgement, and nobody is told that a colleague changed their answer.
Slow-ish (each kill is a process start, forked from a process that imported the server
once, :mod:`tests.web.zygote`).
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import sys
from datetime import date
from pathlib import Path

import aiohttp
import pytest

from dialogs.application.demo import seed_demo
from dialogs.questionnaire import default
from dialogs.walk import Walk
from storage.db import upgrade
from storage.repository import Store
from tests.storage.conftest import PG_SKIP_REASON, _reset_postgres

KILLS = 20
KIND = "tourism_ministry"
FALSE_CONFLICT = ("коллега", "другом окне")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``python -m bot`` on a port of its own (forked by :mod:`tests.web.zygote`), killed
    with SIGKILL and started again."""

    def __init__(self, url: str, folder: Path) -> None:
        self.port = _free_port()
        self.folder = folder
        self.env = {
            **os.environ,
            "DATABASE_URL": url,
            "PUBLIC_URL": f"http://127.0.0.1:{self.port}",
            "WEB_PORT": str(self.port),
            "BOT_TOKEN": "",
            "LOG_LEVEL": "WARNING",
        }
        self.zygote: asyncio.subprocess.Process | None = None
        self.pid: int | None = None
        self.kills = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        if self.zygote is None:
            self.zygote = await asyncio.create_subprocess_exec(
                sys.executable, str(Path(__file__).with_name("zygote.py")), cwd=self.folder, env=self.env,
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            )  # fmt: skip
        assert self.zygote.stdin is not None and self.zygote.stdout is not None
        self.zygote.stdin.write(b"start\n")
        await self.zygote.stdin.drain()
        self.pid = int(await asyncio.wait_for(self.zygote.stdout.readline(), 120))
        for _ in range(3000):
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                return
            except OSError:
                await asyncio.sleep(0.01)
        raise AssertionError("the server did not start")

    def alive(self) -> bool:
        if self.pid is None:
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        return True

    async def kill(self) -> None:
        if self.alive():
            assert self.pid is not None
            os.kill(self.pid, signal.SIGKILL)
            self.kills += 1
        while self.alive():
            await asyncio.sleep(0.005)
        self.pid = None

    async def ensure_up(self) -> None:
        if not self.alive():
            await self.start()

    async def close(self) -> None:
        await self.kill()
        if self.zygote is not None:
            self.zygote.kill()
            await self.zygote.wait()


async def _walk_with_kills(url: str, folder: Path) -> None:
    await upgrade(url)
    store = Store.from_url(url)
    campaign, orgs = await seed_demo(store, today=date(2026, 2, 1))
    demo = next(o for o in orgs if o.organisation.subject_kind == KIND)
    q = default()
    fields = [s.code for s in Walk(q, [1]).steps if s.block.number == 1]
    server = Server(url, folder)
    rng = random.Random(20)
    await server.start()
    replies_seen: list[str] = []
    unanswered: list[str] = []  # requests the kill cut off (resent)
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            resp = await http.get(f"{server.base}/i/{demo.token}", allow_redirects=False)
            assert resp.status == 303
            html = await (await http.get(f"{server.base}/chat")).text()
            marker = 'name="csrf-token" content="'
            csrf = html[html.index(marker) + len(marker) :].split('"', 1)[0]
            headers = {"X-CSRF-Token": csrf}

            async def call(payload: dict, kill: bool) -> dict:
                """Send until answered (a resend after a kill), killing once if asked."""
                while True:
                    killer = None
                    if kill:
                        kill = False
                        killer = asyncio.create_task(_kill_soon(server, rng))
                    try:
                        resp = await http.post(
                            f"{server.base}/api/input", json=payload, headers=headers
                        )
                        assert resp.status != 500, await resp.text()
                        if resp.status == 200:
                            body = await resp.json()
                            if killer is not None:
                                await killer
                                await server.ensure_up()
                            replies_seen.extend(r["text"] for r in body["replies"])
                            return body
                    except (aiohttp.ClientError, ConnectionError):
                        unanswered.append(payload["value"])
                    if killer is not None:
                        await killer
                    await server.ensure_up()

            state = await http.get(f"{server.base}/api/state", headers=headers)
            body = await state.json()
            body = await call({"kind": "button", "value": _button(body, "lang:ru")}, False)
            kill_at = set(rng.sample(range(2 * len(fields)), KILLS))
            contact = await _contact(store, demo.organisation.id)
            for n, code in enumerate(fields):
                row = await store.get_dialog_state(contact)
                assert row is not None and row.state["engine"]["code"] == code, "resumes here"
                body = await call(
                    {"kind": "button", "value": _button(body, "nd")}, 2 * n in kill_at
                )
                payload = {"kind": "text", "value": f"нет сведений {n}", "prompt": body["prompt"]}
                body = await call(payload, 2 * n + 1 in kill_at)
                assert body["replies"][0]["text"].startswith("Сохранено"), body["replies"][0]
                # Acknowledged: the walk stands at the next field (checked at the loop's top).
    finally:
        kills = server.kills
        await server.close()
    response = await store.get_or_create_response(demo.organisation.id, campaign.id)
    for n, code in enumerate(fields):
        history = await store.answer_history(response.id, code)
        assert [(h.status, h.no_data_reason) for h in history] == [
            ("no_data", f"нет сведений {n}")
        ], code
    assert kills == KILLS
    print(f"{kills} kills, {len(unanswered)} requests cut off and resent")
    assert not [t for t in replies_seen if any(w in t for w in FALSE_CONFLICT)]
    await store.close()


async def _kill_soon(server: Server, rng: random.Random) -> None:
    await asyncio.sleep(rng.uniform(0.0, 0.04))
    await server.kill()


async def _contact(store: Store, organisation_id: int) -> int:
    contacts = await store.list_contacts(organisation_id)
    return contacts[0].id


def _button(body: dict, action: str) -> str:
    for reply in reversed(body["replies"]):
        for row in reply["buttons"]:
            for b in row:
                if b["data"].split("|", 1)[1] == action:
                    return b["data"]
    raise AssertionError(f"no button {action!r} in {body['replies']}")


async def test_twenty_sigkills_during_a_walk_on_sqlite(tmp_path: Path) -> None:
    await _walk_with_kills(f"sqlite+aiosqlite:///{tmp_path / 'killed.db'}", tmp_path)


async def test_twenty_sigkills_during_a_walk_on_postgresql(tmp_path: Path) -> None:
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.skip(PG_SKIP_REASON)
    await _reset_postgres(url)
    try:
        await _walk_with_kills(url, tmp_path)
    finally:
        await _reset_postgres(url)
