"""The web chat in real headless Chromium (Debian's ``chromium``, driven by Playwright).

A contact opens an invite link, answers the rest of block 1 by clicking and
typing, reloads and continues where they stopped, switches to Kazakh, answers
block 13 and submits; the stored answers are checked.  A phone-sized
screenshot goes to ``tests/artifacts/chat-phone.png``.
"""

from __future__ import annotations

import io
import re
import socket
from pathlib import Path

import pytest

from bot.app import start, stop
from dialogs import i18n
from dialogs.application.settings import Settings
from dialogs.questionnaire import default
from dialogs.walk import Walk
from storage.repository import Store

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parents[1] / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not CHROMIUM.exists():
    pytest.skip(
        "browser tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
        allow_module_level=True,
    )
async_api = pytest.importorskip(
    "playwright.async_api",
    reason="browser tests need the playwright package (pip install playwright; "
    "no 'playwright install': the system chromium is used)",
)

#: Fields left for the browser: the end of block 1, then block 13.
LEFT = (
    "b01.i09.publications",
    "b01.i09.programmes",
    "b01.i10.problems",
    "b13.i01.reports_referred",
)
SHOWN = "#transcript .msg.bot:not(.typing)"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def server(demo_db):
    url = demo_db.url
    seeding = Store.from_url(url)
    campaign, orgs = demo_db.campaign, list(demo_db.orgs.values())
    port = free_port()
    settings = Settings(
        _env_file=None,
        database_url=url,
        web_host="127.0.0.1",
        web_port=port,
        public_url=f"http://127.0.0.1:{port}",
        bot_token=None,
    )
    runtime = await start(settings, out=io.StringIO())
    try:
        # the test reads the database through a store of its own, as another process would
        yield runtime, campaign, {o.organisation.subject_kind: o for o in orgs}, seeding
    finally:
        await stop(runtime)
        await seeding.close()


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


async def prefill_block_1(store: Store, contact_id: int, campaign_id: int) -> None:
    """Answer block 1 through the store, except the fields left for the browser."""
    response = await store.get_response_for_contact(contact_id, campaign_id)
    for step in Walk(default(), [1, 13]).steps:
        if step.code in LEFT:
            continue
        if step.field.kind == "yes_no":
            value, reason = {"answer": "no", "description": None}, None
        else:
            value, reason = None, "нет учёта в ведомстве"
        await store.save_answer(
            response.id,
            step.code,
            value=value,
            no_data_reason=reason,
            contact_id=contact_id,
            channel="web",
        )


async def shown(page) -> int:
    return await page.locator(SHOWN).count()


async def settled(page, before: int) -> None:
    """Wait until new bot messages arrived and the page is no longer busy."""
    await page.wait_for_function(
        """(n) => document.querySelectorAll('#transcript .msg.bot:not(.typing)').length > n
               && document.getElementById('transcript').getAttribute('aria-busy') === 'false'""",
        arg=before,
    )


async def click(page, label: str) -> None:
    before = await shown(page)
    button = page.locator(
        "#transcript button.choice:enabled", has_text=re.compile(f"^{re.escape(label)}$")
    )
    await button.last.click()
    await settled(page, before)


async def type_answer(page, text: str) -> None:
    before = await shown(page)
    await page.fill("#message", text)
    await page.press("#message", "Enter")  # Enter sends
    await settled(page, before)


async def last_text(page) -> str:
    return await page.locator(SHOWN).last.inner_text()


