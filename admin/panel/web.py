"""What every panel handler shares: its configuration, who is asking, and page rendering.

Pages are Jinja2 templates (``admin/panel/templates``) rendered with autoescape on:
every value — an organisation's name, an answer, a reason — is text, never markup.
The only markup handed to a template is the QR code SVG that segno draws (its label
escaped); the templates mark nothing else safe.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiohttp_jinja2
from aiohttp import web
from yarl import URL

from admin.panel.auth import Auth
from admin.panel.org_import import Uploads
from admin.panel.texts import ERRORS, LANG_LABELS, LANG_NAMES, ROLES, translate
from dialogs import i18n
from dialogs.application.settings import Settings
from storage.models import PanelSession, PanelUser
from storage.repository import Store

PREFIX = "/admin"
SESSION_COOKIE = "saualnama_admin"
PRE_COOKIE = "saualnama_admin_pre"
LANG_COOKIE = "saualnama_admin_lang"
CSRF_FIELD = "csrf"

try:
    #: Kazakhstan's one time zone (UTC+5 since March 2024).
    ZONE: tzinfo = ZoneInfo("Asia/Almaty")
except ZoneInfoNotFoundError:  # no tz database on the machine
    ZONE = timezone(timedelta(hours=5))


@dataclass
class Panel:
    """The panel's configuration and services, one per application."""

    settings: Settings
    store: Store
    auth: Auth
    clock: Callable[[], datetime]
    public: URL = field(init=False)
    secure: bool = field(init=False)
    trusted_proxies: frozenset[str] = field(init=False)
    #: master files previewed and waiting for Apply
    uploads: Uploads = field(init=False, default_factory=Uploads)

    def __post_init__(self) -> None:
        self.public = URL(self.settings.public_url)
        self.secure = self.public.scheme == "https"
        self.trusted_proxies = frozenset(
            a.strip() for a in self.settings.trusted_proxies.split(",") if a.strip()
        )

    def invite_links(self, token: str) -> tuple[str, str | None]:
        """(web link, Telegram deep link or None) of an invitation token."""
        web_link = f"{self.settings.public_url.rstrip('/')}/i/{token}"
        username = (self.settings.bot_username or "").lstrip("@")
        return web_link, (f"https://t.me/{username}?start={token}" if username else None)


PANEL_KEY = web.AppKey("panel", Panel)


@dataclass(frozen=True, slots=True)
class Visitor:
    """Who makes this request: a language always, a session and a user once signed in."""

    lang: str
    session_id: str | None = None
    session: PanelSession | None = None
    user: PanelUser | None = None

    @property
    def is_coordinator(self) -> bool:
        return self.user is not None and self.user.role == "coordinator"

    @property
    def actor(self) -> str:
        """The audit log's name of this user (``coordinator:aigerim``)."""
        assert self.user is not None
        return f"{self.user.role}:{self.user.login}"


#: The visitor of the request being handled (set by the guard for the whole request: the
#: middleware and the handler run in one task).  A context variable rather than request
#: storage keeps aiohttp's ``RequestKey`` (3.14+) out of the requirements.
CURRENT_VISITOR: ContextVar[Visitor | None] = ContextVar("panel_visitor", default=None)


def panel_of(request: web.Request) -> Panel:
    return request.config_dict[PANEL_KEY]


def visitor(request: web.Request) -> Visitor:
    """Who makes ``request`` (anonymous, in Russian, outside the guard)."""
    return CURRENT_VISITOR.get() or Visitor(i18n.SOURCE_LANGUAGE)


def client_address(request: web.Request) -> str:
    """The peer, or whom a trusted proxy says it forwarded for (rightmost untrusted hop)."""
    address = request.remote or "unknown"
    trusted = panel_of(request).trusted_proxies
    forwarded = request.headers.get("X-Forwarded-For")
    if address not in trusted or not forwarded:
        return address
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    return next((h for h in reversed(hops) if h not in trusted), address)


def when(moment: datetime | None) -> str:
    """``31.12.2025 14:05``, Kazakhstan time; empty for None."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZONE).strftime("%d.%m.%Y %H:%M")


def lang_links(request: web.Request, current: str) -> list[dict[str, Any]]:
    """The language switch: this page in each language."""
    return [
        {
            "code": code,
            "label": label,
            "name": LANG_NAMES[code],
            "href": str(request.rel_url.update_query(lang=code)),
            "current": code == current,
        }
        for code, label in LANG_LABELS.items()
    ]


def render(
    request: web.Request, template: str, context: dict[str, Any], *, status: int = 200
) -> web.Response:
    """A page: ``context`` plus what the layout needs (language, user, CSRF, navigation)."""
    who = visitor(request)
    base: dict[str, Any] = {
        "lang": who.lang,
        "user": who.user,
        "role": translate(who.lang, ROLES[who.user.role]) if who.user else "",
        "is_coordinator": who.is_coordinator,
        "csrf": who.session.csrf if who.session is not None else "",
        "signed_in": who.session is not None and who.session.stage == "full",
        "langs": lang_links(request, who.lang),
        "path": request.path,
        "when": when,
    }
    base.update(context)
    return aiohttp_jinja2.render_template(template, request, base, status=status)


_KIND_OF_STATUS = {403: "forbidden", 404: "not_found", 405: "not_found"}


def error_page(request: web.Request, status: int, kind: str | None = None) -> web.Response:
    """A polite page saying what happened (``kind``, else what ``status`` means), in the
    visitor's language."""
    lang = visitor(request).lang
    title, body = ERRORS[kind or _KIND_OF_STATUS.get(status, "error")]
    return render(
        request,
        "error.html",
        {"title": translate(lang, title), "message": translate(lang, body), "status": status},
        status=status,
    )


def see_other(location: str | URL) -> web.Response:
    """A 303 redirect as a response (cookies can be set on it)."""
    return web.Response(status=303, headers={"Location": str(location)})


def form_value(form: Any, name: str, limit: int = 1000) -> str:
    """A form field as text (first value), cut to ``limit`` characters."""
    value = form.get(name, "")
    return value[:limit] if isinstance(value, str) else ""
