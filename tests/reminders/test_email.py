"""E-mail reminders for contacts without Telegram, through a local SMTP server (aiosmtpd)."""

from __future__ import annotations

import asyncio
import email
import io
import socket
from collections.abc import Iterator
from email.message import Message
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from admin.ops import reminders as ops
from bot import app as bot_app
from bot.mail import EmailSender
from dialogs.application import reminders
from dialogs.application.settings import Settings
from tests.reminders.conftest import ALICE, D7, World, at

REFUSED = "gone@example.kz"


class Mailbox:
    """Keeps every mail; refuses RCPT TO for :data:`REFUSED` for good (550)."""

    def __init__(self) -> None:
        self.mails: list[tuple[list[str], Message]] = []

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        if address == REFUSED:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.content if isinstance(envelope.content, bytes) else b""
        self.mails.append(
            (list(envelope.rcpt_tos), email.message_from_bytes(raw, policy=default_policy))
        )
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


async def test_a_web_only_contact_gets_the_reminder_by_email_with_the_web_link(
    world: World, smtp: tuple[Mailbox, int]
) -> None:
    box, port = smtp
    settings = Settings(
        _env_file=None, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none",
        smtp_from="saualnama@example.kz",
    )  # fmt: skip
    await ops.set_email(world.store, world.carol.id, "carol@example.kz")
    senders = {"telegram": world.sender, "email": EmailSender(settings)}
    world.clock.now = at(D7)
    done = await world.reminders.send_due(senders, now=world.clock())

    by_contact = {d.contact_id: (d.channel, d.status) for d in done}
    assert by_contact == {
        world.alice.id: ("telegram", "sent"),
        world.carol.id: ("email", "sent"),
        world.bek.id: ("telegram", "sent"),
        world.eve.id: ("telegram", "sent"),
    }
    ((to, mail),) = box.mails
    mvd = world.orgs["mvd_unit"].organisation.name_ru
    assert to == ["carol@example.kz"]
    assert mail["From"] == "saualnama@example.kz"
    assert mail["Subject"] == f"Анкета по противодействию торговле людьми: {mvd}"
    body = mail.get_body()
    assert body is not None
    assert body.get_content().splitlines() == [
        f"Здравствуйте! Напоминаем: анкету организации «{mvd}» по противодействию торговле "
        "людьми нужно отправить до 01.03.2026 (осталось дней: 7).",
        f"Заполнено: 2 из {world.total('mvd_unit')}.",
        "Чтобы продолжить, откройте анкету: https://saualnama.example.kz/chat",
    ]
    assert len(world.tg.texts(chat_id=ALICE)) == 1
    # the coordinator sees which channel reached whom
    log = {
        (e.contact_id, e.channel, e.status)
        for e in await ops.reminder_log(world.store, world.campaign.id)
    }
    assert (world.carol.id, "email", "sent") in log
    assert (world.alice.id, "telegram", "sent") in log


async def test_a_mailbox_refused_for_good_is_recorded_once(
    world: World, smtp: tuple[Mailbox, int]
) -> None:
    box, port = smtp
    settings = Settings(_env_file=None, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none")
    await ops.set_email(world.store, world.carol.id, REFUSED)
    senders = {"telegram": world.sender, "email": EmailSender(settings)}
    world.clock.now = at(D7)
    done = await world.reminders.send_due(senders, now=world.clock())
    (carol,) = [d for d in done if d.contact_id == world.carol.id]
    assert (carol.channel, carol.status) == ("email", "undeliverable")
    (mark,) = await ops.undeliverable(world.store, world.campaign.id)
    assert (mark.contact_id, mark.channel) == (world.carol.id, "email")
    again = await world.reminders.send_due(senders, now=world.clock())
    assert [(d.contact_id, d.status, d.error) for d in again] == [
        (world.carol.id, "skipped", "e-mail undeliverable")
    ]
    assert box.mails == []
    # a corrected address clears the mark
    await ops.set_email(world.store, world.carol.id, "carol@example.kz")
    assert await ops.undeliverable(world.store) == []


async def test_without_telegram_the_process_reminds_by_email_once(
    world: World, smtp: tuple[Mailbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An e-mail-only deployment (no BOT_TOKEN, SMTP_HOST set) runs the reminder loop."""
    box, port = smtp
    await ops.set_email(world.store, world.carol.id, "carol@example.kz")
    monkeypatch.setattr(reminders, "_utcnow", lambda: at(D7))  # within the sending hours
    settings = Settings(
        _env_file=None, database_url=world.url, bot_token=None, web_host="127.0.0.1",
        web_port=free_port(), public_url="https://saualnama.example.kz",
        smtp_host="127.0.0.1", smtp_port=port, smtp_security="none",
        smtp_from="saualnama@example.kz", reminder_days="7,3,1", reminder_interval_minutes=1,
    )  # fmt: skip
    runtime = await bot_app.start(settings, out=io.StringIO())
    try:
        assert runtime.telegram is None
        assert runtime.reminders is not None
        for _ in range(1000):
            if box.mails:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.5)  # time for a second mail, if one were coming
    finally:
        await bot_app.stop(runtime)
    assert runtime.reminders.cancelled()
    ((to, mail),) = box.mails
    assert to == ["carol@example.kz"]
    body = mail.get_body()
    assert body is not None
    assert body.get_content().splitlines()[-1] == (
        "Чтобы продолжить, откройте анкету: https://saualnama.example.kz/chat"
    )
    log = await ops.reminder_log(world.store, world.campaign.id)
    assert [(e.contact_id, e.channel, e.status) for e in log] == [(world.carol.id, "email", "sent")]
    assert world.tg.calls == []  # no Telegram at all
