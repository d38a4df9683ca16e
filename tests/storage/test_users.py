"""Panel users and sessions in storage: logins, locking, second factor, expiry, audit."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from storage.models import AuditEvent
from storage.panel_reads import AuditFilter
from storage.repository import Store
from storage.users import CodeReused, LoginTaken, normal_login

NOW = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)


async def _user(store: Store, login: str = "aigerim", role: str = "coordinator"):
    return await store.create_user(login, role=role, password_hash="$argon2id$x", actor="test")


async def _actions(store: Store) -> list[str]:
    return [e.action for e in await store.list_audit_events(entity_type="panel_user")]


async def test_logins_are_normalised_unique_and_checked(store: Store) -> None:
    user = await _user(store, "  Aigerim.K@mvd ")
    assert user.login == "aigerim.k@mvd" and user.active and user.failed_sign_ins == 0
    assert (await store.find_user("AIGERIM.K@MVD")).id == user.id
    with pytest.raises(LoginTaken):
        await _user(store, "aigerim.k@mvd", role="expert")
    for bad in ("", "a", "имя", "x y", "<script>", "a" * 101, "-lead"):
        with pytest.raises(ValueError):
            normal_login(bad)
        assert await store.find_user(bad) is None
    with pytest.raises(ValueError):
        await store.create_user("someone", role="admin", password_hash="h", actor="test")
    assert await store.count_users() == 1 and await store.count_users("expert") == 0
    assert await _actions(store) == ["panel_user.created"]


async def test_two_creations_of_one_login_at_once_make_one_user(store: Store) -> None:
    results = await asyncio.gather(
        _user(store, "same"), _user(store, "same"), return_exceptions=True
    )
    made = [r for r in results if not isinstance(r, BaseException)]
    assert len(made) == 1
    assert all(isinstance(r, LoginTaken) for r in results if isinstance(r, BaseException))
    assert [u.login for u in await store.list_users()] == ["same"]


async def test_the_limit_th_failure_locks_and_ends_sessions(store: Store) -> None:
    user = await _user(store)
    raw, _ = await store.create_panel_session(
        user.id, stage="full", idle=timedelta(minutes=30), absolute=timedelta(hours=8), now=NOW
    )
    for n in range(1, 5):
        user = await store.record_sign_in_failure(
            user.id, limit=5, lock_for=timedelta(minutes=15), reason="password",
            address="127.0.0.1", now=NOW,
        )  # fmt: skip
        assert user.failed_sign_ins == n and user.locked_until is None
    assert await store.get_panel_session(raw, now=NOW) is not None
    user = await store.record_sign_in_failure(
        user.id, limit=5, lock_for=timedelta(minutes=15), reason="password",
        address="127.0.0.1", now=NOW,
    )  # fmt: skip
    assert user.locked_until == NOW + timedelta(minutes=15)
    assert await store.get_panel_session(raw, now=NOW) is None
    locked = await store.list_audit_events(action="panel.locked")
    assert len(locked) == 1 and locked[0].details["login"] == "aigerim"
    failed = await store.list_audit_events(action="panel.sign_in_failed")
    assert [e.details["failures"] for e in failed] == [1, 2, 3, 4, 5]

    user = await store.reset_user(user.id, password_hash="$argon2id$new", actor="test")
    assert user.locked_until is None and user.failed_sign_ins == 0
    assert (await store.get_user(user.id)).password_hash == "$argon2id$new"
    reset = (await store.list_audit_events(action="panel_user.reset"))[0]
    assert "password_hash" not in reset.details


async def test_a_totp_step_is_used_once(store: Store) -> None:
    user = await _user(store)
    await store.enrol_totp(user.id, "JBSWY3DPEHPK3PXP", 1000, actor="test")
    with pytest.raises(CodeReused):
        await store.record_sign_in(user.id, via="totp", address="a", step=1000, now=NOW)
    user = await store.record_sign_in(user.id, via="totp", address="a", step=1001, now=NOW)
    assert user.totp_last_step == 1001 and user.last_sign_in_at == NOW
    enrolled = (await store.list_audit_events(action="panel_user.totp_enrolled"))[0]
    assert "totp_secret" not in enrolled.details and "JBSW" not in str(enrolled.details)
    user = await store.reset_user(user.id, password_hash=None, forget_totp=True, actor="test")
    assert user.totp_secret is None and user.totp_last_step is None


async def test_sessions_expire_idle_and_absolute_and_die_with_their_user(store: Store) -> None:
    user = await _user(store)
    idle, absolute = timedelta(minutes=30), timedelta(hours=2)
    raw, row = await store.create_panel_session(
        user.id, stage="full", idle=idle, absolute=absolute, now=NOW
    )
    assert row.id != raw and len(raw) >= 43
    moment = NOW
    for _ in range(4):  # used every 29 minutes: idle never runs out ...
        moment += timedelta(minutes=29)
        assert await store.get_panel_session(raw, now=moment) is not None
    moment += timedelta(minutes=29)  # ... but the absolute limit does
    assert moment > NOW + absolute
    assert await store.get_panel_session(raw, now=moment) is None

    raw, _ = await store.create_panel_session(
        user.id, stage="totp", idle=idle, absolute=absolute, now=NOW
    )
    assert await store.get_panel_session(raw, now=NOW + idle + timedelta(seconds=1)) is None

    raw, _ = await store.create_panel_session(
        user.id, stage="full", idle=idle, absolute=absolute, now=NOW
    )
    await store.set_user_active(user.id, False, actor="test")
    assert await store.get_panel_session(raw, now=NOW) is None
    assert await store.get_panel_session("not a token", now=NOW) is None
    with pytest.raises(ValueError):
        await store.create_panel_session(user.id, stage="half", idle=idle, absolute=absolute)


async def test_audit_search_filters_and_pages_newest_first(store: Store) -> None:
    for n in range(7):
        await store.record_event(f"coordinator:{'ab'[n % 2]}", "thing.done", "thing", n)
    await store.record_event("expert:c", "other.done", "other", 1)
    page = await store.search_audit(AuditFilter(action="thing.done"), limit=3)
    assert [e.entity_id for e in page] == [6, 5, 4]
    rest = await store.search_audit(AuditFilter(action="thing.done"), before_id=page[-1].id)
    assert [e.entity_id for e in rest] == [3, 2, 1, 0]
    assert [e.entity_id for e in await store.search_audit(AuditFilter(actor="coordinator:b"))] == [
        5, 3, 1,
    ]  # fmt: skip
    only = await store.search_audit(AuditFilter(entity_type="other", entity_id=1))
    assert [e.actor for e in only] == ["expert:c"]
    future = await store.search_audit(AuditFilter(since=datetime.now(UTC) + timedelta(days=1)))
    assert future == []
    actions, types = await store.audit_choices()
    assert actions == ["other.done", "thing.done"] and types == ["other", "thing"]
    assert all(isinstance(e, AuditEvent) for e in page)


async def test_organisation_record_and_response_counts(store: Store, world) -> None:
    response = await store.get_or_create_response(world.org_a.id, world.campaign.id)
    await store.save_answer(response.id, "b01.i01.x", value=1, contact_id=world.alice.id,
                            channel="web")  # fmt: skip
    await store.save_answer(response.id, "b01.i01.x", value=2, contact_id=world.alice.id,
                            channel="telegram")  # fmt: skip
    await store.create_invitation(world.org_a.id, world.campaign.id, actor="test")
    record = await store.organisation_record(world.org_a.id, world.campaign.id)
    assert record.response is not None and record.response.id == response.id
    assert [(a.field_code, a.value) for a in record.answers] == [("b01.i01.x", 2)]
    assert [(r.revision, r.value, r.channel) for r in record.revisions] == [
        (1, 1, "web"), (2, 2, "telegram"),
    ]  # fmt: skip
    assert [c.id for c in record.contacts] == [world.alice.id]
    assert len(record.invitations) == 1
    empty = await store.organisation_record(world.org_b.id, world.campaign.id)
    assert empty.response is None and empty.answers == [] and empty.revisions == []
    assert await store.response_counts() == {world.campaign.id: {"in_progress": 1}}
    assert await store.member_counts() == {world.campaign.id: 2}
