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

NOON = f"{D7.isoformat()}T12:00:00+05:00"
SENT_3 = "3 sent, 0 failed (retried by the next run), 0 undeliverable, 0 deferred, 1 skipped"

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
    code, out, err = await remind("--dry-run", "--at", NOON)
    assert code == 0, err
    heads = [line for line in out.splitlines() if not line.startswith("    ")]
    assert heads == [  # Dana is not reminded: the health ministry submitted
        listed(world, world.alice, f"telegram {ALICE}", "d-7", "would send by Telegram"),
        listed(world, world.carol, "web carol", "d-7", "skipped: web only, no e-mail address"),
        listed(world, world.bek, f"telegram {BEK}", "d-7", "would send by Telegram"),
        listed(world, world.eve, f"telegram {EVE}", "d-7", "would send by Telegram"),
        "3 would be sent, 0 deferred, 1 skipped",
    ]
    # each text is shown, with its button
    mvd = world.orgs["mvd_unit"].organisation.name_ru
    lines = out.splitlines()
    assert lines[1:5] == [
        f"    | Здравствуйте! Напоминаем: анкету организации «{mvd}» по противодействию "
        "торговле людьми нужно отправить до 01.03.2026 (осталось дней: 7).",
        f"    | Заполнено: 2 из {world.total('mvd_unit')}.",
        "    | Чтобы продолжить, отправьте /start в этом чате.",
        "    [Продолжить анкету]",
    ]
    # nothing sent, nothing recorded
    assert world.tg.calls == []
    assert await world.store.list_reminder_deliveries(world.campaign.id) == []

    assert await remind("--dry-run", "--at", "2026-02-20T12:00:00+05:00") == (
        0,
        "nothing due\n",
        "",
    )
    for more in (("--campaign", "999"), ("--days", "3,1")):
        assert await remind("--dry-run", "--at", NOON, *more) == (0, "nothing due\n", "")


async def test_without_dry_run_it_sends_through_telegram(world: World, remind: Remind) -> None:
    env = {"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": world.tg.url}
    args = ("--at", NOON, "--campaign", str(world.campaign.id))
    code, out, err = await remind(*args, **env)
    assert code == 0, err
    assert out.splitlines()[-1] == SENT_3
    for chat in (ALICE, BEK, EVE):
        assert len(world.tg.texts(chat_id=chat)) == 1
    assert world.tg.texts(chat_id=DANA) == []
    statuses = [d.status for d in await world.store.list_reminder_deliveries(world.campaign.id)]
    assert statuses == ["sent"] * 3
    # again: nothing more is sent
    code, out, _ = await remind(*args, **env)
    assert code == 0
    assert out.splitlines() == [
        listed(world, world.carol, "web carol", "d-7", "skipped: web only, no e-mail address"),
        "0 sent, 0 failed (retried by the next run), 0 undeliverable, 0 deferred, 1 skipped",
    ]
    assert len(world.tg.sent()) == 3


async def test_a_blocked_contact_is_listed_once_and_exits_0(world: World, remind: Remind) -> None:
    world.forbid_next_send(403)
    env = {"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": world.tg.url}
    code, out, err = await remind("--at", NOON, **env)
    assert code == 0, err
    alice = [line for line in lines_of(out, world.alice.id)]
    assert len(alice) == 1
    assert alice[0].startswith(
        listed(
            world,
            world.alice,
            f"telegram {ALICE}",
            "d-7",
            "UNDELIVERABLE (recorded; not tried again) by Telegram",
        )
    )
    assert out.splitlines()[-1] == (
        "2 sent, 0 failed (retried by the next run), 1 undeliverable, 0 deferred, 1 skipped"
    )
    code, out, _ = await remind("--at", NOON, **env)
    assert code == 0
    assert lines_of(out, world.alice.id) == [
        listed(
            world,
            world.alice,
            f"telegram {ALICE}",
            "d-7",
            "skipped: undeliverable on Telegram (blocked the bot)",
        )
    ]
    assert len(world.tg.texts(chat_id=ALICE)) == 0
    assert len(world.tg.calls_of("sendMessage")) == 3, "Alice was tried once"


async def test_a_failed_send_exits_1(world: World, remind: Remind) -> None:
    world.forbid_next_send(500, "Internal Server Error")
    env = {"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": world.tg.url}
    code, out, _ = await remind("--at", NOON, **env)
    assert code == 1
    assert sum("FAILED by Telegram (TelegramServerError" in line for line in out.splitlines()) == 1


async def test_outside_the_sending_hours_nothing_is_sent_unless_now(
    world: World, remind: Remind
) -> None:
    env = {"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": world.tg.url}
    night = "2026-02-22T22:30:00+05:00"
    code, out, err = await remind("--at", night, **env)
    assert code == 0, err
    assert out.splitlines() == [
        f"campaign {world.campaign.id}: outside sending hours 09:00-20:00 Asia/Almaty "
        "(now 22:30 there): nothing sent before 2026-02-23 09:00; --now sends anyway",
        "nothing due",
    ]
    assert world.tg.calls_of("sendMessage") == []
    code, out, err = await remind("--at", night, "--now", **env)
    assert code == 0, err
    assert out.splitlines()[-1] == SENT_3
    assert len(world.tg.calls_of("sendMessage")) == 3


async def test_sending_needs_a_token_and_days_must_be_numbers(world: World, remind: Remind) -> None:
    assert await remind("--at", NOON) == (
        2,
        "",
        "error: BOT_TOKEN is not set: reminders go out through Telegram "
        "(and e-mail with SMTP_HOST)\n",
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
        sys.executable, "-m", "admin", "remind", "--url", world.url, "--at", NOON,
        cwd=tmp_path, env=environ,  # cwd: no .env of the working copy
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()
    assert out.decode().splitlines()[-1] == SENT_3
    assert sorted(c.params["chat_id"] for c in world.tg.sent()) == sorted([ALICE, BEK, EVE])
