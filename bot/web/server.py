"""The web chat: an aiohttp application over the dialog service.

Routes::

    GET  /               the chat if signed in, else how to sign in
    GET  /i/{token}      redeem an invitation, open a session, 303 to /chat
    GET  /chat           the chat page (needs a session)
    GET  /tg             the same page as a Telegram Mini App (signs in with initData)
    GET  /api/state      the current prompt replayed, and the progress
    POST /api/input      {"kind": "text"|"button"|"command", "value": "...", "prompt": n}
                         (``prompt``: the prompt shown when the text was typed), or a whole
                         table: {"kind": "form", "value": expects.form, "form": {key: cell}}
    POST /api/language   {"lang": "ru"|"kk"|"en"}: switch the dialog's language at once
    POST /api/tg-auth    {"initData": "..."}: a session for the Mini App's Telegram user
    POST /api/logout     end the session
    GET  /static/...     chat.css, chat.js

Every /api call but tg-auth needs the session cookie and the session's CSRF
token in ``X-CSRF-Token``; every unsafe request with an ``Origin`` must come
from this site.  Replies are plain text: the page inserts them with
``textContent`` only.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from yarl import URL

from bot.logs import request_ids
from bot.web import ops, pages
from bot.web.miniapp import InvalidInitData, validate_init_data
from bot.web.ratelimit import Limiter, SlidingWindowLimiter, client_address
from bot.web.texts import REFUSAL_PAGES, negotiate, page_text, ui_labels
from bot.web.wire import MAX_VALUE_CHARS, dumps, form_values, json_error, read_json, reply_json
from dialogs import i18n
from dialogs.application import errors
from dialogs.application.dialog import Turned
from dialogs.application.factory import Application
from dialogs.application.language import switch_language
from dialogs.application.onboarding import InvitationRefused, Joined, Refusal
from dialogs.application.settings import Settings
from dialogs.application.web_sessions import ABSOLUTE_TTL, Session, WebSessions
from dialogs.contract import COMMANDS, Input

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

STATIC_DIR = Path(__file__).parent / "static"
SESSION_COOKIE = "saualnama_session"
DEVICE_COOKIE = "saualnama_device"
CSRF_HEADER = "X-CSRF-Token"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors https://web.telegram.org 'self'"
)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_DEVICE_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
#: Link-preview fetchers: they must not use an invitation up.
_PREVIEW_BOTS = re.compile(
    r"TelegramBot|Twitterbot|facebookexternalhit|Slackbot|Slack-ImgProxy|WhatsApp|Discordbot|"
    r"LinkedInBot|SkypeUriPreview|Viber|vkShare|redditbot|Googlebot|bingbot|BingPreview|"
    r"YandexBot|Applebot|Iframely|Embedly|MicrosoftPreview|Mattermost|Rocket\.Chat",
    re.IGNORECASE,
)


class WebChat:
    """The handlers and their shared state (sessions, sign-in limiter)."""

    def __init__(
        self,
        settings: Settings,
        services: Application,
        *,
        sessions: WebSessions | None = None,
        limiter: Limiter | None = None,
    ) -> None:
        self.settings = settings
        self.services = services
        self.service = services.dialog
        self.sessions = sessions or services.web_sessions
        self.limiter: Limiter = limiter or SlidingWindowLimiter(
            settings.sign_in_attempts_per_minute, 60.0
        )
        self.trusted_proxies = frozenset(
            a.strip() for a in settings.trusted_proxies.split(",") if a.strip()
        )
        self.public = URL(settings.public_url)
        self.secure = self.public.scheme == "https"

    # --- helpers ------------------------------------------------------------------------

    def _page(self, lang: str, situation: str, status: int, **headers: str) -> web.Response:
        return web.Response(
            text=pages.error_page(lang, situation),
            status=status,
            content_type="text/html",
            charset="utf-8",
            headers=headers or None,
        )

    @staticmethod
    def _lang(request: web.Request) -> str:
        return negotiate(request.headers.get("Accept-Language"))

    def _set_session_cookie(self, response: web.StreamResponse, session: Session) -> None:
        third_party = session.via == "telegram" and self.secure
        response.set_cookie(
            SESSION_COOKIE,
            session.id,
            max_age=int(ABSOLUTE_TTL.total_seconds()),
            path="/",
            httponly=True,
            secure=self.secure,
            samesite="None" if third_party else "Lax",
        )

    async def _session(self, request: web.Request) -> Session | None:
        return await self.sessions.get(request.cookies.get(SESSION_COOKIE))

    async def _api_session(self, request: web.Request) -> Session:
        """The request's session, its CSRF token checked; raises a JSON 401/403 otherwise."""
        session = await self._session(request)
        if session is None:
            raise json_error(401, ui_labels(self._lang(request))["ended"], "no_session")
        if not session.csrf_matches(request.headers.get(CSRF_HEADER)):
            raise json_error(403, ui_labels(self._lang(request))["failed"], "csrf")
        return session

    @staticmethod
    def _payload(
        turned: Turned,
        organisation: str | None = None,
        returned: dict[str, Any] | None | bool = False,
    ) -> web.Response:
        done_total = turned.progress
        body: dict[str, Any] = {
            "replies": [reply_json(r) for r in turned.replies],
            "progress": None
            if done_total is None
            else {"done": done_total[0], "total": done_total[1]},
            "lang": turned.lang,
            "ui": ui_labels(turned.lang),
            "prompt": turned.prompt,
        }
        if organisation is not None:  # after a language switch: the name in that language
            body["organisation"] = organisation
        if returned is not False:  # and the return banner's texts (None: no banner)
            body["returned"] = returned
        return web.json_response(body, dumps=dumps)

    async def _run(
        self,
        request: web.Request,
        session: Session,
        work: Awaitable[Turned],
        *,
        with_organisation: bool = False,
    ) -> web.Response:
        """Run a dialog call for the session; a contact that lost access loses the session."""
        try:
            turned = await work
            name: str | None = None
            returned: dict[str, Any] | None | bool = False
            if with_organisation:
                people = self.services.people
                name = await people.organisation_name(await people.get(session.contact_id))
                notice = await self.services.returns.notice(session.contact_id, turned.lang)
                returned = pages.returned_data(turned.lang, notice)
            return self._payload(turned, name, returned)
        except (errors.AccessDenied, errors.NotFound):
            await self.sessions.drop_contact(session.contact_id)
            raise json_error(401, ui_labels(self._lang(request))["ended"], "no_session") from None

    # --- pages --------------------------------------------------------------------------

    async def home(self, request: web.Request) -> web.StreamResponse:
        if await self._session(request) is not None:
            raise web.HTTPSeeOther("/chat")
        return self._page(self._lang(request), "home", 200)

    def _client(self, request: web.Request) -> str:
        return client_address(
            request.remote, request.headers.get("X-Forwarded-For"), self.trusted_proxies
        )

    async def invite(self, request: web.Request) -> web.StreamResponse:
        """Redeem the invitation for this browser, open a session, and leave the token's URL."""
        lang = self._lang(request)
        if _PREVIEW_BOTS.search(request.headers.get("User-Agent", "")):
            return self._page(lang, "preview", 200)
        address = self._client(request)
        retry = await self.limiter.retry_in(address)  # only failed tokens count
        if retry:
            log.warning("sign-in rate limit hit by %s", address)
            return self._page(lang, "rate_limited", 429, **{"Retry-After": str(retry)})
        token = request.match_info["token"]
        device = request.cookies.get(DEVICE_COOKIE, "")
        if not _DEVICE_RE.match(device):
            device = secrets.token_urlsafe(32)
        try:
            try:
                joined = await self._join(token, device, lang)
            except InvitationRefused as refused:
                if refused.reason is not Refusal.ELSEWHERE:
                    raise
                # This browser answers for another organisation: a new web login for this one.
                device = secrets.token_urlsafe(32)
                joined = await self._join(token, device, lang)
        except InvitationRefused as refused:
            await self.limiter.failed(address)
            situation, status = REFUSAL_PAGES[refused.reason]
            log.info("invitation refused for %s: %s", address, refused.reason.value)
            return self._page(lang, situation, status)
        await self.sessions.drop(request.cookies.get(SESSION_COOKIE))
        session = await self.sessions.create(joined.person.id, via="invite")
        response = web.Response(status=303, headers={"Location": "/chat"})
        self._set_session_cookie(response, session)
        response.set_cookie(
            DEVICE_COOKIE,
            device,
            max_age=400 * 24 * 3600,
            path="/",
            httponly=True,
            secure=self.secure,
            samesite="Lax",
        )
        return response

    async def _join(self, token: str, device: str, lang: str) -> Joined:
        return await self.services.onboarding.join_web(token, f"web:{device}", language=lang)

    async def chat(self, request: web.Request) -> web.StreamResponse:
        session = await self._session(request)
        if session is None:
            return self._page(self._lang(request), "no_session", 401)
        people = self.services.people
        try:
            person = await people.get(session.contact_id)
            name = await people.organisation_name(person)
        except errors.NotFound:
            await self.sessions.drop(session.id)
            return self._page(self._lang(request), "no_session", 401)
        if not person.active:
            await self.sessions.drop_contact(person.id)
            return self._page(self._lang(request), "no_session", 401)
        returned = await self.services.returns.notice(person.id)
        html = pages.chat_page(person.language, session.csrf, organisation=name, returned=returned)
        return web.Response(text=html, content_type="text/html", charset="utf-8")

    async def miniapp(self, request: web.Request) -> web.StreamResponse:
        html = pages.chat_page(self._lang(request), "", mode="tg")
        return web.Response(text=html, content_type="text/html", charset="utf-8")

    # --- API ----------------------------------------------------------------------------

    async def state(self, request: web.Request) -> web.StreamResponse:
        session = await self._api_session(request)
        return await self._run(
            request,
            session,
            self.service.converse(
                session.contact_id,
                Input.command("start"),
                channel="web",
                lang_hint=self._lang(request),
            ),
        )

    async def input(self, request: web.Request) -> web.StreamResponse:
        session = await self._api_session(request)
        body = await read_json(request)
        kind, value = body.get("kind"), body.get("value")
        if kind not in ("text", "button", "command", "form") or not isinstance(value, str):
            raise json_error(
                400, "kind must be text, button, command or form; value a string", "bad"
            )
        if len(value) > MAX_VALUE_CHARS:
            raise json_error(413, f"value longer than {MAX_VALUE_CHARS} characters", "too_long")
        if kind == "command" and value not in COMMANDS:
            raise json_error(400, f"command must be one of {', '.join(COMMANDS)}", "bad")
        prompt = body.get("prompt")
        if prompt is not None and (
            not isinstance(prompt, int) or isinstance(prompt, bool) or not 0 <= prompt < 2**31
        ):
            raise json_error(400, "prompt must be the number of the prompt shown", "bad")
        inp = (
            Input.table(value, form_values(body.get("form")), prompt)
            if kind == "form"
            else Input(kind, value, prompt if kind == "text" else None)
        )
        return await self._run(
            request, session, self.service.converse(session.contact_id, inp, channel="web")
        )

    async def language(self, request: web.Request) -> web.StreamResponse:
        """Switch language in one call (the application layer's switch, no question asked)."""
        session = await self._api_session(request)
        body = await read_json(request)
        lang = body.get("lang")
        if not isinstance(lang, str) or lang not in i18n.LANGUAGES:
            raise json_error(400, f"lang must be one of {', '.join(i18n.LANGUAGES)}", "bad")
        work = switch_language(self.service, session.contact_id, lang, channel="web")
        return await self._run(request, session, work, with_organisation=True)

    async def tg_auth(self, request: web.Request) -> web.StreamResponse:
        """A session for the Telegram user of a Mini App, whose initData the bot token signs."""
        lang = self._lang(request)
        token = self.settings.bot_token.get_secret_value() if self.settings.bot_token else ""
        if not token:
            raise json_error(404, page_text(lang, "not_found")[1], "no_bot")
        address = self._client(request)
        if await self.limiter.retry_in(address):
            raise json_error(429, page_text(lang, "rate_limited")[1], "rate_limited")
        body = await read_json(request)
        init_data = body.get("initData")
        if not isinstance(init_data, str):
            raise json_error(400, "initData must be a string", "bad")
        try:
            data = validate_init_data(init_data, token)
        except InvalidInitData as exc:
            await self.limiter.failed(address)
            log.info("Mini App initData refused from %s: %s", address, exc)
            raise json_error(403, page_text(lang, "no_session")[1], "bad_init_data") from None
        person = await self.services.people.by_telegram(data["user_id"])
        if person is None or not person.active:
            raise json_error(403, page_text(lang, "not_linked")[1], "not_linked")
        await self.sessions.drop(request.cookies.get(SESSION_COOKIE))
        session = await self.sessions.create(person.id, via="telegram")
        lang = person.language
        response = web.json_response(
            {"csrf": session.csrf, "lang": lang, "ui": ui_labels(lang)}, dumps=dumps
        )
        self._set_session_cookie(response, session)
        return response

    async def logout(self, request: web.Request) -> web.StreamResponse:
        session = await self._api_session(request)
        await self.sessions.drop(session.id)
        response = web.json_response({"ok": True})
        response.del_cookie(SESSION_COOKIE, path="/")
        return response

    # --- middleware ---------------------------------------------------------------------

    @web.middleware
    async def guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Same-origin unsafe requests only; polite pages for unknown URLs and failures."""
        webhook = self.settings.webhook_path
        if (
            request.method in UNSAFE_METHODS
            and not (webhook and request.path == webhook)
            and not self._origin_ok(request)
        ):
            log.warning("cross-origin %s %s from %s refused", request.method, request.path,
                        request.headers.get("Origin"))  # fmt: skip
            if request.path.startswith("/api/"):
                raise json_error(403, ui_labels(self._lang(request))["failed"], "origin")
            return self._page(self._lang(request), "error", 403)
        try:
            return await self._once_more_if_cut(request, handler)
        except web.HTTPNotFound:
            if request.path.startswith("/api/"):
                raise json_error(404, "no such API", "not_found") from None
            return self._page(self._lang(request), "not_found", 404)
        except web.HTTPException:
            raise
        except Exception:
            log.exception("%s %s failed", request.method, request.path)
            if request.path.startswith("/api/"):
                raise json_error(500, ui_labels(self._lang(request))["failed"], "error") from None
            return self._page(self._lang(request), "error", 500)

    @staticmethod
    async def _once_more_if_cut(request: web.Request, handler: Handler) -> web.StreamResponse:
        """Run the handler again, once, after a dropped database connection (issue 10).

        Safe for every route: a dialog step is one transaction bound to its prompt (a
        repeat is recognised and answered as the first), the rest read or are idempotent.
        The JSON body is kept by :func:`read_json`, so the second run reads the same.
        """
        try:
            return await handler(request)
        except Exception as exc:
            if isinstance(exc, web.HTTPException) or not errors.is_transient(exc):
                raise
            log.warning(
                "%s %s lost its database connection; run again", request.method, request.path
            )
            return await handler(request)

    def _origin_ok(self, request: web.Request) -> bool:
        origin = request.headers.get("Origin")
        if origin is None:
            return True
        allowed = {str(self.public.origin()), str(request.url.origin())}
        return origin in allowed


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.path.startswith("/static/"):
        headers["Cache-Control"] = "no-cache"
    else:
        headers["Cache-Control"] = "no-store"
    if request.url.scheme == "https" or request.app.get(_SECURE_KEY):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")


WEBCHAT_KEY = web.AppKey("webchat", WebChat)
_SECURE_KEY = web.AppKey("secure", bool)


def create_web_app(
    settings: Settings,
    services: Application,
    *,
    sessions: WebSessions | None = None,
    limiter: Limiter | None = None,
) -> web.Application:
    """The aiohttp application of the web chat (Telegram's webhook may be added to it)."""
    chat = WebChat(settings, services, sessions=sessions, limiter=limiter)
    middlewares = [request_ids, ops.count_requests, chat.guard]
    app = web.Application(middlewares=middlewares, client_max_size=1024**2)
    app[WEBCHAT_KEY] = chat
    app[_SECURE_KEY] = chat.secure
    app.on_response_prepare.append(_security_headers)
    app.router.add_get("/", chat.home, allow_head=False)
    app.router.add_get("/i/{token}", chat.invite, allow_head=False)
    app.router.add_get("/chat", chat.chat)
    app.router.add_get("/tg", chat.miniapp)
    app.router.add_get("/api/state", chat.state, allow_head=False)
    app.router.add_post("/api/input", chat.input)
    app.router.add_post("/api/language", chat.language)
    app.router.add_post("/api/tg-auth", chat.tg_auth)
    app.router.add_post("/api/logout", chat.logout)
    app.router.add_static("/static", STATIC_DIR, follow_symlinks=False)
    ops.add_routes(app, services)
    return app
