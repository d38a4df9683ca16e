"""Engines, sessions and schema upgrades, for SQLite and PostgreSQL through one code path.

``DATABASE_URL`` chooses the backend:

* ``sqlite+aiosqlite:///saualnama.db`` (the default) — embedded, for small
  installations.  Every connection gets WAL journaling (readers do not block the
  writer), ``foreign_keys=ON`` (SQLite ignores FKs otherwise) and a
  ``busy_timeout`` (wait for the lock instead of failing at once).  Transactions
  start with ``BEGIN IMMEDIATE``: a transaction takes the write lock when it
  starts, so two writers queue on ``busy_timeout`` instead of one failing with
  "database is locked" when it upgrades a read lock mid-transaction.
  ``synchronous=FULL``: a commit is on disk before the person is told "saved"; with
  NORMAL in WAL mode a power loss could drop the last commits (cost measured in
  ``bench/RESULTS.md``, "Step integrity").
* ``postgresql+asyncpg://…`` — production.  A pooled connection is pinged before use
  only after it sat idle (:func:`ping_if_idle`), not on every checkout.

The schema is created and changed only by Alembic; :func:`upgrade` is called by
the application at start and by ``python -m admin db upgrade``.
"""

from __future__ import annotations

import functools
import os
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine

DEFAULT_URL = "sqlite+aiosqlite:///saualnama.db"
SQLITE_BUSY_TIMEOUT_MS = 15_000
#: ``FULL``: every commit is fsynced before it returns (issue 10); the benchmark flips it.
SQLITE_SYNCHRONOUS = "FULL"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
#: A pooled PostgreSQL connection idle this long is pinged before use (:func:`ping_if_idle`).
IDLE_PING_AFTER_S = 5.0


def database_url(url: str | None = None) -> str:
    """The URL to use: the argument, else ``$DATABASE_URL``, else the embedded SQLite file."""
    return url or os.environ.get("DATABASE_URL") or DEFAULT_URL


def _sqlite_on_connect(dbapi_connection: Any, _record: Any, foreign_keys: bool = True) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (the driver's implicit
    # BEGIN would be DEFERRED and would not cover DDL).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")
    finally:
        cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    # A connection marked ``sqlite_read_only`` (the exports' snapshot) begins a deferred
    # transaction: it reads one WAL snapshot and never holds the write lock.
    read_only = conn.get_execution_options().get("sqlite_read_only", False)
    conn.exec_driver_sql("BEGIN DEFERRED" if read_only else "BEGIN IMMEDIATE")


def create_engine(
    url: str | None = None, *, enforce_foreign_keys: bool = True, **kwargs: Any
) -> AsyncEngine:
    """An async engine for ``url`` (see :func:`database_url`), with the SQLite pragmas set.

    ``enforce_foreign_keys=False`` is for schema migrations only (see :func:`_migrate`).
    PostgreSQL: ``idle_ping_s`` (default :data:`IDLE_PING_AFTER_S`) is how long a pooled
    connection may sit idle before it is pinged on checkout (:func:`ping_if_idle`).
    """
    url = database_url(url)
    idle_ping_s = float(kwargs.pop("idle_ping_s", IDLE_PING_AFTER_S))
    if url.startswith("sqlite"):
        engine = _create_async_engine(url, **kwargs)
        event.listen(
            engine.sync_engine,
            "connect",
            functools.partial(_sqlite_on_connect, foreign_keys=enforce_foreign_keys),
        )
        event.listen(engine.sync_engine, "begin", _sqlite_on_begin)
        return engine
    engine = _create_async_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        ping_if_idle(engine, idle_ping_s)
    return engine


def ping_if_idle(engine: AsyncEngine, after: float) -> None:
    """Ping a pooled connection on checkout only if it sat idle ``after`` seconds or more.

    Why not ``pool_pre_ping``: it pings on every checkout, a round trip per transaction
    (two per web step; issue 15).  A connection used a moment ago is alive but for a
    cut in that moment, which the step's own retry and the web chat's second run cover
    (``errors.is_transient``); one idle for a while may have been closed by a restart or
    a proxy's idle timeout, and is pinged (and replaced if dead) as before.
    """
    dialect = engine.sync_engine.dialect

    def checkin(_dbapi: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    def checkout(dbapi: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < after:
            return
        try:
            alive = dialect.do_ping(dbapi)
        except Exception as exc:
            raise DisconnectionError("the idle connection did not answer a ping") from exc
        if not alive:
            raise DisconnectionError("the idle connection did not answer a ping")

    event.listen(engine.sync_engine.pool, "checkin", checkin)
    event.listen(engine.sync_engine.pool, "checkout", checkout)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit (callers get plain results)."""
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str | None = None) -> Config:
    """The Alembic configuration, built in code: no ``alembic.ini`` is needed on disk."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url(url).replace("%", "%%"))
    return config


def check_foreign_keys(connection: Connection) -> None:
    """Refuse to commit a SQLite migration that left a row pointing at nothing."""
    if connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(f"the migration would break references (rolled back): {broken[:5]}")


def _run_command(connection: Connection, config: Config, name: str, revision: str) -> None:
    config.attributes["connection"] = connection
    getattr(command, name)(config, revision)
    check_foreign_keys(connection)


async def _migrate(url: str | None, name: str, revision: str) -> None:
    # SQLite rebuilds a table to change it (Alembic's batch mode: create, copy, drop,
    # rename).  With foreign keys enforced, dropping a referenced table deletes — or
    # cascades to — the rows pointing at it, so the migration runs with them off, as
    # SQLite's documentation prescribes, and checks every reference before committing.
    engine = create_engine(url, enforce_foreign_keys=False)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_run_command, alembic_config(url), name, revision)
    finally:
        await engine.dispose()


async def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision`` (the latest by default)."""
    await _migrate(url, "upgrade", revision)


async def downgrade(url: str | None, revision: str) -> None:
    """Take the database at ``url`` down to ``revision`` (``"base"`` drops everything)."""
    await _migrate(url, "downgrade", revision)


async def current_revision(url: str | None = None) -> str | None:
    """The revision the database is at, or ``None`` for an empty database."""
    from alembic.runtime.migration import MigrationContext

    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
    finally:
        await engine.dispose()
