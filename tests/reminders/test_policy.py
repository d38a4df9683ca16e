"""Reminders under a campaign's policy, with a frozen clock: extensions, overdue repeats,
the minimum gap, sending hours, a sender killed while waiting out Telegram's 429."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from admin.ops import reminders as ops
from admin.ops.errors import OpsError
from dialogs.application.outgoing import Outgoing, Throttled
from dialogs.application.reminder_schedule import Policy
from dialogs.application.reminders import Delivery, Reminders
from dialogs.questionnaire import default
from storage.repository import Store
from tests.reminders.conftest import ALICE, BEK, D7, DEADLINE, EVE, World, at


async def run(world: World, day: date, hour: int = 12) -> list[Delivery]:
    world.clock.now = at(day, hour)
    return await world.reminders.send_due(world.sender, now=world.clock(), respect_hours=True)


def sent(deliveries: list[Delivery]) -> dict[int, str]:
    return {d.contact_id: d.kind for d in deliveries if d.status == "sent"}


def test_the_schedule_of_a_policy() -> None:
    policy = Policy(offsets=(7, 3, 1), overdue_every_days=3, overdue_cap=2)
    assert policy.schedule(DEADLINE) == [
        (date(2026, 2, 22), "d-7"),
        (date(2026, 2, 26), "d-3"),
        (date(2026, 2, 28), "d-1"),
        (date(2026, 3, 1), "d-0"),
        (date(2026, 3, 2), "overdue-1"),
        (date(2026, 3, 5), "overdue-2"),
    ]
    assert policy.due_kind(DEADLINE, date(2026, 2, 24)) == "d-7"  # a missed D-7 still goes
    assert policy.due_kind(DEADLINE, date(2026, 2, 21)) is None
    assert policy.due_kind(DEADLINE, date(2026, 3, 4)) == "overdue-1"
    assert policy.due_kind(DEADLINE, date(2026, 3, 30)) == "overdue-2"  # the cap
    assert Policy(on_the_day=False).due_kind(DEADLINE, DEADLINE) == "d-1"
    assert Policy(overdue_cap=0).due_kind(DEADLINE, date(2026, 3, 2)) is None
    for bad in (
        {"hours": (20, 9)},
        {"overdue_every_days": 0},
        {"time_zone": "Asia/Nowhere"},
        {"offsets": (90,)},
    ):
        with pytest.raises(ValueError):
            Policy(**bad)  # type: ignore[arg-type]


async def test_an_extension_re_arms_the_reminders_not_yet_due(world: World) -> None:
    for day in (D7, date(2026, 2, 26), date(2026, 2, 28)):
        assert set(sent(await run(world, day)).values()) == {f"d-{(DEADLINE - day).days}"}
    # on 28 February the deadline moves to 15 March: nothing until its own D-7
    await world.store.set_campaign_deadline(world.campaign.id, date(2026, 3, 15), actor="c:t")
    for day in (date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 7)):
        assert sent(await run(world, day)) == {}, day
    assert sent(await run(world, date(2026, 3, 8))) == {
        world.alice.id: "d-7", world.bek.id: "d-7", world.eve.id: "d-7",
    }  # fmt: skip
    assert set(sent(await run(world, date(2026, 3, 15))).values()) == {"d-0"}
    assert set(sent(await run(world, date(2026, 3, 16))).values()) == {"overdue-1"}
    # the old date's reminders stay in the log beside the new date's
    rows = await world.store.list_reminder_deliveries(world.campaign.id)
    mine = sorted((d.deadline.isoformat(), d.kind) for d in rows if d.contact_id == world.alice.id)
    assert mine == [
        ("2026-03-01", "d-1"), ("2026-03-01", "d-3"), ("2026-03-01", "d-7"),
        ("2026-03-15", "d-0"), ("2026-03-15", "d-7"), ("2026-03-15", "overdue-1"),
    ]  # fmt: skip


async def test_overdue_repeats_every_n_days_up_to_the_cap(world: World) -> None:
    await ops.set_policy(
        world.store, world.campaign.id, offsets="", on_the_day=False,
        overdue_every_days=2, overdue_cap=3,
    )  # fmt: skip
    days_sent = []
    for late in range(0, 20):
        if world.alice.id in sent(await run(world, DEADLINE + timedelta(days=late))):
            days_sent.append(late)
    assert days_sent == [1, 3, 5]
    assert len(world.tg.texts(chat_id=ALICE)) == 3


async def test_the_minimum_gap_defers_a_reminder_until_it_has_passed(world: World) -> None:
    await ops.set_policy(world.store, world.campaign.id, offsets="2,1", min_gap_hours=30)
    assert set(sent(await run(world, DEADLINE - timedelta(days=2), hour=10)).values()) == {"d-2"}
    next_day = await run(world, DEADLINE - timedelta(days=1), hour=12)  # 26 h later
    assert {d.status for d in next_day if d.contact_id == world.alice.id} == {"deferred"}
    assert len(world.tg.texts(chat_id=ALICE)) == 1
    # 30 h after the first: it goes out, the same day
    later = await run(world, DEADLINE - timedelta(days=1), hour=16)
    assert sent(later) == {world.alice.id: "d-1", world.bek.id: "d-1", world.eve.id: "d-1"}


async def test_sending_hours_are_the_campaigns_own_time_zone(world: World) -> None:
    await ops.set_policy(world.store, world.campaign.id, time_zone="Europe/Moscow", hours=(10, 18))
    # 12:00 in Almaty is 10:00 in Moscow: inside; 09:30 in Almaty is 07:30 there: outside
    assert await run(world, D7, hour=9) == []
    assert len(sent(await run(world, D7, hour=12))) == 3
    with pytest.raises(OpsError):
        await ops.set_policy(world.store, world.campaign.id, hours=(18, 10))
    assert (await ops.get_policy(world.store, world.campaign.id)).hours == (10, 18)


async def test_a_sender_killed_while_waiting_out_a_429_delays_nobody(world: World) -> None:
    """Sender A is told to wait 30 s and is killed while it waits; sender B, a moment
    later, sends everyone, Alice included: A held no claim while it waited."""

    class Throttling:
        async def send(self, message: Outgoing) -> None:
            raise Throttled(30)

    waiting = asyncio.Event()

    async def sleep(seconds: float) -> None:
        waiting.set()
        await asyncio.Event().wait()  # forever, until killed

    a = Reminders(world.store, default(), clock=world.clock, sleep=sleep)
    world.clock.now = at(D7)
    task = asyncio.create_task(a.send_due(Throttling(), now=world.clock(), concurrency=1))
    await waiting.wait()
    task.cancel()  # the process is killed mid-wait
    with pytest.raises(asyncio.CancelledError):
        await task

    other = Store.from_url(world.url)
    try:
        world.clock.now = at(D7) + timedelta(seconds=1)
        b = Reminders(other, default(), clock=world.clock)
        done = await b.send_due(world.sender, now=world.clock())
    finally:
        await other.close()
    assert sent(done) == {world.alice.id: "d-7", world.bek.id: "d-7", world.eve.id: "d-7"}
    for chat in (ALICE, BEK, EVE):
        assert len(world.tg.texts(chat_id=chat)) == 1
