"""Invitations: only the hash is stored; every refusal has its own error."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from storage import errors
from storage.models import Invitation
from storage.repository import Store, hash_token
from tests.storage.conftest import World


async def test_create_stores_only_the_hash(store: Store, world: World) -> None:
    invitation, token = await store.create_invitation(
        world.org_a.id, world.campaign.id, actor="coordinator:alice", max_uses=3
    )
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", token)
    assert invitation.token_hash == hash_token(token) != token
    async with store.sessions() as s:
        stored = (await s.scalars(select(Invitation))).one()
    assert stored.token_hash == hash_token(token)
    assert token not in {str(v) for v in vars(stored).values()}
    assert (stored.uses, stored.max_uses) == (0, 3)
    assert stored.expires_at > datetime.now(UTC) + timedelta(days=30)
    (event,) = await store.list_audit_events(action="invitation.created")
    assert (event.actor, event.entity_id) == ("coordinator:alice", invitation.id)
    assert token not in str(event.details)


async def test_redeem_creates_and_binds_a_contact(store: Store, world: World) -> None:
    invitation, token = await store.create_invitation(
        world.org_a.id, world.campaign.id, actor="coordinator:alice", max_uses=2
    )
    contact = await store.redeem_invitation(
        token,
        campaign_id=world.campaign.id,
        telegram_user_id=777,
        channel="telegram",
        display_name="Dana",
        language="kk",
    )
    assert (contact.organisation_id, contact.telegram_user_id, contact.language) == (
        world.org_a.id,
        777,
        "kk",
    )
    # clicking the link again returns the same contact and does not use the invitation up
    again = await store.redeem_invitation(token, telegram_user_id=777, channel="telegram")
    assert again.id == contact.id
    web = await store.redeem_invitation(token, web_login="dana@mvd.kz", channel="web")
    assert web.organisation_id == world.org_a.id and web.id != contact.id
    assert (await store.get_invitation(invitation.id)).uses == 2
    redemptions = await store.list_redemptions(invitation.id)
    assert [(r.contact_id, r.channel) for r in redemptions] == [
        (contact.id, "telegram"),
        (web.id, "web"),
    ]
    assert redemptions[0].redeemed_at.tzinfo is not None
    # the bound contact reaches its own organisation's response
    response = await store.get_response_for_contact(contact.id, world.campaign.id)
    assert response.organisation_id == world.org_a.id


async def test_unknown_and_malformed_tokens(store: Store, world: World) -> None:
    await store.create_invitation(world.org_a.id, world.campaign.id, actor="c")
    for token in ["x" * 43, "", "has space", "a" * 65]:
        with pytest.raises(errors.InvalidInvitation):
            await store.redeem_invitation(token, telegram_user_id=5, channel="telegram")
    assert await store.find_contact(telegram_user_id=5) is None


async def test_expired_token(store: Store, world: World) -> None:
    expires = datetime.now(UTC) - timedelta(minutes=1)
    _, token = await store.create_invitation(
        world.org_a.id, world.campaign.id, actor="c", expires_at=expires
    )
    with pytest.raises(errors.ExpiredInvitation) as info:
        await store.redeem_invitation(token, telegram_user_id=5, channel="telegram")
    assert abs(info.value.expires_at - expires) < timedelta(seconds=1)
    assert await store.find_contact(telegram_user_id=5) is None


async def test_used_up_token(store: Store, world: World) -> None:
    invitation, token = await store.create_invitation(world.org_a.id, world.campaign.id, actor="c")
    await store.redeem_invitation(token, telegram_user_id=5, channel="telegram")
    with pytest.raises(errors.UsedUpInvitation) as info:
        await store.redeem_invitation(token, telegram_user_id=6, channel="telegram")
    assert info.value.max_uses == 1
    assert await store.find_contact(telegram_user_id=6) is None
    assert (await store.get_invitation(invitation.id)).uses == 1


async def test_concurrent_redemptions_respect_max_uses(store: Store, world: World) -> None:
    invitation, token = await store.create_invitation(
        world.org_a.id, world.campaign.id, actor="c", max_uses=2
    )
    results = await asyncio.gather(
        *(
            store.redeem_invitation(token, telegram_user_id=100 + i, channel="telegram")
            for i in range(6)
        ),
        return_exceptions=True,
    )
    bound = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(bound) == 2
    assert len(refused) == 4 and all(isinstance(r, errors.UsedUpInvitation) for r in refused)
    assert (await store.get_invitation(invitation.id)).uses == 2


async def test_token_of_another_campaign(store: Store, world: World) -> None:
    other = await store.create_campaign(
        title="2026",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        questionnaire_version="2026.1",
        requested_on=date(2027, 1, 15),
        actor="c",
    )
    _, token = await store.create_invitation(world.org_a.id, other.id, actor="c")
    with pytest.raises(errors.WrongCampaignInvitation) as info:
        await store.redeem_invitation(
            token, campaign_id=world.campaign.id, telegram_user_id=5, channel="telegram"
        )
    assert (info.value.campaign_id, info.value.expected_campaign_id) == (
        other.id,
        world.campaign.id,
    )
    # without a campaign filter the token works for its own campaign
    contact = await store.redeem_invitation(token, telegram_user_id=5, channel="telegram")
    assert contact.organisation_id == world.org_a.id


async def test_token_does_not_open_another_organisations_response(
    store: Store, world: World
) -> None:
    """Alice answers for A; a token for B must not bind her to B nor show her B's answers."""
    response_b = await store.get_or_create_response(world.org_b.id, world.campaign.id)
    await store.save_answer(
        response_b.id, "b03.i01", value=12, contact_id=world.bob.id, channel="telegram"
    )
    invitation, token_b = await store.create_invitation(
        world.org_b.id, world.campaign.id, actor="c"
    )

    with pytest.raises(errors.AlreadyBoundElsewhere) as info:
        await store.redeem_invitation(token_b, telegram_user_id=1001, channel="telegram")
    assert (info.value.contact_id, info.value.organisation_id) == (world.alice.id, world.org_a.id)
    assert (await store.get_invitation(invitation.id)).uses == 0
    assert (await store.get_contact(world.alice.id)).organisation_id == world.org_a.id

    own = await store.get_response_for_contact(world.alice.id, world.campaign.id)
    assert own.organisation_id == world.org_a.id and own.id != response_b.id
    with pytest.raises(errors.AccessDenied):
        await store.list_answers(response_b.id, contact_id=world.alice.id)
    with pytest.raises(errors.AccessDenied):
        await store.save_answer(
            response_b.id, "b03.i01", value=0, contact_id=world.alice.id, channel="telegram"
        )
    with pytest.raises(errors.AccessDenied):
        await store.submit_response(
            response_b.id, expected_version=response_b.version + 1, contact_id=world.alice.id
        )
    assert (await store.get_answer(response_b.id, "b03.i01")).value == 12


