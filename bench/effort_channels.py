"""The two channels bench_effort.py's person uses: the web chat's JSON API, Telegram.

Each counts the person's actions (a tap or a message sent is one) and shows what the person
sees as engine replies.  The person also peeks at where the dialog stands (the stored
dialog state) to know which field it is on, as a person reads the question.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from bot.web import create_web_app
from dialogs import i18n
from dialogs.application.dialog import DialogService
from dialogs.application.factory import Application
from dialogs.application.settings import Settings
from dialogs.contract import Button, Input, Reply
from storage.repository import Store
from tests.engine.scripted import button
from tests.telegram.conftest import Harness, TelegramPerson
from tests.telegram.fake_api import FakeTelegram, user

CSRF_MARK = 'name="csrf-token" content="'


class Channel:
    """What the person works through; subclasses send and show."""

    name = ""

    def __init__(self, url: str, org_id: int, campaign_id: int, token: str, user_id: int) -> None:
        self.url, self.org_id, self.campaign_id, self.token = url, org_id, campaign_id, token
        self.user_id = user_id
        self.store = Store.from_url(url)
        self.actions = 0
        self.replies: list[Reply] = []
        self.forms: dict[int, dict[str, Any]] = {}
        self.lang = "ru"
        self.contact_id = 0

    @property
    def translate(self) -> Callable[[str], str]:
        return i18n.translator(self.lang)

    async def __aenter__(self) -> Channel:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.store.close()

    async def send(self, inp: Input | dict[str, Any]) -> list[Reply]:
        raise NotImplementedError

    async def where(self) -> dict[str, Any]:
        row = await self.store.get_dialog_state(self.contact_id)
        assert row is not None
        state: dict[str, Any] = row.state.get("engine", {})
        return state

    async def answered(self) -> int:
        """Fields stored for the organisation (a value or "no data")."""
        response = await self.store.get_or_create_response(self.org_id, self.campaign_id)
        return len(await self.store.list_answers(response.id))

    async def to_first_question(self) -> None:
        """Past the language question (one tap), until a field is asked."""
        for _ in range(3):
            if (await self.where())["mode"] == "field":
                return
            await self.send(button(self.replies, f"lang:{self.lang}"))
        raise AssertionError([r.text for r in self.replies])

    async def open(self) -> int:
        raise NotImplementedError


class WebChannel(Channel):
    """The page's calls: the invitation, /chat, /api/state, /api/input."""

    name = "web"

    async def __aenter__(self) -> WebChannel:
        settings = Settings(
            _env_file=None,
            database_url=self.url,
            public_url="http://127.0.0.1:8080",
            sign_in_attempts_per_minute=1000,
        )
        app = create_web_app(settings, Application.over(self.store))
        self.client = TestClient(TestServer(app))
        await self.client.start_server()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.close()
        await super().__aexit__(*exc)

    async def open(self) -> int:
        """Tap the link (1): the page loads and asks for the state by itself."""
        self.actions += 1
        page = await self.client.get(f"/i/{self.token}")
        html = await page.text()
        start = html.index(CSRF_MARK) + len(CSRF_MARK)
        self.csrf = html[start : html.index('"', start)]
        (contact,) = await self.store.list_contacts(self.org_id)
        self.contact_id = contact.id
        self._show(await self._call("GET", "/api/state", None))
        await self.to_first_question()
        return self.actions

    async def _call(self, method: str, path: str, payload: Any) -> dict[str, Any]:
        headers = {"X-CSRF-Token": self.csrf}
        resp = await self.client.request(method, path, json=payload, headers=headers)
        body: dict[str, Any] = await resp.json()
        assert resp.status == 200, body
        return body

    def _show(self, body: dict[str, Any]) -> None:
        self.replies, self.forms = [], {}
        for r in body["replies"]:
            rows = tuple(tuple(Button(b["label"], b["data"]) for b in row) for row in r["buttons"])
            reply = Reply(r["text"], rows, r["kind"])
            self.replies.append(reply)
            expects = r.get("expects") or {}
            if expects.get("form") and (expects.get("categories") or expects.get("columns")):
                self.forms[id(reply)] = expects  # the page draws a table of inputs

    async def send(self, inp: Input | dict[str, Any]) -> list[Reply]:
        self.actions += 1
        if isinstance(inp, dict):  # the table, sent whole as the page sends it
            payload = {"kind": "form", "value": inp["form"], "form": inp["values"]}
        else:
            payload = {"kind": inp.kind, "value": inp.value}
        self._show(await self._call("POST", "/api/input", payload))
        return self.replies


class TelegramChannel(Channel):
    """The real aiogram bot polling a fake Bot API; the person taps and types in a chat."""

    name = "telegram"

    async def __aenter__(self) -> TelegramChannel:
        self.tg = FakeTelegram()
        # the bot handles each update id once per database: each chat its own range
        self.tg._next_update_id = 1000 + 100_000 * (self.user_id % 1000)
        await self.tg.start()
        self.harness = Harness(self.tg, self.url, self.store, None, {})  # type: ignore[arg-type]
        await self.harness.start_bot()
        self.person = TelegramPerson(
            service=DialogService(self.store),
            contact_id=0,
            lang=self.lang,
            channel="telegram",
            harness=self.harness,
            tg_user=user(self.user_id, language_code=self.lang),
            token=self.token,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.harness.kill_bot()
        await self.tg.stop()
        await super().__aexit__(*exc)

    async def open(self) -> int:
        """Tap the t.me link (1), then Telegram's "Start" (1), which sends /start <token>."""
        self.actions += 2
        await self.person.join()
        self.contact_id = self.person.contact_id
        self.replies = self.person.replies
        await self.to_first_question()
        return self.actions

    async def send(self, inp: Input | dict[str, Any]) -> list[Reply]:
        assert isinstance(inp, Input), "Telegram has no tables"
        self.actions += 1
        self.replies = await self.person.send(inp)
        return self.replies
