"""Signing in: lock after five wrong passwords, the TOTP step and its set-up, expiry, cookies."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pyotp
from aiohttp.test_utils import TestClient, TestServer

import admin.panel
from admin.accounts import totp_step
from admin.panel.auth import ABSOLUTE_TTL, IDLE_TTL, LOCK_FOR
from bot.web import create_web_app
from dialogs.application.factory import Application
from tests.panel.conftest import CHEAP, PASSWORD, PanelEnv, csrf_of, make_settings


async def try_password(env: PanelEnv, client: TestClient, password: str, login: str = "coord",
                       next_: str = "") -> Any:  # fmt: skip
    page = await client.get("/admin/sign-in")
    data = {"login": login, "password": password, "csrf": csrf_of(await page.text())}
    if next_:
        data["next"] = next_
    return await env.post(client, "/admin/sign-in", data)


def cookie(resp: Any, name: str = "saualnama_admin") -> Any:
    return resp.cookies.get(name)


async def test_five_wrong_passwords_lock_the_account(panel: PanelEnv) -> None:
    client = await panel.browser()
    for n in range(4):
        resp = await try_password(panel, client, f"wrong password {n}")
        assert resp.status == 200 and "Неверный логин или пароль" in await resp.text()
    resp = await try_password(panel, client, "wrong password 5")
    assert resp.status == 429
    text = await resp.text()
    assert "вход заблокирован до" in text
    # Locked: the right password is refused too, and nothing about it is learnt.
    resp = await try_password(panel, client, PASSWORD)
    assert resp.status == 429 and cookie(resp) is None
    panel.tick(seconds=LOCK_FOR.total_seconds() - 5)
    assert (await try_password(panel, client, PASSWORD)).status == 429
    panel.tick(seconds=10)  # the lock has run out
    resp = await try_password(panel, client, PASSWORD)
    assert resp.status == 303 and cookie(resp) is not None
    events = [(e.action, e.details.get("reason")) for e in await panel.store.list_audit_events()
              if e.action.startswith("panel.")]  # fmt: skip
    assert events == [("panel.sign_in_failed", "password")] * 5 + [("panel.locked", None)] + [
        ("panel.sign_in_failed", "locked")
    ] * 2 + [("panel.sign_in", None)]


async def test_a_reset_unlocks_and_unknown_logins_lock_nothing(panel: PanelEnv) -> None:
    client = await panel.browser()
    for n in range(5):
        await try_password(panel, client, f"wrong {n}" * 3)
    user = await panel.store.find_user("coord")
    assert user is not None and user.locked_until is not None
    await panel.store.reset_user(user.id, password_hash=None, actor="test")
    assert (await try_password(panel, client, PASSWORD)).status == 303
    stranger = await panel.browser()
    for n in range(7):
        resp = await try_password(panel, stranger, "whatever password", login=f"nobody{n % 2}")
        assert resp.status == 200
    unknown = await panel.store.list_audit_events(action="panel.sign_in_failed")
    assert {e.details["login"] for e in unknown if e.details.get("reason") == "unknown"} == {
        "nobody0", "nobody1",
    }  # fmt: skip


async def test_a_disabled_user_cannot_sign_in_and_is_signed_out(panel: PanelEnv) -> None:
    client = await panel.browser()
    await panel.sign_in(client)
    user = await panel.store.find_user("coord")
    assert user is not None
    await panel.store.set_user_active(user.id, False, actor="test")
    assert (await client.get("/admin/campaigns", allow_redirects=False)).status == 303
    resp = await try_password(panel, client, PASSWORD)
    assert resp.status == 200 and "Учётная запись отключена" in await resp.text()


async def test_a_required_second_factor_is_set_up_then_asked_every_time(panel: PanelEnv) -> None:
    user = await panel.store.find_user("coord")
    assert user is not None
    await panel.store.require_totp(user.id, True, actor="test")
    client = await panel.browser()
    resp = await try_password(panel, client, PASSWORD, next_="/admin/audit")
    assert resp.status == 303
    assert resp.headers["Location"] == "/admin/sign-in/code?next=/admin/audit"
    # Half signed in: nothing but the code page opens.
    assert (await client.get("/admin/campaigns", allow_redirects=False)).status == 303
    page = await client.get("/admin/sign-in/code?next=/admin/audit")
    html = await page.text()
    assert "<svg" in html and 'role="img"' in html and "Настройка второго фактора" in html
    secret = "".join(re.search(r'<p class="secret"><code>([^<]+)</code>', html).group(1).split())
    csrf = csrf_of(html)
    wrong = await panel.post(client, "/admin/sign-in/code",
                             {"csrf": csrf, "code": "000000", "next": "/admin/audit"})  # fmt: skip
    assert wrong.status == 200 and "Код не подошёл" in await wrong.text()
    code = pyotp.TOTP(secret).at(panel.now)
    resp = await panel.post(client, "/admin/sign-in/code",
                            {"csrf": csrf, "code": f"{code[:3]} {code[3:]}", "next": "/admin/audit"})  # fmt: skip
    assert resp.status == 303 and resp.headers["Location"] == "/admin/audit"
    assert (await client.get("/admin/audit")).status == 200
    user = await panel.store.find_user("coord")
    assert user is not None and user.totp_secret == secret

    # The next sign-in asks for a code; the one already used is refused (replay).
    other = await panel.browser()
    resp = await try_password(panel, other, PASSWORD)
    assert resp.headers["Location"].startswith("/admin/sign-in/code")
    page = await other.get("/admin/sign-in/code")
    assert "<svg" not in await page.text()
    csrf = csrf_of(await page.text())
    replay = await panel.post(other, "/admin/sign-in/code", {"csrf": csrf, "code": code})
    assert replay.status == 200 and "Код не подошёл" in await replay.text()
    panel.tick(seconds=30)
    fresh = pyotp.TOTP(secret).at(panel.now)
    assert totp_step(panel.now) > (user.totp_last_step or 0)
    resp = await panel.post(other, "/admin/sign-in/code", {"csrf": csrf, "code": fresh})
    assert resp.status == 303 and (await other.get("/admin/campaigns")).status == 200
    vias = [e.details["via"] for e in await panel.store.list_audit_events(action="panel.sign_in")]
    assert vias == ["totp_enrolled", "totp"]


async def test_wrong_codes_count_towards_the_lock(panel: PanelEnv) -> None:
    user = await panel.store.find_user("coord")
    assert user is not None
    await panel.store.enrol_totp(user.id, pyotp.random_base32(), 0, actor="test")
    client = await panel.browser()
    await try_password(panel, client, "wrong wrong wrong")
    await try_password(panel, client, "wrong wrong again")
    await try_password(panel, client, PASSWORD)
    csrf = csrf_of(await (await client.get("/admin/sign-in/code")).text())
    statuses = []
    for _ in range(3):
        resp = await panel.post(client, "/admin/sign-in/code", {"csrf": csrf, "code": "123456"})
        statuses.append(resp.status)
    assert statuses == [200, 200, 429]
    assert (await client.get("/admin/sign-in/code", allow_redirects=False)).status == 303


async def test_sessions_end_when_idle_and_at_the_absolute_limit(panel: PanelEnv) -> None:
    client = await panel.browser()
    await panel.sign_in(client)
    panel.tick(seconds=IDLE_TTL.total_seconds() - 60)
    assert (await client.get("/admin/campaigns", allow_redirects=False)).status == 200
    panel.tick(seconds=IDLE_TTL.total_seconds() - 60)  # used in time: still alive
    assert (await client.get("/admin/campaigns", allow_redirects=False)).status == 200
    panel.tick(seconds=IDLE_TTL.total_seconds() + 1)
    resp = await client.get("/admin/campaigns", allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "/admin/sign-in?next=/admin/campaigns"

    await panel.sign_in(client)
    used = timedelta()
    while used < ABSOLUTE_TTL - IDLE_TTL:
        panel.tick(seconds=IDLE_TTL.total_seconds() - 60)
        used += IDLE_TTL - timedelta(seconds=60)
        assert (await client.get("/admin/campaigns", allow_redirects=False)).status == 200
    panel.tick(seconds=IDLE_TTL.total_seconds() - 60)
    assert (await client.get("/admin/campaigns", allow_redirects=False)).status == 303


async def test_a_sign_in_gives_a_new_session_and_a_strict_cookie(panel: PanelEnv) -> None:
    client = await panel.browser()
    await panel.sign_in(client)
    first = client.session.cookie_jar.filter_cookies(client.make_url("/admin/"))["saualnama_admin"]
    # The sign-in page sends a signed-in browser on; a sign-in posted anyway starts afresh.
    page = await client.get("/admin/sign-in", allow_redirects=False)
    assert page.status == 303 and page.headers["Location"] == "/admin/campaigns"
    pre = client.session.cookie_jar.filter_cookies(client.make_url("/admin/"))[
        "saualnama_admin_pre"
    ]
    resp = await panel.post(client, "/admin/sign-in",
                            {"login": "coord", "password": PASSWORD, "csrf": pre.value})  # fmt: skip
    again = cookie(resp)
    assert again.value != first.value
    assert again["httponly"] and again["samesite"] == "Strict" and again["path"] == "/admin"
    assert not again["secure"] and not again["max-age"], "a browser session's cookie, over http"
    rows = await panel.store.get_panel_session(first.value, now=panel.now)
    assert rows is None, "the old session ended with the new sign-in"


async def test_the_cookie_is_secure_behind_https(panel: PanelEnv) -> None:
    settings = make_settings(panel.settings.database_url, public_url="https://saualnama.example.kz")
    app = create_web_app(settings, Application.over(panel.store, dialog=panel.service))
    admin.panel.setup(app, settings, panel.store, passwords=CHEAP, clock=panel.clock)
    client = TestClient(TestServer(app))
    await client.start_server()
    panel.clients.append(client)
    page = await client.get("/admin/sign-in")
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
    pre = cookie(page, "saualnama_admin_pre")
    assert pre["secure"] and pre["httponly"] and pre["samesite"] == "Strict"
    resp = await client.post(  # the jar keeps a Secure cookie from plain http: send it by hand
        "/admin/sign-in",
        data={"login": "coord", "password": PASSWORD, "csrf": csrf_of(await page.text())},
        headers={"Origin": "https://saualnama.example.kz", "Cookie": f"{pre.key}={pre.value}"},
        allow_redirects=False,
    )  # fmt: skip
    assert resp.status == 303 and cookie(resp)["secure"]


async def test_after_sign_in_only_panel_pages_are_followed(panel: PanelEnv) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "/chat", "/admin\\@evil",
                   "/admin/sign-out"):  # fmt: skip
        resp = await try_password(panel, await panel.browser(), PASSWORD, next_=target)
        assert resp.headers["Location"] == "/admin/campaigns", target
    resp = await try_password(panel, await panel.browser(), PASSWORD,
                              next_="/admin/campaigns/1?status=submitted")  # fmt: skip
    assert resp.headers["Location"] == "/admin/campaigns/1?status=submitted"
