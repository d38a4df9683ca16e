"""Responses: one per organisation and campaign; submit / return with optimistic locking."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from storage import errors
from storage.models import Response
from storage.repository import Store
from tests.storage.conftest import World


async def _count_responses(store: Store) -> int:
    async with store.sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(Response)))


async def test_get_or_create_returns_the_same_response(store: Store, world: World) -> None:
    first = await store.get_or_create_response(world.org_a.id, world.campaign.id)
    assert (first.status, first.version, first.submitted_at) == ("not_started", 1, None)
    second = await store.get_or_create_response(world.org_a.id, world.campaign.id)
    assert second.id == first.id
    other = await store.get_or_create_response(world.org_b.id, world.campaign.id)
    assert other.id != first.id
    assert await _count_responses(store) == 2
    with pytest.raises(errors.NotFound):
        await store.get_or_create_response(world.org_a.id, 9999)


async def test_lost_insert_race_turns_into_get_existing(
    store: Store, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simulate the race: the pre-check sees nothing (another task has not committed yet),
    the insert then hits the unique constraint and the existing row is returned."""
    existing = await store.get_or_create_response(world.org_a.id, world.campaign.id)
    original = Store._find_response
    calls = 0

    async def blind_first_lookup(session, organisation_id, campaign_id):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls == 1:
            return None
        return await original(session, organisation_id, campaign_id)

    monkeypatch.setattr(Store, "_find_response", staticmethod(blind_first_lookup))
    again = await store.get_or_create_response(world.org_a.id, world.campaign.id)
    assert calls == 2  # the IntegrityError path ran the second lookup
    assert again.id == existing.id
    assert await _count_responses(store) == 1


async def test_concurrent_get_or_create_makes_one_row(store: Store, world: World) -> None:
    results = await asyncio.gather(
        *(store.get_or_create_response(world.org_a.id, world.campaign.id) for _ in range(8))
    )
    assert len({r.id for r in results}) == 1
    assert await _count_responses(store) == 1


async def test_submit_and_return_for_correction(store: Store, world: World) -> None:
    response = await store.get_response_for_contact(world.alice.id, world.campaign.id)
    answer = await store.save_answer(
        response.id, "b01.i01", value=5, contact_id=world.alice.id, channel="telegram"
    )
    assert answer.version == 1
    current = await store.get_response(response.id)
    assert (current.status, current.version) == ("in_progress", 2)

    submitted = await store.submit_response(
        response.id, expected_version=2, contact_id=world.alice.id
    )
    assert (submitted.status, submitted.submitted_by) == ("submitted", world.alice.id)
    assert submitted.submitted_at is not None and submitted.submitted_at.tzinfo is not None
    with pytest.raises(errors.ResponseLockedError):
        await store.submit_response(response.id, expected_version=3, contact_id=world.alice.id)
    assert [r.id for r in await store.list_responses(world.campaign.id, status="submitted")] == [
        response.id
    ]

    with pytest.raises(ValueError):
        await store.return_for_correction(response.id, "  ", actor="coordinator:alice")
    returned = await store.return_for_correction(
        response.id, "Block 1: totals do not add up", actor="coordinator:alice"
    )
    assert (returned.status, returned.return_reason, returned.version) == (
        "returned",
        "Block 1: totals do not add up",
        4,
    )
    with pytest.raises(errors.InvalidTransition):
        await store.return_for_correction(response.id, "again", actor="coordinator:alice")

    # a returned response is writable again and can be resubmitted
    await store.save_answer(
        response.id, "b01.i01", value=6, contact_id=world.alice.id, channel="web"
    )
    again = await store.submit_response(response.id, expected_version=5, contact_id=world.alice.id)
    assert (again.status, again.return_reason) == ("submitted", None)

    events = await store.list_audit_events(entity_type="response", entity_id=response.id)
    assert [(e.action, e.actor) for e in events] == [
        ("response.submitted", f"contact:{world.alice.id}"),
        ("response.returned", "coordinator:alice"),
        ("response.submitted", f"contact:{world.alice.id}"),
    ]
    assert events[1].details == {"reason": "Block 1: totals do not add up"}


async def test_stale_submit_is_refused(store: Store, world: World) -> None:
    """Alice confirms the summary at version v; Bob's colleague changes a field; the submit
    carrying v is refused so nothing unseen gets submitted."""
    colleague = await store.create_contact(world.org_a.id, web_login="colleague", actor="c")
    response = await store.get_response_for_contact(world.alice.id, world.campaign.id)
    await store.save_answer(
        response.id, "b01.i01", value=1, contact_id=world.alice.id, channel="telegram"
    )
    seen = (await store.get_response(response.id)).version
    await store.save_answer(response.id, "b01.i02", value=2, contact_id=colleague.id, channel="web")
    with pytest.raises(errors.StaleResponseError) as info:
        await store.submit_response(response.id, expected_version=seen, contact_id=world.alice.id)
    assert (info.value.expected_version, info.value.current_version) == (seen, seen + 1)
    assert (await store.get_response(response.id)).status == "in_progress"
    await store.submit_response(response.id, expected_version=seen + 1, contact_id=world.alice.id)


async def test_coordinator_return_with_stale_version(store: Store, world: World) -> None:
    response = await store.get_or_create_response(world.org_a.id, world.campaign.id)
    await store.submit_response(
        response.id, expected_version=1, contact_id=None, actor="coordinator:x"
    )
    with pytest.raises(errors.StaleResponseError):
        await store.return_for_correction(response.id, "fix", actor="c", expected_version=1)
    returned = await store.return_for_correction(response.id, "fix", actor="c", expected_version=2)
    assert returned.status == "returned"
