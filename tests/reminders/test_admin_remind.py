"""``python -m admin remind``: a dry run lists and records nothing; without it, it sends.

The command runs in-process (``admin.cli.main`` in a worker thread, as it runs its own
event loop); one test runs ``python -m admin`` itself, as the coordinator does.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from admin.cli import main
from tests.reminders.conftest import ALICE, BEK, D7, DANA, EVE, World
from tests.telegram.fake_api import TOKEN

ROOT = Path(__file__).parents[2]
SETTINGS = ("DATABASE_URL", "BOT_TOKEN", "TELEGRAM_API_URL", "REMINDER_DAYS")

Remind = Callable[..., Awaitable[tuple[int, str, str]]]


@pytest.fixture
def remind(
    world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Remind:
    """``remind("--dry-run", BOT_TOKEN=...)``: the command on the world's database."""
    monkeypatch.chdir(tmp_path)  # no .env of the working copy
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)

    async def run(*args: str, **env: str) -> tuple[int, str, str]:
        with monkeypatch.context() as m:
            for name, value in env.items():
                m.setenv(name, value)
            capsys.readouterr()
            try:
                code = await asyncio.to_thread(main, ["remind", "--url", world.url, *args])
            except SystemExit as exc:  # argparse errors
                code = int(exc.code or 0)
            captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def lines_of(out: str, contact_id: int) -> list[str]:
    return [line for line in out.splitlines() if f" contact {contact_id} " in line]


async def test_dry_run_lists_the_right_contacts_and_records_nothing(
    world: World, remind: Remind
) -> None:
    code, out, err = await remind("--dry-run", "--today", D7.isoformat())
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

    code, out, _ = await remind("--dry-run", "--today", "2026-02-20")
    assert code == 0 and "nothing due" in out
    code, out, _ = await remind("--dry-run", "--today", D7.isoformat(), "--campaign", "999")
    assert code == 0 and "nothing due" in out
    code, out, _ = await remind("--dry-run", "--today", D7.isoformat(), "--days", "3,1")
    assert code == 0 and "nothing due" in out


async def test_without_dry_run_it_sends_through_telegram(world: World, remind: Remind) -> None:
    env = {"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": world.tg.url}
    args = ("--today", D7.isoformat(), "--campaign", str(world.campaign.id))
    code, out, err = await remind(*args, **env)
    assert code == 0, err
    assert "3 sent, 0 failed" in out
    for chat in (ALICE, BEK, EVE):
        assert len(world.tg.texts(chat_id=chat)) == 1
    assert world.tg.texts(chat_id=DANA) == []
    statuses = [d.status for d in await world.store.list_reminder_deliveries(world.campaign.id)]
    assert statuses == ["sent"] * 3
    # again: nothing more is sent
    code, out, _ = await remind(*args, **env)
    assert code == 0 and "0 sent" in out
    assert len(world.tg.sent()) == 3


async def test_a_failed_send_exits_1(world: World, remind: Remind) -> None:
    world.forbid_next_send(403)
    env = {"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": world.tg.url}
    code, out, _ = await remind("--today", D7.isoformat(), **env)
    assert code == 1
    (alice,) = lines_of(out, world.alice.id)
    assert "FAILED" in alice and "blocked" in alice


async def test_sending_needs_a_token_and_days_must_be_numbers(world: World, remind: Remind) -> None:
    code, _, err = await remind("--today", D7.isoformat())
    assert code == 2 and "BOT_TOKEN" in err
    code, _, err = await remind("--dry-run", "--days", "7,soon")
    assert code == 2 and "soon" in err
    assert world.tg.calls == []


async def test_python_m_admin_remind_sends_through_the_registered_telegram_sender(
    world: World, tmp_path: Path
) -> None:
    """The entry point as the coordinator runs it: its own process finds the bot's sender."""
    environ = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    environ.update(PYTHONPATH=str(ROOT), BOT_TOKEN=TOKEN, TELEGRAM_API_URL=world.tg.url)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "admin", "remind", "--url", world.url, "--today", D7.isoformat(),
        cwd=tmp_path, env=environ,  # cwd: no .env of the working copy
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()
    assert (
        out.decode().splitlines()[-1]
        == f"{D7.isoformat()}: 3 sent, 0 failed (retried by the next run), 1 skipped (web only)"
    )
    assert sorted(c.params["chat_id"] for c in world.tg.sent()) == sorted([ALICE, BEK, EVE])
