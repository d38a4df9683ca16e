"""Telegram's limits and retries: splitting, keyboards, flood control; a long review."""

from __future__ import annotations

import re

import pytest
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter
from aiogram.methods import SendMessage

from bot.telegram.sending import keyboard, split_text, utf16_len, with_retry
from dialogs.contract import Button, Input
from dialogs.questionnaire import default
from tests.engine.scripted import button
from tests.telegram.conftest import Harness, person

METHOD = SendMessage(chat_id=1, text="x")


HEADING = re.compile(r"^1\.\d+\. ")


def test_short_text_is_one_part():
    assert split_text("Вопрос?\nДа / Нет") == ["Вопрос?\nДа / Нет"]
    assert split_text("") == [] and split_text("\n \n") == []


def test_long_text_splits_at_line_breaks():
    lines = [f"{n}. " + "слово " * 30 for n in range(200)]
    text = "\n".join(lines)
    parts = split_text(text)
    assert len(parts) > 1
    assert all(utf16_len(p) <= 4096 for p in parts)
    assert "\n".join(parts) == text, "nothing lost, every cut at a line break"


def test_a_line_longer_than_a_message_is_cut():
    text = ("абв " * 3000).strip()
    parts = split_text(text)
    assert all(utf16_len(p) <= 4096 for p in parts)
    assert "".join(parts) == text


def test_emoji_count_twice():
    text = "😀" * 3000  # 6000 UTF-16 code units
    parts = split_text(text)
    assert len(parts) == 2 and all(utf16_len(p) <= 4096 for p in parts)
    assert "".join(parts) == text


def test_keyboard_rows_and_callback_data_limit():
    row = tuple(Button(str(n), f"1|b{n}") for n in range(10))
    markup = keyboard([row])
    assert [len(r) for r in markup.inline_keyboard] == [8, 2]
    assert keyboard([]) is None
    # labels too long to share a row whole get a row each (Telegram cuts, never wraps)
    long = (Button("Ст. 128 УК — торговля людьми", "1|a"), Button("Ст. 135 УК", "1|b"))
    assert [[b.text for b in r] for r in keyboard([long]).inline_keyboard] == [
        ["Ст. 128 УК — торговля людьми"],
        ["Ст. 135 УК"],
    ]
    short = (Button("Да", "1|y"), Button("Нет", "1|n"))
    assert [len(r) for r in keyboard([short]).inline_keyboard] == [2]
    with pytest.raises(ValueError):
        keyboard([[Button("x", "1|" + "y" * 63)]])
    with pytest.raises(ValueError):
        keyboard([[Button("x", "1|да")]])


async def test_with_retry_waits_retry_after_and_backs_off_on_network_errors():
    waits: list[float] = []

    async def sleep(s: float) -> None:
        waits.append(s)

    failures = [
        TelegramRetryAfter(METHOD, "Too Many Requests", retry_after=3),
        TelegramNetworkError(METHOD, "connection reset"),
        TelegramNetworkError(METHOD, "connection reset"),
    ]

    async def call():
        if failures:
            raise failures.pop(0)
        return "sent"

    assert await with_retry(call, sleep=sleep) == "sent"
    assert waits == [3.0, 1.0, 2.0]


async def test_with_retry_gives_up():
    async def call():
        raise TelegramNetworkError(METHOD, "down")

    async def sleep(s: float) -> None:
        pass

    with pytest.raises(TelegramNetworkError):
        await with_retry(call, tries=3, sleep=sleep)


async def test_review_longer_than_a_message_arrives_in_parts(running: Harness):
    h = running
    p = person(h, "mvd_unit", user_id=9001)
    await p.begin()
    q = default()
    response = await h.store.get_response_for_contact(p.contact_id, h.campaign.id)
    for item in q.block(1).items:
        for f in item.fields:
            await h.store.save_answer(
                response.id,
                q.field_code(item, f),
                no_data_reason="Сведения не ведутся: " + "подробное пояснение " * 30,
                contact_id=p.contact_id,
                channel="telegram",
            )
    replies = await p.send(Input.command("review"))
    sends = [c for c in p.calls if c.method == "sendMessage"]
    assert len(sends) >= 2
    assert all(len(c.params["text"]) <= 4096 for c in sends)
    assert sum(len(c.params["text"]) for c in sends) > 4096
    data = [
        {b["callback_data"].partition("|")[2] or b["callback_data"] for row in rows for b in row}
        for rows in ((c.params.get("reply_markup") or {}).get("inline_keyboard", []) for c in sends)
    ]
    assert all(d and all(x.startswith("full:") for x in d) for d in data[:-1]), (
        "a part carries only the «Показать полностью» of the answers it shortened"
    )
    assert "resume" in data[-1], "the dialog's buttons under the last part"
    assert all(HEADING.match(c.params["text"]) for c in sends[1:]), "split between items"
    assert replies[0].text.startswith("Блок 1.")
    assert button(replies, "resume")
