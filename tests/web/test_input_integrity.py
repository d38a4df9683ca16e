"""Issue 10 in the web chat: typed text names its prompt; nested JSON and hidden marks refused."""

from __future__ import annotations

import asyncio

from dialogs.parsing import HIDDEN_MARKS
from tests.web.conftest import post
from tests.web.test_api import begin, button

KIND = "tourism_ministry"
COUNT = "b01.i08.trained"
NEXT = "b01.i08.trained_where"
TYPED_FOR_EARLIER = (
    "Это сообщение было набрано для прошлого вопроса, а диалог уже ушёл дальше; "
    "вот текущий вопрос. Ответ не записан — если нужно, ответьте ещё раз."
)


async def _at_count(webchat, client) -> tuple[str, dict]:
    """Signed in, at the question 1.8 (a count): the prompt shown, in ``body["prompt"]``."""
    csrf, _ = await begin(webchat, client, KIND)
    body = await (
        await post(client, "/api/input", {"kind": "command", "value": "menu"}, csrf)
    ).json()
    body = await (
        await post(client, "/api/input", {"kind": "button", "value": button(body, "blk:1")}, csrf)
    ).json()
    body = await (await post(client, "/api/input", {"kind": "button", "value": button(body, "itm:b01.i08")}, csrf)).json()  # fmt: skip
    assert isinstance(body["prompt"], int)
    return csrf, body


async def test_two_tabs_typing_for_the_same_prompt_store_one_answer_in_its_field(webchat):
    client = await webchat.new_client()
    csrf, body = await _at_count(webchat, client)
    for round_ in range(10):
        prompt = body["prompt"]
        one, two = await asyncio.gather(
            post(client, "/api/input", {"kind": "text", "value": "32", "prompt": prompt}, csrf),
            post(client, "/api/input", {"kind": "text", "value": "7", "prompt": prompt}, csrf),
        )
        assert (one.status, two.status) == (200, 200)
        texts = [(await r.json())["replies"][0]["text"] for r in (one, two)]
        assert sorted(t.startswith("Сохранено") for t in texts) == [False, True], texts
        assert TYPED_FOR_EARLIER in texts
        answers = await webchat.answers(KIND)
        assert answers[COUNT][1] in (32, 7)
        assert NEXT not in answers, f"round {round_}: a value landed in a field not shown"
        body = await (
            await post(client, "/api/input", {"kind": "text", "value": "/menu"}, csrf)
        ).json()
        body = await (
            await post(
                client, "/api/input", {"kind": "button", "value": button(body, "blk:1")}, csrf
            )
        ).json()
        body = await (await post(client, "/api/input", {"kind": "button", "value": button(body, "itm:b01.i08")}, csrf)).json()  # fmt: skip


async def test_a_resend_after_a_lost_reply_gets_the_same_reply_and_stores_once(webchat):
    client = await webchat.new_client()
    csrf, body = await _at_count(webchat, client)
    payload = {"kind": "text", "value": "32", "prompt": body["prompt"]}
    first = await (await post(client, "/api/input", payload, csrf)).json()
    again = await (await post(client, "/api/input", payload, csrf)).json()
    assert again["replies"] == first["replies"] and again["prompt"] == first["prompt"]
    assert (await webchat.answers(KIND))[COUNT] == ("answered", 32, None)
    history = await webchat.store.answer_history(await webchat.response_id(KIND), COUNT)
    assert [h.value for h in history] == [32]


async def test_hidden_marks_in_a_number_are_refused(webchat):
    client = await webchat.new_client()
    csrf, body = await _at_count(webchat, client)
    payload = {"kind": "text", "value": "\u202e12", "prompt": body["prompt"]}
    reply = await (await post(client, "/api/input", payload, csrf)).json()
    assert reply["replies"][0]["text"].startswith(HIDDEN_MARKS.split(" (")[0])
    assert reply["replies"][0]["kind"] == "error"
    assert COUNT not in await webchat.answers(KIND)


async def test_deeply_nested_json_is_a_400_not_a_500(webchat):
    client = await webchat.new_client()
    nested = b"[" * 5000 + b"]" * 5000  # ~10 KB
    deep_object = b'{"kind": "text", "value": "1", "x": ' + nested + b"}"
    before = await client.post(
        "/api/tg-auth", data=b'{"initData": ' + nested + b"}",
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    assert before.status == 400
    csrf = await webchat.sign_in(client, KIND)
    headers = {"X-CSRF-Token": csrf, "Content-Type": "application/json"}
    for body in (nested, deep_object, b'{"a": {"b": {"c": {"d": {"e": 1}}}}}'):
        resp = await client.post("/api/input", data=body, headers=headers)
        assert resp.status == 400, body[:40]
        assert (await resp.json())["code"] == "bad"


async def test_a_prompt_that_is_not_a_prompt_number_is_refused(webchat):
    client = await webchat.new_client()
    csrf = await webchat.sign_in(client, KIND)
    for prompt in (True, -1, "3", 2**40, 1.5):
        resp = await post(
            client, "/api/input", {"kind": "text", "value": "1", "prompt": prompt}, csrf
        )
        assert resp.status == 400, prompt
