"""Restarts, duplicate updates, flood control, failures, ordering — through the fake server."""

from __future__ import annotations

import logging

from dialogs.application.dialog import DialogService
from dialogs.contract import Input
from dialogs.questionnaire import default
from dialogs.walk import Walk
from tests.telegram.conftest import Harness, person, screen
from tests.telegram.test_e2e import KIND, expected_values

#: Where a person stands after choosing the language: the first field, nothing answered.
_FIRST = Walk(default(), [b.number for b in default().blocks_for(KIND)]).steps[0].field
FIRST_QUESTION = f"{_FIRST.label}\nДа или нет? Если да — опишите."
QUESTION_ROWS = [["Да", "Нет"], ["Нет данных", "Пропустить", "Назад"], ["Комментарий", "Меню"]]
PROGRESS_0 = "Блок 1, пункт 1 из 10 — заполнено 0% анкеты (0 из 32)."
NOT_PROCESSED = (
    "Ваше сообщение не обработано из-за сбоя, из него ничего не сохранено. "
    "Пожалуйста, отправьте его ещё раз."
)
HELP = (
    "Отвечайте на вопросы по очереди: кнопками или текстом.\n"
    "«Нет данных» — если сведений нет (укажите причину); «Пропустить» — вернуться к вопросу "
    "позже; «Назад» — к предыдущему вопросу; «Комментарий» — пояснение к пункту.\n"
    "Разбивку можно ввести одним сообщением, например: «18-25: 3; 26-45: 5; неизвестно: 1».\n"
    "Команды: /menu — перейти к блоку или пункту, /progress — сколько осталось, /review — "
    "просмотр ответов, /submit — отправить, /language — язык, /help — эта справка."
)


async def test_bot_killed_mid_walk_continues_at_the_same_question(running: Harness):
    h = running
    p = person(h, KIND, user_id=6001)
    await p.begin()
    for _ in range(12):
        assert await p.answer_current()
    before = await h.state(6001)
    assert before["mode"] == "field"
    stored_before = await h.stored(KIND)

    await h.kill_bot()  # new Bot + Dispatcher + Store on the same SQLite file
    await h.start_bot()

    assert await h.state(6001) == before
    assert await h.stored(KIND) == stored_before
    # The person just goes on: buttons of the message the old process sent still work.
    assert await p.answer_current()
    answered = next(code for code in p.expected if code not in stored_before)
    assert answered == before["code"], "the next answer went to the question that was asked"
    await p.walk_all()
    assert await h.stored(KIND) == expected_values(p)


async def test_message_sent_while_the_bot_is_down_is_answered_after_restart(running: Harness):
    h = running
    p = person(h, KIND, user_id=6002)
    await p.begin()
    await h.kill_bot()
    update_id = await h.tg.push(h.tg.message(p.tg_user, "/progress"))
    await h.start_bot()
    await h.tg.wait_taken(update_id)
    await h.proc.idle()
    assert h.tg.texts(chat_id=6002)[-1] == f"{PROGRESS_0}\n\n{FIRST_QUESTION}"


async def test_update_delivered_twice_is_answered_once(running: Harness):
    h = running
    p = person(h, KIND, user_id=6003)
    await p.begin()
    update = {"update_id": 777_001, **h.tg.message(p.tg_user, "/progress")}
    first = await p.deliver(update)
    assert len(first) == 1
    stored = await h.stored(KIND)
    state = await h.state(6003)
    sent = len(h.tg.sent())
    again = await p.deliver(update, redeliver=True)  # e.g. a restart before confirming
    assert h.tg.delivered[777_001], "the bot did receive it a second time"
    assert again == [] and len(h.tg.sent()) == sent
    assert await h.stored(KIND) == stored and await h.state(6003) == state


async def test_flood_control_429_is_waited_out(running: Harness):
    h = running
    p = person(h, KIND, user_id=6004)
    await p.begin()
    h.tg.fail_next("sendMessage", times=1, retry_after=1)
    replies = await p.send(Input.command("progress"))
    sends = [c for c in p.calls if c.method == "sendMessage"]
    assert [c.error["error_code"] if c.error else 200 for c in sends] == [429, 200]
    assert sends[1].at - sends[0].at >= 0.95, "waited retry_after before sending again"
    assert screen(replies) == [(f"{PROGRESS_0}\n\n{FIRST_QUESTION}", QUESTION_ROWS)]


async def test_failure_in_a_handler_asks_to_try_again_and_loses_nothing(running: Harness, caplog):
    h = running
    fail = {"on": False}

    class Flaky(DialogService):
        async def converse(self, contact_id, inp, **kw):
            if fail["on"]:
                fail["on"] = False
                raise RuntimeError("database went away")
            return await super().converse(contact_id, inp, **kw)

    await h.kill_bot()
    await h.start_bot(Flaky)
    p = person(h, KIND, user_id=6005)
    await p.begin()
    for _ in range(3):
        await p.answer_current()
    stored, state = await h.stored(KIND), await h.state(6005)
    question = p.replies

    fail["on"] = True
    with caplog.at_level(logging.ERROR):
        replies = await p.send(Input.text("5"))
    assert [r.text for r in replies] == [NOT_PROCESSED]
    assert "database went away" in caplog.text and "Traceback" in caplog.text
    assert not await h.store.was_processed("telegram", h.tg._next_update_id - 1)
    assert await h.stored(KIND) == stored and await h.state(6005) == state

    p.replies = question  # the question (and its buttons) is still on screen
    await p.walk_all()
    assert await h.stored(KIND) == expected_values(p)


async def test_failure_outside_the_handlers_is_reported_too(running: Harness, caplog):
    h = running
    p = person(h, KIND, user_id=6006)
    await p.begin()
    original = h.proc.store.mark_processed

    async def broken(channel, update_id):
        raise ConnectionError("disk full")

    h.proc.store.mark_processed = broken
    with caplog.at_level(logging.ERROR):
        replies = await p.send(Input.command("progress"))
    h.proc.store.mark_processed = original
    assert [r.text for r in replies] == [NOT_PROCESSED]
    assert "disk full" in caplog.text


async def test_fast_messages_of_one_person_are_handled_in_order(running: Harness):
    h = running
    p = person(h, KIND, user_id=6007)
    await p.begin()
    batch = [h.tg.message(p.tg_user, f"/{name}") for name in ("help", "progress", "help")]
    replies = await p.deliver(*batch)  # one getUpdates returns all three
    assert screen(replies) == [
        (f"{HELP}\n\n{FIRST_QUESTION}", QUESTION_ROWS),
        (f"{PROGRESS_0}\n\n{FIRST_QUESTION}", QUESTION_ROWS),
        (f"{HELP}\n\n{FIRST_QUESTION}", QUESTION_ROWS),
    ]
