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


async def test_campaign_snapshot_groups_answers_by_response(store, world: World):
    a = await store.get_response_for_contact(world.alice.id, world.campaign.id)
    b = await store.get_response_for_contact(world.bob.id, world.campaign.id)
    for code, value in (("b01.i10.problems", "x"), ("b01.i09.publications", 3)):
        await store.save_answer(a.id, code, value=value, contact_id=world.alice.id, channel="web")
    await store.save_answer(
        b.id, "b01.i10.problems", no_data_reason="нет учёта", contact_id=world.bob.id, channel="web"
    )
    snap = await store.campaign_snapshot(world.campaign.id)
    assert snap.campaign.id == world.campaign.id
    assert {o.id for o in snap.organisations} >= {world.org_a.id, world.org_b.id}
    assert {r.id for r in snap.responses} == {a.id, b.id}
    assert [(x.field_code, x.value) for x in snap.answers[a.id]] == [
        ("b01.i09.publications", 3),
        ("b01.i10.problems", "x"),
    ]
    assert [(x.status, x.no_data_reason) for x in snap.answers[b.id]] == [("no_data", "нет учёта")]


async def test_campaign_snapshot_of_an_unknown_campaign(store, world: World):
    with pytest.raises(errors.NotFound):
        await store.campaign_snapshot(world.campaign.id + 100)
