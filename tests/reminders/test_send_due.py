"""send_due through the real aiogram Bot against the fake Bot API server."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, timedelta

import pytest

from bot.reminders import CONTINUE_DATA, TelegramSender
from dialogs import i18n
from dialogs.application import reminders
from dialogs.application.outgoing import Outgoing
from dialogs.application.reminder_texts import TEXT_CONTINUE, TEXT_DAYS_LEFT, TEXT_PROGRESS
from dialogs.application.reminders import Delivery, Reminders
from dialogs.questionnaire import default
from storage.repository import Store
from tests.reminders.conftest import ALICE, BEK, D7, DANA, DAYS, DEADLINE, EVE, World, at


async def run(world: World, today: date, days=DAYS, **kw) -> list[Delivery]:
    """One run at noon of ``today`` in Almaty (the frozen clock moves there)."""
    world.clock.now = at(today)
    return await world.reminders.send_due(world.sender, now=world.clock(), days=days, **kw)


def by_contact(deliveries: list[Delivery]) -> dict[int, tuple[str, str]]:
    return {d.contact_id: (d.kind, d.status) for d in deliveries}


async def recorded(world: World) -> list[tuple[int, str, str]]:
    rows = await world.store.list_reminder_deliveries(world.campaign.id)
    return sorted((d.contact_id, d.kind, d.status) for d in rows)


async def test_d7_reaches_unsubmitted_contacts_once_with_deadline_and_progress(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="dialogs.application.reminders")
    result = await run(world, D7)

    assert by_contact(result) == {
        world.alice.id: ("d-7", "sent"),
        world.carol.id: ("d-7", "skipped"),  # web only
        world.bek.id: ("d-7", "sent"),
        world.eve.id: ("d-7", "sent"),
    }
    for chat in (ALICE, BEK, EVE):
        assert len(world.tg.texts(chat_id=chat)) == 1
    assert world.tg.texts(chat_id=DANA) == []  # the health ministry submitted
    assert len(world.tg.sent()) == 3

    mvd = world.orgs["mvd_unit"].organisation.name_ru
    assert world.tg.texts(chat_id=ALICE) == [
        f"Здравствуйте! Напоминаем: анкету организации «{mvd}» по противодействию торговле "
        "людьми нужно отправить до 01.03.2026 (осталось дней: 7).\n"
        f"Заполнено: 2 из {world.total('mvd_unit')}.\n"
        "Чтобы продолжить, отправьте /start в этом чате."
    ]

    # Bek and Eve: their own language's catalog, the NGO has answered nothing yet
    ngo = world.orgs["ngo"].organisation
    for chat, lang, name in ((BEK, "kk", ngo.name_kk), (EVE, "en", ngo.name_ru)):
        _ = i18n.translator(lang)
        assert _(TEXT_CONTINUE) != TEXT_CONTINUE, "translated"
        assert world.tg.texts(chat_id=chat) == [
            "\n".join(
                [
                    _(TEXT_DAYS_LEFT).format(organisation=name, deadline="01.03.2026", days=7),
                    _(TEXT_PROGRESS).format(done=0, total=world.total("ngo")),
                    _(TEXT_CONTINUE),
                ]
            )
        ]

    assert await recorded(world) == sorted(
        [
            (world.alice.id, "d-7", "sent"),
            (world.bek.id, "d-7", "sent"),
            (world.eve.id, "d-7", "sent"),
        ]
    )
    (carol,) = [d for d in result if d.contact_id == world.carol.id]
    assert carol.error == "web only, no e-mail address"
    # every reminder carries the button that continues the questionnaire
    (call,) = world.tg.sent(chat_id=ALICE)
    assert call.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Продолжить анкету", "callback_data": CONTINUE_DATA}]]
    }


async def test_each_contact_gets_the_text_of_its_own_language(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Independent of how far the catalogs are translated: mark every text with its language.
    monkeypatch.setattr(i18n, "translator", lambda lang: lambda message: f"<{lang}>{message}")
    await run(world, D7)
    for chat, lang in ((ALICE, "ru"), (BEK, "kk"), (EVE, "en")):
        (text,) = world.tg.texts(chat_id=chat)
        lines = text.split("\n")
        assert all(line.startswith(f"<{lang}>") for line in lines), text
        assert lines[0] == f"<{lang}>" + TEXT_DAYS_LEFT.format(
            organisation=(
                world.orgs["ngo"].organisation.name_kk
                if lang == "kk"
                else world.orgs["mvd_unit" if chat == ALICE else "ngo"].organisation.name_ru
            ),
            deadline="01.03.2026",
            days=7,
        )


async def test_running_twice_sends_once(world: World) -> None:
    first = await run(world, D7)
    second = await run(world, D7)
    assert len([d for d in first if d.status == "sent"]) == 3
    assert [d.status for d in second] == ["skipped"]  # only Carol, who has no Telegram
    assert len(world.tg.sent()) == 3


class SlowSender:
    """The real sender, but slow: both runs plan before either has sent anything."""

    def __init__(self, inner: TelegramSender) -> None:
        self.inner = inner

    async def send(self, message: Outgoing) -> None:
        await asyncio.sleep(0.05)
        await self.inner.send(message)


async def test_two_concurrent_runs_send_once(world: World) -> None:
    other = Store.from_url(world.url)  # a second process: its own engine and connections
    try:
        sender = SlowSender(world.sender)
        a, b = await asyncio.gather(
            world.reminders.send_due(sender, now=at(D7), days=DAYS),
            Reminders(other, default(), clock=world.clock).send_due(sender, now=at(D7), days=DAYS),
        )
    finally:
        await other.close()
    for chat in (ALICE, BEK, EVE):
        assert len(world.tg.texts(chat_id=chat)) == 1, chat
    sent = [d.contact_id for d in a + b if d.status == "sent"]
    assert sorted(sent) == sorted([world.alice.id, world.bek.id, world.eve.id])
    assert [status for *_, status in await recorded(world)] == ["sent"] * 3


async def test_flood_control_is_waited_out_with_the_claim_given_back(world: World) -> None:
    world.tg.fail_next("sendMessage", times=1, retry_after=7)
    claims_while_waiting: list[list[str]] = []

    async def sleep(seconds: float) -> None:
        rows = await world.store.list_reminder_deliveries(world.campaign.id)
        claims_while_waiting.append([f"{d.contact_id}:{d.status}" for d in rows])
        slept.append(seconds)

    slept: list[float] = []
    world.reminders.sleep = sleep
    result = await run(world, D7, concurrency=1)
    assert slept == [7.0]
    # while waiting, Alice's delivery is no claim: anyone may take it
    assert claims_while_waiting == [[f"{world.alice.id}:failed"]]
    assert [c.error["error_code"] for c in world.tg.calls_of("sendMessage") if c.error] == [429]
    for chat in (ALICE, BEK, EVE):
        assert len(world.tg.texts(chat_id=chat)) == 1
    assert sorted(d.status for d in result) == ["sent", "sent", "sent", "skipped"]


@pytest.mark.parametrize(
    ("code", "words"), [(403, "bot was blocked by the user"), (400, "chat not found")]
)
async def test_a_blocked_contact_is_recorded_once_and_not_tried_again(
    world: World, code: int, words: str
) -> None:
    world.forbid_next_send(code)  # Alice's (the first contact's) message fails
    first = await run(world, D7, concurrency=1)
    assert by_contact(first)[world.alice.id] == ("d-7", "undeliverable")
    assert world.tg.texts(chat_id=ALICE) == []
    (mark,) = await world.store.list_undeliverable(world.campaign.id)
    assert (mark.contact_id, mark.channel, mark.campaign_id) == (
        world.alice.id, "telegram", world.campaign.id,
    )  # fmt: skip
    assert words in mark.reason
    assert len(world.tg.texts(chat_id=BEK)) == len(world.tg.texts(chat_id=EVE)) == 1

    calls = len(world.tg.calls_of("sendMessage"))
    second = await run(world, D7)
    assert by_contact(second) == {
        world.alice.id: ("d-7", "skipped"),
        world.carol.id: ("d-7", "skipped"),
    }
    assert len(world.tg.calls_of("sendMessage")) == calls, "Alice is not tried again"
    (alice,) = [d for d in second if d.contact_id == world.alice.id]
    assert alice.error == "undeliverable on Telegram (blocked the bot)"
    assert len(await world.store.list_undeliverable()) == 1, "recorded once"

    # the coordinator learns she unblocked the bot: she is tried again
    assert await world.store.clear_undeliverable(world.alice.id) == 1
    assert by_contact(await run(world, D7))[world.alice.id] == ("d-7", "sent")


async def test_a_server_error_is_recorded_and_retried_next_run(world: World) -> None:
    world.forbid_next_send(500, "Internal Server Error")
    first = await run(world, D7, concurrency=1)
    assert by_contact(first)[world.alice.id] == ("d-7", "failed")
    assert await world.store.list_undeliverable() == []
    second = await run(world, D7)
    assert by_contact(second)[world.alice.id] == ("d-7", "sent")
    assert [status for *_, status in await recorded(world)] == ["sent"] * 3


async def test_on_the_day_then_overdue_every_week_up_to_the_cap(world: World) -> None:
    assert {d.kind for d in await run(world, DEADLINE)} == {"d-0"}
    mvd = world.orgs["mvd_unit"].organisation.name_ru
    assert world.tg.texts(chat_id=ALICE)[-1].startswith(
        f"Здравствуйте! Сегодня, 01.03.2026, последний день отправки анкеты организации «{mvd}»"
    )
    first = await run(world, DEADLINE + timedelta(days=1))
    assert {d.contact_id for d in first if d.status == "sent"} == {
        world.alice.id,
        world.bek.id,
        world.eve.id,
    }
    assert {d.kind for d in first} == {"overdue-1"}
    assert world.tg.texts(chat_id=ALICE)[-1] == (
        f"Здравствуйте! Срок отправки анкеты организации «{mvd}» по противодействию торговле "
        "людьми истёк 01.03.2026, а анкета ещё не отправлена. Пожалуйста, завершите её как "
        f"можно скорее.\nЗаполнено: 2 из {world.total('mvd_unit')}.\n"
        "Чтобы продолжить, отправьте /start в этом чате."
    )
    sent_on: dict[str, list[int]] = {}
    for late in range(1, 40):
        for d in await run(world, DEADLINE + timedelta(days=late)):
            if d.status == "sent" and d.contact_id == world.alice.id:
                sent_on.setdefault(d.kind, []).append(late)
    # every 7 days, at most 3 (the defaults); overdue-1 went out on day 1 above
    assert sent_on == {"overdue-2": [8], "overdue-3": [15]}
    assert len(world.tg.texts(chat_id=ALICE)) == 4
    assert world.tg.texts(chat_id=DANA) == []


async def test_a_returned_response_notifies_its_contacts_once_with_the_reason(
    world: World,
) -> None:
    store, campaign = world.store, world.campaign
    response = await store.get_response_for_contact(world.alice.id, campaign.id)
    await store.submit_response(
        response.id, expected_version=response.version, contact_id=world.alice.id
    )
    reason = "Блок 2: укажите число выявленных жертв по полу."
    await store.return_for_correction(response.id, reason, actor="coordinator:test")
    quiet_day = date(2026, 2, 10)  # no deadline reminder today

    result = await run(world, quiet_day)
    assert by_contact(result) == {
        world.alice.id: ("returned-1", "sent"),
        world.carol.id: ("returned-1", "skipped"),
    }
    mvd = world.orgs["mvd_unit"].organisation.name_ru

    def returned(why: str) -> str:
        return (
            f"Здравствуйте! Координатор вернул анкету организации «{mvd}» на доработку.\n"
            f"Причина: {why}\n"
            "Чтобы исправить ответы и отправить анкету снова, отправьте /start в этом чате."
        )

    assert world.tg.texts(chat_id=ALICE) == [returned(reason)]
    assert world.tg.texts(chat_id=BEK) == world.tg.texts(chat_id=DANA) == []

    assert [d.status for d in await run(world, quiet_day)] == ["skipped"]
    # Alice corrects an answer: the response's version grows, the return is the same one
    step = default().blocks[0].items[0]
    code = default().field_code(step, step.fields[0])
    await store.save_answer(
        response.id, code, value=5, contact_id=world.alice.id, channel="telegram"
    )
    assert [d.status for d in await run(world, quiet_day)] == ["skipped"]
    assert len(world.tg.texts(chat_id=ALICE)) == 1

    # resubmitted and returned again: a new notice with the new reason
    response = await store.get_response(response.id)
    await store.submit_response(
        response.id, expected_version=response.version, contact_id=world.alice.id
    )
    await store.return_for_correction(response.id, "Ещё блок 3.", actor="coordinator:test")
    assert by_contact(await run(world, quiet_day))[world.alice.id] == ("returned-2", "sent")
    assert world.tg.texts(chat_id=ALICE) == [returned(reason), returned("Ещё блок 3.")]


async def test_before_the_first_reminder_day_nothing_is_sent(world: World) -> None:
    for today in (date(2026, 2, 1), date(2026, 2, 20), D7 - timedelta(days=1)):
        assert await run(world, today) == [], today
    assert await run(world, D7, days=(3, 1)) == []
    assert await run(world, D7, days=()) == []
    assert world.tg.calls_of("sendMessage") == []
    assert await recorded(world) == []


async def test_a_reminder_missed_while_the_bot_was_down_goes_out_once(world: World) -> None:
    missed = date(2026, 2, 25)  # D-4: the D-7 run never happened
    first = by_contact(await run(world, missed))
    assert first[world.alice.id] == ("d-7", "sent")
    assert [d for d in await run(world, missed) if d.status != "skipped"] == []
    assert by_contact(await run(world, date(2026, 2, 27)))[world.alice.id] == ("d-3", "sent")
    assert len(world.tg.texts(chat_id=ALICE)) == 2


async def test_only_open_campaigns_and_the_one_asked_for(world: World) -> None:
    assert await run(world, D7, campaign_id=world.campaign.id + 1) == []
    await world.store.set_campaign_status(world.campaign.id, "closed", actor="coordinator:test")
    assert await run(world, D7) == []
    assert world.tg.calls_of("sendMessage") == []


async def test_a_sender_crash_mid_send_delays_that_reminder_one_minute_at_most(
    world: World,
) -> None:
    class Dying:
        async def send(self, message: Outgoing) -> None:
            raise asyncio.CancelledError  # the process is stopped while sending

    with pytest.raises(asyncio.CancelledError):
        await world.reminders.send_due(Dying(), now=at(D7), days=DAYS, concurrency=1)
    assert [status for *_, status in await recorded(world)] == ["pending"]
    # within the claim's minute nobody sends Alice's reminder twice
    world.clock.now = at(D7, 12, 0) + timedelta(seconds=59)
    await world.reminders.send_due(world.sender, now=world.clock(), days=DAYS)
    assert world.tg.texts(chat_id=ALICE) == []
    # after it, the next run takes the claim over
    world.clock.now = at(D7, 12, 1) + timedelta(seconds=1)
    await world.reminders.send_due(world.sender, now=world.clock(), days=DAYS)
    assert len(world.tg.texts(chat_id=ALICE)) == 1


def test_kz_time() -> None:
    assert reminders.KZ_TIME.utcoffset(None) == timedelta(hours=5)
