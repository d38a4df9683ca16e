"""A new campaign and a campaign's organisations, from the panel (as the CLI's
``campaign create [--from]``, ``add-org`` and ``remove-org`` do: the same admin.ops)."""

from __future__ import annotations

import re
from html import unescape

from aiohttp.test_utils import TestClient

from tests.panel.conftest import PanelEnv, csrf_of

NEW = "/admin/campaigns/new"
FORM = {"title": "Сбор  2026", "period_start": "2026-01-01", "period_end": "2026-12-31",
        "requested_on": "2027-01-10", "deadline": "", "members": "from"}  # fmt: skip


def flat(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


async def coordinator(panel: PanelEnv) -> tuple[TestClient, str]:
    client = await panel.browser()
    return client, await panel.sign_in(client)


async def actions(panel: PanelEnv, campaign_id: int) -> list[tuple[str, str]]:
    events = await panel.store.list_audit_events(entity_type="campaign", entity_id=campaign_id)
    return [(e.action, e.actor) for e in events]


async def test_next_years_campaign_takes_last_years_organisations(panel: PanelEnv) -> None:
    client, csrf = await coordinator(panel)
    page = await (await client.get(NEW)).text()
    assert f'<option value="{panel.campaign.id}" selected>' in page  # year two by default
    assert 'value="from" checked' in page
    resp = await panel.post(client, NEW, {**FORM, "csrf": csrf, "source": str(panel.campaign.id)})
    assert resp.status == 303, await resp.text()
    made = (await panel.store.list_campaigns())[0]
    assert made.id != panel.campaign.id
    members = len(await panel.store.campaign_organisations(panel.campaign.id))
    assert resp.headers["Location"] == (
        f"/admin/campaigns/{made.id}?done=created&members={members}#manage"
    )
    assert (made.title, made.status, str(made.deadline)) == ("Сбор 2026", "draft", "2027-02-10")
    copied = [o.id for o in await panel.store.campaign_organisations(made.id)]
    assert copied == [o.id for o in await panel.store.campaign_organisations(panel.campaign.id)]
    assert await actions(panel, made.id) == [
        ("campaign.created", "coordinator:coord"), ("campaign.members_copied", "coordinator:coord"),
    ]  # fmt: skip
    text = flat(await (await client.get(resp.headers["Location"])).text())
    assert f"Сбор создан (черновик); организаций в нём: {members}." in text
    assert "Открыть сбор" in text


async def test_a_refused_form_keeps_what_was_typed_and_says_why(panel: PanelEnv) -> None:
    client, csrf = await coordinator(panel)
    before = [c.id for c in await panel.store.list_campaigns()]
    cases = [
        ({"title": "   "}, "Укажите название сбора (не длиннее 300 символов)."),
        ({"period_end": "2025-12-31"}, "Сбор не создан: период должен начинаться не позже"),
        ({"deadline": "2030-01-01"}, "не позже чем через 12 месяцев после конца отчётного периода"),
        ({"period_start": "31.12.2026"}, "Укажите даты отчётного периода и запроса."),
        ({"source": "999"}, "Выберите сбор, из которого взять организации."),
        ({"source": "x"}, "Выберите сбор, из которого взять организации."),
    ]
    for change, said in cases:
        form = {**FORM, "csrf": csrf, "source": str(panel.campaign.id), **change}
        resp = await panel.post(client, NEW, form)
        html = await resp.text()
        assert resp.status == 400, change
        assert said in flat(html), change
        assert f'value="{form["requested_on"]}"' in html  # nothing typed is lost
    assert [c.id for c in await panel.store.list_campaigns()] == before


async def test_all_organisations_or_none(panel: PanelEnv) -> None:
    client, csrf = await coordinator(panel)
    await panel.store.create_organisation(name_ru="Новая", name_kk="Жаңа", subject_kind="ngo")
    everyone = len(await panel.store.list_organisations())
    for members, expected in (("all", everyone), ("none", 0)):
        resp = await panel.post(client, NEW, {**FORM, "csrf": csrf, "members": members})
        assert resp.status == 303
        made = (await panel.store.list_campaigns())[0]
        assert len(await panel.store.campaign_organisations(made.id)) == expected


async def test_organisations_are_added_and_taken_out(panel: PanelEnv) -> None:
    store, cid = panel.store, panel.campaign.id
    client, csrf = await coordinator(panel)
    new = await store.create_organisation(name_ru="Фонд «Берег»", name_kk="«Берег» қоры",
                                          subject_kind="ngo", region="Абай")  # fmt: skip
    path = f"/admin/campaigns/{cid}/members"
    members = len(await store.campaign_organisations(cid))
    text = flat(await (await client.get(path)).text())
    assert f"Участвуют: {members}" in text and "Не участвуют: 1" in text
    assert "Фонд «Берег»" in flat(await (await client.get(path + "?region=Абай")).text())
    assert "Фонд «Берег»" not in flat(await (await client.get(path + "?q=нет такой")).text())

    resp = await panel.post(client, path + "/add", {"csrf": csrf, "org": str(new.id)})
    assert resp.headers["Location"] == f"{path}?done=added&n=1"
    assert await store.is_campaign_member(cid, new.id)
    _, token = await store.create_invitation(new.id, cid, actor="test")
    assert "Добавлено организаций: 1." in flat(
        await (await client.get(path + "?done=added&n=1")).text()
    )

    resp = await panel.post(client, path + "/remove", {"csrf": csrf, "org": str(new.id)})
    assert resp.headers["Location"] == f"{path}?done=removed&n=1"
    assert not await store.is_campaign_member(cid, new.id)
    (link,) = (await store.organisation_record(new.id, cid)).invitations
    assert link.revoked_at is not None  # its link to this campaign no longer opens
    assert [a for a in await actions(panel, cid) if a[1] == "coordinator:coord"] == [
        ("campaign.member_added", "coordinator:coord"),
        ("campaign.member_removed", "coordinator:coord"),
    ]  # fmt: skip

    resp = await panel.post(client, path + "/add", {"csrf": csrf})
    assert resp.headers["Location"] == f"{path}?problem=none"
    await store.set_campaign_status(cid, "closed", actor="test")
    resp = await panel.post(client, path + "/add", {"csrf": csrf, "org": str(new.id)})
    assert resp.headers["Location"] == f"{path}?problem=closed"
    assert not await store.is_campaign_member(cid, new.id)
    html = await (await client.get(resp.headers["Location"])).text()
    assert "Сбор закрыт: состав участников менять нельзя" in flat(html)
    assert 'name="org"' in html and "disabled" in html and "Добавить отмеченные" not in html
    csrf_of(html)  # the filters still work; the forms keep their token


async def test_the_campaigns_list_counts_each_campaigns_own_organisations(
    panel: PanelEnv,
) -> None:
    """«0 из N»: N is the campaign's members, so an empty new campaign says «из 0» and
    last year's count does not grow with the master list."""
    client, csrf = await coordinator(panel)
    members = len(await panel.store.campaign_organisations(panel.campaign.id))
    resp = await panel.post(client, NEW, {**FORM, "members": "none", "csrf": csrf})
    assert resp.status == 303, await resp.text()
    text = flat(await (await client.get("/admin/campaigns")).text())
    assert f"из {members}" in text and "0 из 0" in text