async def test_a_deactivated_contact_stays_deactivated_whatever_link_it_opens(
    store: Store, world: World
) -> None:
    """Issue 10: another invitation of the same organisation must not reactivate it."""
    first, own = await store.create_invitation(world.org_a.id, world.campaign.id, actor="c")
    dana = await store.redeem_invitation(own, telegram_user_id=4242, channel="telegram")
    await store.set_contact_active(dana.id, False, actor="coordinator:test")
    with pytest.raises(errors.AccessDenied):
        await store.get_response_for_contact(dana.id, world.campaign.id)
    second, other = await store.create_invitation(
        world.org_a.id, world.campaign.id, actor="c", max_uses=5
    )
    for token in (other, own):
        with pytest.raises(errors.ContactDeactivated) as info:
            await store.redeem_invitation(token, telegram_user_id=4242, channel="telegram")
        assert info.value.contact_id == dana.id
    assert not (await store.get_contact(dana.id)).active
    assert (await store.get_invitation(second.id)).uses == 0
    assert [r.contact_id for r in await store.list_redemptions(second.id)] == []
    # only the coordinator brings it back
    await store.set_contact_active(dana.id, True, actor="coordinator:test")
    again = await store.redeem_invitation(other, telegram_user_id=4242, channel="telegram")
    assert again.id == dana.id and again.active
    assert (await store.get_invitation(second.id)).uses == 0


