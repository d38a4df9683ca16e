"""Building and running the Telegram channel: the bot, the dispatcher, polling or a webhook."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.fsm.storage.base import BaseEventIsolation
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web
from pydantic import SecretStr

from bot.telegram import handlers, send_budget, texts
from bot.telegram.joining import SplitText
from bot.telegram.middlewares import ProcessedUpdates
from bot.telegram.sending import with_retry
from dialogs import i18n
from dialogs.application.factory import Application
from dialogs.application.settings import Settings

log = logging.getLogger(__name__)

#: Languages of the bot menu: ``None`` is Telegram's default (Russian), then by language_code.
COMMAND_LANGUAGES: tuple[tuple[str | None, str], ...] = ((None, "ru"), ("kk", "kk"), ("en", "en"))


def create_bot(settings: Settings) -> Bot:
    """The Bot: plain-text messages, no link previews, ``TELEGRAM_API_URL`` if set, and
    every message within the send budget (:mod:`bot.telegram.send_budget`)."""
    if settings.bot_token is None:
        raise ValueError("BOT_TOKEN is not set: the Telegram channel cannot start")
    session = (
        AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
        if settings.telegram_api_url
        else AiohttpSession()
    )
    token = settings.bot_token.get_secret_value()
    bot = Bot(
        token,
        session=session,
        default=DefaultBotProperties(parse_mode=None, link_preview_is_disabled=True),
    )
    # ≤ 30 messages/s overall and 1/s per chat, shared through Redis when REDIS_URL is set
    send_budget.install(bot, send_budget.budget_for(settings.redis_url, token))
    return bot


def build_dispatcher(
    services: Application,
    *,
    form_url: str | None = None,
    events_isolation: BaseEventIsolation | None = None,
) -> Dispatcher:
    """The Dispatcher with every router; state lives in the database, not in aiogram's FSM.

    Updates of one person are handled one after another (``SimpleEventIsolation`` locks
    per chat and user in this process; several workers pass aiogram's
    ``RedisEventIsolation``, which locks across them), and each ``update_id`` at most once
    (:class:`ProcessedUpdates`, in the database).  ``form_url`` (https) is the web chat's
    Mini App page, offered as each chat's menu button.
    """
    dispatcher = Dispatcher(
        events_isolation=events_isolation or SimpleEventIsolation(),
        name="saualnama-telegram",
        services=services,
        form_url=form_url,
        split_text=SplitText(),
    )
    dispatcher.update.outer_middleware(ProcessedUpdates(services.updates))
    dispatcher.include_routers(*handlers.build_routers())
    return dispatcher


async def run_polling(
    bot: Bot,
    dispatcher: Dispatcher,
    *,
    handle_signals: bool = True,
    polling_timeout: int = 30,
) -> None:
    """Long-poll Telegram until stopped (SIGINT/SIGTERM, or the task is cancelled).

    A webhook left from an earlier run would block ``getUpdates``, so it is removed
    first; pending updates are kept (nothing a person sent is dropped).  Cancelling the
    task that runs this stops polling for good (aiogram's own ``start_polling`` would
    leave its inner polling loop running when cancelled from outside).
    """
    await with_retry(lambda: bot.delete_webhook(drop_pending_updates=False))
    polling = asyncio.create_task(
        dispatcher.start_polling(
            bot,
            polling_timeout=polling_timeout,
            handle_signals=handle_signals,
            allowed_updates=dispatcher.resolve_used_update_types(),
        )
    )
    try:
        await asyncio.shield(polling)
    except asyncio.CancelledError:
        try:
            await dispatcher.stop_polling()
        except RuntimeError:  # not started yet
            polling.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await polling
        raise


def setup_webhook(
    app: web.Application,
    bot: Bot,
    dispatcher: Dispatcher,
    path: str,
    secret: str | SecretStr | None,
    *,
    in_background: bool = True,
) -> None:
    """Serve Telegram updates at ``path`` of ``app``; calls without ``secret`` get 401.

    ``in_background=False`` answers Telegram only once the update is handled: across
    workers, the next update of a chat then cannot overtake it, and a failed one is
    redelivered.  Registering the URL with Telegram (``bot.set_webhook(url, secret_token=secret)``) is
    left to the caller, who knows the public URL.
    """
    if isinstance(secret, SecretStr):
        secret = secret.get_secret_value()
    if not secret:
        raise ValueError("WEBHOOK_SECRET is required to serve Telegram through a webhook")
    SimpleRequestHandler(
        dispatcher=dispatcher, bot=bot, secret_token=secret, handle_in_background=in_background
    ).register(app, path=path)
    setup_application(app, dispatcher, bot=bot)


async def set_commands(bot: Bot) -> None:
    """The bot menu (/menu, /progress, /review, /submit, /language, /help) in ru, kk, en."""
    for language_code, lang in COMMAND_LANGUAGES:
        _ = i18n.translator(lang)
        commands = [
            BotCommand(command=name, description=_(description))
            for name, description in texts.COMMANDS
        ]

        async def call(
            commands: list[BotCommand] = commands, code: str | None = language_code
        ) -> bool:
            return await bot.set_my_commands(
                commands, scope=BotCommandScopeAllPrivateChats(), language_code=code
            )

        await with_retry(call)
