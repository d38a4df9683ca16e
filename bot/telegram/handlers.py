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
from typing import Any

from aiogram import Bot, F, Router
from aiogram.enums import ChatAction, ChatType
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
from bot.telegram.sending import quietly, remove_keyboard, send_text, show_chosen
from bot.telegram.steps import (
    CHANNEL,
    Refused,
    contact_of,
    dialog_step,
    language_of,
    presser,
    replied_prompt,
    say,
    show_delivered,
)
from dialogs.application.factory import Application
from dialogs.application.onboarding import InvitationRefused
from dialogs.application.people import Person
from dialogs.contract import Input
from dialogs.i18n import normalise, translator

log = logging.getLogger(__name__)

DIALOG_COMMANDS = ("menu", "progress", "review", "submit", "language", "help")
COMMAND_NAME_RE = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s|$)")


# --- chats that are not private --------------------------------------------------------------


GROUPS = {ChatType.GROUP, ChatType.SUPERGROUP, ChatType.CHANNEL}


async def group_message(message: Message, bot: Bot) -> None:
    lang = message.from_user.language_code if message.from_user else None
    await say(bot, message.chat.id, lang, texts.PRIVATE_ONLY)


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
        await say(bot, chat_id, user.language_code, texts.REFUSALS[refused.reason])
        return
    log.info("Telegram user %s joined as contact %s", user.id, joined.person.id)
    await _begin(bot, chat_id, services, joined.person, user, form_url)


async def start(message: Message, bot: Bot, services: Application, form_url: str | None) -> None:
    """A known person continues where they were; anyone else learns how to join."""
    user, chat_id = message.from_user, message.chat.id
    assert user is not None
    try:
        person = await contact_of(services, user)
    except Refused as refused:
        await say(bot, chat_id, user.language_code, refused.msgid)
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
        await say(bot, chat_id, person.language, texts.SOMETHING_WRONG)
        return
    await show_delivered(bot, chat_id, services, person.id, turned)
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
    chat_id, person = await presser(callback, bot, services)
    if person is not None:
        await _begin(bot, chat_id, services, person, callback.from_user, form_url)


# --- the dialog -------------------------------------------------------------------------------


async def forwarded(message: Message, bot: Bot, services: Application) -> None:
    assert message.from_user is not None
    lang = await language_of(services, message.from_user)
    await say(bot, message.chat.id, lang, texts.FORWARDED)


async def command(
    message: Message,
    command: CommandObject,
    bot: Bot,
    services: Application,
    event_update: Update,
) -> Any:
    assert message.from_user is not None
    inp = Input.command(command.command.lower())
    done = await dialog_step(
        bot, services, message.from_user, message.chat.id, inp, [event_update.update_id]
    )
    return None if done is not None else NOT_PROCESSED


async def other_command(message: Message, bot: Bot, services: Application) -> None:
    """A command the bot does not have: one line naming the known ones.  The question
    stays in the message above; resending it (or the whole review) only floods the chat."""
    assert message.from_user is not None
    try:
        person = await contact_of(services, message.from_user)
    except Refused as refused:
        await say(bot, message.chat.id, message.from_user.language_code, refused.msgid)
        return
    await say(bot, message.chat.id, person.language, texts.UNKNOWN_COMMAND)


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
    chat_id, prompt = message.chat.id, replied_prompt(message)

    async def flush(whole: str, updates: list[int]) -> None:
        await dialog_step(bot, services, user, chat_id, Input.text(whole, prompt), updates)

    taken = split_text.take(chat_id, event_update.update_id, message.text, flush)
    if taken is None:
        return NOT_PROCESSED  # held for its continuation: marked by the joined step
    whole, updates = taken
    done = await dialog_step(bot, services, user, chat_id, Input.text(whole, prompt), updates)
    return None if done is not None else NOT_PROCESSED


async def not_text(message: Message, bot: Bot, services: Application) -> None:
    """Stickers, photos, documents, voice, locations, contacts, polls…: nothing to store."""
    if message.from_user is None:
        return
    lang = await language_of(services, message.from_user)
    await say(bot, message.chat.id, lang, texts.NOT_TEXT)


async def edited(message: Message, bot: Bot, services: Application) -> None:
    """An edit of an earlier message: the answer stored from the original stays."""
    if message.from_user is None:
        return
    lang = await language_of(services, message.from_user)
    await say(bot, message.chat.id, lang, texts.EDITED)


async def button(
    callback: CallbackQuery, bot: Bot, services: Application, event_update: Update
) -> Any:
    # Answer at once, so the client stops its spinner before the (slower) work.
    await quietly(callback.answer(), "answering callback")
    user = callback.from_user
    message = callback.message
    chat_id = message.chat.id if message is not None else user.id
    replies = await dialog_step(
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
    chat_id, person = await presser(callback, bot, services)
    if person is None:
        return
    code = (callback.data or "").removeprefix(review.FULL)
    entry = await services.dialog.review_entry(person.id, code)
    lang = await services.dialog.language(person.id)
    if entry is None:
        await say(bot, chat_id, lang, review.GONE)
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
            await say(bot, chat_id, lang, texts.NOT_PROCESSED)
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
