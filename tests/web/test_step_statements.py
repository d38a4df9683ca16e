"""What one web step sends to the database (issue 15): counted, so a regression shows.

A text answer that saves was 26 statements (8 of them SAVEPOINT/RELEASE) in two
transactions, a button press 18; the step now reads its world in two statements and
writes with compare-and-set Core statements, with no savepoint.  Counted with
SQLAlchemy's events (bench/step_sql.py does the same on PostgreSQL); on SQLite each
transaction's ``BEGIN`` is a statement too.
"""

from __future__ import annotations

from bench.step_sql import SqlCounter
from tests.web.conftest import Web, post
from tests.web.test_api import button

COUNT_ITEM = "itm:b16.i02"


async def test_a_text_answer_and_a_back_press_stay_within_their_statements(webchat: Web) -> None:
    assert webchat.store._engine is not None
    counter = SqlCounter(webchat.store._engine)
    client = await webchat.new_client()
    csrf = await webchat.sign_in(client, "ngo")
    body = await (await client.get("/api/state", headers={"X-CSRF-Token": csrf})).json()
    for action in ("lang:ru",):
        body = await (await post(client, "/api/input", {"kind": "button", "value": button(body, action)}, csrf)).json()  # fmt: skip
    body = await (await post(client, "/api/input", {"kind": "command", "value": "menu"}, csrf)).json()  # fmt: skip
    for action in ("blk:16", COUNT_ITEM):
        body = await (await post(client, "/api/input", {"kind": "button", "value": button(body, action)}, csrf)).json()  # fmt: skip
    seen: dict[str, list[dict[str, int]]] = {"text": [], "back": []}
    for n in range(1, 4):
        with counter.measuring() as counts:
            resp = await post(client, "/api/input", {"kind": "text", "value": str(n), "prompt": body["prompt"]}, csrf)  # fmt: skip
            body = await resp.json()
        assert resp.status == 200 and body["replies"][0]["text"].startswith("Сохранено"), body
        seen["text"].append(dict(counts))
        with counter.measuring() as counts:
            resp = await post(client, "/api/input", {"kind": "button", "value": button(body, "back")}, csrf)  # fmt: skip
            body = await resp.json()
        assert resp.status == 200
        seen["back"].append(dict(counts))
    answers = await webchat.answers("ngo")
    assert [v for k, (_, v, _) in answers.items() if k.startswith("b16.i02")] == [3]
    for kind, limit in (("text", 9 + 2), ("back", 5 + 2)):  # statements + two BEGINs
        for counts in seen[kind]:
            assert counts.get("savepoints", 0) == 0, (kind, counts)
            assert counts["transactions"] == 2, (kind, counts)
            assert counts["statements"] <= limit, (kind, counts, counter.statements)
