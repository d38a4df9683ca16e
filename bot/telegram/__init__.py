"""The Telegram channel: aiogram 3 routers between Telegram and the dialog service.

Public API, called by the process entry point::

    bot = create_bot(settings)
    dispatcher = build_dispatcher(services)            # dialogs.application.factory.Application
    await set_commands(bot)
    await run_polling(bot, dispatcher)                 # or, with a web app:
    setup_webhook(app, bot, dispatcher, settings.webhook_path, settings.webhook_secret)
"""

from bot.telegram.runtime import (
    build_dispatcher,
    create_bot,
    run_polling,
    set_commands,
    setup_webhook,
)

__all__ = ["build_dispatcher", "create_bot", "run_polling", "set_commands", "setup_webhook"]
