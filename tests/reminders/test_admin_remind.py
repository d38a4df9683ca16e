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
from storage.models import Contact
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


def listed(world: World, contact: Contact, who: str, kind: str, status: str) -> str:
    """The line the command prints for one delivery (columns as the coordinator reads them)."""
    org = next(
        o.organisation for o in world.orgs.values() if o.organisation.id == contact.organisation_id
    )
    return (
        f"campaign {world.campaign.id}  {kind:<11} contact {contact.id:<5} {who} "
        f"({contact.language}), {org.name_ru}: {status}"
    )


async def test_dry_run_lists_the_right_contacts_and_records_nothing(
    world: World, remind: Remind
) -> None:
    code, out, err = await remind("--dry-run", "--today", D7.isoformat())
    assert code == 0, err
    assert out.splitlines() == [  # Dana is not reminded: the health ministry submitted
        listed(world, world.alice, f"telegram {ALICE}", "d-7", "would send"),
        listed(world, world.carol, "web carol", "d-7", "skipped: web only, no Telegram"),
        listed(world, world.bek, f"telegram {BEK}", "d-7", "would send"),
        listed(world, world.eve, f"telegram {EVE}", "d-7", "would send"),
        "2026-02-22: 3 would be sent, 1 skipped (web only)",
    ]
    # nothing sent, nothing recorded
    assert world.tg.calls == []
    assert await world.store.list_reminder_deliveries(world.campaign.id) == []

    assert await remind("--dry-run", "--today", "2026-02-20") == (
        0,
        "2026-02-20: nothing due\n",
        "",
    )
    for more in (("--campaign", "999"), ("--days", "3,1")):
        assert await remind("--dry-run", "--today", D7.isoformat(), *more) == (
            0,
            "2026-02-22: nothing due\n",
            "",
        )


async def test_without_dry_run_it_sends_through_telegram(world: World, remind: Remind) -> None:
    env = {"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": world.tg.url}
    args = ("--today", D7.isoformat(), "--campaign", str(world.campaign.id))
    code, out, err = await remind(*args, **env)
    assert code == 0, err
    assert out.splitlines()[-1] == (
        "2026-02-22: 3 sent, 0 failed (retried by the next run), 1 skipped (web only)"
    )
    for chat in (ALICE, BEK, EVE):
        assert len(world.tg.texts(chat_id=chat)) == 1
    assert world.tg.texts(chat_id=DANA) == []
    statuses = [d.status for d in await world.store.list_reminder_deliveries(world.campaign.id)]
    assert statuses == ["sent"] * 3
    # again: nothing more is sent
    code, out, _ = await remind(*args, **env)
    assert code == 0
    assert out.splitlines() == [
        listed(world, world.carol, "web carol", "d-7", "skipped: web only, no Telegram"),
        "2026-02-22: 0 sent, 0 failed (retried by the next run), 1 skipped (web only)",
    ]
    assert len(world.tg.sent()) == 3


async def test_a_failed_send_exits_1(world: World, remind: Remind) -> None:
    world.forbid_next_send(403)
    env = {"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": world.tg.url}
    code, out, _ = await remind("--today", D7.isoformat(), **env)
    assert code == 1
    (alice,) = lines_of(out, world.alice.id)
    assert alice == listed(world, world.alice, f"telegram {ALICE}", "d-7", "FAILED") + (
        " (TelegramForbiddenError: Telegram server says - Forbidden: bot was blocked by the user)"
    )


async def test_sending_needs_a_token_and_days_must_be_numbers(world: World, remind: Remind) -> None:
    assert await remind("--today", D7.isoformat()) == (
        2,
        "",
        "error: BOT_TOKEN is not set: reminders go out through Telegram\n",
    )
    assert await remind("--dry-run", "--days", "7,soon") == (
        2,
        "",
        "error: reminder days must be whole numbers ≥ 0, not 'soon'\n",
    )
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
