"""The JSON API: state, input, language; CSRF and Origin; isolation; plain text; limits."""

from __future__ import annotations

from pathlib import Path

from bot.web import create_web_app
from dialogs import i18n
from dialogs.application.factory import Application
from dialogs.questionnaire import default
from storage.repository import Store
from tests.web.conftest import another_browser, post, session_cookie

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
WELCOME_TOURISM = (
    "Здравствуйте! Это опросник по оценке рисков в сфере противодействия торговле людьми "
    "за 01.01.2025 – 31.12.2025 для организации «Демо: Министерство туризма и спорта "
    "Республики Казахстан». Срок — до 01.03.2026.\nКаждый ответ сохраняется сразу; можно "
    "прерваться и продолжить позже. Если данных нет, нажмите «Нет данных» и укажите причину."
)
ROWS = [
    ["Да", "Нет"],
    ["Нет — на все оставшиеся пункты"],  # a point of 1.1's list, others follow it
    ["Нет данных", "Пропустить", "Назад"],
    ["Комментарий", "Меню"],
]


def seen(body: dict) -> list[tuple[str, str, list[list[str]]]]:
    """Each reply as the page shows it: whole text, kind, button labels by row."""
    return [
        (r["text"], r["kind"], [[b["label"] for b in row] for row in r["buttons"]])
        for r in body["replies"]
    ]


def first_question(lang: str, *, header: bool) -> str:
    """Block 1's first field, as the dialog asks it in ``lang`` (with its item's header)."""
    _ = i18n.translator(lang)
    block = default().blocks[0]
    item = block.items[0]
    field = item.fields[0]
    ask = f"{_(field.label)}\n{_('Да или нет? Если да — опишите.')}"
    if not header:
        return ask
    lines = [
        _("Блок {n}. {title}").format(n=1, title=_(block.title)),
        f"1.1. {_(item.question)}",
        _("Примечание: {note}").format(note=_(item.note or "")),
    ]
    return "\n".join(lines) + "\n\n" + ask


def button(body: dict, action: str) -> str:
    for reply in reversed(body["replies"]):
        for row in reply["buttons"]:
            for b in row:
                if b["data"].split("|", 1)[1] == action:
                    return b["data"]
    raise AssertionError(f"no button {action!r} in {body['replies']}")


async def begin(webchat, client, kind: str, lang: str = "ru") -> tuple[str, dict]:
    """Sign in and choose the language: the first question is shown."""
    csrf = await webchat.sign_in(client, kind)
    state = await client.get("/api/state", headers={"X-CSRF-Token": csrf})
    assert state.status == 200
    body = await state.json()
    resp = await post(
        client, "/api/input", {"kind": "button", "value": button(body, f"lang:{lang}")}, csrf
    )
    assert resp.status == 200
    return csrf, await resp.json()


async def test_state_replays_the_current_question_with_progress(webchat):
    client = await webchat.new_client()
    csrf, body = await begin(webchat, client, "tourism_ministry")
    assert body["progress"] == {"done": 0, "total": 32}
    chosen = f"Язык: Русский.\n\n{WELCOME_TOURISM}\n\n{first_question('ru', header=True)}"
    assert seen(body) == [(chosen, "question", ROWS)]
    again = await (await client.get("/api/state", headers={"X-CSRF-Token": csrf})).json()
    # a reload shows the item's question again (nothing answered yet: no last answer)
    replay = f"{WELCOME_TOURISM}\n\n{first_question('ru', header=True)}"
    assert seen(again) == [(replay, "question", ROWS)]
    assert again["lang"] == "ru"
    assert again["ui"]["menu"] == i18n.gettext("ru", "Меню")
    for reply in again["replies"]:
        assert set(reply) == {"text", "kind", "buttons", "expects"}
        assert reply["expects"]["text"] is True  # typed text answers a yes/no question
        for row in reply["buttons"]:
            for b in row:
                assert set(b) == {"label", "data"}


