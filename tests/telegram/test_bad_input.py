"""What people send that is not an answer: each gets a sensible reply, nothing is stored."""

from __future__ import annotations

import pytest

from dialogs.contract import Input
from tests.engine.scripted import button
from tests.telegram.conftest import Harness, TelegramPerson, person
from tests.telegram.fake_api import user

KIND = "ngo"


@pytest.fixture
async def mid_walk(running: Harness) -> TelegramPerson:
    p = person(running, KIND, user_id=8001)
    await p.begin()
    for _ in range(3):
        await p.answer_current()
    return p


async def snapshot(h: Harness) -> tuple:
    return await h.stored(KIND), await h.state(8001)


@pytest.mark.parametrize(
    ("make", "phrase"),
    [
        (lambda tg, u: tg.sticker(u), "напишите ответ текстом"),
        (lambda tg, u: tg.photo(u, caption="5"), "напишите ответ текстом"),
        (lambda tg, u: tg.document(u), "напишите ответ текстом"),
        (lambda tg, u: tg.voice(u), "напишите ответ текстом"),
        (lambda tg, u: tg.location(u), "напишите ответ текстом"),
        (lambda tg, u: tg.forwarded(u, "5"), "Пересланные сообщения не принимаются"),
        (lambda tg, u: tg.edited(u, 3, "7"), "Исправления в уже отправленных"),
    ],
    ids=["sticker", "photo", "document", "voice", "location", "forwarded", "edited"],
)
async def test_non_text_messages(running: Harness, mid_walk: TelegramPerson, make, phrase):
    h, p = running, mid_walk
    before = await snapshot(h)
    replies = await p.deliver(make(h.tg, p.tg_user))
    assert len(replies) == 1 and phrase in replies[0].text
    assert await snapshot(h) == before


async def test_unknown_command(running: Harness, mid_walk: TelegramPerson):
    h, p = running, mid_walk
    stored = await h.stored(KIND)
    code = (await h.state(8001))["code"]
    for text in ("/foo", "/DROP_TABLE", "/menu@saualnama_test_bot x"):
        replies = await p.send(Input.text(text))
        assert replies, text
    assert "Неизвестная команда" in (await p.send(Input.text("/foo")))[0].text
    assert await h.stored(KIND) == stored
    # the engine shows the current question again after an unknown command
    await p.send(Input.text("/foo"))
    assert (await h.state(8001))["code"] == code


@pytest.mark.parametrize(
    "data",
    ["999|yes", "garbage", "1|" + "x" * 62, "|", "0|lang:ru", "5|opt:../../x"],
)
async def test_forged_and_stale_buttons(running: Harness, mid_walk: TelegramPerson, data):
    h, p = running, mid_walk
    before = await snapshot(h)
    replies = await p.send(Input.button(data))
    assert "кнопка" in replies[0].text.lower()
    assert button(replies, "nd"), "the current question is shown again"
    assert (await h.stored(KIND)) == before[0]
    assert (await h.state(8001))["code"] == before[1]["code"]
    assert any(c.method == "answerCallbackQuery" for c in p.calls)


async def test_double_tap_is_harmless(running: Harness, mid_walk: TelegramPerson):
    h, p = running, mid_walk
    state = await h.state(8001)
    nd = button(p.replies, "nd")
    first = h.tg.callback(p.tg_user, nd.value, p.button_message[nd.value])
    second = h.tg.callback(p.tg_user, nd.value, p.button_message[nd.value])
    await p.deliver(first, second)  # both in one batch
    after = await h.state(8001)
    assert after["mode"] == "no_data" and after["code"] == state["code"]
    assert await h.stored(KIND) == (await snapshot(h))[0]
    edits = [c for c in p.calls if c.method == "editMessageReplyMarkup"]
    assert len(edits) == 2 and edits[0].error is None
    assert "not modified" in edits[1].error["description"]  # ignored by the bot


async def test_group_chats_are_refused(running: Harness):
    h = running
    u = user(8100)
    group = {"id": -100500, "type": "group", "title": "Рабочая группа"}
    calls = await h.deliver(h.tg.message(u, "/start abc", chat=group))
    (sent,) = [c for c in calls if c.method == "sendMessage"]
    assert sent.params["chat_id"] == -100500
    assert "только в личной переписке" in sent.params["text"]
    assert await h.store.find_contact(telegram_user_id=8100) is None


async def test_html_is_shown_as_text(mid_walk: TelegramPerson):
    p = mid_walk
    replies = await p.send(Input.text("<script>alert(1)</script>"))
    for c in p.calls:
        if c.method == "sendMessage":
            assert not c.params.get("parse_mode")
    assert replies
