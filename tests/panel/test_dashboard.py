"""The campaign dashboard: reporting rates by region and kind, the chart, days left, changes."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from admin.panel.dashboard import Tally
from dialogs.questionnaire import default
from storage.deadlines import local_date
from storage.models import Campaign
from tests.panel.conftest import PanelEnv
from tests.panel.data import ESCAPED_NAME, filled_organisation
from tests.panel.test_pages import no_markup_leaks


def flat(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


async def running_campaign(panel: PanelEnv) -> Campaign:
    """This year's campaign, due in 20 days, with the demo's 16 organisations (no region),
    one in progress, and a submitted NGO in Алматы whose name holds markup."""
    store, today = panel.store, local_date(panel.now)
    campaign = await store.create_campaign(
        title="Сбор <b>", period_start=today.replace(month=1, day=1), period_end=today,
        questionnaire_version=default().version, requested_on=today,
        deadline=today + timedelta(days=20), actor="test",
    )  # fmt: skip
    await store.set_campaign_status(campaign.id, "open", actor="test")
    await store.add_campaign_members(campaign.id, [panel.org(k) for k in panel.orgs], actor="test")
    await filled_organisation(store, campaign)
    org = panel.org("health_organisation")
    contact = await store.create_contact(org, web_login="w:1", display_name="Врач", actor="test")
    response = await store.get_or_create_response(org, campaign.id)
    await store.save_answer(response.id, "b01.i01.comment", value="начали", contact_id=contact.id,
                            channel="web")  # fmt: skip
    return campaign


async def test_the_dashboard_shows_rates_by_region_and_kind_with_a_chart(panel: PanelEnv) -> None:
    campaign = await running_campaign(panel)
    client = await panel.browser()
    await panel.sign_in(client, "expert", "expert password 22")
    resp = await client.get(f"/admin/campaigns/{campaign.id}/dashboard")
    html = await resp.text()
    assert resp.status == 200
    no_markup_leaks(html)
    text = flat(html)
    assert "17 ожидается 1 отправили (5 %) 1 в срок (5 %) 0 просрочено 15 не охвачены" in text
    assert "20 дн. до срока" in text
    assert "Отправили анкету: 1 Заполняли, но ещё не отправили: 1" in text
    assert ESCAPED_NAME in html  # the organisation submitted today, by name, as text
    # by region: Алматы 1 of 1; the 16 without a region 0 of 16 (lowest rate first)
    assert "Регион не указан 16 0 (0 %) 0 (0 %) 0 15" in text
    assert "Алматы 1 1 (100 %) 1 (100 %) 0 0" in text
    assert "бесплатной медицинской помощи 1 0 (0 %) 0 (0 %) 0 0 " in text  # at work
    svg = re.findall(r"<svg class=\"bars\".*?</svg>", html, re.S)
    assert len(svg) == 2
    assert 'class="seg-on_time"' in svg[0] and 'width="100.0%"' in svg[0]
    assert svg[0].count("<g>") == 2 and svg[1].count("<g>") == 16
    assert "<script" not in "".join(svg)


async def test_filters_and_the_deadline_passing(panel: PanelEnv) -> None:
    campaign = await running_campaign(panel)
    client = await panel.browser()
    await panel.sign_in(client)
    path = f"/admin/campaigns/{campaign.id}/dashboard"
    text = flat(await (await client.get(path + "?region=Алматы")).text())
    assert "1 ожидается 1 отправили (100 %)" in text
    text = flat(await (await client.get(path + "?kind=nonsense")).text())
    assert "Фильтр «Вид субъекта» не понят и не применён." in text and "17 ожидается" in text
    panel.tick(days=21)  # the deadline was yesterday (the session ended meanwhile)
    await panel.sign_in(client)
    text = flat(await (await client.get(path)).text())
    assert "1 дн. после срока" in text
    assert "16 просрочено" in text
    assert "Срок истёк вчера; не отправили: 16" in text
    assert "Отправили анкету: 0" in text
    text = flat(await (await client.get(path + "?lang=en")).text())
    assert "17 expected" in text
    # the header and the filters are _macros.html's, drawn in the page's language
    assert "Due: " in text and "Downloads" in text and "All kinds" in text and "Reset" in text
    text = flat(await (await client.get(f"/admin/campaigns/{campaign.id}?lang=kk")).text())
    assert "Мерзімі: " in text and "Жүктеп алу" in text and "Барлық түрлер" in text


def test_a_tally_splits_its_bar_into_segments_that_add_up() -> None:
    t = Tally("k", "K", expected=8, submitted=4, on_time=3, overdue=2, not_reached=2)
    assert (t.late, t.working) == (1, 2)
    assert t.segments() == [
        ("on_time", 3, 0.0, 37.5), ("late", 1, 37.5, 12.5),
        ("working", 2, 50.0, 25.0), ("not_reached", 2, 75.0, 25.0),
    ]  # fmt: skip
    assert Tally("e", "E", 0, 0, 0, 0, 0).segments() == []
