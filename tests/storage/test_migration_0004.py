"""Migration 0004 on a database with data: campaigns keep the organisations they had."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import text

from storage import db
from storage.repository import Store

AT = "2025-06-01 10:00:00"


async def _execute(url: str, *statements: str) -> None:
    engine = db.create_engine(url)
    try:
        async with engine.begin() as conn:
            for statement in statements:
                await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def _rows(url: str, query: str) -> list[tuple[object, ...]]:
    engine = db.create_engine(url)
    try:
        async with engine.connect() as conn:
            return [tuple(r) for r in (await conn.execute(text(query))).all()]
    finally:
        await engine.dispose()


SEED = [
    "INSERT INTO campaigns (id, title, period_start, period_end, questionnaire_version,"
    " requested_on, deadline, status, created_at) VALUES"
    f" (1, '2024', '2024-01-01', '2024-12-31', '2024.1', '2025-01-15', '2025-02-15', 'closed',"
    f" '{AT}'),"
    f" (2, '2025', '2025-01-01', '2025-12-31', '2024.1', '2026-01-15', '2026-02-15', 'open',"
    f" '{AT}')",
    "INSERT INTO audit_events (actor, action, entity_type, entity_id, details, at) VALUES"
    " ('c', 'campaign.closed', 'campaign', 1, '{}', '2025-03-01 08:00:00')",
    "INSERT INTO organisations (id, name_ru, name_kk, subject_kind, region, blocks, created_at)"
    f" VALUES (1, 'ФОНД ПРОБЕЛЫ', 'k', 'ngo', NULL, '[1]', '{AT}'),"
    f" (2, 'Фонд «Пробелы»', 'k', 'ngo', NULL, '[1]', '{AT}'),"
    f" (3, 'Акимат', 'k', 'akimat', NULL, '[1]', '{AT}')",
    "INSERT INTO contacts (id, organisation_id, telegram_user_id, display_name, language,"
    f" active, created_at) VALUES (1, 1, 100, 'A', 'ru', true, '{AT}'),"
    f" (2, 3, 200, 'B', 'ru', false, '{AT}')",
    "INSERT INTO reminder_deliveries (campaign_id, contact_id, kind, channel, status, at)"
    f" VALUES (2, 1, 'd-7', 'telegram', 'sent', '{AT}')",
    "INSERT INTO invitations (token_hash, organisation_id, campaign_id, expires_at, max_uses,"
    f" uses, created_by, created_at) VALUES ('{'a' * 64}', 1, 2, '2026-03-01 00:00:00', 1, 0,"
    f" 'c', '{AT}')",
]


async def test_existing_campaigns_keep_every_organisation_and_duplicates_keep_their_rows(
    database_url: str,
) -> None:
    await db.upgrade(database_url, "0003")
    await _execute(database_url, *SEED)
    await db.upgrade(database_url, "0004")

    members = await _rows(
        database_url,
        "SELECT campaign_id, organisation_id FROM campaign_organisations"
        " ORDER BY campaign_id, organisation_id",
    )
    assert members == [(c, o) for c in (1, 2) for o in (1, 2, 3)]
    keys = await _rows(database_url, "SELECT id, key FROM organisations ORDER BY id")
    assert keys == [(1, "ngo:фонд пробелы"), (2, "ngo:фонд пробелы#2"), (3, "akimat:акимат")]
    # rebuilding referenced tables (SQLite) deleted and cascaded nothing
    assert await _rows(database_url, "SELECT count(*) FROM contacts") == [(2,)]
    assert await _rows(database_url, "SELECT count(*) FROM invitations") == [(1,)]
    deadlines = await _rows(database_url, "SELECT deadline FROM reminder_deliveries")
    assert [str(d[0]) for d in deadlines] == ["2026-02-15"]

    # The Store maps today's models (later migrations add columns): read through it at head.
    await db.upgrade(database_url)
    store = Store.from_url(database_url)
    try:
        closed = await store.get_campaign(1)
        assert closed.closed_at == datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
        assert (await store.get_campaign(2)).closed_at is None
        assert (await store.get_contact(2)).deactivated_at is not None
        assert (await store.get_contact(1)).deactivated_at is None
        assert [o.id for o in await store.campaign_organisations(1)] == [1, 2, 3]
        # the deadline is extended: the old D-7 is kept, the new one is due again
        await store.set_campaign_deadline(2, date(2026, 3, 1), actor="c")
        assert [c.id for c in await store.contacts_due_reminder(2, "d-7")] == [1]
    finally:
        await store.close()

    await _execute(
        database_url,
        "INSERT INTO reminder_deliveries (campaign_id, contact_id, kind, deadline, channel,"
        f" status, at) VALUES (2, 1, 'd-7', '2026-03-01', 'telegram', 'failed', '{AT}')",
        f"UPDATE invitations SET revoked_at = '{AT}', revoked_by = 'c'",
    )
    await db.downgrade(database_url, "0003")
    assert await _rows(database_url, "SELECT status FROM reminder_deliveries") == [("failed",)]
    (expires,) = await _rows(database_url, "SELECT expires_at FROM invitations")
    assert str(expires[0]).startswith("2025-06-01 10:00:00")  # revoked: expired, not revived
    assert len(await _rows(database_url, "SELECT id FROM organisations")) == 3
    await db.upgrade(database_url)