async def test_invite_answer_reload_switch_to_kazakh_and_submit(server, browser):
    runtime, campaign, orgs, store = server
    org = orgs["tourism_ministry"].organisation
    base = runtime.settings.public_url
    context = await browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
        has_touch=True, locale="ru-RU",
    )  # fmt: skip
    page = await context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    # 1. The invite link signs in and leaves the token's URL.
    await page.goto(f"{base}/i/{orgs['tourism_ministry'].token}")
    assert page.url == f"{base}/chat"
    await page.wait_for_selector(SHOWN)
    assert "Выберите язык" in await last_text(page)
    (contact,) = await store.list_contacts(org.id)
    await prefill_block_1(store, contact.id, campaign.id)

    # 2. Language by keyboard: focus the button and press Enter.
    before = await shown(page)
    russian = page.locator("#transcript button.choice:enabled", has_text="Русский")
    await russian.focus()
    await page.keyboard.press("Enter")
    await settled(page, before)
    # the greeting is folded behind "more" (the question stays in view), but there
    assert "Здравствуйте" in await page.locator("#transcript").text_content()

    # 3. The rest of block 1: "no data" with a reason, a number, a text with markup.
    await click(page, i18n.gettext("ru", "Нет данных"))
    await type_answer(page, "Публикации не учитываются")
    await type_answer(page, "3")
    await type_answer(page, "<b>Сложностей</b> нет <script>alert(1)</script>")
    me = page.locator("#transcript .msg.me .text").last
    assert await me.inner_text() == "<b>Сложностей</b> нет <script>alert(1)</script>"
    assert await page.locator("#transcript b, #transcript .msg script").count() == 0
    assert await page.locator("#progress").get_attribute("value") == "31"
    await page.screenshot(path=str(_artifact("chat-phone.png")))

    # 4. Reload: the same question (block 13) comes back, progress kept.
    question = (await last_text(page)).splitlines()[-1]
    await page.reload()
    await page.wait_for_function(
        "() => document.getElementById('progress').getAttribute('value') === '31'"
    )
    await page.wait_for_selector(SHOWN)
    assert (await last_text(page)).splitlines()[-1] == question

    # 5. Switch to Kazakh: the dialog and the page's own labels change.
    before = await shown(page)
    await page.click("button.lang[data-lang='kk']")
    await settled(page, before)
    assert await page.get_attribute("html", "lang") == "kk"
    assert await page.get_attribute("button.lang[data-lang='kk']", "aria-pressed") == "true"
    said = i18n.gettext("kk", "Язык: {name}.").format(name="Қазақша")
    assert said in await page.locator("#transcript").inner_text()
    menu = await page.locator("nav.actions button[data-cmd='menu']").inner_text()
    assert menu == i18n.gettext("kk", "Меню")

    # 6. Block 13, then submit from the summary.
    await type_answer(page, "5")
    summary = page.locator("#transcript .msg.kind-summary").last
    await summary.wait_for()
    await click(page, i18n.gettext("kk", "Отправить анкету"))
    thanks = i18n.gettext("kk", "Спасибо! Анкета отправлена. Координатор получит ваши ответы.")
    assert thanks in await last_text(page)
    assert await page.locator("#progress").get_attribute("value") == "32"

    # 7. What the store holds.
    response = await store.get_response_for_contact(contact.id, campaign.id)
    assert response.status == "submitted"
    answers = {a.field_code: a for a in await store.list_answers(response.id)}
    assert answers["b01.i09.publications"].status == "no_data"
    assert answers["b01.i09.publications"].no_data_reason == "Публикации не учитываются"
    assert answers["b01.i09.programmes"].value == 3
    assert answers["b01.i10.problems"].value == "<b>Сложностей</b> нет <script>alert(1)</script>"
    assert answers["b13.i01.reports_referred"].value == 5
    assert (await store.get_contact(contact.id)).language == "kk"
    assert problems == []
    await context.close()


async def test_polite_page_for_a_wrong_link_and_no_csp_violations(server, browser):
    runtime, *_ = server
    context = await browser.new_context(viewport={"width": 360, "height": 740}, locale="kk-KZ")
    page = await context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    response = await page.goto(f"{runtime.settings.public_url}/i/{'n' * 43}")
    assert response.status == 404
    assert await page.get_attribute("html", "lang") == "kk"
    from bot.web.texts import page_text

    assert await page.locator("h1").inner_text() == page_text("kk", "invalid")[0]
    # The stylesheet applied (no CSP refusal): the notice card has its border.
    border = await page.locator(".notice").evaluate("e => getComputedStyle(e).borderTopWidth")
    assert border == "4px"
    assert [p for p in problems if "404" not in p] == []
    await context.close()


def _artifact(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name
