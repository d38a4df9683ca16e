"""End to end over real HTTP: a person joins by deep link and answers everything by Telegram."""

from __future__ import annotations

import re

from dialogs.questionnaire import default
from dialogs.walk import Walk
from tests.engine.scripted import button
from tests.telegram.conftest import Harness, person, screen

PERIOD = {"start": "2025-01-01", "end": "2025-12-31"}
KIND = "tourism_ministry"


def expected_values(p) -> dict:
    return {
        code: ("value", PERIOD) if value == ("value", "period") else value
        for code, value in p.expected.items()
    }


def check_telegram_limits(h: Harness) -> None:
    for c in h.tg.calls_of("sendMessage", "editMessageText"):
        assert "parse_mode" not in c.params or not c.params["parse_mode"]
        assert len(c.params["text"]) <= 4096
        for row in (c.params.get("reply_markup") or {}).get("inline_keyboard", []):
            assert len(row) <= 8
            assert all(len(b["callback_data"].encode()) <= 64 for b in row)


async def test_join_by_deep_link_answer_everything_and_submit(running: Harness):
    h = running
    p = person(h, KIND, user_id=5001)
    await p.join()
    # the language pre-selected from Telegram's language_code
    assert screen(p.replies) == [
        (
            "Выберите язык / Тілді таңдаңыз / Choose your language",
            [["✓ Русский", "Қазақша", "English"]],
        )
    ]
    await p.send(button(p.replies, "lang:ru"))
    await p.walk_all()

    walk = Walk(default(), h.orgs[KIND].organisation.blocks)
    assert set(p.expected) == {s.code for s in walk.steps}, "every field was asked once"
    assert await h.stored(KIND) == expected_values(p)

    await p.submit()
    contact = await h.store.find_contact(telegram_user_id=5001)
    response = await h.store.get_response_for_contact(contact.id, h.campaign.id)
    assert response.status == "submitted"
    assert response.submitted_by == contact.id

    presses = [c for c in h.tg.calls if c.method == "answerCallbackQuery"]
    assert len(presses) >= 20, "every button press is answered"
    edits = [c for c in h.tg.calls_of("editMessageText") if c.error is None]
    assert edits, "pressed questions lose their buttons and keep the answer"
    assert all("reply_markup" not in c.params or not c.params["reply_markup"] for c in edits)
    assert all(re.search(r"\n\n→ \S", c.params["text"]) for c in edits)
    check_telegram_limits(h)
    # HTML typed by the person is stored and shown as typed (no parse_mode).
    assert any("<b>" in str(v) for _, v in (await h.stored(KIND)).values())
