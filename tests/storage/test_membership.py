"""Campaign membership: who takes part, year two from last year, a contact's current campaign."""

from __future__ import annotations

from datetime import date

import pytest

from storage import errors
from storage.repository import Store
from tests.storage.conftest import World

ACTOR = "coordinator:test"


async def next_year(store: Store, world: World, *, members_from: int | None = None):  # type: ignore[no-untyped-def]
    return await store.create_campaign(
        title="2026",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        questionnaire_version="2025.1",
        requested_on=date(2027, 1, 15),
        members_from=members_from,
        actor=ACTOR,
    )


async def test_members_are_added_once_and_listed_by_id(store: Store, world: World) -> None:
    cid = world.campaign.id
    assert [o.id for o in await store.campaign_organisations(cid)] == [
        world.org_a.id,
        world.org_b.id,
    ]
    org_c = await store.create_organisation(name_ru="C", name_kk="C", subject_kind="akimat")
    added = await store.add_campaign_members(cid, [org_c.id, world.org_a.id, org_c.id], actor=ACTOR)
    assert added == [org_c.id]
    assert [o.id for o in await store.campaign_organisations(cid)] == [
        world.org_a.id,
        world.org_b.id,
        org_c.id,
    ]
    with pytest.raises(errors.NotFound):
        await store.add_campaign_members(cid, [999], actor=ACTOR)
    with pytest.raises(errors.NotFound):
        await store.campaign_organisations(999)
    events = await store.list_audit_events(action="campaign.member_added")
    assert [e.details["organisation_id"] for e in events][-1] == org_c.id


async def test_a_non_member_cannot_open_the_campaign(store: Store, world: World) -> None:
    org_c = await store.create_organisation(name_ru="C", name_kk="C", subject_kind="akimat")
    carol = await store.create_contact(org_c.id, telegram_user_id=303, actor=ACTOR)
    with pytest.raises(errors.NotCampaignMember) as info:
        await store.get_response_for_contact(carol.id, world.campaign.id)
    assert (info.value.organisation_id, info.value.campaign_id) == (org_c.id, world.campaign.id)
    assert info.value.contact_id == carol.id and isinstance(info.value, errors.AccessDenied)
    with pytest.raises(errors.NotCampaignMember):
        await store.dialog_snapshot(carol.id, world.campaign.id)
    with pytest.raises(errors.NotCampaignMember):
        await store.get_or_create_response(org_c.id, world.campaign.id)
    assert await store.list_responses(world.campaign.id) == []


async def test_leaving_keeps_the_answers_revokes_the_links_and_hides_it(
    store: Store, world: World
) -> None:
    cid = world.campaign.id
    response = await store.get_response_for_contact(world.bob.id, cid)
    await store.save_answer(response.id, "b03.i01", value=4, contact_id=world.bob.id, channel="web")
    invitation, token = await store.create_invitation(world.org_b.id, cid, actor=ACTOR)
    assert await store.remove_campaign_members(cid, [world.org_b.id, 999], actor=ACTOR) == [
        world.org_b.id
    ]
    assert (await store.get_invitation(invitation.id)).revoked_at is not None
    with pytest.raises(errors.RevokedInvitation):
        await store.redeem_invitation(token, telegram_user_id=9, channel="telegram")
    with pytest.raises(errors.NotCampaignMember):
        await store.get_response_for_contact(world.bob.id, cid)
    snapshot = await store.campaign_snapshot(cid)
    assert [o.id for o in snapshot.organisations] == [world.org_a.id]
    assert snapshot.responses == [] and snapshot.answers == {}
    # back again: the answers come back with it
    await store.add_campaign_members(cid, [world.org_b.id], actor=ACTOR)
    again = await store.get_response_for_contact(world.bob.id, cid)
    assert again.id == response.id
    assert (await store.get_answer(response.id, "b03.i01")).value == 4  # type: ignore[union-attr]


async def test_a_closed_campaigns_members_cannot_change(store: Store, world: World) -> None:
    cid = world.campaign.id
    org_c = await store.create_organisation(name_ru="C", name_kk="C", subject_kind="akimat")
    closed = await store.set_campaign_status(cid, "closed", actor=ACTOR)
    assert closed.closed_at is not None
    with pytest.raises(errors.CampaignClosed):
        await store.add_campaign_members(cid, [org_c.id], actor=ACTOR)
    with pytest.raises(errors.CampaignClosed):
        await store.remove_campaign_members(cid, [world.org_a.id], actor=ACTOR)
    reopened = await store.set_campaign_status(cid, "open", actor=ACTOR)
    assert reopened.closed_at is None
    assert await store.add_campaign_members(cid, [org_c.id], actor=ACTOR) == [org_c.id]


async def test_year_two_copies_the_members_still_on_the_list(store: Store, world: World) -> None:
    org_c = await store.create_organisation(name_ru="C", name_kk="C", subject_kind="akimat")
    await store.add_campaign_members(world.campaign.id, [org_c.id], actor=ACTOR)
    await store.remove_organisation(org_c.id, actor=ACTOR)  # leaves the running campaign
    await store.set_campaign_status(world.campaign.id, "closed", actor=ACTOR)
    second = await next_year(store, world, members_from=world.campaign.id)
    assert [o.id for o in await store.campaign_organisations(second.id)] == [
        world.org_a.id,
        world.org_b.id,
    ]
    (event,) = await store.list_audit_events(action="campaign.members_copied")
    assert event.details == {"source_campaign_id": world.campaign.id, "organisations": 2}
    # the bound contact goes on without a new link
    await store.set_campaign_status(second.id, "open", actor=ACTOR)
    response = await store.get_response_for_contact(world.alice.id, second.id)
    assert (response.organisation_id, response.campaign_id) == (world.org_a.id, second.id)
    assert await store.list_invitations(campaign_id=second.id) == []
    with pytest.raises(errors.NotFound):
        await next_year(store, world, members_from=999)


async def test_the_current_campaign_is_the_open_one_the_organisation_is_in(
    store: Store, world: World
) -> None:
    assert (await store.current_campaign(world.alice.id)).id == world.campaign.id  # type: ignore[union-attr]
    second = await next_year(store, world)
    await store.add_campaign_members(second.id, [world.org_b.id], actor=ACTOR)
    await store.set_campaign_status(second.id, "open", actor=ACTOR)
    # both open: each contact gets the newest request its organisation is part of
    assert (await store.current_campaign(world.alice.id)).id == world.campaign.id  # type: ignore[union-attr]
    assert (await store.current_campaign(world.bob.id)).id == second.id  # type: ignore[union-attr]
    await store.set_campaign_status(world.campaign.id, "closed", actor=ACTOR)
    assert await store.current_campaign(world.alice.id) is None
    assert [c.id for c in await store.organisation_campaigns(world.org_b.id)] == [
        second.id,
        world.campaign.id,
    ]
    await store.set_contact_active(world.bob.id, False, actor=ACTOR)
    with pytest.raises(errors.AccessDenied):
        await store.current_campaign(world.bob.id)
