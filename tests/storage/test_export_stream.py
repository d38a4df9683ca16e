"""Store.export_snapshot: a whole campaign streamed as of one moment, on both backends."""

from __future__ import annotations

import asyncio

import pytest

from storage import errors
from tests.storage.conftest import World


async def test_organisations_stream_in_id_order_with_their_answers(store, world: World):
    a = await store.get_response_for_contact(world.alice.id, world.campaign.id)
    for code, value in (("b01.i10.problems", "x"), ("b01.i09.publications", 3)):
        await store.save_answer(a.id, code, value=value, contact_id=world.alice.id, channel="web")
    lonely = await store.create_organisation(name_ru="Н", name_kk="Н", subject_kind="ngo")
    await store.add_campaign_members(world.campaign.id, [lonely.id], actor="test")
    # an organisation of the master list that this campaign did not ask is not exported
    await store.create_organisation(name_ru="Не участник", name_kk="Н", subject_kind="ngo")
    async with store.export_snapshot() as reader:
        campaign = await reader.campaign(world.campaign.id)
        got = [o async for o in reader.organisations(world.campaign.id)]
    assert campaign.title == world.campaign.title
    assert [o.organisation.id for o in got] == [world.org_a.id, world.org_b.id, lonely.id]
    first = got[0]
    assert first.response is not None and first.response.status == "in_progress"
    assert [(x.field_code, x.value, x.version) for x in first.answers] == [
        ("b01.i09.publications", 3, 1),
        ("b01.i10.problems", "x", 1),
    ]
    assert got[1].response is None and got[1].answers == []
    assert got[2].organisation.name_kk == "Н"


async def test_the_snapshot_does_not_see_a_write_made_during_the_export(store, world: World):
    a = await store.get_response_for_contact(world.alice.id, world.campaign.id)
    await store.save_answer(
        a.id, "b01.i09.publications", value=3, contact_id=world.alice.id, channel="web"
    )
    async with store.export_snapshot() as reader:
        before = [o async for o in reader.organisations(world.campaign.id)]
        # a colleague corrects the answer while the export runs (the snapshot holds no lock)
        await asyncio.wait_for(
            store.save_answer(
                a.id,
                "b01.i09.publications",
                value=30,
                contact_id=world.alice.id,
                channel="web",
                expected_version=1,
            ),
            timeout=10,
        )
        after = [o async for o in reader.organisations(world.campaign.id)]
    assert before[0].answers[0].value == after[0].answers[0].value == 3
    async with store.export_snapshot() as reader:
        fresh = [o async for o in reader.organisations(world.campaign.id)]
    assert fresh[0].answers[0].value == 30


async def test_answer_keys_and_unknown_campaigns(store, world: World):
    a = await store.get_response_for_contact(world.alice.id, world.campaign.id)
    code = "b16.i01.citizenship"
    await store.save_answer(
        a.id, code, value={"UZ": 2, "KG": 1}, contact_id=world.alice.id, channel="web"
    )
    async with store.export_snapshot() as reader:
        assert await reader.answer_keys(
            world.campaign.id, [code, "b02.i08.victims_citizenship"]
        ) == {
            code: {"UZ", "KG"},
            "b02.i08.victims_citizenship": set(),
        }
        assert [c.id for c in await reader.campaigns()] == [world.campaign.id]
        with pytest.raises(errors.NotFound):
            await reader.campaign(world.campaign.id + 100)
