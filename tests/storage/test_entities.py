"""CRUD of campaigns, organisations, contacts, audit events, dialog state; UTC timestamps."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from storage import errors
from storage.repository import Store
from tests.storage.conftest import World


async def test_campaign_crud_and_default_deadline(store: Store) -> None:
    campaign = await store.create_campaign(
        title="2024",
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        questionnaire_version="2024.1",
        requested_on=date(2025, 1, 31),
        actor="coordinator:alice",
    )
    assert campaign.status == "draft"
    assert campaign.deadline == date(2025, 2, 28)
    other = await store.create_campaign(
        title="2025",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        questionnaire_version="2025.1",
        requested_on=date(2026, 1, 10),
        deadline=date(2026, 3, 1),
        actor="coordinator:alice",
    )
    assert other.deadline == date(2026, 3, 1)

    loaded = await store.get_campaign(campaign.id)
    assert (loaded.title, loaded.period_start, loaded.questionnaire_version) == (
        "2024",
        date(2024, 1, 1),
        "2024.1",
    )
    assert [c.id for c in await store.list_campaigns()] == [other.id, campaign.id]

    await store.set_campaign_status(campaign.id, "open", actor="coordinator:alice")
    assert [c.id for c in await store.list_campaigns("open")] == [campaign.id]
    await store.set_campaign_deadline(campaign.id, date(2025, 3, 15), actor="coordinator:alice")
    assert (await store.get_campaign(campaign.id)).deadline == date(2025, 3, 15)
    await store.set_campaign_status(campaign.id, "closed", actor="coordinator:alice")
    with pytest.raises(errors.InvalidTransition) as transition:
        await store.set_campaign_status(other.id, "draft", actor="coordinator:alice")
    assert (transition.value.current, transition.value.wanted) == ("draft", "draft")
    assert "is 'draft' and cannot become 'draft'" in str(transition.value)
    with pytest.raises(errors.InvalidTransition) as transition:
        await store.set_campaign_status(campaign.id, "draft", actor="coordinator:alice")
    assert "is 'closed' and cannot become 'draft'" in str(transition.value)
    with pytest.raises(errors.NotFound) as info:
        await store.get_campaign(9999)
    assert info.value.entity == "Campaign"

    actions = [e.action for e in await store.list_audit_events(entity_type="campaign")]
    assert actions == [
        "campaign.created",
        "campaign.created",
        "campaign.open",
        "campaign.deadline_changed",
        "campaign.closed",
    ]


async def test_campaign_period_must_be_ordered(store: Store) -> None:
    with pytest.raises(ValueError):
        await store.create_campaign(
            title="bad",
            period_start=date(2025, 2, 1),
            period_end=date(2025, 1, 1),
            questionnaire_version="x",
            requested_on=date(2025, 3, 1),
            actor="coordinator:alice",
        )


async def test_organisation_crud(store: Store) -> None:
    org = await store.create_organisation(
        name_ru="ДП", name_kk="ПД", subject_kind="mvd_unit", blocks=[1, 4]
    )
    ngo = await store.create_organisation(name_ru="ОФ", name_kk="ҚҚ", subject_kind="ngo")
    second = await store.create_organisation(
        name_ru="ДП 2", name_kk="ПД 2", subject_kind="mvd_unit"
    )
    loaded = await store.get_organisation(org.id)
    assert (loaded.name_ru, loaded.name_kk, loaded.blocks, loaded.region) == (
        "ДП",
        "ПД",
        [1, 4],
        None,
    )
    assert [o.id for o in await store.list_organisations("mvd_unit")] == [org.id, second.id]
    assert len(await store.list_organisations()) == 3
    await store.update_organisation(org.id, blocks=[2, 3, 5], region="Astana")
    loaded = await store.get_organisation(org.id)
    assert (loaded.blocks, loaded.region, loaded.name_ru) == ([2, 3, 5], "Astana", "ДП")
    assert (await store.get_organisation(ngo.id)).blocks == []


async def test_contact_crud_and_unique_identity(store: Store, world: World) -> None:
    web = await store.create_contact(
        world.org_a.id, web_login="aigerim@mvd.kz", language="kk", actor="coordinator:x"
    )
    assert (await store.find_contact(web_login="aigerim@mvd.kz")).id == web.id
    assert (await store.find_contact(telegram_user_id=1001)).id == world.alice.id
    assert await store.find_contact(telegram_user_id=5555) is None
    assert [c.id for c in await store.list_contacts(world.org_a.id)] == [world.alice.id, web.id]

    updated = await store.update_contact(web.id, display_name="Айгерим", language="en")
    assert (updated.display_name, updated.language) == ("Айгерим", "en")
    with pytest.raises(ValueError):
        await store.update_contact(web.id, language="de")

    # the same Telegram account cannot answer for a second organisation
    with pytest.raises(errors.AlreadyBoundElsewhere) as info:
        await store.create_contact(world.org_b.id, telegram_user_id=1001, actor="coordinator:x")
    assert info.value.contact_id == world.alice.id

    await store.set_contact_active(web.id, False, actor="coordinator:x")
    assert [c.id for c in await store.list_contacts(world.org_a.id, active_only=True)] == [
        world.alice.id
    ]

    released = await store.release_contact(world.alice.id, actor="coordinator:x")
    assert (released.active, released.telegram_user_id) == (False, None)
    rebound = await store.create_contact(
        world.org_b.id, telegram_user_id=1001, actor="coordinator:x"
    )
    assert rebound.organisation_id == world.org_b.id
    events = await store.list_audit_events(entity_type="contact", entity_id=world.alice.id)
    assert events[-1].action == "contact.released"
    assert events[-1].details == {"telegram_user_id": 1001, "web_login": None}


async def test_timestamps_are_aware_utc(store: Store, world: World) -> None:
    before = datetime.now(UTC)
    _, _ = await store.create_invitation(
        world.org_a.id,
        world.campaign.id,
        actor="coordinator:x",
        expires_at=datetime(2030, 5, 1, 17, 0, tzinfo=UTC) + timedelta(hours=5),
    )
    events = await store.list_audit_events(action="invitation.created")
    (event,) = events
    assert event.at.tzinfo is not None and event.at.utcoffset() == timedelta(0)
    assert before - timedelta(seconds=5) <= event.at <= datetime.now(UTC) + timedelta(seconds=5)
    invitation = await store.get_invitation(event.entity_id)
    assert invitation.expires_at == datetime(2030, 5, 1, 22, 0, tzinfo=UTC)
    assert invitation.expires_at.utcoffset() == timedelta(0)


async def test_naive_datetimes_are_refused(store: Store, world: World) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        await store.create_invitation(
            world.org_a.id, world.campaign.id, actor="c", expires_at=datetime(2030, 1, 1)
        )


async def test_record_and_list_audit_events(store: Store) -> None:
    await store.record_event("coordinator:alice", "questionnaire.loaded", "campaign", 7, {"n": 60})
    await store.record_event("system", "bot.started", "system")
    (event,) = await store.list_audit_events(entity_type="campaign", entity_id=7)
    assert (event.actor, event.action, event.details) == (
        "coordinator:alice",
        "questionnaire.loaded",
        {"n": 60},
    )
    assert [e.action for e in await store.list_audit_events()] == [
        "questionnaire.loaded",
        "bot.started",
    ]


async def test_dialog_state_compare_and_set(store: Store, world: World) -> None:
    contact = world.alice.id
    assert await store.get_dialog_state(contact) is None
    v1 = await store.save_dialog_state(contact, {"node": "b01.i01"}, expected_version=0)
    assert v1 == 1
    with pytest.raises(errors.StaleDialogStateError) as info:
        await store.save_dialog_state(contact, {"node": "other"}, expected_version=0)
    assert info.value.current_version == 1
    v2 = await store.save_dialog_state(
        contact, {"node": "b01.i02", "stack": [1]}, expected_version=1
    )
    assert v2 == 2
    with pytest.raises(errors.StaleDialogStateError):
        await store.save_dialog_state(contact, {"node": "late"}, expected_version=1)
    saved = await store.get_dialog_state(contact)
    assert (saved.state, saved.version) == ({"node": "b01.i02", "stack": [1]}, 2)
    assert saved.updated_at.tzinfo is not None
    assert await store.save_dialog_state(contact, {"node": "forced"}, expected_version=None) == 3
    with pytest.raises(errors.NotFound):
        await store.save_dialog_state(424242, {}, expected_version=0)


async def test_dialog_state_survives_a_new_store(
    database_url: str, store: Store, world: World
) -> None:
    await store.save_dialog_state(world.bob.id, {"node": "b03.i02"}, expected_version=0)
    await store.close()
    restarted = Store.from_url(database_url)
    try:
        state = await restarted.get_dialog_state(world.bob.id)
        assert state is not None and state.state == {"node": "b03.i02"}
    finally:
        await restarted.close()


async def test_implausible_deadlines_are_refused_on_create_and_move(store: Store) -> None:
    with pytest.raises(errors.ImplausibleDeadline):
        await store.create_campaign(
            title="typo",
            period_start=date(2025, 1, 1),
            period_end=date(2025, 12, 31),
            questionnaire_version="x",
            requested_on=date(2026, 1, 15),
            deadline=date(2025, 2, 15),
            actor="coordinator:alice",
        )
    assert await store.list_campaigns() == []
    campaign = await store.create_campaign(
        title="2025",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        questionnaire_version="x",
        requested_on=date(2026, 1, 15),
        actor="coordinator:alice",
    )
    with pytest.raises(errors.ImplausibleDeadline):
        await store.set_campaign_deadline(campaign.id, date(2027, 2, 15), actor="coordinator:a")
    assert (await store.get_campaign(campaign.id)).deadline == date(2026, 2, 15)
    moved = await store.set_campaign_deadline(campaign.id, date(2026, 3, 1), actor="c")
    assert moved.deadline == date(2026, 3, 1)
