"""The pages: what they show, markup always as text, languages, filters, invitations."""

from __future__ import annotations

import re
from html import unescape

import pytest
from aiohttp.test_utils import TestClient

from admin.panel.guard import CSP
from storage.models import Invitation
from tests.panel.conftest import PanelEnv
from tests.panel.data import (
    ESCAPED_ANSWER,
    ESCAPED_NAME,
    XSS_ANSWER,
    XSS_NAME,
    Filled,
    filled_organisation,
)

INLINE = re.compile(r"<script(?![^>]*\bsrc=)|\bstyle=|\son[a-z]+=", re.IGNORECASE)


def no_markup_leaks(html: str) -> None:
    """The page holds the people's markup only escaped, and no inline code of its own."""
    assert XSS_NAME not in html and XSS_ANSWER not in html
    assert not INLINE.findall(html.replace(ESCAPED_ANSWER, "")), INLINE.findall(html)[:3]


async def coordinator(panel: PanelEnv) -> tuple[TestClient, str, Filled]:
    filled = await filled_organisation(panel.store, panel.campaign)
    await panel.store.create_user("xss", role="expert", password_hash="x",
                                  display_name=XSS_NAME, actor=f"coordinator:{XSS_NAME}")  # fmt: skip
    await panel.store.update_organisation(filled.organisation.id, region=XSS_ANSWER)
    client = await panel.browser()
    return client, await panel.sign_in(client), filled


async def test_markup_renders_as_text_on_every_page(panel: PanelEnv) -> None:
    client, csrf, filled = await coordinator(panel)
    org = f"/admin/campaigns/{panel.campaign.id}/organisations/{filled.organisation.id}"
    pages = {
        "campaigns": "/admin/campaigns",
        "campaign": f"/admin/campaigns/{panel.campaign.id}",
        "filtered": f"/admin/campaigns/{panel.campaign.id}?q=%3Cscript%3E&region=%3Cimg",
        "organisation": org,
        "audit": "/admin/audit",
        "audit filtered": "/admin/audit?actor=%3Cscript%3Ealert(1)%3C/script%3E",
        "users": "/admin/users",
        "not found": "/admin/%3Cscript%3Ealert(1)%3C/script%3E",
        "kazakh organisation": org + "?lang=kk",
        "dashboard": f"/admin/campaigns/{panel.campaign.id}/dashboard",
        "dashboard filtered": f"/admin/campaigns/{panel.campaign.id}/dashboard?region=%3Cimg",
        "downloads": f"/admin/campaigns/{panel.campaign.id}/downloads",
        "reminders": f"/admin/campaigns/{panel.campaign.id}/reminders",
    }
    seen = {}
    for name, path in pages.items():
        resp = await client.get(path)
        html = await resp.text()
        assert resp.status in (200, 404), name
        assert resp.headers["Content-Security-Policy"] == CSP, name
        no_markup_leaks(html)
        seen[name] = html.count(ESCAPED_NAME) + html.count(ESCAPED_ANSWER)
    assert seen["campaign"] >= 1 and seen["organisation"] >= 8 and seen["users"] >= 1
    assert seen["audit"] >= 1 and seen["kazakh organisation"] >= 8
    assert seen["dashboard"] >= 2  # the region in the chart and the table
    resp = await panel.post(client, org + "/invitations", {"csrf": csrf, "uses": "2", "days": "9"})
    html = await resp.text()
    assert resp.status == 201
    no_markup_leaks(html)
    assert html.count(ESCAPED_NAME) >= 3  # the page and both letters
    # a return whose notes hold markup, a corrected answer with markup, the diff
    form = {"csrf": csrf, "item": "b01.i06", "note:b01.i06": XSS_ANSWER, "reason": XSS_NAME}
    resp = await panel.post(client, org + "/return", form)
    assert resp.status == 303
    returned = await client.get(org)
    no_markup_leaks(await returned.text())
    store, response = panel.store, filled.response
    await store.save_answer(response.id, "b01.i06.effective_measures", value=f"{XSS_ANSWER}!",
                            contact_id=filled.contact.id, channel="web")  # fmt: skip
    current = await store.get_response(response.id)
    await store.submit_response(response.id, expected_version=current.version,
                                contact_id=filled.contact.id)  # fmt: skip
    html = await (await client.get(org)).text()
    no_markup_leaks(html)
    diff = html.split('id="changes"', 1)[1].split("</section>", 1)[0]
    assert diff.count(ESCAPED_ANSWER) == 3  # before, after, and the name of who changed it
    sign_in = await (await panel.browser()).get(f"/admin/sign-in?next=/admin/{XSS_NAME}")
    no_markup_leaks(await sign_in.text())


