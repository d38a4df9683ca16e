"""Backends for the storage contract suite, parametrised as aiogram parametrises its storages.

Every test that uses ``store`` (or ``database_url``) runs once on SQLite (a fresh file
under ``tmp_path``) and once on PostgreSQL (``$TEST_POSTGRES_URL``; skipped when unset).
PostgreSQL isolation: the schema's tables are dropped before each test and the
migrations are run again, so each test starts from an empty database at head.

Other test packages may reuse these fixtures with
``from tests.storage.conftest import database_url, store, world  # noqa: F401``.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import text

from storage.db import create_engine, upgrade
from storage.models import Base, Campaign, Contact, Organisation
from storage.repository import Store

PG_SKIP_REASON = "set TEST_POSTGRES_URL to run the PostgreSQL backend"


async def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.drop_all)
            await conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    finally:
        await engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path) -> AsyncIterator[str]:
    """An empty database (no tables) on each backend."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'saualnama-test.db'}"
        return
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.skip(PG_SKIP_REASON)
    await _reset_postgres(url)
    yield url
    await _reset_postgres(url)


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    """A :class:`Store` on a database freshly migrated to head."""
    await upgrade(database_url)
    store = Store.from_url(database_url)
    try:
        yield store
    finally:
        await store.close()


@dataclass
class World:
    """A small but complete setting: one open campaign, two member organisations, a contact
    each."""

    campaign: Campaign
    org_a: Organisation
    org_b: Organisation
    alice: Contact  # answers for org_a
    bob: Contact  # answers for org_b


@pytest.fixture
async def world(store: Store) -> World:
    campaign = await store.create_campaign(
        title="2025 annual request",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        questionnaire_version="2025.1",
        requested_on=date(2026, 1, 15),
        actor="coordinator:test",
    )
    await store.set_campaign_status(campaign.id, "open", actor="coordinator:test")
    org_a = await store.create_organisation(
        name_ru="ДП г. Алматы", name_kk="Алматы қ. ПД", subject_kind="mvd_unit", blocks=[1, 2]
    )
    org_b = await store.create_organisation(
        name_ru="ОФ «Сана»", name_kk="«Сана» ҚҚ", subject_kind="ngo", region="Almaty", blocks=[3]
    )
    alice = await store.create_contact(
        org_a.id, telegram_user_id=1001, display_name="Alice", actor="coordinator:test"
    )
    await store.add_campaign_members(campaign.id, [org_a.id, org_b.id], actor="coordinator:test")
    bob = await store.create_contact(
        org_b.id, telegram_user_id=2002, display_name="Bob", actor="coordinator:test"
    )
    return World(await store.get_campaign(campaign.id), org_a, org_b, alice, bob)
