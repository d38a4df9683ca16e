"""E-mail: the channel of reminders for contacts without Telegram (or who blocked the bot).

Optional: with ``SMTP_HOST`` set, :func:`email_sender` (the ``email`` entry point of
``saualnama.senders``) sends each reminder as plain-text mail over ``aiosmtplib``, with
the web chat's link instead of the bot's button.  The server refusing the recipient
for good (a 5xx reply to RCPT TO) makes the contact
:class:`~dialogs.application.outgoing.Undeliverable` by e-mail; anything else
(connection, a 4xx "try later") fails this delivery only, and the next run tries again.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib

from dialogs.application.outgoing import Outgoing, Sender, Undeliverable
from dialogs.application.settings import Settings

log = logging.getLogger(__name__)

TIMEOUT = 20.0


def compose(message: Outgoing, sender: str) -> EmailMessage:
    """The mail of one reminder: subject, text, and the link on a line of its own."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = str(message.address)
    mail["Subject"] = message.subject
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    mail["Content-Language"] = message.language
    mail.set_content(message.text)
    return mail


class EmailSender:
    """:class:`~dialogs.application.outgoing.Sender` over SMTP (one connection per mail)."""

    def __init__(self, settings: Settings) -> None:
        if not settings.smtp_host:
            raise ValueError("SMTP_HOST is not set: e-mail reminders cannot be sent")
        self.settings = settings

    async def send(self, message: Outgoing) -> None:
        s = self.settings
        password = s.smtp_password.get_secret_value() if s.smtp_password else None
        try:
            await aiosmtplib.send(
                compose(message, s.smtp_from),
                hostname=s.smtp_host,
                port=s.smtp_port,
                username=s.smtp_username or None,
                password=password,
                use_tls=s.smtp_security == "tls",
                start_tls=s.smtp_security == "starttls",
                timeout=TIMEOUT,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            if codes and all(500 <= code < 600 for code in codes):
                raise Undeliverable("; ".join(r.message for r in exc.recipients)) from exc
            raise


def email_configured(settings: Settings) -> bool:
    """Whether e-mail reminders can be sent (``SMTP_HOST`` is set)."""
    return bool(settings.smtp_host)


@asynccontextmanager
async def email_sender(settings: Settings) -> AsyncIterator[Sender]:
    """The e-mail sender (entry point ``email``); nothing to close."""
    yield EmailSender(settings)
