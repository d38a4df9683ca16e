"""Issue 10 in Telegram: a handler that dies leaves its update unmarked and says so; the
redelivery is applied once; a long text Telegram split in two is one answer (or one refusal).
"""

from __future__ import annotations

from dialogs.contract import Input
from tests.engine.scripted import button
from tests.telegram.conftest import Harness, person
from tests.telegram.test_e2e import KIND

TEXT_CODE = "b01.i06.effective_measures"
NOT_PROCESSED = (
    "Ваше сообщение не обработано из-за сбоя, из него ничего не сохранено. "
    "Пожалуйста, отправьте его ещё раз."
)


async def _at_text_question(h: Harness, user_id: int):
    p = person(h, KIND, user_id=user_id)
    await p.begin()
    await p.send(Input.command("menu"))
    await p.send(button(p.replies, "blk:1"))
    await p.send(button(p.replies, "itm:b01.i06"))
    assert (await h.state(user_id))["code"] == TEXT_CODE
    return p


async def _marked(h: Harness, update_id: int) -> bool:
    return await h.store.was_processed("telegram", update_id)


async def test_a_handler_dying_mid_step_keeps_nothing_and_the_redelivery_is_applied_once(
    running: Harness,
):
    h = running
    p = await _at_text_question(h, 6101)
    stored, state = await h.stored(KIND), await h.state(6101)
    store = h.proc.store
    original = store.save_dialog_state

    async def dies(*args, **kwargs):  # the answer is written; the step dies before commit
        store.save_dialog_state = original
        raise RuntimeError("killed between the answer and the dialog position")

    store.save_dialog_state = dies
    update = {"update_id": 555001, **h.tg.message(p.tg_user, "Межведомственная рабочая группа")}
    replies = await p.deliver(update)
    assert [r.text for r in replies] == [NOT_PROCESSED]
    assert await h.stored(KIND) == stored and await h.state(6101) == state, "nothing half-applied"
    update_id = update["update_id"]
    assert not await _marked(h, update_id)

    replies = await p.deliver(update, redeliver=True)  # Telegram delivers it again
    assert replies[0].text.startswith("Сохранено")
    assert (await h.stored(KIND))[TEXT_CODE] == ("value", "Межведомственная рабочая группа")
    assert await _marked(h, update_id)
    assert await p.deliver(update, redeliver=True) == [], "a third delivery does nothing"
    response = await h.store.get_or_create_response(h.orgs[KIND].organisation.id, h.campaign.id)
    assert len(await h.store.answer_history(response.id, TEXT_CODE)) == 1


async def test_a_5006_character_text_split_by_telegram_is_refused_once_as_a_whole(
    running: Harness,
):
    h = running
    p = await _at_text_question(h, 6102)
    first, second = "а" * 4096, "б" * 910  # Telegram cuts at 4,096 characters, mid-word
    parts = [
        {"update_id": 555011, **h.tg.message(p.tg_user, first)},
        {"update_id": 555012, **h.tg.message(p.tg_user, second)},
    ]
    replies = await p.deliver(*parts)
    assert len(replies) == 1
    assert replies[0].text.startswith(
        "Слишком длинный ответ: 5006 символов, а можно не больше 4000. Сократите, пожалуйста."
    )
    assert TEXT_CODE not in await h.stored(KIND)
    assert [await _marked(h, u["update_id"]) for u in parts] == [True, True]


async def test_a_long_text_split_in_two_is_stored_whole(running: Harness):
    h = running
    p = await _at_text_question(h, 6103)
    first, second = "Меры " * 720, "приняты."  # 3,600 + 8 characters
    replies = await p.deliver(h.tg.message(p.tg_user, first), h.tg.message(p.tg_user, second))
    assert len(replies) == 1 and replies[0].text.startswith("Сохранено")
    assert (await h.stored(KIND))[TEXT_CODE] == ("value", (first + second).strip())


async def test_text_typed_in_telegram_after_the_web_moved_on_is_refused(running: Harness):
    """Telegram text is for the prompt last shown in the chat; the other channel moved on."""
    h = running
    p = await _at_text_question(h, 6104)
    contact_id = p.contact_id
    web = await h.store.get_dialog_state(contact_id)
    assert web is not None
    # The same contact answers 1.6 in the web chat (the prompt it shows there).
    from dialogs.application.dialog import DialogService

    service = DialogService(h.store)
    here = await service.converse(contact_id, Input.command("start"), channel="web")
    await service.converse(contact_id, Input.text("Рабочая группа", here.prompt), channel="web")
    replies = await p.send(Input.text("Другой текст"))
    assert replies[0].text.startswith(
        "Это сообщение было набрано для вопроса 1.6, на который уже ответили; вот вопрос 1.7."
    )
    assert (await h.stored(KIND))[TEXT_CODE] == ("value", "Рабочая группа")
    assert "b01.i07.partner_organisations" not in await h.stored(KIND)


async def test_hidden_marks_in_a_number_are_refused_in_telegram_too(running: Harness):
    h = running
    p = person(h, KIND, user_id=6105)
    await p.begin()
    await p.send(Input.command("menu"))
    await p.send(button(p.replies, "blk:1"))
    await p.send(button(p.replies, "itm:b01.i08"))
    replies = await p.send(Input.text("\u202e12"))
    assert replies[0].text.startswith("В числе есть невидимые символы")
    assert "b01.i08.trained" not in await h.stored(KIND)