async def test_the_organisation_page_shows_every_answer_with_its_history(panel: PanelEnv) -> None:
    client, _, filled = await coordinator(panel)
    html = await (await client.get(
        f"/admin/campaigns/{panel.campaign.id}/organisations/{filled.organisation.id}"
    )).text()  # fmt: skip
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    flat = " ".join(text.split())
    assert "Совместные рейды" in flat and "Прежние значения: 1" in flat
    assert "Да: Пробелы в законе" in flat, "the earlier value, in the history"
    assert "Telegram" in flat and "Веб-чат" in flat and f"Ирина {XSS_ANSWER}" in flat
    assert f"Причина: нет учёта {XSS_ANSWER}" in flat
    assert f"Комментарий: Комментарий {XSS_ANSWER}" in flat
    assert (
        "Расхождение объяснено: «Организованных внутри страны/за границей» = 9, «Количество сотрудников"
        in flat
    )
    assert f"Объяснение: {XSS_ANSWER}" in flat
    assert "Расхождение не объяснено:" in flat and "= 4" in flat and "= 5: должны совпадать" in flat
    assert "1) Узбекистан — обмен опытом" in flat
    assert "нет ответа" in flat and "Отправлена" in flat
    assert "1 не объяснено, 1 объяснено" in flat
    assert "Блок 16." in flat and "Блок 2." not in flat
    assert "Контакты" in flat and "№ " in flat


async def test_a_new_invitation_shows_its_link_once_with_qr_and_letters(panel: PanelEnv) -> None:
    client, csrf, filled = await coordinator(panel)
    org = f"/admin/campaigns/{panel.campaign.id}/organisations/{filled.organisation.id}"
    for bad in (
        {"uses": "0", "days": "5"},
        {"uses": "1", "days": "91"},
        {"uses": "x", "days": "5"},
    ):
        resp = await panel.post(client, org + "/invitations", {"csrf": csrf, **bad})
        assert resp.status == 400
        assert "Укажите" in await resp.text()
    assert (await panel.store.organisation_record(filled.organisation.id,
                                                  panel.campaign.id)).invitations == []  # fmt: skip
    resp = await panel.post(client, org + "/invitations", {"csrf": csrf, "uses": "3", "days": "30"})
    html = await resp.text()
    found = re.search(r'id="web-link"[^>]*>http://127\.0\.0\.1:8080/i/([A-Za-z0-9_-]{43})<', html)
    assert found
    token = found.group(1)
    assert f"https://t.me/saualnama_bot?start={token}" in html
    assert html.count("<svg") == 3 and html.count('class="letter ') == 2
    assert "Құрметті әріптестер!" in html and "Уважаемые коллеги!" in html
    assert "не более 3 чел." in html
    invitation = await panel.store.find_invitation(token)
    assert isinstance(invitation, Invitation)
    assert invitation.max_uses == 3 and invitation.created_by == "coordinator:coord"
    assert (invitation.expires_at - panel.now).days == 30
    again = await (await client.get(org)).text()
    assert token not in again and "№ " in again and "coordinator:coord" in again
    # The link works in the chat.
    contact = await panel.browser()
    assert (await contact.get(f"/i/{token}", allow_redirects=False)).status == 303
    created = await panel.store.list_audit_events(action="invitation.created")
    assert created[-1].actor == "coordinator:coord"


@pytest.mark.parametrize(
    ("lang", "heading"),
    [("ru", "Сборы данных"), ("kk", "Деректер жинау"), ("en", "Data collections")],
)
async def test_every_page_in_ru_kk_en_and_the_switch_is_remembered(panel, lang, heading):
    client = await panel.browser()
    await panel.sign_in(client)
    resp = await client.get(f"/admin/campaigns?lang={lang}")
    html = await resp.text()
    assert f'<html lang="{lang}">' in html and f"<h1>{heading}</h1>" in html
    assert f'hreflang="{lang}" title' in html and 'aria-current="true">' in html
    html = await (await client.get("/admin/audit")).text()
    assert f'<html lang="{lang}">' in html, "the choice is kept in a cookie"
    for path in (f"/admin/campaigns/{panel.campaign.id}", panel.org_path(), "/admin/users"):
        assert f'<html lang="{lang}">' in await (await client.get(path)).text()


