"""Migrations: empty → head → base on both backends; models agree with the latest migration."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from admin.cli import main
from storage import db
from storage.models import Base

EXPECTED_TABLES = {
    "campaigns",
    "organisations",
    "campaign_organisations",
    "contacts",
    "invitations",
    "invitation_redemptions",
    "responses",
    "answers",
    "answer_revisions",
    "audit_events",
    "dialog_states",
    "reminder_deliveries",
    "processed_updates",
    "web_sessions",
    "panel_users",
    "panel_sessions",
    "reminder_policies",
    "undeliverable_contacts",
}


async def _tables(url: str) -> set[str]:
    engine = db.create_engine(url)
    try:
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await engine.dispose()


def _head() -> str:
    head = ScriptDirectory.from_config(db.alembic_config()).get_current_head()
    assert head is not None
    return head


async def test_upgrade_from_empty_to_head_and_back_to_base(database_url: str) -> None:
    assert await _tables(database_url) == set()
    assert await db.current_revision(database_url) is None

    await db.upgrade(database_url)
    assert await db.current_revision(database_url) == _head()
    assert await _tables(database_url) == EXPECTED_TABLES | {"alembic_version"}
    assert set(Base.metadata.tables) == EXPECTED_TABLES

    await db.upgrade(database_url)  # idempotent at head
    assert await db.current_revision(database_url) == _head()

    await db.downgrade(database_url, "base")
    assert await db.current_revision(database_url) is None
    assert await _tables(database_url) == {"alembic_version"}


async def test_models_match_the_latest_migration(database_url: str) -> None:
    await db.upgrade(database_url)
    engine = db.create_engine(database_url)
    try:
        async with engine.connect() as conn:
            diffs = await conn.run_sync(
                lambda c: compare_metadata(
                    MigrationContext.configure(
                        c, opts={"compare_type": True, "compare_server_default": True}
                    ),
                    Base.metadata,
                )
            )
    finally:
        await engine.dispose()
    assert diffs == []


async def test_sqlite_connections_get_the_pragmas(tmp_path) -> None:
    engine = db.create_engine(f"sqlite+aiosqlite:///{tmp_path / 'p.db'}")
    try:
        async with engine.connect() as conn:
            journal = (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar()
            fks = (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar()
            busy = (await conn.exec_driver_sql("PRAGMA busy_timeout")).scalar()
    finally:
        await engine.dispose()
    assert (journal, fks, busy) == ("wal", 1, db.SQLITE_BUSY_TIMEOUT_MS)


def test_database_url_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert db.database_url() == "sqlite+aiosqlite:///saualnama.db"
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://u@h/d")
    assert db.database_url() == "postgresql+asyncpg://u@h/d"
    assert db.database_url("sqlite+aiosqlite:///x.db") == "sqlite+aiosqlite:///x.db"


def test_admin_db_command_upgrades_and_downgrades(
    tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"

    def run(*args: str) -> str:
        assert main(["db", *args, "--url", url]) == 0
        return capsys.readouterr().out.strip()

    assert run("current") == "(empty database)"
    run("upgrade")
    assert run("current") == _head()
    run("downgrade", "base")
    assert run("current") == "(empty database)"
