"""send_due through the real aiogram Bot against the fake Bot API server."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import date, timedelta

import pytest

from bot.reminders import TelegramSender
from dialogs import i18n
from dialogs.application import reminders
from dialogs.application.reminder_texts import TEXT_CONTINUE, TEXT_DAYS_LEFT, TEXT_PROGRESS
from dialogs.application.reminders import Delivery, Reminders, deadline_kind, parse_days
from dialogs.questionnaire import default
from storage.repository import Store
from tests.reminders.conftest import ALICE, BEK, D7, DANA, DAYS, DEADLINE, EVE, World


async def run(world: World, today: date, days=DAYS, **kw) -> list[Delivery]:
    return await world.reminders.send_due(world.sender, today=today, days=days, **kw)


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
    assert any("web only" in r.getMessage() for r in caplog.records)


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

    async def send(self, telegram_user_id: int, text: str) -> None:
        await asyncio.sleep(0.05)
        await self.inner.send(telegram_user_id, text)


async def test_two_concurrent_runs_send_once(world: World) -> None:
    other = Store.from_url(world.url)  # a second process: its own engine and connections
    try:
        sender = SlowSender(world.sender)
        a, b = await asyncio.gather(
            world.reminders.send_due(sender, today=D7, days=DAYS),
            Reminders(other, default()).send_due(sender, today=D7, days=DAYS),
        )
    finally:
        await other.close()
    for chat in (ALICE, BEK, EVE):
        assert len(world.tg.texts(chat_id=chat)) == 1, chat
    sent = [d.contact_id for d in a + b if d.status == "sent"]
    assert sorted(sent) == sorted([world.alice.id, world.bek.id, world.eve.id])
    assert [status for *_, status in await recorded(world)] == ["sent"] * 3


async def test_flood_control_is_waited_out_and_the_message_arrives(world: World) -> None:
    world.tg.fail_next("sendMessage", times=1, retry_after=1)
    started = time.monotonic()
    result = await run(world, D7)
    assert time.monotonic() - started >= 1.0
    assert [c.error["error_code"] for c in world.tg.calls_of("sendMessage") if c.error] == [429]
    for chat in (ALICE, BEK, EVE):
        assert len(world.tg.texts(chat_id=chat)) == 1
    assert sorted(d.status for d in result) == ["sent", "sent", "sent", "skipped"]


@pytest.mark.parametrize(
    ("code", "words"), [(403, "bot was blocked by the user"), (400, "chat not found")]
)
async def test_a_failed_send_is_recorded_and_retried_next_run(
    world: World, code: int, words: str
) -> None:
    world.forbid_next_send(code)  # Alice's (the first contact's) message fails
    first = await run(world, D7)
    assert by_contact(first)[world.alice.id] == ("d-7", "failed")
    assert world.tg.texts(chat_id=ALICE) == []
    (failed,) = [
        d
        for d in await world.store.list_reminder_deliveries(world.campaign.id)
        if d.status == "failed"
    ]
    assert failed.contact_id == world.alice.id and words in (failed.error or "")
    assert len(world.tg.texts(chat_id=BEK)) == len(world.tg.texts(chat_id=EVE)) == 1

    second = await run(world, D7)  # e.g. Alice unblocked the bot
    assert by_contact(second) == {
        world.alice.id: ("d-7", "sent"),
        world.carol.id: ("d-7", "skipped"),
    }
    assert len(world.tg.texts(chat_id=ALICE)) == 1
    assert len(world.tg.texts(chat_id=BEK)) == len(world.tg.texts(chat_id=EVE)) == 1
    assert [status for *_, status in await recorded(world)] == ["sent"] * 3


async def test_overdue_once_after_the_deadline(world: World) -> None:
    # The deadline day itself still belongs to D-1: a missed D-1 goes out then.
    assert {d.kind for d in await run(world, DEADLINE)} == {"d-1"}
    first = await run(world, DEADLINE + timedelta(days=1))
    assert {d.contact_id for d in first if d.status == "sent"} == {
        world.alice.id,
        world.bek.id,
        world.eve.id,
    }
    assert {d.kind for d in first} == {"overdue"}
    mvd = world.orgs["mvd_unit"].organisation.name_ru
    assert world.tg.texts(chat_id=ALICE)[-1] == (
        f"Здравствуйте! Срок отправки анкеты организации «{mvd}» по противодействию торговле "
        "людьми истёк 01.03.2026, а анкета ещё не отправлена. Пожалуйста, завершите её как "
        f"можно скорее.\nЗаполнено: 2 из {world.total('mvd_unit')}.\n"
        "Чтобы продолжить, отправьте /start в этом чате."
    )
    assert [d.status for d in await run(world, DEADLINE + timedelta(days=1))] == ["skipped"]
    assert [d.status for d in await run(world, DEADLINE + timedelta(days=9))] == ["skipped"]
    assert len(world.tg.sent()) == 6, "three D-1 on the deadline day, three overdue, no more"
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


async def test_a_sender_crash_mid_run_leaves_a_claim_another_run_takes_over(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Dying:
        async def send(self, telegram_user_id: int, text: str) -> None:
            raise asyncio.CancelledError  # the process is stopped while sending

    with pytest.raises(asyncio.CancelledError):
        await world.reminders.send_due(Dying(), today=D7, days=DAYS)
    assert [status for *_, status in await recorded(world)] == ["pending"]
    # within the claim timeout nobody sends Alice's reminder twice
    await run(world, D7)
    assert world.tg.texts(chat_id=ALICE) == []
    # after it, the next run takes the claim over
    monkeypatch.setattr(Store, "REMINDER_CLAIM_TIMEOUT", timedelta(0))
    await run(world, D7)
    assert len(world.tg.texts(chat_id=ALICE)) == 1


def test_deadline_kind_and_days() -> None:
    assert deadline_kind(DEADLINE, D7, DAYS) == "d-7"
    assert deadline_kind(DEADLINE, DEADLINE - timedelta(days=1), DAYS) == "d-1"
    assert deadline_kind(DEADLINE, DEADLINE - timedelta(days=2), DAYS) == "d-3"
    assert deadline_kind(DEADLINE, DEADLINE - timedelta(days=5), DAYS) == "d-7"
    assert deadline_kind(DEADLINE, DEADLINE - timedelta(days=8), DAYS) is None
    assert deadline_kind(DEADLINE, DEADLINE, DAYS) == "d-1"
    assert deadline_kind(DEADLINE, DEADLINE, (0,)) == "d-0"
    assert deadline_kind(DEADLINE, DEADLINE + timedelta(days=30), DAYS) == "overdue"
    assert parse_days("7,3,1") == (7, 3, 1)
    assert parse_days(" 14, 7 ,,1,7") == (14, 7, 1)
    assert parse_days("") == ()
    for bad in ("7,-1", "seven", "1.5"):
        with pytest.raises(ValueError):
            parse_days(bad)
    assert reminders.KZ_TIME.utcoffset(None) == timedelta(hours=5)
