"""Finding the channel that delivers reminders, without depending on it.

The application layer plans reminders and defines what a :class:`Sender` is; the
channels deliver.  The coordinator's ``python -m admin remind`` must send through
Telegram, yet ``admin`` may not import the channels (``bot``).  So a channel registers
its sender in the package metadata, as an entry point of the group :data:`GROUP`
(pyproject.toml: ``telegram = "bot.reminders:telegram_sender"``), and whoever needs one
asks :func:`sender_for` by channel name.  Nothing here or in ``admin`` names ``bot``; a
deployment without the channel gets :class:`NoSender` and can still plan (``--dry-run``),
while the running bot sends on its own schedule.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from importlib.metadata import entry_points
from typing import cast

from dialogs.application.outgoing import Sender
from dialogs.application.settings import Settings

GROUP = "saualnama.senders"

#: What an entry point of :data:`GROUP` names: settings → an open sender, closed on exit.
SenderFactory = Callable[[Settings], AbstractAsyncContextManager[Sender]]


class NoSender(LookupError):
    """No installed package delivers through this channel."""


def sender_for(
    settings: Settings, channel: str = "telegram"
) -> AbstractAsyncContextManager[Sender]:
    """The sender of ``channel`` registered in :data:`GROUP`, to use with ``async with``."""
    found = list(entry_points(group=GROUP, name=channel))
    if not found:
        raise NoSender(
            f"no installed package sends reminders through {channel!r} "
            f"(entry point group {GROUP!r}); reinstall with `pip install -e .`"
        )
    factory = cast(SenderFactory, found[0].load())
    return factory(settings)
