"""A web chat over this test's copy of the demo database, driven through aiohttp's test client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.web import WEBCHAT_KEY, WebChat, create_web_app
from dialogs.application.demo import DemoOrganisation
from dialogs.application.dialog import DialogService
from dialogs.application.factory import Application
from dialogs.application.settings import Settings
from storage.models import Campaign, WebSession
from storage.repository import Store
from tests.demo_db import DemoDatabase

BOT_TOKEN = "123456:TEST-token-for-mini-app-validation"


def make_settings(url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": url,
        "public_url": "http://127.0.0.1:8080",
        "sign_in_attempts_per_minute": 50,
        "bot_token": BOT_TOKEN,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@dataclass
class Web:
    """The store, the service, the demo and a factory of browsers (test clients)."""

    store: Store
    app: Application
    campaign: Campaign
    orgs: dict[str, DemoOrganisation]
    url: str
    settings: Settings
    new_client: Callable[..., Awaitable[TestClient]]
    clients: list[TestClient] = field(default_factory=list)

    @property
    def service(self) -> DialogService:
        return self.app.dialog

    def token(self, kind: str) -> str:
        return self.orgs[kind].token

    def chat(self, client: TestClient) -> WebChat:
        return client.server.app[WEBCHAT_KEY]

    async def sign_in(self, client: TestClient, kind: str, **headers: str) -> str:
        """Open the invite link, follow to /chat, return the page's CSRF token."""
        resp = await client.get(f"/i/{self.token(kind)}", allow_redirects=False, headers=headers)
        assert resp.status == 303, await resp.text()
        page = await client.get("/chat")
        assert page.status == 200
        html = await page.text()
        marker = 'name="csrf-token" content="'
        start = html.index(marker) + len(marker)
        return html[start : html.index('"', start)]

    async def web_sessions(self) -> list[WebSession]:
        """Every stored web session row (keyed by the SHA-256 of the cookie's id)."""
        async with self.store.sessions() as s:
            return list((await s.scalars(select(WebSession))).all())

    async def response_id(self, kind: str) -> int:
        org = self.orgs[kind].organisation
        response = await self.store.get_or_create_response(org.id, self.campaign.id)
        return response.id

    async def answers(self, kind: str) -> dict[str, tuple[str, Any, str | None]]:
        rows = await self.store.list_answers(await self.response_id(kind))
        return {a.field_code: (a.status, a.value, a.no_data_reason) for a in rows}


async def post(client: TestClient, path: str, payload: Any, csrf: str | None, **headers: str):
    if csrf is not None:
        headers["X-CSRF-Token"] = csrf
    return await client.post(path, json=payload, headers=headers)


@pytest.fixture
async def webchat(demo_db: DemoDatabase) -> AsyncIterator[Web]:
    url = demo_db.url
    store = Store.from_url(url)
    services = Application.over(store)
    clients: list[TestClient] = []

    async def new_client(app: web.Application | None = None, **overrides: Any) -> TestClient:
        settings = make_settings(url, **overrides)
        client = TestClient(TestServer(app or create_web_app(settings, services)))
        await client.start_server()
        clients.append(client)
        return client

    env = Web(
        store,
        services,
        demo_db.campaign,
        demo_db.orgs,
        url,
        make_settings(url),
        new_client,
        clients,
    )
    try:
        yield env
    finally:
        for client in clients:
            await client.close()
        await store.close()


def session_cookie(client: TestClient) -> str | None:
    """The raw session id in the browser's cookie jar."""
    morsel = client.session.cookie_jar.filter_cookies(client.make_url("/")).get("saualnama_session")
    return None if morsel is None else morsel.value


async def another_browser(env: Web, client: TestClient) -> TestClient:
    """A second browser (own cookies) on the same server as ``client``."""
    other = TestClient(client.server)
    await other.start_server()
    env.clients.insert(0, other)
    return other
