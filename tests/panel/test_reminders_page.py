"""The reminders page: today's plan, the log, and who the reminders do not reach."""

from __future__ import annotations

import re
from html import unescape

from tests.panel.conftest import EXPERT_PASSWORD, PanelEnv


def flat(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


async def test_the_plan_shows_who_cannot_be_reached(panel: PanelEnv) -> None:
    store = panel.store
    web_only = await store.create_contact(panel.org("ngo"), web_login="w:9", display_name="Web",
                                          actor="test")  # fmt: skip
    telegram = await store.create_contact(panel.org("mvd_unit"), telegram_user_id=5005,
                                          display_name="Tg", actor="test")  # fmt: skip
    mail_only = await store.create_contact(panel.org("local_executive_body"), web_login="w:10",
                                           display_name="Mail", actor="test")  # fmt: skip
    await store.set_contact_email(mail_only.id, "mail@example.kz")
    ngo = await store.get_organisation(panel.org("ngo"))
    client = await panel.browser()
    await panel.sign_in(client, "expert", EXPERT_PASSWORD)
    path = f"/admin/campaigns/{panel.campaign.id}/reminders"
    resp = await client.get(path)
    assert resp.status == 200
    text = flat(await resp.text())
    # two contacts no channel reaches, each named with its organisation and the reason
    assert "Не доходят: 2" in text
    assert (
        f"Web (№ {web_only.id}) {ngo.name_ru} после срока, 3-е Нет ни Telegram, ни адреса"
        " электронной почты: напоминание не дойдёт. Свяжитесь с контактом иначе (например, по"
        " телефону) или укажите его адрес электронной почты." in text
    )
    # the panel has no SMTP server: an address alone does not reach anyone yet
    assert f"Mail (№ {mail_only.id})" in text
    assert "Есть только адрес электронной почты, а отправка писем не настроена (SMTP_HOST)" in text
    # in the plan: the Telegram contact is due, the others will not get it
    assert f"№ {telegram.id} организация после срока, 3-е к отправке" in text
    assert f"№ {web_only.id} организация после срока, 3-е не дойдёт" in text
    assert "web only" not in text  # the planner's code is not what a coordinator reads
    assert "Напоминаний ещё не отправляли." in text
    kk = flat(await (await client.get(path + "?lang=kk")).text())
    assert "Жетпейді: 2" in kk
    assert "Telegram да, электрондық пошта мекенжайы да жоқ: еске салу жетпейді." in kk
    en = flat(await (await client.get(path + "?lang=en")).text())
    assert "Not reached: 2" in en
    assert "No Telegram and no e-mail address: the reminder cannot reach them." in en
