"""Who may do what: every route of the panel is walked, so a new one is covered at once.

An expert changes nothing (every POST refused, nothing written); a contact's chat
cookie opens no /admin route; every form POST needs its CSRF token and this site's
Origin.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from admin.panel.app import ROUTES
from admin.panel.guard import Access
from storage.models import PanelUser
from tests.panel.conftest import EXPERT_PASSWORD, ORIGIN, PanelEnv, csrf_of
from tests.panel.data import filled_organisation
from tests.web.conftest import session_cookie

SIGN_IN_STEPS = {"sign_in", "code", "sign_out"}


def concrete(
    path: str, env: PanelEnv, user: PanelUser | None = None, organisation_id: int | None = None
) -> str:
    """A route's path with real ids in it."""
    return "/admin" + path.format(
        campaign_id=env.campaign.id, organisation_id=organisation_id or env.org(),
        user_id=user.id if user else 1,
    )  # fmt: skip


def routes(method: str, *levels: Access) -> list[tuple[str, str]]:
    return [(name, path) for m, path, _, name, who in ROUTES if m == method and who in levels]


async def audit_size(env: PanelEnv) -> int:
    return len(await env.store.list_audit_events())


async def snapshot(env: PanelEnv) -> Any:
    """What a POST could change: users, invitations, audit events (but sign-in's own)."""
    users = [(u.login, u.totp_required, u.active) for u in await env.store.list_users()]
    record = await env.store.organisation_record(env.org(), env.campaign.id)
    events = [e.action for e in await env.store.list_audit_events()]
    responses = [(r.id, r.status, r.accepted_at, r.return_items)
                 for r in await env.store.list_responses(env.campaign.id)]  # fmt: skip
    campaign = await env.store.get_campaign(env.campaign.id)
    campaigns = [c.id for c in await env.store.list_campaigns()]
    members = [o.id for o in await env.store.campaign_organisations(env.campaign.id)]
    orgs = [(o.id, o.name_ru, o.region, o.removed_at)
            for o in await env.store.list_organisations(include_removed=True)]  # fmt: skip
    return (orgs, users, len(record.invitations), [a for a in events if not a.startswith("panel.")],
            responses, campaign.status, campaign.deadline, campaigns, members)  # fmt: skip


def test_every_post_route_but_the_sign_in_steps_is_for_coordinators_only() -> None:
    for method, _, _, name, who in ROUTES:
        if method == "POST" and name not in SIGN_IN_STEPS:
            assert who is Access.COORDINATOR, name
        if method == "GET":
            assert who is not Access.COORDINATOR or name in {
                "audit",
                "users",
                "new_campaign_page",
                "members",
                "import_page",
            }, name


async def test_an_expert_reads_but_every_post_is_refused(panel: PanelEnv) -> None:
    filled = await filled_organisation(panel.store, panel.campaign)
    outsider = await panel.store.create_organisation(name_ru="Вне сбора", name_kk="Вне",
                                                     subject_kind="ngo")  # fmt: skip
    expert = await panel.browser()
    csrf = await panel.sign_in(expert, "expert", EXPERT_PASSWORD)
    coordinator = await panel.store.find_user("coord")
    before = await snapshot(panel)
    posts = routes("POST", Access.COORDINATOR)
    assert {name for name, _ in posts} >= {"new_invitation", "require_totp", "return_items",
                                           "accept", "create_campaign", "add_members",
                                           "remove_members", "import_preview",
                                           "import_apply"}  # fmt: skip
    for name, path in posts:
        resp = await panel.post(expert, concrete(path, panel, coordinator, filled.organisation.id),
                                {"csrf": csrf, "uses": "1", "days": "5", "required": "1",
                                 "item": "b01.i01", "note:b01.i01": "x", "confirm": "1",
                                 "deadline": "2026-05-01", "title": "Сбор эксперта",
                                 "period_start": "2026-01-01", "period_end": "2026-12-31",
                                 "requested_on": "2027-01-10", "members": "all",
                                 "org": str(outsider.id if "add" in name
                                            else filled.organisation.id)})  # fmt: skip
        assert resp.status == 403, name
        assert "только координатору" in await resp.text()
    assert await snapshot(panel) == before
    for name, path in routes("GET", Access.READER):
        resp = await expert.get(concrete(path, panel), allow_redirects=False)
        assert resp.status in (200, 302, 303), name
    for name, path in routes("GET", Access.COORDINATOR):
        resp = await expert.get(concrete(path, panel), allow_redirects=False)
        assert resp.status == 403, name
    page = await (await expert.get(panel.org_path())).text()
    assert "/invitations" not in page and "Контакты" not in page
    assert "Журнал действий" not in page
    assert "/admin/organisations/import" not in page, "an expert is not shown the import"


