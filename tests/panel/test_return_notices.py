"""A return for correction is told to the contacts: by e-mail where there is no Telegram
(a local SMTP server, aiosmtpd), and as a banner at the top of the web chat."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

from aiohttp.test_utils import TestClient

from bot.web.pages import returned_banner
from dialogs import i18n
from dialogs.application.returns import ReturnedItem, ReturnNotice, general_note
from dialogs.questionnaire import default
from tests.panel.conftest import ORIGIN, PanelEnv, csrf_of, open_panel
from tests.panel.data import ESCAPED_ANSWER, XSS_ANSWER, Filled, filled_organisation
from tests.reminders.test_email import Mailbox, smtp  # noqa: F401 (fixture)

QUESTION_16 = default().block(1).items[5].question
QUESTION_18 = default().block(1).items[7].question


def flat(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


async def return_two_items(panel: PanelEnv, filled: Filled) -> tuple[TestClient, str]:
    """The coordinator returns 1.6 and 1.8 with a note each and a general note; the
    redirect's location."""
    client = await panel.browser()
    await panel.sign_in(client)
    path = panel.org_path("ngo").rsplit("/", 1)[0] + f"/{filled.organisation.id}"
    csrf = csrf_of(await (await client.get(path)).text())
    form = [("csrf", csrf), ("item", "b01.i06"), ("note:b01.i06", "Уточните меры"),
            ("item", "b01.i08"), ("note:b01.i08", XSS_ANSWER),
            ("reason", "Проверьте раздел 1")]  # fmt: skip
    resp = await panel.post(client, path + "/return", form)  # type: ignore[arg-type]
    assert resp.status == 303, await resp.text()
    return client, resp.headers["Location"]


async def test_a_contact_without_telegram_is_told_of_the_return_by_email(
    tmp_path: Path,
    smtp: tuple[Mailbox, int],  # noqa: F811
) -> None:
    box, port = smtp
    smtp_settings = dict(smtp_host="127.0.0.1", smtp_port=port, smtp_security="none",
                         smtp_from="saualnama@example.kz")  # fmt: skip
    async with open_panel(tmp_path, **smtp_settings) as panel:
        filled = await filled_organisation(panel.store, panel.campaign, name="Берег")
        await panel.store.set_contact_email(filled.contact.id, "irina@example.kz")
        client, location = await return_two_items(panel, filled)
        assert "mailed=1" in location and "returned=0" in location

        (rcpt, mail), *more = box.mails
        assert not more and rcpt == ["irina@example.kz"]
        assert mail["Subject"] == "Анкета по противодействию торговле людьми: ОФ «Берег»"
        body = mail.get_body().get_content()  # type: ignore[union-attr]
        assert "Координатор вернул анкету организации «ОФ «Берег»» на доработку." in body
        assert f"Проверьте раздел 1\n1.6 — Уточните меры\n1.8 — {XSS_ANSWER}" in body
        assert f"{ORIGIN}/chat" in body  # the web chat's link, not the bot's /start
        assert "/start" not in body

        page = flat(await (await client.get(location)).text())
        assert "Сообщений отправлено в Telegram: 0, по электронной почте: 1" in page
        # sent once: the reminder loop finds the delivery claimed and sends nothing more
        again = await panel.store.list_reminder_deliveries(panel.campaign.id)
        assert [(d.channel, d.status, d.kind) for d in again] == [("email", "sent", "returned-1")]


async def test_the_web_chat_shows_the_returned_items_and_notes_at_the_top(
    panel: PanelEnv,
) -> None:
    store = panel.store
    filled = await filled_organisation(store, panel.campaign, name="Берег")
    _, token = await store.create_invitation(filled.organisation.id, panel.campaign.id,
                                             actor="test", max_uses=2)  # fmt: skip
    chat = await panel.browser()
    assert (await chat.get(f"/i/{token}", allow_redirects=False)).status == 303
    html = await (await chat.get("/chat")).text()
    assert 'id="returned"' not in html  # submitted, nothing to correct

    await return_two_items(panel, filled)
    html = await (await chat.get("/chat")).text()
    found = re.search(r'<section class="returned"[^>]*>(.*?)</section>', html, re.S)
    assert found is not None
    banner = found.group(1)
    assert html.index('class="returned"') < html.index('id="transcript"')  # above the chat
    text = flat(banner)
    assert text.startswith("Координатор вернул анкету на доработку Возвращена ")
    assert "Замечание координатора: Проверьте раздел 1" in text
    assert "Исправьте эти пункты и отправьте анкету снова:" in text
    assert f"1.6. {QUESTION_16} Замечание координатора: Уточните меры" in text
    assert f"1.8. {QUESTION_18} Замечание координатора: {XSS_ANSWER}" in text
    assert XSS_ANSWER not in banner and ESCAPED_ANSWER in banner  # the note is text

    # a switch to Kazakh sends the banner's texts again, for chat.js to write as text
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert csrf is not None
    state = await chat.get("/api/state", headers={"X-CSRF-Token": csrf.group(1)})
    assert state.status == 200
    resp = await chat.post("/api/language", json={"lang": "kk"},
                           headers={"X-CSRF-Token": csrf.group(1), "Origin": ORIGIN})  # fmt: skip
    assert resp.status == 200, await resp.text()
    returned = (await resp.json())["returned"]
    assert returned["title"] == "Үйлестіруші сауалнаманы пысықтауға қайтарды"
    assert returned["note"] == "Үйлестірушінің ескертуі: Проверьте раздел 1"
    assert returned["lead"] == "Мына тармақтарды түзетіп, сауалнаманы қайта жіберіңіз:"
    kk_question = i18n.gettext("kk", QUESTION_16)
    assert kk_question != QUESTION_16
    assert returned["items"][0] == {
        "item": f"1.6. {kk_question}", "note": "Үйлестірушінің ескертуі: Уточните меры"
    }  # fmt: skip
    assert returned["items"][1]["note"] == f"Үйлестірушінің ескертуі: {XSS_ANSWER}"
    assert "Үйлестіруші сауалнаманы" in await (await chat.get("/chat")).text()  # kept

    # corrected and submitted again: the banner is gone
    response = await store.get_response(filled.response.id)
    await store.submit_response(response.id, expected_version=response.version,
                                contact_id=filled.contact.id)  # fmt: skip
    assert 'id="returned"' not in await (await chat.get("/chat")).text()


def test_the_banner_speaks_the_contacts_language() -> None:
    notice = ReturnNotice(
        datetime(2026, 3, 2, 20, 30, tzinfo=UTC),  # 3 March in Kazakhstan
        "",
        (ReturnedItem("2.4", "Сұрақ", "Нақтылаңыз"),),
    )
    kk = flat(returned_banner("kk", notice))
    assert kk.startswith("Үйлестіруші сауалнаманы пысықтауға қайтарды Қайтарылған күні 03.03.2026")
    assert "2.4. Сұрақ Үйлестірушінің ескертуі: Нақтылаңыз" in kk
    en = flat(returned_banner("en", ReturnNotice(None, "Check block 2", ())))
    assert en == (
        "The coordinator returned the questionnaire for correction"
        " The coordinator's note: Check block 2 Correct your answers and submit the questionnaire again."
    )
    assert returned_banner("ru", None) == ""


def test_the_general_note_leaves_out_the_item_lines() -> None:
    assert general_note("Общее\n1.6 — Уточните\n1.8", ["1.6 — Уточните", "1.8"]) == "Общее"
    assert general_note("1.6 — Уточните", ["1.6 — Уточните"]) == ""
    assert general_note("Весь раздел", []) == "Весь раздел"