async def test_reopening_ones_own_link_is_idempotent(store: Store, world: World) -> None:
    """Issue 10: no duplicate redemption row, no second use, the same contact."""
    invitation, token = await store.create_invitation(
        world.org_a.id, world.campaign.id, actor="c", max_uses=3
    )
    first = await store.redeem_invitation(token, web_login="w-1", channel="web")
    again = await asyncio.gather(
        *(store.redeem_invitation(token, web_login="w-1", channel="web") for _ in range(4))
    )
    assert {c.id for c in again} == {first.id}
    assert (await store.get_invitation(invitation.id)).uses == 1
    assert [r.contact_id for r in await store.list_redemptions(invitation.id)] == [first.id]


async def test_a_revoked_link_refuses_everyone_with_its_own_error(
    store: Store, world: World
) -> None:
    invitation, token = await store.create_invitation(
        world.org_a.id, world.campaign.id, actor="c", max_uses=3
    )
    bound = await store.redeem_invitation(token, telegram_user_id=31, channel="telegram")
    revoked = await store.revoke_invitation(invitation.id, actor="coordinator:test")
    assert revoked.revoked_at is not None and revoked.revoked_by == "coordinator:test"
    for user in (31, 32):  # the one it bound, and a newcomer
        with pytest.raises(errors.RevokedInvitation) as info:
            await store.redeem_invitation(token, telegram_user_id=user, channel="telegram")
        assert info.value.revoked_at == revoked.revoked_at
        assert isinstance(info.value, errors.InvitationError)
    assert await store.find_contact(telegram_user_id=32) is None
    assert (await store.get_contact(bound.id)).active  # revoking a link is not deactivating
    again = await store.revoke_invitation(invitation.id, actor="coordinator:other")
    assert (again.revoked_at, again.revoked_by) == (revoked.revoked_at, "coordinator:test")
    (event,) = await store.list_audit_events(action="invitation.revoked")
    assert event.entity_id == invitation.id


async def test_resending_revokes_the_old_link_and_keeps_the_uses_left(
    store: Store, world: World
) -> None:
    old, old_token = await store.create_invitation(
        world.org_a.id, world.campaign.id, actor="c", max_uses=3
    )
    await store.redeem_invitation(old_token, telegram_user_id=41, channel="telegram")
    new, token = await store.reissue_invitation(old.id, actor="coordinator:test")
    assert (new.organisation_id, new.campaign_id, new.max_uses) == (
        world.org_a.id,
        world.campaign.id,
        2,
    )
    assert token != old_token and new.token_hash == hash_token(token)
    assert (await store.get_invitation(old.id)).revoked_at is not None
    with pytest.raises(errors.RevokedInvitation):
        await store.redeem_invitation(old_token, telegram_user_id=42, channel="telegram")
    contact = await store.redeem_invitation(token, telegram_user_id=42, channel="telegram")
    assert contact.organisation_id == world.org_a.id
    listed = await store.list_invitations(campaign_id=world.campaign.id)
    assert [i.id for i in listed] == [old.id, new.id]
    assert await store.list_invitations(organisation_id=world.org_b.id) == []


async def test_inviting_a_non_member_makes_it_a_member_unless_the_campaign_is_closed(
    store: Store, world: World
) -> None:
    newcomer = await store.create_organisation(
        name_ru="Новый фонд", name_kk="Жаңа қор", subject_kind="ngo"
    )
    assert not await store.is_campaign_member(world.campaign.id, newcomer.id)
    await store.create_invitation(newcomer.id, world.campaign.id, actor="coordinator:test")
    assert await store.is_campaign_member(world.campaign.id, newcomer.id)
    later = await store.create_organisation(name_ru="Поздний", name_kk="Кеш", subject_kind="ngo")
    await store.set_campaign_status(world.campaign.id, "closed", actor="coordinator:test")
    with pytest.raises(errors.CampaignClosed):
        await store.create_invitation(later.id, world.campaign.id, actor="coordinator:test")
    assert not await store.is_campaign_member(world.campaign.id, later.id)
    # a member of a closed campaign may still get a link (to read its answers)
    await store.create_invitation(world.org_a.id, world.campaign.id, actor="coordinator:test")


async def test_find_invitation_by_token(store, world):
    invitation, token = await store.create_invitation(
        world.org_a.id, world.campaign.id, actor="coordinator:test"
    )
    found = await store.find_invitation(token)
    assert found is not None and found.id == invitation.id
    assert found.campaign_id == world.campaign.id
    assert await store.find_invitation(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert await store.find_invitation("not a token!") is None
