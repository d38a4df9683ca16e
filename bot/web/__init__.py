"""The web chat channel (aiohttp): invite links, sessions, the chat page and its JSON API."""

from bot.web.server import WEBCHAT_KEY, WebChat, create_web_app

__all__ = ["WEBCHAT_KEY", "WebChat", "create_web_app"]
