"""Opening, closing and the deadline from the campaign page (the CLI's functions)."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

from tests.panel.conftest import PanelEnv, csrf_of


def flat(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


async def test_deadline_and_closing_with_a_confirmation(panel: PanelEnv) -> None:
    client = await panel.browser()
    csrf = await panel.sign_in(client)
    path = f"/admin/campaigns/{panel.campaign.id}"
    resp = await panel.post(client, path + "/deadline", {"csrf": csrf, "deadline": "2031-01-01"})
    assert resp.headers["Location"] == f"{path}?problem=deadline_bad#manage"
    text = flat(await (await client.get(resp.headers["Location"])).text())
    assert "Срок должен быть позже даты запроса" in text
    resp = await panel.post(client, path + "/deadline", {"csrf": csrf, "deadline": "2026-04-15"})
    assert resp.headers["Location"] == f"{path}?done=deadline#manage"
    assert (await panel.store.get_campaign(panel.campaign.id)).deadline == date(2026, 4, 15)
    resp = await panel.post(client, path + "/close", {"csrf": csrf})
    assert resp.headers["Location"] == f"{path}?confirm_close=16#manage"
    html = await (await client.get(resp.headers["Location"])).text()
    assert "Не отправили анкету: 16. Закрыть сбор всё равно?" in flat(html)
    assert (await panel.store.get_campaign(panel.campaign.id)).status == "open"
    resp = await panel.post(client, path + "/close", {"csrf": csrf_of(html), "confirm": "1"})
    assert resp.headers["Location"] == f"{path}?done=closed#manage"
    assert (await panel.store.get_campaign(panel.campaign.id)).status == "closed"
    resp = await panel.post(client, path + "/open", {"csrf": csrf})
    assert resp.headers["Location"] == f"{path}?done=opened#manage"
    actions = [e.action for e in await panel.store.list_audit_events(entity_type="campaign")]
    assert actions[-3:] == ["campaign.deadline_changed", "campaign.closed", "campaign.open"]
    events = await panel.store.list_audit_events(entity_type="campaign")
    assert {e.actor for e in events[-3:]} == {"coordinator:coord"}
    assert (await panel.store.get_campaign(panel.campaign.id)).status == "open"
