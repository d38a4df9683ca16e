"""The process entry point: demo links, web chat without Telegram, graceful stop."""

from __future__ import annotations

import asyncio
import io
import socket
import sys

import aiohttp

from bot.app import effective_settings, invite_links, parse_args, serve
from tests.web.conftest import make_settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_serve_with_demo_prints_links_serves_web_without_telegram_and_stops(
    tmp_path, monkeypatch
):
    # A token is set but the Telegram channel cannot be imported: the web chat still runs.
    monkeypatch.setitem(sys.modules, "bot.telegram", None)
    port = free_port()
    settings = effective_settings(
        make_settings(f"sqlite+aiosqlite:///{tmp_path / 'app.db'}", bot_username="saualnama_bot"),
        "127.0.0.1",
        port,
    )
    settings = settings.model_copy(update={"public_url": f"http://127.0.0.1:{port}"})
    out = io.StringIO()
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, demo=True, stop_event=stop, out=out))
    for _ in range(200):
        if "/i/" in out.getvalue() or task.done():
            break
        await asyncio.sleep(0.05)
    text = out.getvalue()
    assert not task.done(), task.exception() if task.done() else None
    web_links = [w for w in text.split() if "/i/" in w]
    tg_links = [w for w in text.split() if w.startswith("https://t.me/saualnama_bot?start=")]
    assert len(web_links) == len(tg_links) == 16
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.get(web_links[0], allow_redirects=False) as resp:
            assert resp.status == 303
            assert resp.headers["Location"] == "/chat"
        async with http.get(f"http://127.0.0.1:{port}/chat") as resp:
            assert resp.status == 200
    stop.set()
    await asyncio.wait_for(task, 10)
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))  # the port is free again


def test_public_url_follows_host_and_port_unless_set():
    from bot.settings import Settings

    plain = Settings(_env_file=None)
    moved = effective_settings(plain, "0.0.0.0", 9000)
    assert moved.public_url == "http://127.0.0.1:9000"
    assert moved.web_host == "0.0.0.0" and moved.web_port == 9000
    fixed = Settings(_env_file=None, public_url="https://x.kz")
    assert effective_settings(fixed, None, 9000).public_url == "https://x.kz"
    assert effective_settings(plain) is plain


def test_links_and_arguments():
    settings = make_settings("sqlite+aiosqlite://", public_url="https://x.kz/", bot_username="@b")
    assert invite_links(settings, "T") == ("https://x.kz/i/T", "https://t.me/b?start=T")
    assert invite_links(make_settings("sqlite+aiosqlite://"), "T")[1] is None
    args = parse_args(["--demo", "--port", "9001"])
    assert args.demo and args.port == 9001 and args.host is None
