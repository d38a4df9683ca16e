"""Reminder claims by the batch: one transaction claims many, one winner each, and what
is given back is as before the claim."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from storage.repository import Store
from tests.storage.conftest import World

T0 = datetime(2026, 2, 22, 7, 0, tzinfo=UTC)


def _log(deliveries) -> list[tuple]:
    return sorted((d.contact_id, d.kind, d.status, d.error) for d in deliveries)


async def test_a_batch_is_claimed_once_and_its_outcomes_recorded_at_once(
    store: Store, world: World
) -> None:
    c = world.campaign
    keys = [(c.id, world.alice.id, "d-7", c.deadline), (c.id, world.bob.id, "d-7", c.deadline)]
    wanted = [(k, "telegram") for k in keys]
    claims = await store.claim_reminders(wanted, now=T0)
    assert set(claims) == set(keys)
    assert await store.claim_reminders(wanted, now=T0 + timedelta(seconds=59)) == {}
    await store.finish_reminders([(keys[0], "sent", None), (keys[1], "failed", "timeout")], now=T0)
    assert _log(await store.list_reminder_deliveries(c.id)) == [
        (world.alice.id, "d-7", "sent", None),
        (world.bob.id, "d-7", "failed", "timeout"),
    ]
    # the failed one is claimed again, the sent one never
    assert set(await store.claim_reminders(wanted, now=T0)) == {keys[1]}
    await store.finish_reminders([(keys[0], "failed", "late report")], now=T0)
    assert (await store.list_reminder_deliveries(c.id))[0].status == "sent", "sent stays sent"
    with pytest.raises(ValueError):
        await store.finish_reminders([(keys[0], "pending", None)])
    with pytest.raises(ValueError):
        await store.claim_reminders([(keys[0], "pigeon")])


async def test_a_stale_batch_claim_is_taken_over_after_the_timeout(
    store: Store, world: World
) -> None:
    c = world.campaign
    key = (c.id, world.alice.id, "d-3", c.deadline)
    assert await store.claim_reminders([(key, "telegram")], now=T0)
    late = T0 + store.REMINDER_CLAIM_TIMEOUT + timedelta(seconds=1)
    assert set(await store.claim_reminders([(key, "email")], now=late)) == {key}
    (row,) = await store.list_reminder_deliveries(c.id)
    assert (row.channel, row.status) == ("email", "pending")


async def test_given_back_claims_leave_the_log_as_before(store: Store, world: World) -> None:
    c = world.campaign
    new, failed = (c.id, world.alice.id, "d-1", c.deadline), (c.id, world.bob.id, "d-1", c.deadline)
    await store.claim_reminders([(failed, "telegram")], now=T0)
    await store.finish_reminders([(failed, "failed", "server error")], now=T0)
    claims = await store.claim_reminders([(new, "telegram"), (failed, "telegram")], now=T0)
    await store.release_reminders(claims.values())
    assert _log(await store.list_reminder_deliveries(c.id)) == [
        (world.bob.id, "d-1", "failed", "server error")
    ]
    # given back, both are claimable at once
    again = await store.claim_reminders([(new, "telegram"), (failed, "telegram")], now=T0)
    assert set(again) == {new, failed}
    # a claim taken over since (another sender's now) is not given back by the first one
    late = T0 + timedelta(minutes=2)
    taken = await store.claim_reminders([(new, "telegram")], now=late)
    await store.release_reminders([again[new]])
    rows = {d.contact_id: d for d in await store.list_reminder_deliveries(c.id)}
    assert rows[world.alice.id].status == "pending" and rows[world.alice.id].at == late
    await store.release_reminders(taken.values())


async def test_overlapping_batches_have_one_winner_each(store: Store, world: World) -> None:
    c = world.campaign
    keys = [(c.id, cid, "d-7", c.deadline) for cid in (world.alice.id, world.bob.id)]
    batches = [[(k, "telegram") for k in (keys if n % 2 else keys[::-1])] for n in range(6)]
    results = await asyncio.gather(*(store.claim_reminders(b, now=T0) for b in batches))
    won = [key for claims in results for key in claims]
    assert sorted(won) == sorted(keys), "each reminder claimed by exactly one batch"
