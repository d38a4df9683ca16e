"""The chat's application with the panel mounted at /admin, on a fresh SQLite demo campaign.

Its own fixture (not a shared demo database): a coordinator and an expert, a cheap
Argon2 (the parameters, not the code, are what tests may change), a clock the tests
move, and test clients that are browsers with their own cookies.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from argon2 import PasswordHasher

import admin.panel
from admin.accounts import Passwords
from bot.web import create_web_app
from dialogs.application.demo import DemoOrganisation, seed_demo
from dialogs.application.dialog import DialogService
from dialogs.application.factory import Application
from dialogs.application.settings import Settings
from storage.db import upgrade
from storage.models import Campaign, utcnow
from storage.repository import Store

ORIGIN = "http://127.0.0.1:8080"
PASSWORD = "coordinator password 1"
EXPERT_PASSWORD = "expert password 22"
CHEAP = Passwords(PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF_RE.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


@dataclass
class PanelEnv:
    store: Store
    service: DialogService
    settings: Settings
    campaign: Campaign
    orgs: dict[str, DemoOrganisation]
    now: datetime
    clients: list[TestClient] = field(default_factory=list)
    server: TestServer | None = None

    def clock(self) -> datetime:
        return self.now

    def tick(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    async def browser(self) -> TestClient:
        """A new browser (own cookie jar) on the one server."""
        assert self.server is not None
        client = TestClient(self.server)
        await client.start_server()
        self.clients.append(client)
        return client

    async def post(
        self, client: TestClient, path: str, data: dict[str, Any] | None = None, **headers: str
    ) -> Any:
        headers.setdefault("Origin", ORIGIN)
        return await client.post(path, data=data or {}, headers=headers, allow_redirects=False)

    async def sign_in(
        self, client: TestClient, login: str = "coord", password: str = PASSWORD
    ) -> str:
        """Sign in through the form; returns the session's CSRF token (from a page's form)."""
        page = await client.get("/admin/sign-in")
        assert page.status == 200
        resp = await self.post(
            client, "/admin/sign-in",
            {"login": login, "password": password, "csrf": csrf_of(await page.text())},
        )  # fmt: skip
        assert resp.status == 303, await resp.text()
        assert resp.headers["Location"] == "/admin/campaigns"
        home = await client.get("/admin/campaigns")
        assert home.status == 200
        return csrf_of(await home.text())

    def org(self, kind: str = "ngo") -> int:
        return self.orgs[kind].organisation.id

    def org_path(self, kind: str = "ngo") -> str:
        return f"/admin/campaigns/{self.campaign.id}/organisations/{self.org(kind)}"


def make_settings(url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": url,
        "public_url": ORIGIN,
        "bot_username": "saualnama_bot",
        "sign_in_attempts_per_minute": 1000,
        "bot_token": None,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@asynccontextmanager
async def open_panel(tmp_path: Path, **settings: Any) -> AsyncIterator[PanelEnv]:
    """The panel over a fresh demo database; ``settings`` override :func:`make_settings`
    (an SMTP server, a bot token)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'panel.db'}"
    await upgrade(url)
    store = Store.from_url(url)
    service = DialogService(store)
    campaign, orgs = await seed_demo(store, today=date(2026, 2, 1))
    await store.create_user("coord", role="coordinator", password_hash=CHEAP.hash(PASSWORD),
                            display_name="Айгерим", actor="test")  # fmt: skip
    await store.create_user("expert", role="expert", password_hash=CHEAP.hash(EXPERT_PASSWORD),
                            display_name="Эксперт", actor="test")  # fmt: skip
    config = make_settings(url, **settings)
    env = PanelEnv(store, service, config, campaign,
                   {o.organisation.subject_kind: o for o in orgs}, utcnow())  # fmt: skip
    app = create_web_app(config, Application.over(store, dialog=service))
    admin.panel.setup(app, config, store, passwords=CHEAP, clock=env.clock)
    env.server = TestServer(app)
    try:
        yield env
    finally:
        for client in env.clients:
            await client.close()
        if env.server is not None:
            await env.server.close()
        await store.close()


@pytest.fixture
async def panel(tmp_path: Path) -> AsyncIterator[PanelEnv]:
    async with open_panel(tmp_path) as env:
        yield env
