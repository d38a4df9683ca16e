"""The reminder log's "still due" query, and processed-update idempotency."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from storage.repository import Store
from tests.storage.conftest import World


async def test_contacts_due_reminder(store: Store, world: World) -> None:
    cid = world.campaign.id
    carol = await store.create_contact(world.org_a.id, web_login="carol", actor="c")
    org_c = await store.create_organisation(name_ru="C", name_kk="C", subject_kind="akimat")
    dan = await store.create_contact(org_c.id, telegram_user_id=3003, actor="c")
    gone = await store.create_contact(org_c.id, telegram_user_id=3004, actor="c")
    await store.set_contact_active(gone.id, False, actor="c")

    def ids(contacts):  # type: ignore[no-untyped-def]
        return [c.id for c in contacts]

    # org C does not take part in the campaign: its contacts are nobody's to remind
    assert ids(await store.contacts_due_reminder(cid, "d-7")) == [
        world.alice.id,
        world.bob.id,
        carol.id,
    ]
    await store.add_campaign_members(cid, [org_c.id], actor="c")
    assert ids(await store.contacts_due_reminder(cid, "d-7")) == [
        world.alice.id,
        world.bob.id,
        carol.id,
        dan.id,
    ]
    # org B submits: Bob is no longer due
    response_b = await store.get_or_create_response(world.org_b.id, cid)
    await store.submit_response(response_b.id, expected_version=1, contact_id=world.bob.id)
    # Alice got the d-7 reminder, Carol's failed (so she is still due)
    for contact_id, status in ((world.alice.id, "sent"), (carol.id, "failed")):
        assert await store.claim_reminder(cid, contact_id, "d-7", channel="telegram")
        await store.finish_reminder(cid, contact_id, "d-7", status=status, error=None)
    assert ids(await store.contacts_due_reminder(cid, "d-7")) == [carol.id, dan.id]
    assert ids(await store.contacts_due_reminder(cid, "d-1")) == [world.alice.id, carol.id, dan.id]
    # a returned response makes its organisation due again
    await store.return_for_correction(response_b.id, "fix block 3", actor="coordinator:x")
    assert world.bob.id in ids(await store.contacts_due_reminder(cid, "d-7"))


async def test_an_extended_deadline_rearms_its_reminders(store: Store, world: World) -> None:
    """Claims are per deadline: the new date's D-7 goes out although the old one's did."""
    cid, alice = world.campaign.id, world.alice.id
    first = world.campaign.deadline
    assert await store.claim_reminder(cid, alice, "d-7", channel="telegram")
    await store.finish_reminder(cid, alice, "d-7", status="sent")
    assert not await store.claim_reminder(cid, alice, "d-7", channel="telegram")
    assert alice not in [c.id for c in await store.contacts_due_reminder(cid, "d-7")]

    extended = first + timedelta(days=14)
    await store.set_campaign_deadline(cid, extended, actor="coordinator:test")
    assert alice in [c.id for c in await store.contacts_due_reminder(cid, "d-7")]
    assert alice not in [
        c.id for c in await store.contacts_due_reminder(cid, "d-7", deadline=first)
    ]
    assert await store.claim_reminder(cid, alice, "d-7", channel="telegram")
    await store.set_campaign_deadline(cid, extended + timedelta(days=1), actor="coordinator:test")
    # the deadline moved again between the claim and its report: the claim is still found
    await store.finish_reminder(cid, alice, "d-7", status="sent")
    rows = await store.list_reminder_deliveries(cid)
    assert [(r.kind, r.deadline, r.status) for r in rows] == [
        ("d-7", first, "sent"),
        ("d-7", extended, "sent"),
    ]
    assert not await store.claim_reminder(cid, alice, "d-7", channel="telegram", deadline=first)


async def test_mark_processed_is_idempotent(store: Store) -> None:
    assert await store.mark_processed("telegram", 123456789012)
    assert not await store.mark_processed("telegram", 123456789012)
    assert await store.mark_processed("web", 123456789012)
    results = await asyncio.gather(*(store.mark_processed("telegram", 55) for _ in range(6)))
    assert sorted(results) == [False] * 5 + [True]
    assert await store.forget_processed_before(datetime.now(UTC) - timedelta(hours=1)) == 0
    assert await store.forget_processed_before(datetime.now(UTC) + timedelta(seconds=5)) == 3
    assert await store.mark_processed("telegram", 123456789012)
