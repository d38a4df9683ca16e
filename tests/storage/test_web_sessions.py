"""Web chat sessions: hashed ids, idle and absolute expiry, dropping, purging (both backends)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from storage import errors
from storage.base import hash_token
from storage.models import WebSession
from storage.repository import Store
from storage.web_sessions import TOUCH_EVERY

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
IDLE = timedelta(hours=24)
ABSOLUTE = timedelta(days=14)


async def _rows(store: Store) -> list[WebSession]:
    async with store.sessions() as s:
        return list((await s.scalars(select(WebSession).order_by(WebSession.created_at))).all())


async def _create(store: Store, contact_id: int, at: datetime = T0, via: str = "invite"):
    return await store.create_web_session(contact_id, via, idle=IDLE, absolute=ABSOLUTE, now=at)


async def test_the_raw_id_is_never_stored(store: Store, world) -> None:
    raw, row = await _create(store, world.alice.id)
    assert len(raw) >= 43 and len(row.csrf) >= 43 and raw != row.csrf
    assert row.id == hash_token(raw) and row.contact_id == world.alice.id and row.via == "invite"
    (stored,) = await _rows(store)
    assert stored.id == hash_token(raw)
    assert raw not in {stored.id, stored.csrf, stored.via}
    assert (stored.created_at, stored.last_seen_at) == (T0, T0)
    assert (stored.idle_expires_at, stored.expires_at) == (T0 + IDLE, T0 + ABSOLUTE)
    found = await store.get_web_session(raw, now=T0)
    assert found is not None and found.csrf == row.csrf
    # Only the raw id opens the session: not its hash, not a neighbour, not garbage.
    for wrong in (stored.id, raw[:-1], raw + "A", "", None, "x" * 500, "../" + raw):
        assert await store.get_web_session(wrong, now=T0) is None, wrong
    other_raw, other = await _create(store, world.alice.id)
    assert other_raw != raw and other.csrf != row.csrf


async def test_unknown_contact_is_refused(store: Store, world) -> None:
    with pytest.raises(errors.NotFound):
        await _create(store, 999_999)


async def test_idle_expiry_moves_with_use_and_last_seen_is_written_once_a_minute(
    store: Store, world
) -> None:
    raw, _ = await _create(store, world.alice.id)
    seen = await store.get_web_session(raw, now=T0 + TOUCH_EVERY / 2)
    assert seen is not None and seen.last_seen_at == T0  # not written again so soon
    (row,) = await _rows(store)
    assert row.last_seen_at == T0
    later = T0 + IDLE - timedelta(seconds=1)
    seen = await store.get_web_session(raw, now=later)
    assert seen is not None and seen.last_seen_at == later
    (row,) = await _rows(store)
    assert (row.last_seen_at, row.idle_expires_at) == (later, later + IDLE)
    assert await store.get_web_session(raw, now=later + IDLE) is not None  # exactly at the limit
    gone = later + IDLE + IDLE + timedelta(seconds=1)
    assert await store.get_web_session(raw, now=gone) is None
    assert await _rows(store) == []  # an expired session is deleted when met


async def test_absolute_expiry_however_busy(store: Store, world) -> None:
    raw, _ = await _create(store, world.alice.id)
    at = T0
    while at + timedelta(hours=12) <= T0 + ABSOLUTE:
        at += timedelta(hours=12)
        assert await store.get_web_session(raw, now=at) is not None
    assert await store.get_web_session(raw, now=T0 + ABSOLUTE + timedelta(seconds=1)) is None
    assert await _rows(store) == []


async def test_drop_and_drop_contact(store: Store, world) -> None:
    a1, _ = await _create(store, world.alice.id)
    a2, _ = await _create(store, world.alice.id, via="telegram")
    b1, _ = await _create(store, world.bob.id)
    await store.drop_web_session(a1)
    await store.drop_web_session(a1)  # again: nothing to do
    await store.drop_web_session(None)
    assert await store.get_web_session(a1, now=T0) is None
    assert await store.get_web_session(a2, now=T0) is not None
    assert await store.drop_contact_web_sessions(world.alice.id) == 1
    assert await store.get_web_session(a2, now=T0) is None
    assert await store.get_web_session(b1, now=T0) is not None
    assert await store.drop_contact_web_sessions(world.alice.id) == 0


async def test_purge_expired(store: Store, world) -> None:
    old, _ = await store.create_web_session(  # busy enough, but past its absolute limit
        world.alice.id, "invite", idle=2 * ABSOLUTE, absolute=ABSOLUTE, now=T0 - ABSOLUTE
    )
    idle, _ = await _create(store, world.alice.id, at=T0 - IDLE - timedelta(minutes=1))
    live, _ = await _create(store, world.bob.id, at=T0 - timedelta(hours=1))
    assert await store.purge_expired_web_sessions(now=T0 + timedelta(seconds=1)) == 2
    assert [r.id for r in await _rows(store)] == [hash_token(live)]
    assert await store.purge_expired_web_sessions(now=T0 + timedelta(seconds=1)) == 0
    # Creating a session purges expired ones too.
    await _create(store, world.alice.id, at=T0 + timedelta(days=2))
    assert len(await _rows(store)) == 1
    assert {hash_token(old), hash_token(idle), hash_token(live)}.isdisjoint(
        {r.id for r in await _rows(store)}
    )


async def test_cap_pushes_out_the_least_recently_seen(store: Store, world) -> None:
    make = store.create_web_session
    a, _ = await make(world.alice.id, "invite", idle=IDLE, absolute=ABSOLUTE, now=T0)
    b, _ = await make(world.bob.id, "invite", idle=IDLE, absolute=ABSOLUTE, now=T0, max_sessions=2)
    assert await store.get_web_session(a, now=T0 + timedelta(minutes=5)) is not None
    c, _ = await make(
        world.alice.id,
        "invite",
        idle=IDLE,
        absolute=ABSOLUTE,
        now=T0 + timedelta(minutes=6),
        max_sessions=2,
    )
    assert {r.id for r in await _rows(store)} == {hash_token(a), hash_token(c)}
    assert b not in (a, c)


async def test_deleting_a_contact_deletes_its_sessions(store: Store, world) -> None:
    raw, row = await _create(store, world.alice.id)
    async with store.sessions() as s, s.begin():
        await s.delete(await s.get(type(world.alice), world.alice.id))
    assert await store.get_web_session(raw, now=T0) is None
    assert row.contact_id == world.alice.id


async def test_deactivating_or_releasing_a_contact_signs_it_out(store: Store, world) -> None:
    alice_id, _ = await _create(store, world.alice.id)
    bob_id, _ = await _create(store, world.bob.id)
    await store.set_contact_active(world.alice.id, False, actor="coordinator:test")
    assert await store.get_web_session(alice_id, now=T0) is None
    await store.release_contact(world.bob.id, actor="coordinator:test")
    assert await store.get_web_session(bob_id, now=T0) is None
    assert await _rows(store) == []
