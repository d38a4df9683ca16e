"""The process entry point: demo links, web chat without Telegram, graceful stop."""

from __future__ import annotations

import asyncio
import io
import socket
import sys
import types

import aiohttp
from aiohttp import web

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
    # Each link says what it opens: the kind in words, its code and its blocks with titles.
    assert (
        "  Non-profit organisation working in the sphere of countering trafficking in persons"
        " (ngo), blocks 1, 16:\n    1. General questions; 16. Non-profit organisations working"
        " in the sphere of countering trafficking in persons\n"
    ) in text
    assert (
        "(mvd_unit), blocks 1, 2:\n    1. General questions; 2. Ministry of Internal Affairs"
        " of the Republic of Kazakhstan\n"
    ) in text
    assert f"    {web_links[0]}\n" in text
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
    from dialogs.application.settings import Settings

    plain = Settings(_env_file=None)
    moved = effective_settings(plain, "0.0.0.0", 9000)
    assert moved.public_url == "http://127.0.0.1:9000"
    assert moved.web_host == "0.0.0.0" and moved.web_port == 9000
    fixed = Settings(_env_file=None, public_url="https://x.kz")
    assert effective_settings(fixed, None, 9000).public_url == "https://x.kz"
    assert effective_settings(plain) is plain


def test_public_url_follows_web_port_from_the_environment(monkeypatch):
    """WEB_PORT alone moves the printed links too (they pointed at 8080 before)."""
    from dialogs.application.settings import Settings

    monkeypatch.setenv("WEB_PORT", "8090")
    assert Settings(_env_file=None).public_url == "http://127.0.0.1:8090"
    monkeypatch.setenv("WEB_HOST", "0.0.0.0")
    assert Settings(_env_file=None).public_url == "http://127.0.0.1:8090"
    monkeypatch.setenv("PUBLIC_URL", "https://saualnama.example.kz")
    assert Settings(_env_file=None).public_url == "https://saualnama.example.kz"
    monkeypatch.setenv("PUBLIC_URL", "")  # as .env.example leaves it
    assert Settings(_env_file=None).public_url == "http://127.0.0.1:8090"
    monkeypatch.delenv("PUBLIC_URL")
    # --port still moves an unset PUBLIC_URL that WEB_PORT had set
    assert effective_settings(Settings(_env_file=None), None, 9100).public_url == (
        "http://127.0.0.1:9100"
    )


def test_links_and_arguments():
    settings = make_settings("sqlite+aiosqlite://", public_url="https://x.kz/", bot_username="@b")
    assert invite_links(settings, "T") == ("https://x.kz/i/T", "https://t.me/b?start=T")
    assert invite_links(make_settings("sqlite+aiosqlite://"), "T")[1] is None
    args = parse_args(["--demo", "--port", "9001"])
    assert args.demo and args.port == 9001 and args.host is None


class FakeBot:
    def __init__(self) -> None:
        self.webhooks: list[tuple] = []
        self.closed = False
        self.session = self

    async def set_webhook(self, url, secret_token=None, allowed_updates=None):
        self.webhooks.append((url, secret_token))

    async def close(self):
        self.closed = True


def fake_telegram(calls: list) -> types.ModuleType:
    module = types.ModuleType("bot.telegram")
    bot = FakeBot()

    def create_bot(settings):
        calls.append("create_bot")
        return bot

    def build_dispatcher(app, form_url=None):
        calls.append("build_dispatcher")
        return types.SimpleNamespace(resolve_used_update_types=lambda: ["message"])

    async def set_commands(b):
        calls.append("set_commands")
        raise RuntimeError("no network")  # logged, never fatal

    async def run_polling(b, dp, *, handle_signals=True):
        calls.append(("run_polling", handle_signals))
        await asyncio.Event().wait()

    def setup_webhook(app, b, dp, path, secret):
        calls.append(("setup_webhook", path, secret))

        async def webhook(request):
            return web.Response()

        app.router.add_post(path, webhook)

    module.__dict__.update(
        create_bot=create_bot, build_dispatcher=build_dispatcher, set_commands=set_commands,
        run_polling=run_polling, setup_webhook=setup_webhook, bot=bot,
    )  # fmt: skip
    return module


async def run_briefly(settings) -> str:
    out = io.StringIO()
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, stop_event=stop, out=out))
    for _ in range(200):
        if "Saualnama web chat" in out.getvalue() or task.done():
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.1)
    stop.set()
    await asyncio.wait_for(task, 10)
    return out.getvalue()


async def test_telegram_polling_runs_beside_the_web_chat_and_stops(tmp_path, monkeypatch):
    calls: list = []
    module = fake_telegram(calls)
    monkeypatch.setitem(sys.modules, "bot.telegram", module)
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path / 'p.db'}", web_port=free_port(), web_host="127.0.0.1"
    )
    text = await run_briefly(settings)
    assert "Telegram: polling" in text
    assert calls[:2] == ["create_bot", "build_dispatcher"]
    assert ("run_polling", False) in calls and "set_commands" in calls
    assert module.bot.closed


async def test_telegram_webhook_on_the_same_app_is_registered(tmp_path, monkeypatch):
    calls: list = []
    module = fake_telegram(calls)
    monkeypatch.setitem(sys.modules, "bot.telegram", module)
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path / 'w.db'}",
        web_port=free_port(),
        web_host="127.0.0.1",
        public_url="https://saualnama.example.kz",
        webhook_path="/tg/webhook",
        webhook_secret="s3cret",
    )
    text = await run_briefly(settings)
    assert "Telegram: webhook" in text
    assert ("setup_webhook", "/tg/webhook", "s3cret") in calls
    assert not any(c[0] == "run_polling" for c in calls if isinstance(c, tuple))
    assert module.bot.webhooks == [("https://saualnama.example.kz/tg/webhook", "s3cret")]
