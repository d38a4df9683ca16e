"""Reminder delivery claimed before sending: one sender wins, failures are retried."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from storage import errors
from storage.repository import Store
from tests.storage.conftest import World


def _rows(deliveries) -> list[tuple]:
    return [(d.contact_id, d.kind, d.channel, d.status, d.error) for d in deliveries]


async def test_claim_then_finish_sent_is_final(store: Store, world: World) -> None:
    cid, alice = world.campaign.id, world.alice.id
    assert await store.claim_reminder(cid, alice, "d-7", channel="telegram")
    assert _rows(await store.list_reminder_deliveries(cid)) == [
        (alice, "d-7", "telegram", "pending", None)
    ]
    # a second claim while the first is in flight loses
    assert not await store.claim_reminder(cid, alice, "d-7", channel="telegram")
    await store.finish_reminder(cid, alice, "d-7", status="sent")
    assert not await store.claim_reminder(cid, alice, "d-7", channel="telegram")
    # even an old sent delivery is never claimed again
    assert not await store.claim_reminder(
        cid, alice, "d-7", channel="telegram", stale_after=timedelta(0)
    )
    # a late "failed" from a sender whose claim was taken over does not undo "sent"
    await store.finish_reminder(cid, alice, "d-7", status="failed", error="late")
    assert _rows(await store.list_reminder_deliveries(cid)) == [
        (alice, "d-7", "telegram", "sent", None)
    ]
    # other kinds and other contacts are claimed independently
    assert await store.claim_reminder(cid, alice, "d-3", channel="telegram")
    assert await store.claim_reminder(cid, world.bob.id, "d-7", channel="telegram")


async def test_failed_delivery_is_claimed_again(store: Store, world: World) -> None:
    cid, bob = world.campaign.id, world.bob.id
    assert await store.claim_reminder(cid, bob, "overdue", channel="telegram")
    await store.finish_reminder(
        cid, bob, "overdue", status="failed", error="Forbidden: bot was blocked by the user"
    )
    assert _rows(await store.list_reminder_deliveries(cid)) == [
        (bob, "overdue", "telegram", "failed", "Forbidden: bot was blocked by the user")
    ]
    # the failed row is no "sent": the contact is still due
    assert bob in [c.id for c in await store.contacts_due_reminder(cid, "overdue")]
    assert await store.claim_reminder(cid, bob, "overdue", channel="telegram")
    assert not await store.claim_reminder(cid, bob, "overdue", channel="telegram")
    await store.finish_reminder(cid, bob, "overdue", status="sent")
    deliveries = await store.list_reminder_deliveries(cid)
    assert _rows(deliveries) == [(bob, "overdue", "telegram", "sent", None)]  # one row, reused
    assert bob not in [c.id for c in await store.contacts_due_reminder(cid, "overdue")]


async def test_a_stale_pending_claim_is_taken_over(store: Store, world: World) -> None:
    cid, alice = world.campaign.id, world.alice.id
    assert await store.claim_reminder(cid, alice, "d-1", channel="telegram")
    # the sender crashed: its claim is fresh for a while, then free for another sender
    assert not await store.claim_reminder(cid, alice, "d-1", channel="telegram")
    assert await store.claim_reminder(
        cid, alice, "d-1", channel="telegram", stale_after=timedelta(0)
    )
    (delivery,) = await store.list_reminder_deliveries(cid)
    assert delivery.status == "pending"
    assert timedelta(minutes=1) == store.REMINDER_CLAIM_TIMEOUT


async def test_concurrent_claims_have_one_winner(store: Store, world: World) -> None:
    cid = world.campaign.id
    results = await asyncio.gather(
        *(store.claim_reminder(cid, world.alice.id, "d-3", channel="telegram") for _ in range(6))
    )
    assert sorted(results) == [False] * 5 + [True]
    assert len(await store.list_reminder_deliveries(cid)) == 1


async def test_concurrent_reclaims_of_a_failed_delivery_have_one_winner(
    store: Store, world: World
) -> None:
    cid, bob = world.campaign.id, world.bob.id
    assert await store.claim_reminder(cid, bob, "d-3", channel="telegram")
    await store.finish_reminder(cid, bob, "d-3", status="failed", error="timeout")
    results = await asyncio.gather(
        *(store.claim_reminder(cid, bob, "d-3", channel="telegram") for _ in range(6))
    )
    assert sorted(results) == [False] * 5 + [True]


async def test_claim_and_finish_check_their_arguments(store: Store, world: World) -> None:
    cid, alice = world.campaign.id, world.alice.id
    with pytest.raises(ValueError):
        await store.claim_reminder(cid, alice, "d-7", channel="pigeon")
    with pytest.raises(errors.NotFound):
        await store.finish_reminder(cid, alice, "d-7", status="sent")
    await store.claim_reminder(cid, alice, "d-7", channel="telegram")
    for status in ("pending", "queued"):
        with pytest.raises(ValueError):
            await store.finish_reminder(cid, alice, "d-7", status=status)


async def test_pending_status_is_allowed_by_the_schema(store: Store, world: World) -> None:
    # the check constraint of migration 0002 accepts the "pending" row a claim writes
    assert await store.claim_reminder(world.campaign.id, world.alice.id, "d-7", channel="telegram")
    (delivery,) = await store.list_reminder_deliveries(world.campaign.id)
    assert delivery.status == "pending"
