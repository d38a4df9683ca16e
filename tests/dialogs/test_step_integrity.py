"""One dialog step, one transaction (issue 10): faults between its writes, resends, races.

Runs on SQLite and (with ``TEST_POSTGRES_URL``) PostgreSQL, through the storage suite's
``world``: Alice answers for an organisation of blocks 1 and 2.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from dialogs.application.dialog import DialogService, Turned
from dialogs.contract import Input
from storage.repository import Store
from tests.storage.conftest import World

LIST_CODE = "b01.i07.partner_organisations"
COUNT_CODE = "b01.i08.trained"
NEXT_CODE = "b01.i08.trained_where"
ADDED = "Запись добавлена.\nЗаписей: 1. Добавить ещё?"
COLLEAGUE = "коллега"


class Killed(Exception):
    """The process died here (the unit of work never commits)."""


async def _walk_to(service: DialogService, contact_id: int, item: str, channel: str) -> Turned:
    """Start, choose Russian, open the item from the menu; returns the item's question."""
    turned = await service.converse(contact_id, Input.command("start"), channel=channel)
    lang = turned.replies[-1].buttons[0][0].data
    turned = await service.converse(contact_id, Input.button(lang), channel=channel)
    turned = await service.converse(contact_id, Input.command("menu"), channel=channel)
    turned = await service.converse(
        contact_id, Input.button(f"{turned.prompt}|blk:1"), channel=channel
    )
    turned = await service.converse(
        contact_id, Input.button(f"{turned.prompt}|itm:{item}"), channel=channel
    )
    await service.delivered(contact_id, channel, turned.prompt)
    return turned


def _die_after(store: Store, name: str) -> Callable[[], None]:
    """Make ``store.<name>`` do its write, then kill the step; returns the undo."""
    original = getattr(store, name)

    async def dying(*args: Any, **kwargs: Any) -> Any:
        await original(*args, **kwargs)
        raise Killed(name)

    setattr(store, name, dying)
    return lambda: setattr(store, name, original)


async def _answer(store: Store, world: World, code: str) -> Any:
    response = await store.get_response_for_contact(world.alice.id, world.campaign.id)
    row = await store.get_answer(response.id, code)
    return None if row is None else row.value


async def _history(store: Store, world: World, code: str) -> int:
    response = await store.get_response_for_contact(world.alice.id, world.campaign.id)
    return len(await store.answer_history(response.id, code))


@pytest.mark.parametrize("point", ["mark_processed", "save_answer", "save_dialog_state"])
async def test_a_step_killed_between_its_writes_leaves_nothing_and_the_resend_succeeds(
    store: Store, world: World, point: str
) -> None:
    service = DialogService(store)
    await _walk_to(service, world.alice.id, "b01.i07", "telegram")
    undo = _die_after(store, point)
    with pytest.raises(Killed):
        await service.converse(
            world.alice.id, Input.text("ОФ Сана"), channel="telegram", updates=[900]
        )
    undo()
    assert await _answer(store, world, LIST_CODE) is None, "nothing of the step was kept"
    assert not await store.was_processed("telegram", 900), "the update stays unmarked"

    # Telegram delivers the update again: applied once, answered as it would have been.
    again = await service.converse(
        world.alice.id, Input.text("ОФ Сана"), channel="telegram", updates=[900]
    )
    assert [r.text for r in again.replies] == [ADDED]
    assert await _answer(store, world, LIST_CODE) == [{"name": "ОФ Сана"}]
    assert await _history(store, world, LIST_CODE) == 1
    twice = await service.converse(
        world.alice.id, Input.text("ОФ Сана"), channel="telegram", updates=[900]
    )
    assert twice.handled_before and twice.replies == []
    assert await _answer(store, world, LIST_CODE) == [{"name": "ОФ Сана"}]


