"""Alembic environment for Saualnama.

Used two ways:

* from :mod:`storage.db` (the application and ``python -m admin db``), which opens
  the async engine itself and hands over a live connection in
  ``config.attributes["connection"]``;
* from the ``alembic`` command line with ``-x url=…`` or ``$DATABASE_URL``, in which
  case this module opens the engine (with the same SQLite pragmas).
"""

from __future__ import annotations

import asyncio
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

from storage.db import check_foreign_keys, create_engine, database_url
from storage.models import Base

config = context.config
target_metadata = Base.metadata

if config.config_file_name is not None and "connection" not in config.attributes:
    # only for the alembic command line (storage/alembic.ini); the app keeps its logging
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds tables instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_own_engine(url: str) -> None:
    engine = create_engine(url, enforce_foreign_keys=False)  # see storage.db._migrate
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_configure)
            await connection.run_sync(check_foreign_keys)
    finally:
        await engine.dispose()


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or database_url(
        config.get_main_option("sqlalchemy.url")
    )
    asyncio.run(_run_with_own_engine(url))


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