async def test_accept_language_chooses_before_any_switch(panel: PanelEnv) -> None:
    client = await panel.browser()
    page = await client.get("/admin/sign-in", headers={"Accept-Language": "kk-KZ,ru;q=0.5"})
    assert '<html lang="kk">' in await page.text()
    page = await client.get("/admin/sign-in", headers={"Accept-Language": "de, en;q=0.3"})
    assert '<html lang="en">' in await page.text()


async def test_the_campaign_lists_and_filters_its_organisations(panel: PanelEnv) -> None:
    client, _, filled = await coordinator(panel)
    base = f"/admin/campaigns/{panel.campaign.id}"
    html = await (await client.get(base)).text()
    assert html.count('<th scope="row"') == len(panel.orgs) + 1
    assert "Показано организаций: 17 из 17" in html
    html = await (await client.get(base + "?status=submitted")).text()
    assert (
        html.count('<th scope="row"') == 1
        and "/organisations/" + str(filled.organisation.id) in html
    )
    html = await (await client.get(base + "?kind=ngo&q=ОФ")).text()
    assert html.count('<th scope="row"') == 1
    html = await (await client.get(base + "?q=nothing-like-this")).text()
    assert "Показано организаций: 0 из 17" in html
    assert (await client.get("/admin/campaigns/999")).status == 404
    assert (await client.get("/admin/campaigns/abc")).status == 404
    assert (await client.get(f"{base}/organisations/99999")).status == 404
    html = await (await client.get("/admin/campaigns")).text()
    assert "Demo 2025" in html and "1 из 17" in html


async def test_the_audit_log_filters_and_pages(panel: PanelEnv) -> None:
    client, _, filled = await coordinator(panel)
    for n in range(120):
        await panel.store.record_event("coordinator:bulk", "thing.done", "thing", n)
    html = await (await client.get("/admin/audit?actor=coordinator:bulk")).text()
    assert html.count("<tr>") == 101  # a header row and a page of 100
    older = re.search(r'href="([^"]*before=\d+[^"]*)" class="button quiet"', html)
    assert older
    html = await (await client.get(unescape(older.group(1)))).text()
    assert html.count("<tr>") == 21 and "Более ранние записи" not in html
    html = await (await client.get("/admin/audit?action=panel.sign_in")).text()
    assert html.count("<tr>") == 2 and "coordinator:coord" in html
    html = await (await client.get("/admin/audit?entity_type=thing&entity_id=7")).text()
    assert html.count("<tr>") == 2
    html = await (await client.get("/admin/audit?entity_id=seven&since=2026-13-01")).text()
    assert "Фильтр «Номер объекта» не понят" in html and "Фильтр «С даты» не понят" in html
    assert html.count("<tr>") == 101
    html = await (await client.get("/admin/audit?since=2100-01-01")).text()
    assert "Записей не найдено" in html


async def test_a_coordinator_requires_the_second_factor_on_the_users_page(panel: PanelEnv):
    client, csrf, _ = await coordinator(panel)
    expert = await panel.store.find_user("expert")
    assert expert is not None and not expert.totp_required
    html = await (await client.get("/admin/users")).text()
    assert f'action="/admin/users/{expert.id}/totp"' in html
    resp = await panel.post(
        client, f"/admin/users/{expert.id}/totp", {"csrf": csrf, "required": "1"}
    )
    assert resp.status == 303 and resp.headers["Location"] == "/admin/users"
    expert = await panel.store.find_user("expert")
    assert expert is not None and expert.totp_required
    event = (await panel.store.list_audit_events(action="panel_user.totp_required"))[-1]
    assert event.actor == "coordinator:coord" and event.details["totp_required"] is True
    resp = await panel.post(client, "/admin/users/999/totp", {"csrf": csrf, "required": "1"})
    assert resp.status == 404


async def test_static_files_are_served_with_the_panels_headers(panel: PanelEnv) -> None:
    client = await panel.browser()
    for name in ("panel.css", "panel.js", "favicon.svg"):
        resp = await client.get(f"/admin/static/{name}")
        assert resp.status == 200 and resp.headers["Cache-Control"] == "no-cache"
        assert resp.headers["Content-Security-Policy"] == CSP
    assert (await client.get("/admin/static/../app.py")).status == 404
    assert (await client.get("/admin/static/%2e%2e/app.py")).status in (403, 404)
