"""A fake Telegram Bot API server: enough of it for aiogram's polling bot to run against.

An aiohttp app on 127.0.0.1 (random port) answering ``/bot<token>/<method>``:
getMe, getUpdates (long poll), deleteWebhook, setWebhook, setMyCommands, sendMessage,
editMessageText, editMessageReplyMarkup, answerCallbackQuery, sendChatAction.  Every
call is recorded as a :class:`Call` (method, decoded params, result).  Tests queue
updates with :meth:`FakeTelegram.push` (helpers build messages, button presses,
stickers, …) and may make the next N calls of a method fail with a 429.

``getUpdates`` follows Telegram: ``offset`` confirms (drops) every update below it;
without an offset all unconfirmed updates are returned again, so a bot that dies
before confirming gets them redelivered.  Messages the bot sent are kept per chat,
so edits of unknown messages and edits that change nothing fail as Telegram's do.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123456:TEST-fake-token_for_saualnama"
BOT_USER = {
    "id": 123456,
    "is_bot": True,
    "first_name": "Saualnama",
    "username": "saualnama_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
JSON_PARAMS = {
    "reply_markup",
    "menu_button",
    "commands",
    "scope",
    "allowed_updates",
    "link_preview_options",
    "entities",
    "reply_parameters",
}
INT_PARAMS = {"chat_id", "message_id", "offset", "limit", "timeout"}
BOOL_PARAMS = {"drop_pending_updates", "show_alert", "disable_notification"}


@dataclass
class Call:
    """One request the bot made, and what the fake answered."""

    method: str
    params: dict[str, Any]
    result: Any = None
    error: dict[str, Any] | None = None
    at: float = field(default_factory=time.monotonic)


def _decode(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if name in JSON_PARAMS:
        return json.loads(value)
    if name in INT_PARAMS:
        return int(value)
    if name in BOOL_PARAMS:
        return value.lower() == "true"
    return value


def user(user_id: int, language_code: str | None = "ru", first_name: str = "Айгерим") -> dict:
    out = {"id": user_id, "is_bot": False, "first_name": first_name}
    if language_code:
        out["language_code"] = language_code
    return out


def private_chat(u: dict) -> dict:
    return {"id": u["id"], "type": "private", "first_name": u["first_name"]}


class FakeTelegram:
    """The server; ``async with FakeTelegram() as tg: tg.url`` → base URL for aiogram."""

    def __init__(self, token: str = TOKEN, max_wait: float = 0.5) -> None:
        self.token = token
        self.max_wait = max_wait
        self.calls: list[Call] = []
        self.queue: list[dict] = []
        self.confirmed = 0  # the highest offset a getUpdates asked for
        self.redeliveries: list[dict] = []  # handed out once more, whatever the offset
        self.polls = 0  # getUpdates calls so far
        self.delivered: dict[int, int] = {}  # update_id → the poll that last returned it
        self.failures: dict[str, list[dict]] = {}
        self.messages: dict[tuple[int, int], dict] = {}
        self.chats: dict[int, dict] = {}
        self._last_message_id: dict[int, int] = {}
        self._next_update_id = 1000
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._closing = False
        self.url = ""

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        async with self._changed:
            self._closing = True  # ends pending long polls at once
            self._changed.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # --- what tests do ---------------------------------------------------------------------

    def fail_next(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """The next ``times`` calls of ``method`` get HTTP 429 "retry after ``retry_after``"."""
        error = {
            "ok": False,
            "error_code": 429,
            "description": f"Too Many Requests: retry after {retry_after}",
            "parameters": {"retry_after": retry_after},
        }
        self.failures.setdefault(method, []).extend([error] * times)

    async def push(self, update: dict, *, redeliver: bool = False) -> int:
        """Queue an update (``update_id`` assigned unless given); returns its id.

        ``redeliver``: hand it out once even if its id was confirmed already, as Telegram
        does when a bot restarts before confirming, or a webhook call is repeated.
        """
        if "update_id" not in update:
            update = {"update_id": self._next_update_id, **update}
            self._next_update_id += 1
        for key in ("message", "edited_message"):
            if key in update:
                self.chats.setdefault(update[key]["chat"]["id"], update[key]["chat"])
        async with self._changed:
            self.delivered.pop(update["update_id"], None)
            (self.redeliveries if redeliver else self.queue).append(update)
            self._changed.notify_all()
        return update["update_id"]

    async def wait_taken(self, update_id: int, timeout: float = 10.0) -> None:
        """Until a getUpdates returned the update and the bot polled again (so it holds it)."""

        def taken() -> bool:
            return update_id in self.delivered and self.polls > self.delivered[update_id]

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(taken), timeout)

    def calls_of(self, *methods: str, since: int = 0) -> list[Call]:
        return [c for c in self.calls[since:] if c.method in methods]

    def sent(self, since: int = 0, chat_id: int | None = None) -> list[Call]:
        """Successful sendMessage calls (to ``chat_id`` if given) since call number ``since``."""
        return [
            c
            for c in self.calls_of("sendMessage", since=since)
            if c.error is None and (chat_id is None or c.params.get("chat_id") == chat_id)
        ]

    def texts(self, since: int = 0, chat_id: int | None = None) -> list[str]:
        return [c.params["text"] for c in self.sent(since, chat_id)]

    # --- building updates ------------------------------------------------------------------

    def _new_message_id(self, chat_id: int) -> int:
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def message(self, u: dict, text: str | None = None, chat: dict | None = None, **extra) -> dict:
        """A message update from ``u`` (a command gets its ``bot_command`` entity)."""
        chat = chat or private_chat(u)
        msg = {
            "message_id": self._new_message_id(chat["id"]),
            "from": u,
            "chat": chat,
            "date": int(time.time()),
            **extra,
        }
        if text is not None:
            msg["text"] = text
            if text.startswith("/"):
                msg["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
                ]
        return {"message": msg}

    def sticker(self, u: dict) -> dict:
        sticker = {
            "file_id": "CAACAgIAAxkBAAI",
            "file_unique_id": "AgADsticker",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
        }
        return self.message(u, sticker=sticker)

    def photo(self, u: dict, caption: str | None = None) -> dict:
        size = {"file_id": "AgACAgIAAxkBAAI", "file_unique_id": "AQADphoto", "width": 90,
                "height": 90}  # fmt: skip
        extra: dict[str, Any] = {"photo": [size]}
        if caption:
            extra["caption"] = caption
        return self.message(u, **extra)

    def document(self, u: dict) -> dict:
        doc = {"file_id": "BQACAgIAAxkBAAI", "file_unique_id": "AgADdoc", "file_name": "a.xlsx"}
        return self.message(u, document=doc)

    def voice(self, u: dict) -> dict:
        voice = {"file_id": "AwACAgIAAxkBAAI", "file_unique_id": "AgADvoice", "duration": 3}
        return self.message(u, voice=voice)

    def location(self, u: dict) -> dict:
        return self.message(u, location={"latitude": 51.128, "longitude": 71.43})

    def forwarded(self, u: dict, text: str) -> dict:
        origin = {"type": "hidden_user", "sender_user_name": "Колле́га", "date": int(time.time())}
        return self.message(u, text, forward_origin=origin)

    def edited(self, u: dict, message_id: int, text: str) -> dict:
        msg = {
            "message_id": message_id,
            "from": u,
            "chat": private_chat(u),
            "date": int(time.time()) - 5,
            "edit_date": int(time.time()),
            "text": text,
        }
        return {"edited_message": msg}

    def callback(self, u: dict, data: str, message_id: int | None = None) -> dict:
        """A button press on the bot's message ``message_id`` (the last one if not given)."""
        chat_id = u["id"]
        if message_id is None:
            message_id = self._last_message_id.get(chat_id, 1)
        message = self.messages.get(
            (chat_id, message_id),
            {
                "message_id": message_id,
                "from": BOT_USER,
                "chat": private_chat(u),
                "date": int(time.time()),
                "text": "…",
            },
        )
        query = {
            "id": f"cq{self._next_update_id}",
            "from": u,
            "chat_instance": f"ci{chat_id}",
            "message": message,
            "data": data,
        }
        return {"callback_query": query}

    # --- the API ---------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            raw = await request.json()
        elif request.can_read_body:
            raw = dict(await request.post())
        else:
            raw = {}
        raw.update(request.query)
        return {k: _decode(k, v) for k, v in raw.items()}

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params = await self._params(request)
        call = Call(method, params)
        self.calls.append(call)
        pending = self.failures.get(method)
        if pending:
            call.error = pending.pop(0)
            return web.json_response(call.error, status=call.error["error_code"])
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            call.error = {"ok": False, "error_code": 404, "description": "Not Found"}
            return web.json_response(call.error, status=404)
        try:
            call.result = await handler(params, request)
        except BadRequest as exc:
            call.error = {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"}
            return web.json_response(call.error, status=400)
        return web.json_response({"ok": True, "result": call.result})

    async def _api_getMe(self, params: dict, request: web.Request) -> dict:
        return BOT_USER

    async def _api_deleteWebhook(self, params: dict, request: web.Request) -> bool:
        return True

    async def _api_setWebhook(self, params: dict, request: web.Request) -> bool:
        return True

    async def _api_setChatMenuButton(self, params: dict, request: web.Request) -> bool:
        button = params.get("menu_button") or {}
        url = (button.get("web_app") or {}).get("url", "")
        if button.get("type") == "web_app" and not url.startswith("https://"):
            raise BadRequest("WEB_APP_URL_INVALID")
        return True

    async def _api_setMyCommands(self, params: dict, request: web.Request) -> bool:
        for command in params["commands"]:
            if not 1 <= len(command["description"]) <= 256:
                raise BadRequest("BOT_COMMAND_DESCRIPTION_INVALID")
        return True

    async def _api_sendChatAction(self, params: dict, request: web.Request) -> bool:
        return True

    async def _api_answerCallbackQuery(self, params: dict, request: web.Request) -> bool:
        return True

    async def _api_getUpdates(self, params: dict, request: web.Request) -> list[dict]:
        offset = params.get("offset")
        timeout = min(float(params.get("timeout") or 0), self.max_wait)
        limit = int(params.get("limit") or 100)
        async with self._changed:
            self.polls += 1
            poll = self.polls
            if offset is not None:
                self.queue = [u for u in self.queue if u["update_id"] >= offset]
                self.confirmed = max(self.confirmed, offset)
            self._changed.notify_all()
            if not (self.queue or self.redeliveries) and timeout > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._changed.wait_for(
                            lambda: bool(self.queue or self.redeliveries or self._closing)
                        ),
                        timeout,
                    )
            if request.transport is None or request.transport.is_closing():
                return []  # the bot that asked is gone: nothing was handed out
            out = (self.redeliveries + self.queue)[:limit]
            self.redeliveries = []
            for u in out:
                self.delivered[u["update_id"]] = poll
            self._changed.notify_all()
            return out

    def _check_text(self, text: str) -> None:
        if not text.strip():
            raise BadRequest("message text is empty")
        if len(text.encode("utf-16-le")) // 2 > 4096:
            raise BadRequest("message is too long")

    def _check_markup(self, markup: dict | None) -> None:
        for row in (markup or {}).get("inline_keyboard", []):
            if len(row) > 8:
                raise BadRequest("too many buttons in a row")
            for b in row:
                if len(b.get("callback_data", "").encode()) > 64:
                    raise BadRequest("BUTTON_DATA_INVALID")

    async def _api_sendMessage(self, params: dict, request: web.Request) -> dict:
        chat_id = params["chat_id"]
        text = params.get("text", "")
        self._check_text(text)
        markup = params.get("reply_markup")
        self._check_markup(markup)
        if params.get("parse_mode"):
            raise AssertionError("the bot must send plain text")
        chat = self.chats.get(chat_id, {"id": chat_id, "type": "private", "first_name": "?"})
        msg = {
            "message_id": self._new_message_id(chat_id),
            "from": BOT_USER,
            "chat": chat,
            "date": int(time.time()),
            "text": text,
        }
        if markup and markup.get("inline_keyboard"):
            msg["reply_markup"] = markup
        self.messages[(chat_id, msg["message_id"])] = msg
        return msg

    def _stored(self, params: dict) -> dict:
        msg = self.messages.get((params.get("chat_id"), params.get("message_id")))
        if msg is None:
            raise BadRequest("message to edit not found")
        return msg

    async def _api_editMessageText(self, params: dict, request: web.Request) -> dict:
        msg = self._stored(params)
        self._check_text(params["text"])
        markup = params.get("reply_markup")
        self._check_markup(markup)
        if msg["text"] == params["text"] and msg.get("reply_markup") == markup:
            raise BadRequest(
                "message is not modified: specified new message content and reply markup "
                "are exactly the same as a current content and reply markup of the message"
            )
        msg["text"] = params["text"]
        msg.pop("reply_markup", None)
        if markup and markup.get("inline_keyboard"):
            msg["reply_markup"] = markup
        return msg

    async def _api_editMessageReplyMarkup(self, params: dict, request: web.Request) -> dict:
        msg = self._stored(params)
        markup = params.get("reply_markup")
        if not (markup and markup.get("inline_keyboard")):
            markup = None
        if msg.get("reply_markup") == markup:
            raise BadRequest(
                "message is not modified: specified new message content and reply markup "
                "are exactly the same as a current content and reply markup of the message"
            )
        msg.pop("reply_markup", None)
        if markup:
            msg["reply_markup"] = markup
        return msg


class BadRequest(Exception):
    """A 400 answer with this description."""
