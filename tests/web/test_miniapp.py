"""Telegram Mini App: initData validation with a known token, and the tg-auth endpoint."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest

from bot.web.miniapp import InvalidInitData, sign_init_data, validate_init_data
from tests.web.conftest import BOT_TOKEN, post

NOW = 1_767_000_000


def init_data(user_id: int = 4242, auth_date: int = NOW, token: str = BOT_TOKEN, **extra) -> str:
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(
            {"id": user_id, "first_name": "Айгерим", "language_code": "kk"},
            ensure_ascii=False,
            separators=(",", ":"),
        ),  # fmt: skip
        "auth_date": str(auth_date),
        **extra,
    }
    fields["hash"] = sign_init_data(fields, token)
    return urlencode(fields)


def test_known_vector():
    """The hash of a fixed data-check-string under a fixed token, computed independently."""
    import hashlib
    import hmac

    fields = {"auth_date": "1700000000", "query_id": "Q", "user": '{"id":1}'}
    key = hmac.new(b"WebAppData", b"1:AAA", hashlib.sha256).digest()
    expected = hmac.new(
        key, b'auth_date=1700000000\nquery_id=Q\nuser={"id":1}', hashlib.sha256
    ).hexdigest()
    assert sign_init_data(fields, "1:AAA") == expected
    checked = validate_init_data(urlencode({**fields, "hash": expected}), "1:AAA", now=1700000100)
    assert checked["user_id"] == 1


def test_good_init_data():
    checked = validate_init_data(init_data(), BOT_TOKEN, now=NOW + 60)
    assert checked["user_id"] == 4242
    assert checked["user"]["first_name"] == "Айгерим"


@pytest.mark.parametrize(
    "data",
    [
        init_data().replace("4242", "4243"),  # another user
        init_data(token="123456:another-bot"),  # signed by another bot
        init_data() + "&extra=1",  # a field added after signing
        init_data().replace("auth_date=", "auth_date=1"),  # date changed
        init_data().rsplit("&hash=", 1)[0],  # no hash
        init_data() + "&hash=00",  # hash repeated
        "",
        "not a query string",
        "x" * 9000,
    ],
)
def test_tampered_init_data(data):
    with pytest.raises(InvalidInitData):
        validate_init_data(data, BOT_TOKEN, now=NOW + 60)


def test_too_old_or_future_init_data():
    with pytest.raises(InvalidInitData):
        validate_init_data(init_data(auth_date=NOW - 86401), BOT_TOKEN, now=NOW)
    validate_init_data(init_data(auth_date=NOW - 86000), BOT_TOKEN, now=NOW)
    with pytest.raises(InvalidInitData):
        validate_init_data(init_data(auth_date=NOW + 3600), BOT_TOKEN, now=NOW)


async def test_tg_auth_opens_a_session_for_the_linked_telegram_user(webchat):
    await webchat.store.redeem_invitation(
        webchat.token("ngo"), telegram_user_id=4242, channel="telegram", language="kk"
    )
    client = await webchat.new_client()
    page = await client.get("/tg")
    assert page.status == 200
    assert 'data-mode="tg"' in await page.text()
    fresh = init_data(auth_date=int(time.time()) - 5)
    resp = await post(client, "/api/tg-auth", {"initData": fresh}, None)
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert body["lang"] == "kk"
    assert resp.cookies["saualnama_session"]["httponly"]
    state = await client.get("/api/state", headers={"X-CSRF-Token": body["csrf"]})
    assert state.status == 200
    assert (await state.json())["progress"]["total"] > 0


async def test_tg_auth_refusals(webchat):
    client = await webchat.new_client()
    old = init_data(auth_date=int(time.time()) - 2 * 86400)
    assert (await post(client, "/api/tg-auth", {"initData": old}, None)).status == 403
    forged = init_data(auth_date=int(time.time()), token="1:other")
    assert (await post(client, "/api/tg-auth", {"initData": forged}, None)).status == 403
    unknown = init_data(user_id=99, auth_date=int(time.time()))
    resp = await post(client, "/api/tg-auth", {"initData": unknown}, None)
    assert resp.status == 403
    assert (await resp.json())["code"] == "not_linked"
    cross = await post(client, "/api/tg-auth", {"initData": unknown}, None,
                       Origin="https://evil.example")  # fmt: skip
    assert cross.status == 403
    assert "saualnama_session" not in cross.cookies
    no_bot = await webchat.new_client(bot_token=None)
    assert (await post(no_bot, "/api/tg-auth", {"initData": unknown}, None)).status == 404