async def test_an_expert_sees_answers_of_submitted_questionnaires_only(panel: PanelEnv) -> None:
    sent = await filled_organisation(panel.store, panel.campaign, name="Отправившая")
    draft = await filled_organisation(panel.store, panel.campaign, name="Черновик", submit=False)
    expert = await panel.browser()
    await panel.sign_in(expert, "expert", EXPERT_PASSWORD)
    base = f"/admin/campaigns/{panel.campaign.id}/organisations"
    sent_page = await (await expert.get(f"{base}/{sent.organisation.id}")).text()
    draft_page = await (await expert.get(f"{base}/{draft.organisation.id}")).text()
    assert "Совместные рейды" in sent_page
    assert "Совместные рейды" not in draft_page
    assert "Эксперты видят ответы после того" in draft_page
    coordinator = await panel.browser()
    await panel.sign_in(coordinator)
    assert (
        "Совместные рейды"
        in await (await coordinator.get(f"{base}/{draft.organisation.id}")).text()
    )


async def test_a_contacts_chat_cookie_opens_no_admin_route(panel: PanelEnv) -> None:
    contact = await panel.browser()
    token = panel.orgs["ngo"].token
    assert (await contact.get(f"/i/{token}", allow_redirects=False)).status == 303
    chat = await contact.get("/chat")
    assert chat.status == 200
    raw = session_cookie(contact)
    assert raw
    chat_csrf = (await chat.text()).split('name="csrf-token" content="')[1].split('"')[0]
    # The same id under the panel's cookie name is no better: another table, another hash.
    forged = await panel.browser()
    forged.session.cookie_jar.update_cookies({"saualnama_admin": raw})
    for browser in (contact, forged):
        for name, path in routes("GET", Access.READER, Access.COORDINATOR, Access.PENDING):
            resp = await browser.get(concrete(path, panel), allow_redirects=False)
            assert resp.status == 303, name
            assert resp.headers["Location"].startswith("/admin/sign-in"), name
        for name, path in routes("POST", Access.COORDINATOR, Access.PENDING, Access.SIGN_OUT):
            resp = await panel.post(browser, concrete(path, panel), {"csrf": chat_csrf})
            assert resp.status in (303, 403), name
            if resp.status == 303:
                assert resp.headers["Location"].startswith("/admin/sign-in"), name
    assert (await contact.get("/chat")).status == 200, "the chat session itself still works"


async def _coordinator(panel: PanelEnv) -> tuple[TestClient, str]:
    client = await panel.browser()
    return client, await panel.sign_in(client)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1:8080.evil.example"},
        {"Referer": "https://evil.example/page"},
        {},  # neither Origin nor Referer: refused too
    ],
)
async def test_every_form_needs_this_sites_origin(panel: PanelEnv, headers: dict[str, str]):
    client, csrf = await _coordinator(panel)
    before = await snapshot(panel)
    coordinator = await panel.store.find_user("coord")
    for name, path in routes("POST", Access.COORDINATOR, Access.PUBLIC, Access.SIGN_OUT):
        resp = await client.post(
            concrete(path, panel, coordinator),
            data={"csrf": csrf, "uses": "1", "days": "5", "required": "1", "login": "coord"},
            headers=headers, allow_redirects=False,
        )  # fmt: skip
        assert resp.status == 403, (name, headers)
    assert await snapshot(panel) == before
    assert (await client.get("/admin/campaigns")).status == 200, "still signed in"


async def test_every_form_needs_its_csrf_token(panel: PanelEnv) -> None:
    client, csrf = await _coordinator(panel)
    before = await snapshot(panel)
    coordinator = await panel.store.find_user("coord")
    for name, path in routes("POST", Access.COORDINATOR, Access.PUBLIC, Access.SIGN_OUT):
        for token in (None, "", csrf[:-1] + ("A" if csrf[-1] != "A" else "B")):
            data = {"uses": "1", "days": "5", "required": "1", "login": "coord"}
            if token is not None:
                data["csrf"] = token
            resp = await panel.post(client, concrete(path, panel, coordinator), data)
            assert resp.status == 403, (name, token)
            assert "Запрос отклонён" in await resp.text()
    assert await snapshot(panel) == before
    # The same requests with the token and this site's Origin go through.
    resp = await panel.post(client, panel.org_path() + "/invitations",
                            {"csrf": csrf, "uses": "1", "days": "5"})  # fmt: skip
    assert resp.status == 201
    resp = await panel.post(client, "/admin/sign-out", {"csrf": csrf})
    assert (
        resp.status == 303
        and (await client.get("/admin/campaigns", allow_redirects=False)).status == 303
    )


async def test_the_sign_in_form_needs_its_own_cookie_token(panel: PanelEnv) -> None:
    client = await panel.browser()
    page = await client.get("/admin/sign-in")
    token = csrf_of(await page.text())
    other = await panel.browser()  # a login CSRF: another browser posting this form's token
    resp = await panel.post(other, "/admin/sign-in",
                            {"login": "coord", "password": "x" * 12, "csrf": token})  # fmt: skip
    assert resp.status == 403
    resp = await client.post("/admin/sign-in", data={"login": "coord", "password": "y" * 12,
                             "csrf": token}, headers={"Origin": ORIGIN}, allow_redirects=False)  # fmt: skip
    assert resp.status == 200 and "Неверный логин или пароль" in await resp.text()
