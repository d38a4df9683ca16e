"""Invitation links: only to an address people can open, with the Telegram link or why not.

A link to ``http://127.0.0.1:8080`` works on the coordinator's machine and nowhere else;
sent to forty organisations it is forty dead links.  So links are made only when
``PUBLIC_URL`` is a public address, unless the coordinator explicitly asks for local
ones (testing on one machine).  Without ``BOT_USERNAME`` there is no ``t.me`` link, and
the reason is given instead of an empty column.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from admin.ops.errors import OpsError

BOT_USERNAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{4,31}$")
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".test")


def why_not_public(url: str) -> str | None:
    """Why people outside this machine could not open ``url`` (``None``: they could)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "is not an http(s) address"
    host = parts.hostname.lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if host == "localhost" or host.endswith(_LOCAL_SUFFIXES) or "." not in host:
            return f"points at {host}, a name only this network knows"
        return None
    if not address.is_global:
        return f"points at {host}, a private or local address"
    return None


@dataclass(frozen=True, slots=True)
class LinkMaker:
    """Builds the web and Telegram links of a token; ``notes`` say what to know about them."""

    web_base: str
    bot_username: str | None
    telegram_missing: str | None = None
    notes: list[str] = field(default_factory=list)

    def web(self, token: str) -> str:
        return f"{self.web_base}/i/{token}"

    def telegram(self, token: str) -> str | None:
        return f"https://t.me/{self.bot_username}?start={token}" if self.bot_username else None


def link_maker(
    public_url: str, bot_username: str | None, *, allow_local: bool = False
) -> LinkMaker:
    """The links for these settings, or :class:`OpsError` if they would not open.

    ``allow_local``: make them even for a local ``PUBLIC_URL`` (the CLI's ``--local``).
    """
    problem = why_not_public(public_url)
    notes = []
    if problem is not None:
        if not allow_local:
            raise OpsError(
                f"PUBLIC_URL {public_url!r} {problem}: links made with it would not open on"
                " people's phones. Set PUBLIC_URL (in .env or the environment) to the address"
                " people open, e.g. https://saualnama.example.kz — or pass --local to make"
                " links for testing on this machine only"
            )
        notes.append(f"local links: PUBLIC_URL {problem}; they open on this machine only")
    elif urlsplit(public_url).scheme == "http":
        notes.append("PUBLIC_URL is http://, not https://: the links travel unencrypted")
    bot = (bot_username or "").strip().lstrip("@") or None
    missing = None
    if bot is None:
        missing = (
            "BOT_USERNAME is not set, so there are no t.me links; set it to the bot's @username"
        )
    elif not BOT_USERNAME_RE.match(bot):
        missing = f"BOT_USERNAME {bot_username!r} is not a Telegram bot username; no t.me links"
        bot = None
    if missing:
        notes.append(missing)
    return LinkMaker(public_url.strip().rstrip("/"), bot, missing, notes)