@pytest.mark.parametrize("channel", ["telegram", "web"])
async def test_a_reply_lost_after_the_commit_is_answered_again_on_resend(
    store: Store, world: World, channel: str
) -> None:
    service = DialogService(store)
    shown = await _walk_to(service, world.alice.id, "b01.i07", channel)
    prompt = shown.prompt if channel == "web" else None  # Telegram: bound to the chat's prompt
    first = await service.converse(world.alice.id, Input.text("ОФ Сана", prompt), channel=channel)
    # ... the process dies before the reply reaches the person, who sends the same again.
    resend = await service.converse(world.alice.id, Input.text("ОФ Сана", prompt), channel=channel)
    assert [r.text for r in resend.replies] == [ADDED] == [r.text for r in first.replies]
    assert resend.replies == first.replies, "the same buttons: they still work"
    assert await _answer(store, world, LIST_CODE) == [{"name": "ОФ Сана"}], "not doubled"
    assert await _history(store, world, LIST_CODE) == 1
    assert all(COLLEAGUE not in r.text for r in resend.replies)


async def test_text_typed_for_an_answered_prompt_is_refused_and_stored_nowhere(
    store: Store, world: World
) -> None:
    service = DialogService(store)
    shown = await _walk_to(service, world.alice.id, "b01.i08", "web")
    tab_a = tab_b = shown.prompt
    saved = await service.converse(world.alice.id, Input.text("32", tab_a), channel="web")
    assert saved.replies[0].text.startswith("Сохранено")
    late = await service.converse(world.alice.id, Input.text("7", tab_b), channel="web")
    assert late.replies[0].text == (
        "Это сообщение было набрано для прошлого вопроса, а диалог уже ушёл дальше; "
        "вот текущий вопрос. Ответ не записан — если нужно, ответьте ещё раз."
    )
    assert late.replies[0].kind == "error"
    assert await _answer(store, world, COUNT_CODE) == 32
    assert await _answer(store, world, NEXT_CODE) is None, "never stored in the next field"


async def test_a_prompt_shown_again_elsewhere_still_takes_text_typed_for_it(
    store: Store, world: World
) -> None:
    service = DialogService(store)
    shown = await _walk_to(service, world.alice.id, "b01.i08", "web")
    # A second tab opens: the same question is shown again under a new prompt number.
    other = await service.converse(world.alice.id, Input.command("start"), channel="web")
    assert other.prompt != shown.prompt
    saved = await service.converse(world.alice.id, Input.text("32", shown.prompt), channel="web")
    assert saved.replies[0].text.startswith("Сохранено")
    assert await _answer(store, world, COUNT_CODE) == 32


@pytest.mark.parametrize("second", ["web", "telegram"])
async def test_two_clients_of_one_contact_racing_on_one_prompt(
    store: Store, world: World, second: str
) -> None:
    """20 rounds: both clients answer the prompt they see at once; nothing lands elsewhere."""
    service = DialogService(store)
    await _walk_to(service, world.alice.id, "b01.i08", second)
    for round_ in range(20):
        here = await service.converse(world.alice.id, Input.command("start"), channel="web")
        await service.delivered(world.alice.id, "telegram", here.prompt)
        second_input = Input.text("7", here.prompt if second == "web" else None)
        one, two = await asyncio.gather(
            service.converse(world.alice.id, Input.text("32", here.prompt), channel="web"),
            service.converse(world.alice.id, second_input, channel=second),
        )
        texts = [one.replies[0].text, two.replies[0].text]
        assert sum(t.startswith("Сохранено") for t in texts) == 1, (round_, texts)
        assert await _answer(store, world, COUNT_CODE) in (32, 7)
        assert await _answer(store, world, NEXT_CODE) is None, f"round {round_}: wrong field"
        assert all(COLLEAGUE not in t for t in texts)
        # Back to the count question for the next round.
        back = await service.converse(world.alice.id, Input.command("menu"), channel="web")
        back = await service.converse(
            world.alice.id, Input.button(f"{back.prompt}|blk:1"), channel="web"
        )
        await service.converse(
            world.alice.id, Input.button(f"{back.prompt}|itm:b01.i08"), channel="web"
        )
