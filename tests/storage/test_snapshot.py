"""Store.dialog_snapshot: one read for a dialog step, only the contact's own organisation."""

from __future__ import annotations

import pytest

from storage import errors
from tests.storage.conftest import World


async def test_snapshot_holds_the_own_response_and_answers(store, world: World):
    first = await store.dialog_snapshot(world.alice.id, world.campaign.id)
    assert first.organisation.id == world.org_a.id
    assert first.response.organisation_id == world.org_a.id
    assert first.answers == []
    await store.save_answer(
        first.response.id, "b01.i10.problems", value="x", contact_id=world.alice.id, channel="web"
    )
    again = await store.dialog_snapshot(world.alice.id, world.campaign.id)
    assert again.response.id == first.response.id
    assert [(a.field_code, a.value) for a in again.answers] == [("b01.i10.problems", "x")]
    other = await store.dialog_snapshot(world.bob.id, world.campaign.id)
    assert other.response.id != first.response.id
    assert other.answers == []


async def test_snapshot_refuses_a_deactivated_contact(store, world: World):
    await store.set_contact_active(world.alice.id, False, actor="coordinator:test")
    with pytest.raises(errors.AccessDenied):
        await store.dialog_snapshot(world.alice.id, world.campaign.id)