async def test_answers_are_stored_and_progress_moves(webchat):
    client = await webchat.new_client()
    csrf, body = await begin(webchat, client, "tourism_ministry")
    resp = await post(client, "/api/input", {"kind": "button", "value": button(body, "no")}, csrf)
    body = await resp.json()
    assert body["progress"] == {"done": 1, "total": 32}
    stored = await webchat.answers("tourism_ministry")
    assert stored["b01.i01.legislation_gaps"][1] == {"answer": "no", "description": None}
    cmd = await post(client, "/api/input", {"kind": "command", "value": "progress"}, csrf)
    assert cmd.status == 200


async def test_script_typed_as_answer_is_plain_text_in_json_and_stored_verbatim(webchat):
    client = await webchat.new_client()
    csrf, body = await begin(webchat, client, "tourism_ministry")
    resp = await post(client, "/api/input", {"kind": "button", "value": button(body, "yes")}, csrf)
    assert resp.status == 200
    resp = await post(client, "/api/input", {"kind": "text", "value": XSS}, csrf)
    assert resp.status == 200
    resp = await post(client, "/api/input", {"kind": "command", "value": "review"}, csrf)
    assert resp.status == 200
    assert resp.content_type == "application/json"
    raw = await resp.text()
    body = await resp.json()
    assert any(XSS in r["text"] for r in body["replies"]), body["replies"]
    assert "&lt;script" not in raw  # not HTML-escaped either: the page uses textContent
    stored = await webchat.answers("tourism_ministry")
    assert stored["b01.i01.legislation_gaps"][1] == {"answer": "yes", "description": XSS}


