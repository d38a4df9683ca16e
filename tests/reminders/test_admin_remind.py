"""``python -m admin remind``: a dry run lists and records nothing; without it, it sends."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from tests.reminders.conftest import ALICE, BEK, D7, DANA, EVE, World
from tests.telegram.fake_api import TOKEN

ROOT = Path(__file__).parents[2]


async def remind(world: World, tmp_path: Path, *args: str, **env: str) -> tuple[int, str, str]:
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "BOT_TOKEN", "TELEGRAM_API_URL", "REMINDER_DAYS")
    }
    environ["PYTHONPATH"] = str(ROOT)
    environ.update(env)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "admin",
        "remind",
        "--url",
        world.url,
        *args,
        cwd=tmp_path,  # no .env of the working copy
        env=environ,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode or 0, out.decode(), err.decode()


def lines_of(out: str, contact_id: int) -> list[str]:
    return [line for line in out.splitlines() if f" contact {contact_id} " in line]


async def test_dry_run_lists_the_right_contacts_and_records_nothing(
    world: World, tmp_path: Path
) -> None:
    code, out, err = await remind(world, tmp_path, "--dry-run", "--today", D7.isoformat())
    assert code == 0, err
    for contact in (world.alice, world.bek, world.eve):
        (line,) = lines_of(out, contact.id)
        assert "d-7" in line and "would send" in line
    (carol,) = lines_of(out, world.carol.id)
    assert "skipped" in carol and "web only" in carol
    assert lines_of(out, world.dana.id) == []  # submitted
    assert "3 would be sent, 1 skipped" in out
    assert f"({world.bek.language})" in lines_of(out, world.bek.id)[0]
    assert world.orgs["ngo"].organisation.name_ru in lines_of(out, world.bek.id)[0]
    # nothing sent, nothing recorded
    assert world.tg.calls == []
    assert await world.store.list_reminder_deliveries(world.campaign.id) == []

    code, out, _ = await remind(world, tmp_path, "--dry-run", "--today", "2026-02-20")
    assert code == 0 and "nothing due" in out
    code, out, _ = await remind(
        world, tmp_path, "--dry-run", "--today", D7.isoformat(), "--campaign", "999"
    )
    assert code == 0 and "nothing due" in out
    code, out, _ = await remind(
        world, tmp_path, "--dry-run", "--today", D7.isoformat(), "--days", "3,1"
    )
    assert code == 0 and "nothing due" in out


async def test_without_dry_run_it_sends_through_telegram(world: World, tmp_path: Path) -> None:
    env = {"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": world.tg.url}
    args = ("--today", D7.isoformat(), "--campaign", str(world.campaign.id))
    code, out, err = await remind(world, tmp_path, *args, **env)
    assert code == 0, err
    assert "3 sent, 0 failed" in out
    for chat in (ALICE, BEK, EVE):
        assert len(world.tg.texts(chat_id=chat)) == 1
    assert world.tg.texts(chat_id=DANA) == []
    statuses = [d.status for d in await world.store.list_reminder_deliveries(world.campaign.id)]
    assert statuses == ["sent"] * 3
    # again: nothing more is sent
    code, out, _ = await remind(world, tmp_path, *args, **env)
    assert code == 0 and "0 sent" in out
    assert len(world.tg.sent()) == 3


async def test_a_failed_send_exits_1(world: World, tmp_path: Path) -> None:
    world.forbid_next_send(403)
    env = {"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": world.tg.url}
    code, out, _ = await remind(world, tmp_path, "--today", D7.isoformat(), **env)
    assert code == 1
    (alice,) = lines_of(out, world.alice.id)
    assert "FAILED" in alice and "blocked" in alice


async def test_sending_needs_a_token_and_days_must_be_numbers(world: World, tmp_path: Path) -> None:
    code, _, err = await remind(world, tmp_path, "--today", D7.isoformat())
    assert code == 2 and "BOT_TOKEN" in err
    code, _, err = await remind(world, tmp_path, "--dry-run", "--days", "7,soon")
    assert code == 2 and "soon" in err
    assert world.tg.calls == []
