"""The campaign roster (who to chase) and contacts with their last-seen time."""

from __future__ import annotations

from datetime import timedelta

from storage.models import utcnow
from storage.repository import Store
from tests.storage.conftest import World

ACTOR = "coordinator:test"


async def test_the_roster_holds_members_responses_contacts_and_links(
    store: Store, world: World
) -> None:
    cid = world.campaign.id
    org_c = await store.create_organisation(name_ru="C", name_kk="C", subject_kind="akimat")
    await store.create_organisation(name_ru="Not in it", name_kk="D", subject_kind="akimat")
    await store.add_campaign_members(cid, [org_c.id], actor=ACTOR)
    invitation, token = await store.create_invitation(org_c.id, cid, actor=ACTOR, max_uses=2)
    carol = await store.redeem_invitation(token, web_login="carol", channel="web")
    await store.save_dialog_state(carol.id, {"at": "1.1"}, expected_version=None)
    response = await store.get_response_for_contact(world.alice.id, cid)

    await store.revoke_invitation(invitation.id, actor=ACTOR)
    await store.create_invitation(org_c.id, cid, actor=ACTOR)

    roster = await store.campaign_roster(cid)
    members = {m.organisation_id: m for m in roster.members}
    assert list(members) == [world.org_a.id, world.org_b.id, org_c.id]
    assert members[org_c.id].name_ru == "C" and members[org_c.id].subject_kind == "akimat"
    with_response = [m.organisation_id for m in roster.members if m.response_id is not None]
    assert with_response == [world.org_a.id]
    assert members[world.org_a.id].response_id == response.id
    assert members[world.org_a.id].status == response.status
    assert members[world.org_a.id].updated_at == response.updated_at
    assert (members[org_c.id].status, members[org_c.id].updated_at) == (None, None)
    assert [c.id for c in roster.contacts[org_c.id]] == [carol.id]
    (seen,) = roster.contacts[org_c.id]
    assert seen.joined_via == "web" and seen.last_seen_at is not None
    assert (seen.web_login, seen.telegram_user_id) == ("carol", None)
    (alice,) = roster.contacts[world.org_a.id]
    assert (alice.joined_via, alice.last_seen_at) == (None, None)  # bound by the coordinator
    assert roster.links[org_c.id] == (2, 1, 1)  # made, used, revoked
    assert world.org_a.id not in roster.links


async def test_a_closed_campaigns_roster_reads_as_it_was_when_it_closed(
    store: Store, world: World
) -> None:
    cid = world.campaign.id
    await store.set_campaign_status(cid, "closed", actor=ACTOR)
    # after closing: Alice changes jobs (released), org B gets a second contact
    await store.release_contact(world.alice.id, actor=ACTOR)
    await store.create_contact(world.org_b.id, telegram_user_id=9090, actor=ACTOR)
    roster = await store.campaign_roster(cid)
    assert [c.id for c in roster.contacts[world.org_a.id]] == [world.alice.id]
    assert [c.id for c in roster.contacts[world.org_b.id]] == [world.bob.id]
    # an open campaign reads the present: a released contact no longer counts
    await store.set_campaign_status(cid, "open", actor=ACTOR)
    roster = await store.campaign_roster(cid)
    assert world.org_a.id not in roster.contacts
    assert len(roster.contacts[world.org_b.id]) == 2
    # and as of an earlier moment, when asked
    before = await store.campaign_roster(cid, now=utcnow() - timedelta(days=1))
    assert before.contacts == {}


async def test_contacts_seen_lists_by_organisation_and_activity(store: Store, world: World) -> None:
    await store.set_contact_active(world.bob.id, False, actor=ACTOR)
    everyone = await store.list_contacts_seen()
    assert [s.contact.id for s in everyone] == [world.alice.id, world.bob.id]
    assert (await store.get_contact(world.bob.id)).deactivated_at is not None
    active = await store.list_contacts_seen(include_inactive=False)
    assert [s.contact.id for s in active] == [world.alice.id]
    only_b = await store.list_contacts_seen(organisation_ids=[world.org_b.id])
    assert [s.contact.id for s in only_b] == [world.bob.id]
    await store.set_contact_active(world.bob.id, True, actor=ACTOR)
    assert (await store.get_contact(world.bob.id)).deactivated_at is None
