"""Routers: Telegram updates → dialog-engine inputs, engine replies → messages.

No questionnaire logic here: commands become ``Input.command``, text becomes
``Input.text``, button presses become ``Input.button``; the engine decides what they
mean (and rejects stale or forged buttons itself).  What is handled here is what
only a channel sees: invitation links, group chats, stickers and photos,
forwarded and edited messages, failures.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from aiogram import Bot, F, Router
from aiogram.enums import ChatAction, ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import (
    CallbackQuery,
    ErrorEvent,
    MenuButtonWebApp,
    Message,
    Update,
    User,
    WebAppInfo,
)

from bot.reminders import CONTINUE_DATA
from bot.telegram import review, texts
from bot.telegram.joining import SplitText
from bot.telegram.middlewares import NOT_PROCESSED
from bot.telegram.sending import quietly, remove_keyboard, send_replies, send_text, show_chosen
from dialogs.application import errors
from dialogs.application.dialog import Turned
from dialogs.application.factory import Application
from dialogs.application.onboarding import InvitationRefused
from dialogs.application.people import Person
from dialogs.contract import Input, Reply
from dialogs.i18n import normalise, translator

log = logging.getLogger(__name__)

CHANNEL = "telegram"
DIALOG_COMMANDS = ("menu", "progress", "review", "submit", "language", "help")
COMMAND_NAME_RE = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s|$)")


class _Refused(Exception):
    """The person may not use the dialog now; ``msgid`` says why."""

    def __init__(self, msgid: str) -> None:
        self.msgid = msgid


async def _contact(services: Application, user: User) -> Person:
    """The active contact bound to this Telegram account, or :class:`_Refused`."""
    person = await services.people.by_telegram(user.id)
    if person is None:
        raise _Refused(texts.UNKNOWN_USER)
    if not person.active:
        raise _Refused(texts.DEACTIVATED)
    return person


async def _say(bot: Bot, chat_id: int, lang: str | None, msgid: str) -> None:
    await send_text(bot, chat_id, texts.text(lang, msgid))


async def _dialog(
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
        contact = await _contact(services, user)
    except _Refused as refused:
        await _say(bot, chat_id, user.language_code, refused.msgid)
        return []
    try:
        turned = await services.dialog.converse(
            contact.id, inp, channel=CHANNEL, lang_hint=user.language_code, updates=updates
        )
    except errors.AccessDenied:
        await _say(bot, chat_id, contact.language, texts.DEACTIVATED)
        return []
    except Exception:
        # The step is one transaction: it was rolled back whole, nothing of it is kept.
        log.exception("dialog step failed for contact %s (%s)", contact.id, inp.kind)
        await _say(bot, chat_id, contact.language, texts.NOT_PROCESSED)
        return None
    if turned.handled_before:
        return []
    await _show_delivered(bot, chat_id, services, contact.id, turned)
    return turned.replies


async def _show_delivered(
    bot: Bot, chat_id: int, services: Application, contact_id: int, turned: Turned
) -> None:
    """Send the step's replies, then note its prompt as the one on screen in this chat
    (typed text is bound to it); a send that failed leaves the binding where it was."""
    if await _show(bot, chat_id, turned.replies, turned.lang):
        try:
            await services.dialog.delivered(contact_id, CHANNEL, turned.prompt)
        except Exception:  # noqa: BLE001 - the step is saved; only the binding lags
            log.warning("could not note the prompt delivered to contact %s", contact_id)


async def _show(bot: Bot, chat_id: int, replies: list[Reply], lang: str) -> bool:
    """Send the replies; the step is saved already, so a send failure is only logged."""
    try:
        await send_replies(bot, chat_id, replies, lang)
    except TelegramAPIError:
        log.exception("could not deliver %s replies to chat %s", len(replies), chat_id)
        return False
    return True


def _replied_prompt(message: Message) -> int | None:
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


async def _language_of(services: Application, user: User) -> str:
    """The stored language of the person, else their Telegram language."""
    person = await services.people.by_telegram(user.id)
    return person.language if person is not None else normalise(user.language_code)


# --- chats that are not private --------------------------------------------------------------


GROUPS = {ChatType.GROUP, ChatType.SUPERGROUP, ChatType.CHANNEL}


async def group_message(message: Message, bot: Bot) -> None:
    lang = message.from_user.language_code if message.from_user else None
    await _say(bot, message.chat.id, lang, texts.PRIVATE_ONLY)


async def group_edit(message: Message) -> None:
    """Edits in groups are not worth a reply."""


async def group_button(callback: CallbackQuery) -> None:
    text = texts.text(callback.from_user.language_code, texts.PRIVATE_ONLY)
    await quietly(callback.answer(text[:200], show_alert=True), "answering callback")


# --- joining: /start [token] ------------------------------------------------------------------


async def start_with_token(
    message: Message,
    command: CommandObject,
    bot: Bot,
    services: Application,
    form_url: str | None,
) -> None:
    """A deep link: join by the invitation (the application layer's rule), then begin."""
    user, chat_id = message.from_user, message.chat.id
    assert user is not None
    token = (command.args or "").strip()
    await quietly(bot.send_chat_action(chat_id, ChatAction.TYPING), "chat action")
    try:
        joined = await services.onboarding.join_telegram(
            token,
            user.id,
            display_name=user.full_name,
            language=normalise(user.language_code),
        )
    except InvitationRefused as refused:
        log.info("invitation refused for Telegram user %s: %s", user.id, refused.reason.value)
        await _say(bot, chat_id, user.language_code, texts.REFUSALS[refused.reason])
        return
    log.info("Telegram user %s joined as contact %s", user.id, joined.person.id)
    await _begin(bot, chat_id, services, joined.person, user, form_url)


async def start(message: Message, bot: Bot, services: Application, form_url: str | None) -> None:
    """A known person continues where they were; anyone else learns how to join."""
    user, chat_id = message.from_user, message.chat.id
    assert user is not None
    try:
        person = await _contact(services, user)
    except _Refused as refused:
        await _say(bot, chat_id, user.language_code, refused.msgid)
        return
    await _begin(bot, chat_id, services, person, user, form_url)


async def _begin(
    bot: Bot,
    chat_id: int,
    services: Application,
    person: Person,
    user: User,
    form_url: str | None,
) -> None:
    """Welcome (or welcome back) a contact where their dialog stands, and offer the form.

    The question shown is noted as delivered, as after any step: text typed next is for
    it, not for the prompt shown before (a return may have moved the dialog meanwhile).
    """
    try:
        turned = await services.dialog.converse(
            person.id, Input.command("start"), channel=CHANNEL, lang_hint=user.language_code
        )
    except Exception:
        log.exception("start failed for contact %s", person.id)
        await _say(bot, chat_id, person.language, texts.SOMETHING_WRONG)
        return
    await _show_delivered(bot, chat_id, services, person.id, turned)
    await _offer_form(bot, chat_id, await services.dialog.language(person.id), form_url)


async def _offer_form(bot: Bot, chat_id: int, lang: str, form_url: str | None) -> None:
    """The chat's menu button opens the same questionnaire as a form (Telegram Mini App).

    Telegram opens Mini Apps over https only, so without an https ``form_url`` the chat
    keeps its ordinary command menu.
    """
    if not form_url or not form_url.startswith("https://"):
        return
    button = MenuButtonWebApp(
        text=translator(lang)(texts.OPEN_FORM), web_app=WebAppInfo(url=form_url)
    )
    await quietly(bot.set_chat_menu_button(chat_id=chat_id, menu_button=button), "menu button")


async def continue_button(
    callback: CallbackQuery, bot: Bot, services: Application, form_url: str | None
) -> None:
    """The button under a reminder: as /start, into the open campaign of the contact's
    organisation, where the walk stands."""
    await quietly(callback.answer(), "answering callback")
    user = callback.from_user
    chat_id = callback.message.chat.id if callback.message is not None else user.id
    try:
        person = await _contact(services, user)
    except _Refused as refused:
        await _say(bot, chat_id, user.language_code, refused.msgid)
        return
    await _begin(bot, chat_id, services, person, user, form_url)


# --- the dialog -------------------------------------------------------------------------------


async def forwarded(message: Message, bot: Bot, services: Application) -> None:
    assert message.from_user is not None
    lang = await _language_of(services, message.from_user)
    await _say(bot, message.chat.id, lang, texts.FORWARDED)


async def command(
    message: Message,
    command: CommandObject,
    bot: Bot,
    services: Application,
    event_update: Update,
) -> Any:
    assert message.from_user is not None
    inp = Input.command(command.command.lower())
    done = await _dialog(
        bot, services, message.from_user, message.chat.id, inp, [event_update.update_id]
    )
    return None if done is not None else NOT_PROCESSED


async def other_command(message: Message, bot: Bot, services: Application) -> None:
    """A command the bot does not have: one line naming the known ones.  The question
    stays in the message above; resending it (or the whole review) only floods the chat."""
    assert message.from_user is not None
    try:
        person = await _contact(services, message.from_user)
    except _Refused as refused:
        await _say(bot, message.chat.id, message.from_user.language_code, refused.msgid)
        return
    await _say(bot, message.chat.id, person.language, texts.UNKNOWN_COMMAND)


async def text(
    message: Message,
    bot: Bot,
    services: Application,
    event_update: Update,
    split_text: SplitText,
) -> Any:
    """Typed text, for the prompt last shown in this chat (or the one it replies to).

    A long text Telegram split in parts is joined first (:mod:`bot.telegram.joining`).
    """
    user = message.from_user
    assert user is not None and message.text is not None
    chat_id, prompt = message.chat.id, _replied_prompt(message)

    async def flush(whole: str, updates: list[int]) -> None:
        await _dialog(bot, services, user, chat_id, Input.text(whole, prompt), updates)

    taken = split_text.take(chat_id, event_update.update_id, message.text, flush)
    if taken is None:
        return NOT_PROCESSED  # held for its continuation: marked by the joined step
    whole, updates = taken
    done = await _dialog(bot, services, user, chat_id, Input.text(whole, prompt), updates)
    return None if done is not None else NOT_PROCESSED


async def not_text(message: Message, bot: Bot, services: Application) -> None:
    """Stickers, photos, documents, voice, locations, contacts, polls…: nothing to store."""
    if message.from_user is None:
        return
    lang = await _language_of(services, message.from_user)
    await _say(bot, message.chat.id, lang, texts.NOT_TEXT)


async def edited(message: Message, bot: Bot, services: Application) -> None:
    """An edit of an earlier message: the answer stored from the original stays."""
    if message.from_user is None:
        return
    lang = await _language_of(services, message.from_user)
    await _say(bot, message.chat.id, lang, texts.EDITED)


async def button(
    callback: CallbackQuery, bot: Bot, services: Application, event_update: Update
) -> Any:
    # Answer at once, so the client stops its spinner before the (slower) work.
    await quietly(callback.answer(), "answering callback")
    user = callback.from_user
    message = callback.message
    chat_id = message.chat.id if message is not None else user.id
    replies = await _dialog(
        bot, services, user, chat_id, Input.button(callback.data or ""), [event_update.update_id]
    )
    if replies is None:
        return NOT_PROCESSED  # the buttons stay, so the person can press again
    if isinstance(message, Message):
        # Old buttons disappear, and the question keeps the answer given by its button
        # ("→ Да", a choice's option by number and full text, as the engine names it), so
        # the chat reads as a record of the answers.
        named = next((r.chosen.label for r in replies if r.chosen is not None), None)
        chosen = named or pressed_label(message, callback.data or "")
        if chosen is not None and message.text:
            await show_chosen(bot, chat_id, message.message_id, message.text, chosen)
        else:
            await remove_keyboard(bot, chat_id, message.message_id)
    return None


async def full_answer(callback: CallbackQuery, bot: Bot, services: Application) -> None:
    """«Показать полностью» under a review: the entry whole, read through the dialog
    service (its current answer, in the dialog's language).  Not a dialog step: the review
    and its buttons stay as they are, and an old review's button works too."""
    await quietly(callback.answer(), "answering callback")
    user = callback.from_user
    chat_id = callback.message.chat.id if callback.message is not None else user.id
    try:
        person = await _contact(services, user)
    except _Refused as refused:
        await _say(bot, chat_id, user.language_code, refused.msgid)
        return
    code = (callback.data or "").removeprefix(review.FULL)
    entry = await services.dialog.review_entry(person.id, code)
    lang = await services.dialog.language(person.id)
    if entry is None:
        await _say(bot, chat_id, lang, review.GONE)
        return
    await send_text(bot, chat_id, review.full_text(entry, lang))


def pressed_label(message: Message, data: str) -> str | None:
    """The label of the button of ``message`` that carries ``data``."""
    markup = message.reply_markup
    for row in markup.inline_keyboard if markup else []:
        for b in row:
            if b.callback_data == data:
                return b.text
    return None


# --- failures ---------------------------------------------------------------------------------


async def on_error(event: ErrorEvent, bot: Bot) -> bool:
    """Anything unexpected: log the traceback and ask the person to try again."""
    update = event.update
    log.error("update %s failed", update.update_id, exc_info=event.exception)
    message = update.message or update.edited_message
    callback = update.callback_query
    user = message.from_user if message else callback.from_user if callback else None
    chat_id = (
        message.chat.id
        if message
        else callback.message.chat.id
        if callback and callback.message
        else user.id
        if user
        else None
    )
    if chat_id is not None:
        lang = user.language_code if user else None
        try:
            await _say(bot, chat_id, lang, texts.NOT_PROCESSED)
        except Exception:  # noqa: BLE001 - Telegram itself may be the failure
            log.warning("could not tell chat %s about the failure", chat_id)
    return True


def build_routers() -> list[Router]:
    """Fresh routers (a router can belong to one dispatcher only), in the order they match."""
    private_only = Router(name="private_only")
    onboarding = Router(name="onboarding")
    dialog = Router(name="dialog")
    failures = Router(name="failures")
    private_only.message.register(group_message, F.chat.type.in_(GROUPS))
    private_only.edited_message.register(group_edit, F.chat.type.in_(GROUPS))
    private_only.callback_query.register(group_button, F.message.chat.type.in_(GROUPS))
    onboarding.message.register(start_with_token, CommandStart(deep_link=True))
    onboarding.message.register(start, CommandStart())
    onboarding.callback_query.register(continue_button, F.data == CONTINUE_DATA)
    dialog.message.register(forwarded, F.forward_origin)
    dialog.message.register(command, Command(*DIALOG_COMMANDS, ignore_case=True))
    dialog.message.register(other_command, F.text.regexp(COMMAND_NAME_RE))
    dialog.message.register(text, F.text)
    dialog.message.register(not_text)
    dialog.edited_message.register(edited)
    dialog.callback_query.register(full_answer, F.data.startswith(review.FULL))
    dialog.callback_query.register(button)
    failures.errors.register(on_error)
    return [private_only, onboarding, dialog, failures]
