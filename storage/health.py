"""What a readiness probe asks of the database: is it reachable, is its schema current."""

from __future__ import annotations

import functools

from sqlalchemy import Connection

from storage.base import StoreBase
from storage.db import alembic_config


@functools.cache
def head_revision() -> str | None:
    """The newest migration this code ships (read once: the files do not change)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _current(sync: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(sync).get_current_revision()


class HealthStore(StoreBase):
    """The schema revision the database is at, through the store's own pool."""

    async def schema_revision(self) -> str | None:
        """The database's Alembic revision (``None``: not migrated); raises if unreachable."""
        async with self.sessions() as s:
            conn = await s.connection()
            return await conn.run_sync(_current)
