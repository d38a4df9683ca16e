"""The pool pings a connection only after it sat idle (storage.db.ping_if_idle), on PostgreSQL.

A connection cut while it sat idle in the pool must be replaced before a request uses it;
one used a moment ago is not pinged (issue 15: a ping per checkout was a round trip per
transaction), so a cut in that moment reaches the caller as a transient error, which the
step and the web chat run again.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import errors
from storage.db import create_engine
from tests.storage.conftest import PG_SKIP_REASON

APP_NAME = "saualnama-idle-ping"


def _url() -> str:
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.skip(PG_SKIP_REASON)
    return url


async def _cut(url: str) -> int:
    killer = create_engine(url)
    try:
        async with killer.connect() as conn:
            ended = await conn.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE application_name = :name"
                ),
                {"name": APP_NAME},
            )
            await conn.commit()
            return int(ended or 0)
    finally:
        await killer.dispose()


def _engine(url: str, **kwargs: float) -> AsyncEngine:
    return create_engine(
        url,
        pool_size=1,
        connect_args={"server_settings": {"application_name": APP_NAME}},
        **kwargs,
    )


async def _backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(text("SELECT pg_backend_pid()")) or 0)


async def test_an_idle_connection_cut_in_the_pool_is_replaced_before_use() -> None:
    url = _url()
    engine = _engine(url, idle_ping_s=0.0)  # every pooled connection counts as idle
    try:
        first = await _backend_pid(engine)
        assert await _cut(url) == 1
        second = await _backend_pid(engine)  # pinged, found dead, replaced: no error
        assert second != first
    finally:
        await engine.dispose()


async def test_a_connection_used_a_moment_ago_is_not_pinged() -> None:
    url = _url()
    engine = _engine(url)  # the default threshold: seconds, far more than this test waits
    try:
        await _backend_pid(engine)
        assert await _cut(url) == 1
        with pytest.raises(Exception) as cut:
            await _backend_pid(engine)
        assert errors.is_transient(cut.value), cut.value  # what the retries act on
        await _backend_pid(engine)  # the pool dropped the dead connection: this one works
    finally:
        await engine.dispose()
