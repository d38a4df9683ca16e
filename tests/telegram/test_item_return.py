"""Item-level return end to end: the panel returns items 2.4 and 2.8 of a submitted
questionnaire; the contact in the fake Telegram (the real aiogram Bot through the
``saualnama.senders`` entry point) is told at once with the notes; the Telegram contact
and a web chat contact of the same organisation are walked through those two items only;
the resubmission shows the coordinator what changed."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from argon2 import PasswordHasher

import admin.panel
from admin.accounts import Passwords
from bot.web import create_web_app
from dialogs.application.dialog import DialogService
from dialogs.application.factory import Application
from dialogs.application.settings import Settings
from dialogs.contract import Input
from dialogs.questionnaire import default
from tests.engine.scripted import button
from tests.telegram.conftest import Harness, person
from tests.telegram.fake_api import TOKEN

ORIGIN = "http://127.0.0.1:8080"
PASSWORD = "coordinator password 1"
CHEAP = Passwords(PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
ITEM_24 = ("b02.i04.requests_received", "b02.i04.requests_sent")
ITEM_28 = ("b02.i08.victims", "b02.i08.victims_age", "b02.i08.victims_citizenship",
           "b02.i08.victims_sex")  # fmt: skip


def csrf_of(html: str, name: str = 'name="csrf" value="') -> str:
    start = html.index(name) + len(name)
    return html[start : html.index('"', start)]


def flat(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


async def web_press(client: TestClient, csrf: str, body: dict[str, Any], action: str) -> dict:
    data = next(
        b["data"] for r in reversed(body["replies"]) for row in r["buttons"] for b in row
        if b["data"].split("|", 1)[-1] == action
    )  # fmt: skip
    resp = await client.post("/api/input", json={"kind": "button", "value": data},
                             headers={"X-CSRF-Token": csrf, "Origin": ORIGIN})  # fmt: skip
    assert resp.status == 200, await resp.text()
    return dict(await resp.json())


async def test_items_returned_in_the_panel_are_the_only_ones_walked_then_diffed(
    running: Harness,
) -> None:
    h = running
    org = h.orgs["mvd_unit"].organisation
    # the Telegram contact answers the whole questionnaire and submits
    tg = person(h, "mvd_unit", user_id=7101, no_data_every=10_000)
    await tg.begin()
    await tg.walk_all()
    await tg.submit()
    response = await h.store.get_or_create_response(org.id, h.campaign.id)
    assert response.status == "submitted"
    before = {a.field_code: a.value for a in await h.store.list_answers(response.id)}

    settings = Settings(_env_file=None, database_url=h.db_url, public_url=ORIGIN,
                        bot_username="saualnama_bot", bot_token=TOKEN,
                        telegram_api_url=h.tg.url, sign_in_attempts_per_minute=1000)  # fmt: skip
    app = create_web_app(settings, Application.over(h.store, dialog=DialogService(h.store)))
    admin.panel.setup(app, settings, h.store, passwords=CHEAP)
    await h.store.create_user("coord", role="coordinator", password_hash=CHEAP.hash(PASSWORD),
                              display_name="Айгерим", actor="test")  # fmt: skip
    server = TestServer(app)
    web, panel = TestClient(server), TestClient(server)
    await web.start_server()
    await panel.start_server()
    try:
        # a second contact of the organisation opens the web chat (read only: submitted)
        assert (
            await web.get(f"/i/{h.orgs['mvd_unit'].token}", allow_redirects=False)
        ).status == 303
        web_csrf = csrf_of(await (await web.get("/chat")).text(), 'name="csrf-token" content="')
        state = await (await web.get("/api/state", headers={"X-CSRF-Token": web_csrf})).json()
        await web_press(web, web_csrf, state, "lang:ru")

        # the coordinator returns items 2.4 and 2.8 with a note on each
        page = await (await panel.get("/admin/sign-in")).text()
        await panel.post("/admin/sign-in", data={"login": "coord", "password": PASSWORD,
                         "csrf": csrf_of(page)}, headers={"Origin": ORIGIN})  # fmt: skip
        path = f"/admin/campaigns/{h.campaign.id}/organisations/{org.id}"
        html = await (await panel.get(path)).text()
        assert 'value="b02.i04" id="ret-b02.i04"' in html and 'value="b02.i08"' in html
        since = len(h.tg.calls)
        form = [("csrf", csrf_of(html)), ("item", "b02.i04"), ("item", "b02.i08"),
                ("note:b02.i04", "Уточните число запросов"),
                ("note:b02.i08", "Проверьте <b>возраст</b>"), ("reason", "")]  # fmt: skip
        resp = await panel.post(path + "/return", data=form, headers={"Origin": ORIGIN},
                                allow_redirects=False)  # fmt: skip
        assert resp.status == 303, await resp.text()
        assert resp.headers["Location"] == f"{path}?returned=1#decision"

        # told at once in Telegram, with the notes
        sent = [c for c in h.tg.calls[since:] if c.method == "sendMessage"]
        assert [c.params["chat_id"] for c in sent] == [7101]
        text = sent[0].params["text"]
        assert "вернул анкету" in text
        assert "2.4 — Уточните число запросов\n2.8 — Проверьте <b>возраст</b>" in text

        # the web chat walks 2.4 and 2.8 only (keeping the answers), then the summary
        state = await (await web.get("/api/state", headers={"X-CSRF-Token": web_csrf})).json()
        shown = "\n".join(r["text"] for r in state["replies"])
        assert "Координатор вернул на доработку пункты 2.4, 2.8." in shown
        assert "2.4. " in shown and "Замечание координатора: Уточните число запросов" in shown
        seen_items = []
        for _ in range(len(ITEM_24) + len(ITEM_28)):
            text = "\n".join(r["text"] for r in state["replies"])
            seen_items += re.findall(r"^2\.(\d+)\. ", text, re.M)
            actions = {b["data"].split("|")[-1] for r in state["replies"] for row in r["buttons"]
                       for b in row}  # fmt: skip
            state = await web_press(web, web_csrf, state, "keep" if "keep" in actions else "done")
        assert seen_items == ["4", "8"]
        last = "\n".join(r["text"] for r in state["replies"])
        assert any(b["data"].endswith("|submit") for r in state["replies"] for row in r["buttons"]
                   for b in row), last  # fmt: skip

        # the Telegram contact: /start → the same two items; corrects them and resubmits
        await tg.deliver(h.tg.message(tg.tg_user, "/start"))
        said = "\n".join(r.text for r in tg.replies)
        assert "Координатор вернул на доработку пункты 2.4, 2.8." in said
        # typed right after /start: for the question /start showed (2.4), not the last one
        # shown before the return; 2.8's sex breakdown adds up to 10 and so completes itself
        # (no «Готово»), which ends the returned items: the summary follows
        sex = default().category_set("sex").categories
        steps = [Input.text("12"), Input.text("7"), "keep", "done", "done",
                 Input.text(f"{sex[0].label}: 0; {sex[1].label}: 9")]  # fmt: skip
        asked = []
        for step in steps:
            asked.append((await tg.where())["code"])
            await tg.send(button(tg.replies, step) if isinstance(step, str) else step)
            assert not any("Ответ не записан" in r.text for r in tg.replies), tg.replies
        assert tuple(dict.fromkeys(asked)) == ITEM_24 + ITEM_28
        assert (await tg.where())["mode"] == "confirm", [r.text for r in tg.replies]
        await tg.submit()
        response = await h.store.get_response(response.id)
        assert response.status == "submitted"
        after = {a.field_code: a.value for a in await h.store.list_answers(response.id)}
        changed = sorted(c for c in after if after[c] != before.get(c))
        assert changed == [ITEM_24[0], ITEM_24[1], ITEM_28[3]]

        # the panel shows what changed since the return, the returned items first
        html = await (await panel.get(path)).text()
        assert "&lt;b&gt;возраст&lt;/b&gt;" in html and "<b>возраст" not in html
        diff = flat(html.split('id="changes"', 1)[1].split("</section>", 1)[0])
        assert diff.count("2.4 ") == 2 and diff.count("2.8 ") == 1
        assert "2.4 Количество поступивших международных поручений 10 12 Айгерим" in diff
        assert "2.4 Количество направленных международных поручений 10 7 Айгерим" in diff
        assert "2.8 По полу мужской: 9; неизвестно: 1 (итого 10) женский: 9;" in diff
        # accepting locks it; the card then offers nothing until a return
        resp = await panel.post(path + "/accept", data={"csrf": csrf_of(html)},
                                headers={"Origin": ORIGIN}, allow_redirects=False)  # fmt: skip
        assert resp.headers["Location"] == f"{path}?accepted=1#decision"
        response = await h.store.get_response(response.id)
        assert response.accepted_by == "coordinator:coord" and response.status == "submitted"
        html = await (await panel.get(path)).text()
        assert "Принять анкету" not in html and "Принята" in html
    finally:
        await web.close()
        await panel.close()
