"""One contact in the web chat and in Telegram at once, racing on the same prompt (issue 10).

The Telegram person opens the web chat too (as the Mini App does: a web session of the
same contact).  Both channels show question 1.8; the person answers in both at the same
moment.  Exactly one answer is stored, in 1.8; the other is refused, and nothing lands
in the field after it.
"""

from __future__ import annotations

import asyncio

from dialogs.contract import Input
from tests.engine.scripted import button
from tests.telegram.conftest import Harness, person
from tests.web.conftest import Web, post

KIND = "ngo"
COUNT = "b01.i08.trained"
NEXT = "b01.i08.trained_where"


async def test_web_and_telegram_answering_one_prompt_at_once(
    running: Harness, webchat: Web
) -> None:
    p = person(running, KIND, user_id=7401)
    await p.begin()
    session = await webchat.app.web_sessions.create(p.contact_id, via="telegram")
    client = await webchat.new_client()
    client.session.cookie_jar.update_cookies({"saualnama_session": session.id})
    for round_ in range(5):
        await p.send(Input.command("menu"))
        await p.send(button(p.replies, "blk:1"))
        await p.send(button(p.replies, "itm:b01.i08"))  # Telegram shows 1.8
        state = await client.get("/api/state", headers={"X-CSRF-Token": session.csrf})
        shown = await state.json()  # ... and so does the web chat
        web = post(
            client, "/api/input", {"kind": "text", "value": "32", "prompt": shown["prompt"]},
            session.csrf,
        )  # fmt: skip
        resp, tg_replies = await asyncio.gather(web, p.send(Input.text("7")))
        assert resp.status == 200
        texts = [(await resp.json())["replies"][0]["text"], tg_replies[0].text]
        assert sorted(t.startswith("Сохранено") for t in texts) == [False, True], texts
        stored = await running.stored(KIND)
        assert stored[COUNT][1] in (32, 7)
        assert NEXT not in stored, f"round {round_}: an answer in a field not shown"
        assert all("коллега" not in t for t in texts)