def test_page_script_never_uses_html_sinks():
    static = Path(__file__).parents[2] / "bot" / "web" / "static"
    script = (static / "chat.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script, sink
    assert "textContent" in script
    html_files = list(static.glob("*.html"))
    assert html_files == []  # pages are rendered by bot/web/pages.py, escaped


async def test_csrf_refused_without_or_with_wrong_token_and_nothing_stored(webchat):
    client = await webchat.new_client()
    csrf, body = await begin(webchat, client, "tourism_ministry")
    session = await webchat.chat(client).sessions.get(session_cookie(client))
    assert session is not None
    before_state = await webchat.store.get_dialog_state(session.contact_id)
    no = {"kind": "button", "value": button(body, "no")}
    for token in (None, "", "wrong", csrf[:-1] + ("A" if csrf[-1] != "A" else "B")):
        resp = await post(client, "/api/input", no, token)
        assert resp.status == 403, token
        resp = await post(client, "/api/language", {"lang": "kk"}, token)
        assert resp.status == 403, token
    assert (await client.get("/api/state")).status == 403
    assert await webchat.answers("tourism_ministry") == {}
    after_state = await webchat.store.get_dialog_state(before_state.contact_id)
    assert after_state.version == before_state.version
    contact = await webchat.store.get_contact(before_state.contact_id)
    assert contact.language == "ru"


async def test_cross_origin_post_refused_even_with_token(webchat):
    client = await webchat.new_client()
    csrf, body = await begin(webchat, client, "tourism_ministry")
    no = {"kind": "button", "value": button(body, "no")}
    resp = await post(client, "/api/input", no, csrf, Origin="https://evil.example")
    assert resp.status == 403
    resp = await post(client, "/api/input", no, csrf, Origin="null")
    assert resp.status == 403
    assert await webchat.answers("tourism_ministry") == {}
    same = await post(client, "/api/input", no, csrf, Origin=str(client.make_url("/").origin()))
    assert same.status == 200
    public = await post(client, "/api/input", {"kind": "command", "value": "help"}, csrf,
                        Origin="http://127.0.0.1:8080")  # fmt: skip
    assert public.status == 200


async def test_api_without_session_is_401(webchat):
    client = await webchat.new_client()
    resp = await post(client, "/api/input", {"kind": "text", "value": "5"}, "anything")
    assert resp.status == 401
    assert "error" in await resp.json()


async def test_another_organisations_answers_are_unreachable(webchat):
    """Org A's session, whatever it sends, neither reads nor changes org B's response."""
    a = await webchat.new_client()
    b = await another_browser(webchat, a)
    csrf_b, body_b = await begin(webchat, b, "culture_ministry")
    b_button = button(body_b, "yes")
    await post(b, "/api/input", {"kind": "button", "value": b_button}, csrf_b)
    await post(b, "/api/input", {"kind": "text", "value": "B's secret description"}, csrf_b)
    b_before = await webchat.answers("culture_ministry")
    assert b_before

    csrf_a, body_a = await begin(webchat, a, "tourism_ministry")
    # A replays B's button, B's CSRF token, commands, and reads its own state.
    await post(a, "/api/input", {"kind": "button", "value": b_button}, csrf_a)
    assert (await post(a, "/api/input", {"kind": "text", "value": "x"}, csrf_b)).status == 403
    for cmd in ("review", "menu", "submit"):
        resp = await post(a, "/api/input", {"kind": "command", "value": cmd}, csrf_a)
        assert resp.status == 200
        assert "B's secret" not in await resp.text()
    state = await (await a.get("/api/state", headers={"X-CSRF-Token": csrf_a})).json()
    assert "B's secret" not in str(state)
    a_yes = {"kind": "button", "value": button(state, "yes")}
    assert (await post(a, "/api/input", a_yes, csrf_a)).status == 200
    await post(a, "/api/input", {"kind": "text", "value": "A's answer"}, csrf_a)
    assert await webchat.answers("culture_ministry") == b_before
    tourism = await webchat.answers("tourism_ministry")
    assert tourism and all(code.startswith("b01.") for code in tourism)


async def test_language_switch_in_one_call(webchat):
    client = await webchat.new_client()
    csrf, _ = await begin(webchat, client, "tourism_ministry")
    resp = await post(client, "/api/language", {"lang": "kk"}, csrf)
    assert resp.status == 200
    body = await resp.json()
    assert body["lang"] == "kk"
    assert body["ui"]["menu"] == i18n.gettext("kk", "Меню")
    kk = i18n.translator("kk")
    said = kk("Язык: {name}.").format(name="Қазақша")
    assert said == "Тіл: Қазақша."
    # the current question again, in Kazakh, its item's header with it
    assert seen(body) == [
        (
            f"{said}\n\n{first_question('kk', header=True)}",
            "question",
            [[kk(label) for label in row] for row in ROWS],
        )
    ]
    session_contacts = {s.contact_id for s in await webchat.web_sessions()}
    (contact_id,) = session_contacts
    assert (await webchat.store.get_contact(contact_id)).language == "kk"
    bad = await post(client, "/api/language", {"lang": "de"}, csrf)
    assert bad.status == 400


async def test_bad_inputs_are_refused(webchat):
    client = await webchat.new_client()
    csrf, _ = await begin(webchat, client, "tourism_ministry")
    cases = [
        ({"kind": "html", "value": "x"}, 400),
        ({"kind": "text", "value": 5}, 400),
        ({"kind": "command", "value": "drop"}, 400),
        (["text", "x"], 400),
        ({"kind": "text", "value": "x" * 4001}, 413),
    ]
    for payload, status in cases:
        resp = await post(client, "/api/input", payload, csrf)
        assert resp.status == status, payload
    resp = await client.post(
        "/api/input",
        data=b'{"kind": "text", "value": "' + b"1" * (16 * 1024) + b'"}',
        headers={"X-CSRF-Token": csrf, "Content-Type": "application/json"},
    )
    assert resp.status == 413
    resp = await client.post(
        "/api/input", data="kind=text&value=5",
        headers={"X-CSRF-Token": csrf, "Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    assert resp.status == 415
    resp = await client.post(
        "/api/input", data=b"{not json",
        headers={"X-CSRF-Token": csrf, "Content-Type": "application/json"},
    )  # fmt: skip
    assert resp.status == 400
    assert await webchat.answers("tourism_ministry") == {}


async def test_deactivated_contact_loses_the_session(webchat):
    client = await webchat.new_client()
    csrf, _ = await begin(webchat, client, "tourism_ministry")
    (session,) = await webchat.web_sessions()
    await webchat.store.set_contact_active(session.contact_id, False, actor="test")
    resp = await post(client, "/api/input", {"kind": "text", "value": "hello"}, csrf)
    assert resp.status == 401
    assert await webchat.web_sessions() == []  # dropped from the database, not only refused
    assert (await client.get("/chat")).status == 401


async def test_a_session_survives_a_restart(webchat):
    client = await webchat.new_client()
    csrf, _ = await begin(webchat, client, "tourism_ministry")
    cookie = session_cookie(client)
    assert cookie
    (row,) = await webchat.web_sessions()
    assert row.id != cookie and cookie not in (row.id, row.csrf)  # only its hash is stored
    # A new process: a new app, store and service over the same database.
    store = Store.from_url(webchat.url)
    try:
        restarted = await webchat.new_client(
            create_web_app(webchat.settings, Application.over(store))
        )
        restarted.session.cookie_jar.update_cookies({"saualnama_session": cookie})
        page = await restarted.get("/chat")
        assert page.status == 200
        assert f'name="csrf-token" content="{csrf}"' in await page.text()
        state = await restarted.get("/api/state", headers={"X-CSRF-Token": csrf})
        assert state.status == 200
        assert (await restarted.get("/api/state", headers={"X-CSRF-Token": "x"})).status == 403
        # Logging out in one process ends the session in the other.
        assert (await post(restarted, "/api/logout", {}, csrf)).status == 200
        assert (await client.get("/api/state", headers={"X-CSRF-Token": csrf})).status == 401
        assert await webchat.web_sessions() == []
    finally:
        await store.close()


async def _skip_to(webchat, kind: str, code: str) -> None:
    """Answer every field between the first and ``code`` with "no data" through the store
    (answering the first then leads to ``code``)."""
    from dialogs.walk import Walk

    response_id = await webchat.response_id(kind)
    (contact,) = await webchat.store.list_contacts(webchat.orgs[kind].organisation.id)
    for step in Walk(default(), webchat.orgs[kind].organisation.blocks).steps[1:]:
        if step.code == code:
            return
        await webchat.store.save_answer(
            response_id, step.code, no_data_reason="нет учёта", contact_id=contact.id,
            channel="web",
        )  # fmt: skip


async def test_a_list_sent_as_one_table(webchat):
    """The page's table of inputs: the whole list in one call, stored as the rows typed."""
    client = await webchat.new_client()
    csrf, body = await begin(webchat, client, "tourism_ministry")
    await _skip_to(webchat, "tourism_ministry", "b01.i05.partner_states")
    for action in ("cmd:menu", "blk:1", "itm:b01.i05"):  # the menu: block 1, item 1.5
        tap = {"kind": "button", "value": button(body, action)}
        body = await (await post(client, "/api/input", tap, csrf)).json()
    expects = body["replies"][-1]["expects"]
    assert expects["field"] == "b01.i05.partner_states" and expects["kind"] == "list"
    columns = [c["code"] for c in expects["columns"]]
    cells = {f"{row}.{col}": f"{col} {row}" for row in (1, 2) for col in columns}
    country = [c["code"] for c in expects["columns"] if c["kind"] == "country"]
    for row in (1, 2):
        for col in country:
            cells[f"{row}.{col}"] = ("Узбекистан", "Кыргызстан")[row - 1]
    cells["3." + columns[0]] = "   "  # an empty cell is left out
    payload = {"kind": "form", "value": expects["form"], "form": cells}
    resp = await post(client, "/api/input", payload, csrf)
    assert resp.status == 200, await resp.text()
    stored = (await webchat.answers("tourism_ministry"))["b01.i05.partner_states"]
    assert stored[0] == "answered"
    assert len(stored[1]) == 2
    for col in country:
        assert [entry[col] for entry in stored[1]] == ["UZ", "KG"]


async def test_bad_tables_are_refused(webchat):
    client = await webchat.new_client()
    csrf, _ = await begin(webchat, client, "tourism_ministry")
    for form in (["x"], {"1.a": 5}, {f"{n}.a": "x" for n in range(401)}):
        resp = await post(
            client, "/api/input", {"kind": "form", "value": "1|form", "form": form}, csrf
        )
        assert resp.status == 400, form
    assert await webchat.answers("tourism_ministry") == {}
