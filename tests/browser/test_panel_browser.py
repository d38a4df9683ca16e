"""The panel in real headless Chromium (Debian's ``chromium``, driven by Playwright).

A coordinator signs in by typing, opens a campaign, filters it, opens an organisation
and reads its answers (markup shown as text), makes an invitation link; on a laptop
(1280×800) and a phone (390×844).  Each page is screenshotted to
``tests/artifacts/panel-*.png`` and checked with axe-core (from npm:
``npm install --prefix tests/browser``): no serious or critical violation.  The pages
run under their real Content-Security-Policy: any blocked inline code would show as a
console error, and none may appear.
"""

from __future__ import annotations

import io
import json
import os
import socket
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest

from admin.accounts import Passwords
from bot.app import start, stop
from dialogs.application.demo import seed_demo
from dialogs.application.settings import Settings
from storage.db import upgrade
from storage.repository import Store
from tests.panel.data import XSS_ANSWER, XSS_NAME, filled_organisation

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parents[1] / "artifacts"
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
PASSWORD = "a long coordinator password"
SIZES = {"laptop": (1280, 800), "phone": (390, 844)}

if not CHROMIUM.exists():
    pytest.skip(
        "browser tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
        allow_module_level=True,
    )
async_api = pytest.importorskip(
    "playwright.async_api",
    reason="browser tests need the playwright package (no 'playwright install': the system"
    " chromium is used)",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def server(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'panel-browser.db'}"
    await upgrade(url)
    seeding = Store.from_url(url)
    campaign, _ = await seed_demo(seeding, today=date(2026, 2, 1))
    filled = await filled_organisation(seeding, campaign)
    not_started = await seeding.create_organisation(
        name_ru="Акимат Жетысуской области", name_kk="Жетісу облысының әкімдігі",
        subject_kind="local_executive_body", region="Жетысуская область", blocks=[1],
    )  # fmt: skip
    await seeding.add_campaign_members(campaign.id, [not_started.id], actor="test")
    await seeding.create_user("aigerim", role="coordinator", display_name="Айгерим Сапарова",
                              password_hash=Passwords().hash(PASSWORD), actor="test")  # fmt: skip
    await seeding.close()
    port = free_port()
    settings = Settings(
        _env_file=None, database_url=url, web_host="127.0.0.1", web_port=port,
        public_url=f"http://127.0.0.1:{port}", bot_token=None, bot_username="saualnama_bot",
    )  # fmt: skip
    runtime = await start(settings, out=io.StringIO())
    try:
        yield runtime, campaign, filled
    finally:
        await stop(runtime)


@pytest.fixture
async def browser():
    async with async_api.async_playwright() as p:
        chromium = await p.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            await chromium.close()


async def axe_problems(page: Any) -> list[str]:
    """Every axe-core violation of the page, ``impact: rule — targets`` (run past the CSP:
    ``evaluate`` goes through the DevTools protocol, not a script tag)."""
    if not AXE.exists():
        missing = "axe-core is not installed: npm ci --prefix tests/browser"
        if os.environ.get("CI"):  # .ci/run installs it: there, its absence is a failure
            pytest.fail(missing)
        pytest.skip(missing)
    await page.evaluate(AXE.read_text(encoding="utf-8") + "\n;void 0")
    result = await page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify(r.violations))"
    )
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) — {[n['target'] for n in v['nodes']][:3]}"
        for v in json.loads(result)
    ]


async def snap(page: Any, name: str, checked: dict[str, list[str]]) -> None:
    await page.screenshot(path=str(ARTIFACTS / f"panel-{name}.png"), full_page=False)
    checked[name] = await axe_problems(page)
    with (ARTIFACTS / "panel-axe.txt").open("a", encoding="utf-8") as log:
        log.write(f"{name}: {len(checked[name])} violation(s) {checked[name]}\n")


