"""Engine replies → Telegram messages, within Telegram's limits, retried when throttled.

* Text is plain (no ``parse_mode``): ``<script>`` is shown as typed.
* A message holds at most 4096 characters (counted in UTF-16 code units, as
  Telegram does): longer replies are split at line breaks, buttons go on the last part.
* ``callback_data`` is at most 64 bytes of ASCII (the engine guarantees it; checked
  here so a violation fails loudly instead of as a Bot API error), at most 8 buttons a row.
* ``TelegramRetryAfter`` (HTTP 429) is waited out, network and server errors are retried
  with backoff, a few times.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.telegram.limits import MESSAGE_LIMIT, utf16_len
from bot.telegram.review import review_parts
from dialogs.application.metrics import TELEGRAM_429
from dialogs.contract import Button, Reply

log = logging.getLogger(__name__)

T = TypeVar("T")

CALLBACK_DATA_LIMIT = 64
BUTTONS_PER_ROW = 8
SEND_TRIES = 5
MAX_RETRY_AFTER = 120.0
#: About what a row of buttons shows whole on a phone; a longer row gets a row per button
#: (Telegram cuts a label that does not fit, with "…", and never wraps it).
ROW_CHARS = 34
BUTTON_PADDING = 3  # a button's margins, in characters


def _cut(line: str, limit: int) -> list[str]:
    """A single over-long line in pieces of at most ``limit``, preferably at spaces."""
    pieces = []
    while utf16_len(line) > limit:
        # Largest prefix within the limit (characters ≤ code units, so start there).
        end = min(len(line), limit)
        while utf16_len(line[:end]) > limit:
            end -= 1
        space = line.rfind(" ", 0, end)
        if space > end // 2:
            end = space + 1
        pieces.append(line[:end])
        line = line[end:]
    pieces.append(line)
    return pieces


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """``text`` in parts of at most ``limit``, split at line breaks; no blank parts."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        for piece in _cut(line, limit):
            candidate = f"{current}\n{piece}" if current else piece
            if current and utf16_len(candidate) > limit:
                parts.append(current)
                current = piece
            else:
                current = candidate
    parts.append(current)
    return [p.strip("\n") for p in parts if p.strip()]


def keyboard(rows: Iterable[Iterable[Button]]) -> InlineKeyboardMarkup | None:
    """Inline keyboard of the engine's buttons (``None`` when there are none)."""
    keyboard_rows: list[list[InlineKeyboardButton]] = []
    for row in rows:
        buttons = []
        for b in row:
            raw = b.data.encode("utf-8")
            if not b.data.isascii() or not 0 < len(raw) <= CALLBACK_DATA_LIMIT:
                raise ValueError(f"callback data {b.data!r} is not 1-64 bytes of ASCII")
            buttons.append(InlineKeyboardButton(text=b.label, callback_data=b.data))
        keyboard_rows.extend(_pack(buttons))
    return InlineKeyboardMarkup(inline_keyboard=keyboard_rows) if keyboard_rows else None


def _pack(buttons: list[InlineKeyboardButton]) -> list[list[InlineKeyboardButton]]:
    """One row of the engine's as rows a phone shows whole: buttons stay side by side
    while their labels fit ``ROW_CHARS`` (and ``BUTTONS_PER_ROW``), else the next starts a
    row, so a long label gets the whole width."""
    rows: list[list[InlineKeyboardButton]] = []
    width = 0
    for b in buttons:
        size = utf16_len(b.text) + BUTTON_PADDING
        if rows and len(rows[-1]) < BUTTONS_PER_ROW and width + size <= ROW_CHARS:
            rows[-1].append(b)
            width += size
        else:
            rows.append([b])
            width = size
    return rows


async def with_retry(
    call: Callable[[], Awaitable[T]],
    *,
    tries: int = SEND_TRIES,
    backoff: float = 0.5,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> T:
    """Run ``call()``; on flood control wait ``retry_after``, on network/5xx back off; retry."""
    for attempt in range(1, tries + 1):
        try:
            return await call()
        except TelegramRetryAfter as exc:
            if attempt == tries:
                raise
            TELEGRAM_429.inc()
            wait = min(float(exc.retry_after), MAX_RETRY_AFTER)
            log.warning("Telegram flood control: waiting %ss (try %s/%s)", wait, attempt, tries)
            await sleep(wait)
        except TelegramEntityTooLarge:
            raise
        except (TelegramNetworkError, TelegramServerError) as exc:
            if attempt == tries:
                raise
            wait = backoff * 2 ** (attempt - 1)
            log.warning(
                "Telegram unreachable (%s): retry in %ss (%s/%s)", exc, wait, attempt, tries
            )
            await sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


async def send_text(
    bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> list[Message]:
    """Send ``text`` (split if long; ``markup`` on the last part) as plain text."""
    parts = split_text(text)
    sent = []
    for n, part in enumerate(parts):
        last = n == len(parts) - 1

        def call(part: str = part, last: bool = last) -> Awaitable[Message]:
            return bot.send_message(
                chat_id, part, parse_mode=None, reply_markup=markup if last else None
            )

        sent.append(await with_retry(call))
    return sent


async def send_replies(
    bot: Bot, chat_id: int, replies: Iterable[Reply], lang: str = "ru"
) -> list[Message]:
    """Show the engine's replies, in order; a block's review as the messages
    :mod:`bot.telegram.review` draws from its entries (``lang``: its buttons' language)."""
    sent: list[Message] = []
    for reply in replies:
        if reply.review:
            for part in review_parts(reply, lang):
                sent.extend(await send_text(bot, chat_id, part.text, keyboard(part.rows)))
        else:
            sent.extend(await send_text(bot, chat_id, reply.text, keyboard(reply.buttons)))
    return sent


async def quietly(call: Awaitable[object], what: str) -> None:
    """Cosmetic calls (remove a keyboard, answer a callback, chat action): failures ignored."""
    try:
        await call
    except TelegramBadRequest as exc:
        if "not modified" not in str(exc):
            log.info("%s failed: %s", what, exc)
    except TelegramAPIError as exc:
        log.info("%s failed: %s", what, exc)


async def show_chosen(bot: Bot, chat_id: int, message_id: int, text: str, label: str) -> None:
    """Edit a question whose button was pressed: no buttons, the answer below ("→ Да")."""
    edited = f"{text}\n\n→ {label}"
    if utf16_len(edited) > MESSAGE_LIMIT:
        await remove_keyboard(bot, chat_id, message_id)
        return
    await quietly(
        bot.edit_message_text(
            edited, chat_id=chat_id, message_id=message_id, parse_mode=None, reply_markup=None
        ),
        "showing the chosen button",
    )


async def remove_keyboard(bot: Bot, chat_id: int, message_id: int) -> None:
    """Take the buttons off a message whose button was pressed, so old buttons disappear."""
    await quietly(
        bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id, reply_markup=None),
        "removing keyboard",
    )
