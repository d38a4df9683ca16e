"""Joining by deep link, and every way a link can be wrong."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.telegram import texts
from dialogs import i18n
from dialogs.application.demo import DEMO_ACTOR
from dialogs.contract import Input
from tests.engine.scripted import button
from tests.telegram.conftest import Harness, person, screen
from tests.telegram.fake_api import user

UNKNOWN_USER_RU = texts.UNKNOWN_USER  # Russian is the source language
LANGUAGE_QUESTION = "Выберите язык / Тілді таңдаңыз / Choose your language"
WELCOME = (
    "Здравствуйте! Это опросник по оценке рисков в сфере противодействия торговле людьми "
    "за 01.01.2025 – 31.12.2025 для организации «{organisation}». Срок — до 01.03.2026.\n"
    "Каждый ответ сохраняется сразу; можно прерваться и продолжить позже. Если данных нет, "
    "нажмите «Нет данных» и укажите причину."
)


async def say(h: Harness, u: dict, text: str) -> list[str]:
    calls = await h.deliver(h.tg.message(u, text))
    return [c.params["text"] for c in calls if c.method == "sendMessage"]


async def test_unknown_person_without_a_link_learns_how_to_join(running: Harness):
    u = user(7001)
    for text in ("/start", "Здравствуйте", "/menu"):
        assert await say(running, u, text) == [UNKNOWN_USER_RU]
    assert await running.store.find_contact(telegram_user_id=7001) is None


@pytest.mark.parametrize(
    "token",
    ["bad$token", "x" * 65, "токен", "a b", "../../etc"],
)
async def test_malformed_token_is_refused_before_the_database(running: Harness, token):
    running.proc.store.redeem_invitation = None  # touching it would fail the test
    assert await say(running, user(7002), f"/start {token}") == [texts.INVALID_LINK]
    assert await running.store.find_contact(telegram_user_id=7002) is None


async def test_unknown_expired_used_up_and_other_campaign_links(running: Harness):
    h = running
    org = h.orgs["ngo"].organisation
    store = h.store
    past = datetime.now(UTC) - timedelta(days=1)
    _, expired = await store.create_invitation(
        org.id, h.campaign.id, actor=DEMO_ACTOR, expires_at=past
    )
    _, single = await store.create_invitation(org.id, h.campaign.id, actor=DEMO_ACTOR)
    await store.redeem_invitation(single, telegram_user_id=1, channel="telegram")
    old = await store.create_campaign(
        title="2023",
        period_start=date(2023, 1, 1),
        period_end=date(2023, 12, 31),
        questionnaire_version=h.campaign.questionnaire_version,
        requested_on=date(2024, 2, 1),
        actor=DEMO_ACTOR,
    )
    _, other = await store.create_invitation(org.id, old.id, actor=DEMO_ACTOR)

    cases = {
        "A" * 43: texts.INVALID_LINK,
        expired: texts.EXPIRED_LINK,
        single: texts.USED_UP_LINK,
        other: texts.WRONG_CAMPAIGN_LINK,
    }
    for n, (token, said) in enumerate(cases.items()):
        assert await say(h, user(7100 + n), f"/start {token}") == [said]
        assert await store.find_contact(telegram_user_id=7100 + n) is None


async def test_explanations_follow_telegram_language(running: Harness):
    kazakh = i18n.gettext("kk", texts.UNKNOWN_USER)
    assert kazakh != UNKNOWN_USER_RU
    assert await say(running, user(7200, language_code="kk"), "/start") == [kazakh]
    # a language without a catalog falls back to Russian
    assert await say(running, user(7201, language_code="de"), "/start") == [UNKNOWN_USER_RU]


async def test_deep_link_joins_remembers_campaign_and_preselects_language(running: Harness):
    h = running
    p = person(h, "ngo", user_id=7300, lang="kk")
    await p.join()
    state = await h.store.get_dialog_state(p.contact_id)
    assert state.state["campaign_id"] == h.campaign.id
    assert screen(p.replies) == [(LANGUAGE_QUESTION, [["Русский", "✓ Қазақша", "English"]])]
    await p.send(button(p.replies, "lang:kk"))
    assert (await h.store.get_contact(p.contact_id)).language == "kk"
    kk = i18n.translator("kk")
    assert screen(p.replies)[-1][1] == [
        [kk("Да"), kk("Нет")],
        [kk("Нет — на все оставшиеся пункты")],
        [kk("Нет данных"), kk("Пропустить")],  # «Деректер жоқ», «Өткізіп жіберу» fill a row
        [kk("Назад")],
        [kk("Комментарий"), kk("Меню")],
    ]

    # /language asks again; the choice is kept in the database.
    await p.send(Input.command("language"))
    await p.send(button(p.replies, "lang:en"))
    assert (await h.store.get_contact(p.contact_id)).language == "en"


async def test_known_person_continues_where_they_were(running: Harness):
    h = running
    p = person(h, "ngo", user_id=7400)
    await p.begin()
    for _ in range(4):
        await p.answer_current()
    where = await h.state(7400)
    question = p.replies[-1]
    _, current = question.text.split("\n\n", 1)  # after "Сохранено."
    welcome = WELCOME.format(organisation=h.orgs["ngo"].organisation.name_ru)
    for text in ("/start", f"/start {p.token}"):  # plain /start, or the link again
        await p.send(Input.text(text))
        assert await h.state(7400) == {**where, "nonce": (await h.state(7400))["nonce"]}
        ((text_shown, buttons),) = screen(p.replies)
        assert buttons == screen([question])[0][1]
        # the welcome, the last answer, the item's question again, then the same field
        assert text_shown.startswith(f"{welcome}\n\nПоследний ответ — 1.1. ")
        assert "\n1.1. Какие риски наблюдаются" in text_shown
        assert text_shown.endswith(current)
    assert len(await h.store.list_contacts(h.orgs["ngo"].organisation.id)) == 1


async def test_bound_person_never_reaches_another_organisations_answers(running: Harness):
    h = running
    p = person(h, "ngo", user_id=7500)
    await p.begin()
    for _ in range(3):
        await p.answer_current()
    ngo_before = await h.stored("ngo")
    tourism = h.orgs["tourism_ministry"]

    replies = await p.deliver(h.tg.message(p.tg_user, f"/start {tourism.token}"))
    assert screen(replies) == [(texts.BOUND_ELSEWHERE, [])]
    contact = await h.store.find_contact(telegram_user_id=7500)
    assert contact.organisation_id == h.orgs["ngo"].organisation.id
    assert await h.store.list_contacts(tourism.organisation.id) == []
    assert await h.stored("tourism_ministry") == {}

    # What they type next still goes to their own organisation only.
    await p.answer_current()
    assert await h.stored("tourism_ministry") == {}
    assert len(await h.stored("ngo")) > len(ngo_before)


async def test_deactivated_person_is_told_so(running: Harness):
    h = running
    p = person(h, "ngo", user_id=7600)
    await p.begin()
    await h.store.set_contact_active(p.contact_id, False, actor=DEMO_ACTOR)
    before = await h.stored("ngo")
    for text in ("5", "/start", "/menu"):
        replies = await p.send(Input.text(text))
        assert screen(replies) == [(texts.DEACTIVATED, [])]
    assert await h.stored("ngo") == before


async def test_joining_offers_the_form_as_the_chat_menu_button(harness: Harness):
    h = harness
    await h.start_bot(form_url="https://saualnama.example.kz/tg")
    p = person(h, "ngo", user_id=7350, lang="kk")
    await p.join()
    (call,) = h.tg.calls_of("setChatMenuButton")
    assert call.params["chat_id"] == 7350
    menu = call.params["menu_button"]
    assert menu["type"] == "web_app"
    assert menu["web_app"]["url"] == "https://saualnama.example.kz/tg"
    assert menu["text"] == "Форманы ашу"


async def test_no_menu_button_without_https(running: Harness):
    p = person(running, "ngo", user_id=7351)
    await p.join()
    assert running.tg.calls_of("setChatMenuButton") == []