@pytest.mark.parametrize("size", list(SIZES))
async def test_sign_in_campaign_organisation_and_invitation(server, browser, size):
    runtime, campaign, filled = server
    base = runtime.settings.public_url
    width, height = SIZES[size]
    context = await browser.new_context(
        viewport={"width": width, "height": height}, device_scale_factor=1,
        is_mobile=size == "phone", has_touch=size == "phone", locale="ru-RU",
    )  # fmt: skip
    page = await context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("dialog", lambda d: problems.append(f"a dialog opened: {d.message}"))
    ARTIFACTS.mkdir(exist_ok=True)
    checked: dict[str, list[str]] = {}

    # 1. An address of the panel leads to the sign-in, and back after it.
    await page.goto(f"{base}/admin/campaigns/{campaign.id}")
    assert page.url.startswith(f"{base}/admin/sign-in?next=")
    await page.fill("#login", "wrong")
    await page.fill("#password", "not the password")
    await page.press("#password", "Enter")
    await page.wait_for_selector(".problem")
    assert "Неверный логин или пароль" in await page.inner_text(".problem")
    await page.fill("#login", "Aigerim")
    await page.fill("#password", PASSWORD)
    await snap(page, f"sign-in-{size}", checked)
    await page.press("#password", "Enter")
    await page.wait_for_url(f"{base}/admin/campaigns/{campaign.id}")

    # 2. The campaign: every organisation, filtered by status.
    assert await page.locator("table.orgs tbody tr").count() == 18
    assert XSS_NAME in await page.inner_text("table.orgs")
    await snap(page, f"campaign-{size}", checked)
    await page.select_option("#status", "submitted")
    await page.click(".filters button[type=submit]")
    await page.wait_for_url("**status=submitted**")
    assert await page.locator("table.orgs tbody tr").count() == 1

    # 3. The organisation: answers in full, markup as text, history, mismatches.
    await page.click("table.orgs tbody tr a")
    await page.wait_for_selector("h1")
    assert await page.inner_text("h1") == f"ОФ «{XSS_NAME}»"
    assert await page.locator("main script, main img").count() == 0
    text = await page.inner_text("main")
    assert text.count(XSS_ANSWER) >= 5
    assert "Расхождение объяснено" in text and "Расхождение не объяснено" in text
    await snap(page, f"organisation-{size}", checked)
    await page.click("#item-b01\\.i06 details summary")
    assert "Совместные рейды" in await page.inner_text("#item-b01\\.i06 details")
    await page.locator("#item-b01\\.i08").scroll_into_view_if_needed()
    await page.evaluate("document.getElementById('item-b01.i06').scrollIntoView()")
    await snap(page, f"answers-{size}", checked)

    # 4. A new invitation link: QR code and the letters, then the Kazakh switch.
    await page.fill("#uses", "3")
    await page.click("#people form button[type=submit]")
    await page.wait_for_selector(".letter-kk")
    link = await page.input_value("#web-link")
    assert link.startswith(f"{base}/i/") and len(link) == len(f"{base}/i/") + 43
    assert await page.locator("svg.qr").count() == 3
    assert "Құрметті әріптестер!" in await page.inner_text(".letter-kk")
    await snap(page, f"invitation-{size}", checked)
    if size == "laptop":  # the letters as they print (A4 width), the Kazakh one first
        await page.emulate_media(media="print")
        await page.set_viewport_size({"width": 794, "height": 1123})
        await page.locator(".letter-kk").scroll_into_view_if_needed()
        await page.screenshot(path=str(ARTIFACTS / "panel-letter-print.png"), full_page=True)
        await page.emulate_media(media="screen")
    await page.goto(f"{base}/admin/campaigns/{campaign.id}?lang=kk")
    assert await page.inner_text("h1") == campaign.title
    assert "Ұйым" in await page.inner_text("table.orgs thead")

    assert problems == []
    assert set(checked) == {
        f"{shown}-{size}"
        for shown in ("sign-in", "campaign", "organisation", "answers", "invitation")
    }
    serious = {
        name: [v for v in found if v.startswith(("serious", "critical"))]
        for name, found in checked.items()
    }
    assert {name: found for name, found in serious.items() if found} == {}
    await context.close()


async def test_second_factor_set_up_then_the_audit_log_and_users(server, browser):
    runtime, _, _ = server
    base = runtime.settings.public_url
    store = runtime.services.store
    user = await store.find_user("aigerim")
    assert user is not None
    await store.require_totp(user.id, True, actor="test")
    checked: dict[str, list[str]] = {}
    phone = await browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="kk-KZ"
    )
    page = await phone.new_page()
    await page.goto(f"{base}/admin/sign-in")
    assert await page.inner_text("h1") == "Панельге кіру"
    await page.fill("#login", "aigerim")
    await page.fill("#password", PASSWORD)
    await page.press("#password", "Enter")
    await page.wait_for_selector("svg.qr")
    await snap(page, "code-phone", checked)
    secret = "".join((await page.inner_text(".secret code")).split())
    await page.fill("#code", pyotp.TOTP(secret).now())
    await page.press("#code", "Enter")
    await page.wait_for_url(f"{base}/admin/campaigns")
    await phone.close()

    laptop = await browser.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU")
    page = await laptop.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    await page.goto(f"{base}/admin/audit")
    await page.fill("#login", "aigerim")
    await page.fill("#password", PASSWORD)
    await page.press("#password", "Enter")
    await page.wait_for_selector("#code")
    totp = pyotp.TOTP(secret)  # the next step's code: the current one was used up
    await page.fill("#code", totp.at(datetime.now(UTC) + timedelta(seconds=30)))
    await page.press("#code", "Enter")
    await page.wait_for_url(f"{base}/admin/audit")
    assert "panel_user.totp_enrolled" in await page.inner_text("table.audit")
    await page.select_option("#action", "panel.sign_in")
    await page.click(".filters button[type=submit]")
    await page.wait_for_url("**action=panel.sign_in**")
    assert await page.locator("table.audit tbody tr").count() == 2
    await snap(page, "audit-laptop", checked)
    await page.click("nav.nav a[href='/admin/users']")
    await page.wait_for_selector("text=настроен")
    await snap(page, "users-laptop", checked)
    assert problems == []
    serious = [v for found in checked.values() for v in found if v.startswith(("serious", "crit"))]
    assert serious == []
    await laptop.close()
