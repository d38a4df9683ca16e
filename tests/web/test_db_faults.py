"""Cut database connections during a walk on PostgreSQL (issue 10): never a 500, nothing lost.

``pg_terminate_backend`` ends every connection of the app under test (they carry an
``application_name`` of their own) at random moments while a person answers in the web
chat: between requests (the request is run again once on a fresh connection; the pool
pings only connections idle for seconds) and during them (the step, one transaction, is
run again once).  Skipped without TEST_POSTGRES_URL.
"""

from __future__ import annotations

import asyncio
import os
import random
from collections.abc import AsyncIterator
from datetime import date

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text

from bot.web import create_web_app
from dialogs.application.demo import seed_demo
from dialogs.application.factory import Application
from storage.db import create_engine, upgrade
from storage.repository import Store
from tests.storage.conftest import PG_SKIP_REASON, _reset_postgres
from tests.web.conftest import make_settings, post
from tests.web.test_api import button

APP_NAME = "saualnama-under-test"
COUNT = "b01.i08.trained"
CUTS = 20


@pytest.fixture
async def pg_chat() -> AsyncIterator[tuple[TestClient, Store, str, int, int]]:
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.skip(PG_SKIP_REASON)
    await _reset_postgres(url)
    await upgrade(url)
    store = Store.from_url(url, connect_args={"server_settings": {"application_name": APP_NAME}})
    campaign, orgs = await seed_demo(store, today=date(2026, 2, 1))
    demo = next(o for o in orgs if o.organisation.subject_kind == "tourism_ministry")
    client = TestClient(TestServer(create_web_app(make_settings(url), Application.over(store))))
    await client.start_server()
    try:
        yield client, store, demo.token, demo.organisation.id, campaign.id
    finally:
        await client.close()
        await store.close()
        await _reset_postgres(url)


async def _cut_all(killer) -> int:
    async with killer.connect() as conn:
        result = await conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = :name"
            ),
            {"name": APP_NAME},
        )
        await conn.commit()
        return int(result.scalar_one())


async def test_cut_connections_never_fail_a_request_nor_lose_an_answer(pg_chat):
    client, store, token, org_id, campaign_id = pg_chat
    killer = create_engine(os.environ["TEST_POSTGRES_URL"])
    rng = random.Random(10)
    statuses: list[int] = []
    acknowledged: list[int] = []
    cuts: list[int] = []

    async def call(payload: dict) -> dict:
        resp = await post(client, "/api/input", payload, csrf)
        statuses.append(resp.status)
        assert resp.status == 200, await resp.text()
        return await resp.json()

    async def cut_soon() -> None:
        await asyncio.sleep(rng.uniform(0, 0.03))
        cuts.append(await _cut_all(killer))

    try:
        resp = await client.get(f"/i/{token}", allow_redirects=False)
        assert resp.status == 303
        html = await (await client.get("/chat")).text()
        marker = 'name="csrf-token" content="'
        csrf = html[html.index(marker) + len(marker) :].split('"', 1)[0]
        body = await (await client.get("/api/state", headers={"X-CSRF-Token": csrf})).json()
        body = await call({"kind": "button", "value": button(body, "lang:ru")})
        body = await call({"kind": "command", "value": "menu"})
        body = await call({"kind": "button", "value": button(body, "blk:1")})
        body = await call({"kind": "button", "value": button(body, "itm:b01.i08")})
        for n in range(2 * CUTS):
            cutter = asyncio.create_task(cut_soon()) if n % 2 == 0 else None
            body = await call({"kind": "text", "value": str(100 + n), "prompt": body["prompt"]})
            assert body["replies"][0]["text"].startswith("Сохранено"), body["replies"][0]
            acknowledged.append(100 + n)
            body = await call({"kind": "button", "value": button(body, "back")})
            if cutter is not None:
                await cutter
    finally:
        await killer.dispose()
    assert len(cuts) == CUTS and sum(cuts) >= CUTS, cuts  # every cut ended a live connection
    assert 500 not in statuses and set(statuses) == {200}
    response = await store.get_or_create_response(org_id, campaign_id)
    history = [r.value for r in await store.answer_history(response.id, COUNT)]
    assert history == acknowledged, "every acknowledged answer stored exactly once, in order"
    assert (await store.get_answer(response.id, COUNT)).value == acknowledged[-1]
