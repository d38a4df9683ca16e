"""What people send that is not an answer: each gets a sensible reply, nothing is stored."""

from __future__ import annotations

import pytest

from bot.telegram import texts
from dialogs.contract import Input
from dialogs.questionnaire import default
from dialogs.walk import Walk
from tests.engine.scripted import button
from tests.telegram.conftest import Harness, TelegramPerson, person, screen
from tests.telegram.fake_api import user

KIND = "ngo"
UNKNOWN_COMMAND = (
    "Неизвестная команда. Команды: /menu, /progress, /review, /submit, /language, /help."
)
STALE_BUTTON = "Эта кнопка относится к прошлому сообщению. Вот текущий вопрос."
UNKNOWN_BUTTON = "Эта кнопка не распознана. Вот текущий вопрос."


def _fourth_field_label() -> str:
    """The field mid_walk stands on: the NGO's fourth (a yes/no field of item 1.1)."""
    blocks = [b.number for b in default().blocks_for(KIND)]
    return Walk(default(), blocks).steps[3].field.label


#: The current question as shown again after a note (its item's header shown before).
QUESTION = f"{_fourth_field_label()}\nДа или нет? Если да — опишите."
QUESTION_ROWS = [
    ["Да", "Нет"],
    ["Нет — на все оставшиеся пункты"],  # a point of 1.1's list, others follow it
    ["Нет данных", "Пропустить", "Назад"],
    ["Комментарий", "Меню"],
]


@pytest.fixture
async def mid_walk(running: Harness) -> TelegramPerson:
    p = person(running, KIND, user_id=8001)
    await p.begin()
    for _ in range(3):
        await p.answer_current()
    assert screen(p.replies) == [(f"Сохранено.\n\n{QUESTION}", QUESTION_ROWS)]
    return p


async def snapshot(h: Harness) -> tuple:
    return await h.stored(KIND), await h.state(8001)


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda tg, u: tg.sticker(u), texts.NOT_TEXT),
        (lambda tg, u: tg.photo(u, caption="5"), texts.NOT_TEXT),
        (lambda tg, u: tg.document(u), texts.NOT_TEXT),
        (lambda tg, u: tg.voice(u), texts.NOT_TEXT),
        (lambda tg, u: tg.location(u), texts.NOT_TEXT),
        (lambda tg, u: tg.forwarded(u, "5"), texts.FORWARDED),
        (lambda tg, u: tg.edited(u, 3, "7"), texts.EDITED),
    ],
    ids=["sticker", "photo", "document", "voice", "location", "forwarded", "edited"],
)
async def test_non_text_messages(running: Harness, mid_walk: TelegramPerson, make, said):
    h, p = running, mid_walk
    before = await snapshot(h)
    replies = await p.deliver(make(h.tg, p.tg_user))
    assert screen(replies) == [(said, [])]  # Russian is the source: the msgid is the text
    assert await snapshot(h) == before


async def test_unknown_command(running: Harness, mid_walk: TelegramPerson):
    h, p = running, mid_walk
    stored = await h.stored(KIND)
    code = (await h.state(8001))["code"]
    state = await h.state(8001)
    for text in ("/foo", "/DROP_TABLE"):
        # one line: the question stays in the message above, nothing is resent
        assert screen(await p.send(Input.text(text))) == [(UNKNOWN_COMMAND, [])]
    assert await h.state(8001) == state  # the dialog did not move (not even its nonce)
    assert await p.send(Input.text("/menu@saualnama_test_bot x"))  # the menu, addressed to us
    assert await h.stored(KIND) == stored
    assert (await h.state(8001))["code"] == code


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ("999|yes", STALE_BUTTON),
        ("garbage", UNKNOWN_BUTTON),
        ("1|" + "x" * 62, STALE_BUTTON),  # 64 bytes, an old nonce
        ("|", UNKNOWN_BUTTON),
        ("0|lang:ru", STALE_BUTTON),
        ("5|opt:../../x", STALE_BUTTON),
    ],
    ids=["old-nonce", "garbage", "long", "empty", "lang", "path"],
)
async def test_forged_and_stale_buttons(running: Harness, mid_walk: TelegramPerson, data, said):
    h, p = running, mid_walk
    before = await snapshot(h)
    replies = await p.send(Input.button(data))
    # said, and the current question shown again
    assert screen(replies) == [(f"{said}\n\n{QUESTION}", QUESTION_ROWS)]
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
    edits = [c for c in p.calls if c.method == "editMessageText"]
    assert len(edits) == 2 and edits[0].error is None
    assert edits[0].params["text"].endswith("\n\n→ Нет данных")
    assert "not modified" in edits[1].error["description"]  # ignored by the bot


async def test_group_chats_are_refused(running: Harness):
    h = running
    u = user(8100)
    group = {"id": -100500, "type": "group", "title": "Рабочая группа"}
    calls = await h.deliver(h.tg.message(u, "/start abc", chat=group))
    (sent,) = [c for c in calls if c.method == "sendMessage"]
    assert sent.params["chat_id"] == -100500
    assert sent.params["text"] == texts.PRIVATE_ONLY
    assert await h.store.find_contact(telegram_user_id=8100) is None


async def test_html_is_shown_as_text(mid_walk: TelegramPerson):
    p = mid_walk
    replies = await p.send(Input.text("<script>alert(1)</script>"))
    for c in p.calls:
        if c.method == "sendMessage":
            assert not c.params.get("parse_mode")
    assert replies
