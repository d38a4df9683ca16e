"""/healthz, /readyz, /metrics, request ids, and logs that keep no answers."""

from __future__ import annotations

import io
import json
import logging

from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from bot.logs import configure
from bot.web import create_web_app
from dialogs.application.factory import Application
from storage.repository import Store, head_revision
from tests.web.conftest import make_settings, post
from tests.web.test_api import begin, button


async def test_healthz_answers_and_echoes_the_proxys_request_id(webchat):
    client = await webchat.new_client()
    resp = await client.get("/healthz", headers={"X-Request-Id": "proxy-42.a"})
    assert resp.status == 200
    assert await resp.json() == {"status": "ok"}
    assert resp.headers["X-Request-Id"] == "proxy-42.a"
    mine = await client.get("/healthz", headers={"X-Request-Id": "not ok\u00e9"})
    assert len(mine.headers["X-Request-Id"]) == 16  # a malformed id is replaced


async def test_readyz_is_ok_on_a_migrated_database(webchat):
    client = await webchat.new_client()
    resp = await client.get("/readyz")
    assert resp.status == 200
    assert await resp.json() == {
        "status": "ok", "database": "ok", "revision": head_revision(), "head": head_revision()
    }  # fmt: skip


async def serve_over(url: str) -> tuple[TestClient, Store]:
    store = Store.from_url(url)
    app = create_web_app(make_settings(url), Application.over(store))
    client = TestClient(TestServer(app))
    await client.start_server()
    return client, store


async def test_readyz_is_503_when_the_database_is_down():
    # Nothing listens on port 1: the database is unreachable.
    client, store = await serve_over("postgresql+asyncpg://postgres@127.0.0.1:1/saualnama")
    try:
        resp = await client.get("/readyz")
        assert resp.status == 503
        assert await resp.json() == {
            "status": "unavailable", "database": "unreachable", "revision": None,
            "head": head_revision(), "problem": "database unreachable",
        }  # fmt: skip
        assert (await client.get("/healthz")).status == 200  # the process itself is up
    finally:
        await client.close()
        await store.close()


async def test_readyz_is_503_before_the_migrations(tmp_path):
    client, store = await serve_over(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    try:
        resp = await client.get("/readyz")
        assert resp.status == 503
        assert (await resp.json())["problem"] == "migrations are not at head"
    finally:
        await client.close()
        await store.close()


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


async def test_metrics_count_requests_steps_and_answers(webchat):
    client = await webchat.new_client()
    before = samples(await (await client.get("/metrics")).text())
    csrf, body = await begin(webchat, client, "tourism_ministry")
    resp = await post(client, "/api/input", {"kind": "button", "value": button(body, "no")}, csrf)
    assert resp.status == 200
    metrics = await client.get("/metrics")
    assert metrics.headers["Content-Type"].startswith("text/plain")
    after = samples(await metrics.text())

    def grew(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    route = {"route": "/api/input", "method": "POST", "status": "200"}
    assert grew("saualnama_http_requests_total", **route) == 2  # the language, the answer
    assert grew("saualnama_http_requests_total", route="/i/{token}", method="GET",
                status="303") == 1  # fmt: skip
    assert grew("saualnama_http_request_duration_seconds_count", route="/api/input") == 2
    assert grew("saualnama_dialog_steps_total", channel="web", outcome="ok") == 3
    assert grew("saualnama_answers_saved_total", channel="web") == 1
    # Labels are patterns, never a token or an id.
    assert not [k for k in after if any("/i/" in v and "{" not in v for _, v in k[1])]


async def test_a_log_line_carries_no_answer_text(webchat):
    secret = "Тайна-Айгерим-987654"
    stream = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    configure("DEBUG", "json", stream)
    try:
        client = await webchat.new_client()
        csrf, body = await begin(webchat, client, "tourism_ministry")
        # Typed where a button is expected, and as the description of a "yes".
        for value in (secret, "да"):
            await post(client, "/api/input", {"kind": "text", "value": value}, csrf)
        resp = await post(client, "/api/input", {"kind": "text", "value": secret}, csrf)
        assert resp.status == 200
        stored = await webchat.answers("tourism_ministry")
        assert any(secret in json.dumps(v, ensure_ascii=False) for v in stored.values())
        logging.getLogger("bot.web.server").info("a line in a request's context")
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines, "nothing was logged"
    assert all(set(line) >= {"time", "level", "logger", "message", "request_id"} for line in lines)
    assert not [line for line in lines if secret in json.dumps(line, ensure_ascii=False)]
