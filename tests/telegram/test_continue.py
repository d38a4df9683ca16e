"""The «Продолжить анкету» button under a reminder: a bound contact is brought back to the
question the walk stands at, with the item's question and the last answer; someone the bot does not know is told how to begin, and
nothing of anyone's dialog moves."""

from __future__ import annotations

from bot.reminders import CONTINUE_DATA
from bot.telegram import texts
from dialogs.contract import Input
from tests.telegram.conftest import Harness, person
from tests.telegram.fake_api import user


async def test_the_reminder_button_continues_where_the_walk_stands(running: Harness) -> None:
    h = running
    p = person(h, "ngo", user_id=9401)
    await p.begin()
    await p.send(Input.text("нет"))
    before = await p.where()
    await p.deliver(h.tg.callback(p.tg_user, CONTINUE_DATA))
    assert [c.method for c in p.calls if c.method == "answerCallbackQuery"] == [
        "answerCallbackQuery"
    ]  # the button stops spinning
    shown = "\n".join(r.text for r in p.replies)
    after = await p.where()
    assert (after["code"], after["mode"]) == (before["code"], "field")
    # days later: the item's question again and the last answer, not a bare field label
    assert "1.1. Какие риски наблюдаются" in shown
    assert "Последний ответ — 1.1. Пробелы в законодательстве" in shown

    stranger = user(9402, language_code="ru")
    calls = await h.deliver(h.tg.callback(stranger, CONTINUE_DATA))
    (told,) = [c for c in calls if c.method == "sendMessage"]
    assert told.params["text"] == texts.text("ru", texts.UNKNOWN_USER)
    assert await p.where() == after  # nobody's dialog moved
