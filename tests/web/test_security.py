"""Security headers on every response; sessions and the sign-in limiter as units."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.web.ratelimit import SlidingWindowLimiter
from bot.web.server import CSP
from bot.web.texts import negotiate
from dialogs.application.web_sessions import WebSessions

EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors https://web.telegram.org 'self'"
)


def check_headers(resp, cache: str = "no-store") -> None:
    assert resp.headers["Content-Security-Policy"] == EXPECTED_CSP
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "no-referrer"
    assert resp.headers["Cache-Control"] == cache


async def test_security_headers_on_every_kind_of_response(webchat):
    assert CSP == EXPECTED_CSP
    client = await webchat.new_client()
    check_headers(await client.get("/"))
    check_headers(await client.get("/chat"))  # 401 page
    check_headers(await client.get("/nowhere"))  # 404 page
    check_headers(await client.get("/i/" + "z" * 43))  # 404 invitation page
    check_headers(await client.get("/tg"))
    check_headers(await client.get("/static/chat.js"), cache="no-cache")
    check_headers(await client.get("/static/chat.css"), cache="no-cache")
    check_headers(await client.get("/api/nowhere"))
    check_headers(await client.post("/api/input", json={}))  # 401 JSON
    resp = await client.get(f"/i/{webchat.token('ngo')}", allow_redirects=False)
    check_headers(resp)
    csrf_page = await client.get("/chat")
    check_headers(csrf_page)
    html = await csrf_page.text()
    assert "<script>" not in html and "style=" not in html and " on" + "click" not in html
    assert '<script src="/static/chat.js" defer></script>' in html
    assert 'aria-live="polite"' in html and '<label for="message"' in html
    state = await client.get("/api/state", headers={"X-CSRF-Token": _csrf(html)})
    assert state.status == 200
    check_headers(state)


def _csrf(html: str) -> str:
    marker = 'name="csrf-token" content="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


async def test_static_files_do_not_escape_their_folder(webchat):
    client = await webchat.new_client()
    for path in ("/static/../server.py", "/static/%2e%2e/server.py", "/static/"):
        resp = await client.get(path)
        assert resp.status in (403, 404), path


async def test_sessions_expire_and_ids_are_long_and_random(webchat):
    org = webchat.orgs["tourism_ministry"].organisation
    ids = [
        (await webchat.store.create_contact(org.id, web_login=f"web:{i}", actor="test")).id
        for i in range(4)
    ]
    now = [datetime(2026, 2, 1, 9, 0, tzinfo=UTC)]
    store = WebSessions(
        webchat.store,
        idle_ttl=timedelta(seconds=120),
        absolute_ttl=timedelta(seconds=600),
        clock=lambda: now[0],
    )

    def tick(seconds: float) -> None:
        now[0] += timedelta(seconds=seconds)

    a, b = await store.create(ids[0]), await store.create(ids[1])
    assert a.id != b.id and a.csrf != b.csrf and len(a.id) >= 43 and len(a.csrf) >= 43
    assert await store.get(a.id) == a
    tick(119)
    assert await store.get(a.id) == a  # idle timer restarted
    tick(121)
    assert await store.get(a.id) is None and await store.get(b.id) is None
    c = await store.create(ids[2])
    for _ in range(5):
        tick(100)
        assert await store.get(c.id) == c
    tick(101)
    assert await store.get(c.id) is None  # absolute expiry
    assert await store.get(None) is None and await store.get("nope") is None
    d = await store.create(ids[3])
    assert d.csrf_matches(d.csrf) and not d.csrf_matches("") and not d.csrf_matches(None)
    assert not d.csrf_matches(d.csrf[:-1]) and not d.csrf_matches(a.csrf)
    await store.drop_contact(ids[3])
    assert await store.get(d.id) is None


async def test_sessions_beyond_the_cap_push_out_the_least_recently_seen(webchat):
    org = webchat.orgs["tourism_ministry"].organisation
    contact = await webchat.store.create_contact(org.id, web_login="web:c", actor="test")
    now = [datetime(2026, 2, 1, 9, 0, tzinfo=UTC)]
    store = WebSessions(webchat.store, max_sessions=2, clock=lambda: now[0])
    first = await store.create(contact.id)
    now[0] += timedelta(minutes=5)
    second = await store.create(contact.id)
    now[0] += timedelta(minutes=5)
    assert await store.get(first.id) == first  # seen: now the second is the oldest
    third = await store.create(contact.id)
    assert await store.get(second.id) is None
    assert await store.get(first.id) == first and await store.get(third.id) == third


def test_sliding_window_limiter():
    now = [0.0]
    limiter = SlidingWindowLimiter(3, 60, clock=lambda: now[0])
    assert all(limiter.allow("a") for _ in range(3))
    assert not limiter.allow("a")
    assert limiter.allow("b")
    now[0] = 30
    assert not limiter.allow("a")
    assert limiter.retry_after("a") >= 30
    now[0] = 60.5
    assert limiter.allow("a")


def test_limiter_counting_failures_only():
    now = [0.0]
    limiter = SlidingWindowLimiter(2, 60, clock=lambda: now[0])
    assert not limiter.blocked("a")
    limiter.fail("a")
    assert not limiter.blocked("a")
    limiter.fail("a")
    assert limiter.blocked("a") and not limiter.blocked("b")
    now[0] = 61
    assert not limiter.blocked("a")


def test_accept_language_negotiation():
    assert negotiate(None) == "ru"
    assert negotiate("kk-KZ,kk;q=0.9,ru;q=0.8") == "kk"
    assert negotiate("de-DE,en;q=0.5,ru;q=0.7") == "ru"
    assert negotiate("en-US") == "en"
    assert negotiate("fr, kk;q=0") == "ru"
    assert negotiate("garbage;;q=x,,") == "ru"


def test_forwarded_for_is_believed_only_from_a_trusted_proxy():
    from bot.web.ratelimit import client_address

    trusted = {"10.0.0.2"}
    assert client_address("203.0.113.9", "198.51.100.1", trusted) == "203.0.113.9"
    assert client_address("10.0.0.2", "198.51.100.1", trusted) == "198.51.100.1"
    assert client_address("10.0.0.2", "1.1.1.1, 198.51.100.1, 10.0.0.2", trusted) == "198.51.100.1"
    assert client_address("10.0.0.2", None, trusted) == "10.0.0.2"
    assert client_address(None, None, trusted) == "unknown"
