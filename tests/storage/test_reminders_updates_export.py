"""Reminder log and its "still due" query, processed-update idempotency, audited exports."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from storage import errors
from storage.repository import Store
from tests.storage.conftest import World


async def test_reminder_is_recorded_once_per_kind(store: Store, world: World) -> None:
    cid = world.campaign.id
    assert await store.record_reminder(
        cid, world.alice.id, "d-7", channel="telegram", status="sent"
    )
    assert not await store.record_reminder(
        cid, world.alice.id, "d-7", channel="telegram", status="sent"
    )
    assert await store.record_reminder(
        cid, world.alice.id, "d-1", channel="telegram", status="sent"
    )
    # a failed delivery may be retried; once sent it is final
    assert await store.record_reminder(
        cid,
        world.bob.id,
        "d-7",
        channel="telegram",
        status="failed",
        error="Forbidden: bot blocked",
    )
    assert await store.record_reminder(cid, world.bob.id, "d-7", channel="web", status="sent")
    assert not await store.record_reminder(
        cid, world.bob.id, "d-7", channel="web", status="failed", error="late"
    )
    deliveries = await store.list_reminder_deliveries(cid)
    assert [(d.contact_id, d.kind, d.channel, d.status, d.error) for d in deliveries] == [
        (world.alice.id, "d-7", "telegram", "sent", None),
        (world.alice.id, "d-1", "telegram", "sent", None),
        (world.bob.id, "d-7", "web", "sent", None),
    ]
    with pytest.raises(ValueError):
        await store.record_reminder(cid, world.bob.id, "d-3", channel="telegram", status="queued")


async def test_concurrent_reminder_records_keep_one(store: Store, world: World) -> None:
    results = await asyncio.gather(
        *(
            store.record_reminder(
                world.campaign.id, world.alice.id, "d-3", channel="telegram", status="sent"
            )
            for _ in range(5)
        )
    )
    assert sorted(results) == [False, False, False, False, True]
    assert len(await store.list_reminder_deliveries(world.campaign.id)) == 1


async def test_contacts_due_reminder(store: Store, world: World) -> None:
    cid = world.campaign.id
    carol = await store.create_contact(world.org_a.id, web_login="carol", actor="c")
    org_c = await store.create_organisation(name_ru="C", name_kk="C", subject_kind="akimat")
    dan = await store.create_contact(org_c.id, telegram_user_id=3003, actor="c")
    gone = await store.create_contact(org_c.id, telegram_user_id=3004, actor="c")
    await store.set_contact_active(gone.id, False, actor="c")

    def ids(contacts):  # type: ignore[no-untyped-def]
        return [c.id for c in contacts]

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
    await store.record_reminder(cid, world.alice.id, "d-7", channel="telegram", status="sent")
    await store.record_reminder(cid, carol.id, "d-7", channel="web", status="failed", error="x")
    assert ids(await store.contacts_due_reminder(cid, "d-7")) == [carol.id, dan.id]
    assert ids(await store.contacts_due_reminder(cid, "d-1")) == [world.alice.id, carol.id, dan.id]
    # a returned response makes its organisation due again
    await store.return_for_correction(response_b.id, "fix block 3", actor="coordinator:x")
    assert world.bob.id in ids(await store.contacts_due_reminder(cid, "d-7"))


async def test_mark_processed_is_idempotent(store: Store) -> None:
    assert await store.mark_processed("telegram", 123456789012)
    assert not await store.mark_processed("telegram", 123456789012)
    assert await store.mark_processed("web", 123456789012)
    results = await asyncio.gather(*(store.mark_processed("telegram", 55) for _ in range(6)))
    assert sorted(results) == [False] * 5 + [True]
    assert await store.forget_processed_before(datetime.now(UTC) - timedelta(hours=1)) == 0
    assert await store.forget_processed_before(datetime.now(UTC) + timedelta(seconds=5)) == 3
    assert await store.mark_processed("telegram", 123456789012)


async def test_export_takes_submitted_answers_and_is_audited(store: Store, world: World) -> None:
    cid = world.campaign.id
    response_a = await store.get_response_for_contact(world.alice.id, cid)
    response_b = await store.get_response_for_contact(world.bob.id, cid)
    await store.save_answer(
        response_a.id, "b01.i02", value={"m": 1}, contact_id=world.alice.id, channel="web"
    )
    await store.save_answer(
        response_a.id, "b01.i01", no_data_reason="n/a", contact_id=world.alice.id, channel="web"
    )
    await store.save_answer(
        response_b.id, "b03.i01", value=4, contact_id=world.bob.id, channel="web"
    )
    await store.submit_response(response_a.id, expected_version=3, contact_id=world.alice.id)

    rows = await store.export_answers(cid, actor="coordinator:alice")
    assert [
        (r.organisation_id, r.field_code, r.status, r.value, r.no_data_reason) for r in rows
    ] == [
        (world.org_a.id, "b01.i01", "no_data", None, "n/a"),
        (world.org_a.id, "b01.i02", "answered", {"m": 1}, None),
    ]
    everything = await store.export_answers(cid, actor="coordinator:alice", only_submitted=False)
    assert {r.response_status for r in everything} == {"submitted", "in_progress"}
    assert len(everything) == 3

    events = await store.list_audit_events(action="export.taken")
    assert [(e.actor, e.entity_id, e.details["rows"]) for e in events] == [
        ("coordinator:alice", cid, 2),
        ("coordinator:alice", cid, 3),
    ]
    with pytest.raises(errors.NotFound):
        await store.export_answers(9999, actor="coordinator:alice")
