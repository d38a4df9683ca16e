"""One Telegram input through the dialog service, and its replies back to the chat.

Every handler in :mod:`bot.telegram.handlers` ends here: the contact bound to the account
is looked up, the step runs in one transaction (updates marked processed in it), the
replies are sent, and the prompt they show is noted as the one on screen, so text typed
next answers it.  A failed step is rolled back whole and the person is told.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, Message, User

from bot.telegram import texts
from bot.telegram.sending import quietly, send_replies, send_text
from dialogs.application import errors
from dialogs.application.dialog import Turned
from dialogs.application.factory import Application
from dialogs.application.people import Person
from dialogs.contract import Input, Reply
from dialogs.i18n import normalise

log = logging.getLogger(__name__)

CHANNEL = "telegram"


class Refused(Exception):
    """The person may not use the dialog now; ``msgid`` says why."""

    def __init__(self, msgid: str) -> None:
        self.msgid = msgid


async def contact_of(services: Application, user: User) -> Person:
    """The active contact bound to this Telegram account, or :class:`Refused`."""
    person = await services.people.by_telegram(user.id)
    if person is None:
        raise Refused(texts.UNKNOWN_USER)
    if not person.active:
        raise Refused(texts.DEACTIVATED)
    return person


async def presser(
    callback: CallbackQuery, bot: Bot, services: Application
) -> tuple[int, Person | None]:
    """The chat and the contact behind a pressed button, the press answered at once (so
    the button stops spinning); ``None`` for a refused person, who has been told why."""
    await quietly(callback.answer(), "answering callback")
    user = callback.from_user
    chat_id = callback.message.chat.id if callback.message is not None else user.id
    try:
        return chat_id, await contact_of(services, user)
    except Refused as refused:
        await say(bot, chat_id, user.language_code, refused.msgid)
        return chat_id, None


async def say(bot: Bot, chat_id: int, lang: str | None, msgid: str) -> None:
    await send_text(bot, chat_id, texts.text(lang, msgid))


async def dialog_step(
    bot: Bot,
    services: Application,
    user: User,
    chat_id: int,
    inp: Input,
    updates: Sequence[int] = (),
) -> list[Reply] | None:
    """One input through the dialog service, its replies to the chat; None if it failed.

    ``updates`` are marked processed in the step's transaction; on a failure nothing of
    the step is kept, the person is told, and the updates stay unmarked.  A refusal or a
    step answered before gives no replies (an empty list): it was handled.
    """
    try:
        contact = await contact_of(services, user)
    except Refused as refused:
        await say(bot, chat_id, user.language_code, refused.msgid)
        return []
    try:
        turned = await services.dialog.converse(
            contact.id, inp, channel=CHANNEL, lang_hint=user.language_code, updates=updates
        )
    except errors.AccessDenied:
        await say(bot, chat_id, contact.language, texts.DEACTIVATED)
        return []
    except Exception:
        # The step is one transaction: it was rolled back whole, nothing of it is kept.
        log.exception("dialog step failed for contact %s (%s)", contact.id, inp.kind)
        await say(bot, chat_id, contact.language, texts.NOT_PROCESSED)
        return None
    if turned.handled_before:
        return []
    await show_delivered(bot, chat_id, services, contact.id, turned)
    return turned.replies


async def show_delivered(
    bot: Bot, chat_id: int, services: Application, contact_id: int, turned: Turned
) -> None:
    """Send the step's replies, then note its prompt as the one on screen in this chat
    (typed text is bound to it); a send that failed leaves the binding where it was."""
    if await show(bot, chat_id, turned.replies, turned.lang):
        try:
            await services.dialog.delivered(contact_id, CHANNEL, turned.prompt)
        except Exception:  # noqa: BLE001 - the step is saved; only the binding lags
            log.warning("could not note the prompt delivered to contact %s", contact_id)


async def show(bot: Bot, chat_id: int, replies: list[Reply], lang: str) -> bool:
    """Send the replies; the step is saved already, so a send failure is only logged."""
    try:
        await send_replies(bot, chat_id, replies, lang)
    except TelegramAPIError:
        log.exception("could not deliver %s replies to chat %s", len(replies), chat_id)
        return False
    return True


def replied_prompt(message: Message) -> int | None:
    """The prompt of the bot's message this one replies to (its buttons carry the nonce)."""
    replied = message.reply_to_message
    markup = replied.reply_markup if replied is not None else None
    if replied is None or markup is None or not replied.from_user or not replied.from_user.is_bot:
        return None
    for row in markup.inline_keyboard:
        for key in row:
            nonce = (key.callback_data or "").partition("|")[0]
            if nonce.isdigit():
                return int(nonce)
    return None


async def language_of(services: Application, user: User) -> str:
    """The stored language of the person, else their Telegram language."""
    person = await services.people.by_telegram(user.id)
    return person.language if person is not None else normalise(user.language_code)
