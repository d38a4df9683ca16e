"""What the application hands a channel to deliver, and what a channel may answer.

A reminder is planned here and delivered by a channel (Telegram in ``bot/reminders.py``,
e-mail in ``bot/mail.py``).  A :class:`Sender` raises :class:`Throttled` when the channel
asks to wait (Telegram's 429) instead of waiting itself, so the caller can give its
claim back first and no other sender is kept waiting; :class:`Undeliverable` when the
address will never work (the person blocked the bot, the mailbox does not exist), so
the contact is recorded once and not tried again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to one person on one channel.

    ``address``: the Telegram chat id, or the e-mail address.  ``button``: the label of
    the button (Telegram) or link (e-mail) that continues the questionnaire; ``link``:
    the web chat's address, for channels that cannot carry a bot button.
    """

    channel: str
    address: int | str
    language: str
    subject: str
    text: str
    button: str
    link: str | None = None


class Throttled(Exception):
    """The channel asks to wait ``retry_after`` seconds before the next message."""

    def __init__(self, retry_after: float, detail: str = "") -> None:
        super().__init__(detail or f"retry after {retry_after}s")
        self.retry_after = float(retry_after)


class Undeliverable(Exception):
    """This address can never be reached on this channel (do not retry)."""


class Sender(Protocol):
    """Delivers one :class:`Outgoing`; raises :class:`Throttled`, :class:`Undeliverable`,
    or anything else for a failure worth retrying on the next run."""

    async def send(self, message: Outgoing) -> None: ...
