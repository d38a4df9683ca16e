"""The hourly sweep: a week-old update mark and expired sessions go, fresh ones stay."""

from __future__ import annotations

from datetime import timedelta

from dialogs.application.housekeeping import Housekeeping, Swept
from storage.models import utcnow
from tests.storage.conftest import database_url, store, world  # noqa: F401

HOUR = timedelta(hours=1)


async def test_the_sweep_drops_only_what_protects_nothing(store, world):  # noqa: F811
    now = utcnow()
    assert await store.mark_processed("telegram", 1)
    assert await store.mark_processed("telegram", 2)
    await store.create_web_session(world.alice.id, "invite", idle=HOUR, absolute=HOUR, now=now)
    fresh, _ = await store.create_web_session(
        world.bob.id, "invite", idle=HOUR * 48, absolute=HOUR * 48, now=now
    )
    user = await store.create_user("coord", role="coordinator", password_hash="h", actor="test")
    await store.create_panel_session(user.id, stage="full", idle=HOUR, absolute=HOUR, now=now)

    # A day later: the marks are still within Telegram's redelivery and a week; one chat
    # session and the panel session have expired.
    day_later = Housekeeping(store, clock=lambda: now + 24 * HOUR)
    assert await day_later.sweep() == Swept(updates=0, web_sessions=1, panel_sessions=1)
    assert await store.was_processed("telegram", 1)
    assert await store.get_web_session(fresh, now=now + 24 * HOUR) is not None

    # Eight days later the marks go (and the second chat session has expired too).
    week_later = Housekeeping(store, clock=lambda: now + 8 * 24 * HOUR)
    assert await week_later.sweep() == Swept(updates=2, web_sessions=1, panel_sessions=0)
    assert not await store.was_processed("telegram", 2)
    assert await week_later.sweep() == Swept(0, 0, 0)


async def test_the_process_sweeps_at_start_and_stops_the_sweep(tmp_path):
    """``python -m bot`` runs the sweep (in one worker: the job lock) and stops it cleanly."""
    import asyncio
    import io
    import socket

    from sqlalchemy import text

    from bot import app as bot_app
    from dialogs.application.settings import Settings
    from storage.db import create_engine, upgrade
    from storage.repository import Store

    url = f"sqlite+aiosqlite:///{tmp_path / 'process.db'}"
    await upgrade(url)
    seeding = Store.from_url(url)
    assert await seeding.mark_processed("telegram", 7)
    await seeding.close()
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(
            text("UPDATE processed_updates SET processed_at = :old"),
            {"old": utcnow() - timedelta(days=8)},
        )
    await engine.dispose()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = Settings(
        _env_file=None, database_url=url, web_host="127.0.0.1", web_port=port, bot_token=None
    )
    runtime = await bot_app.start(settings, out=io.StringIO())
    try:
        task = runtime.housekeeping
        assert task is not None and task.get_name() == "saualnama-housekeeping"
        store = runtime.services.store
        for _ in range(500):
            if not await store.was_processed("telegram", 7):
                break
            await asyncio.sleep(0.01)
        assert not await store.was_processed("telegram", 7)
    finally:
        await bot_app.stop(runtime)
    assert task.cancelled() or task.done()
