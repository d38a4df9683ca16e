"""Validation of a Telegram Mini App's ``initData``.

https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app:
the secret key is HMAC-SHA256 of the bot token keyed with ``"WebAppData"``; the
hash is HMAC-SHA256, under that key, of the other fields sorted by name as
``key=value`` lines.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import parse_qsl

MAX_AGE = 24 * 3600


class InvalidInitData(Exception):
    """The initData is malformed, forged, or too old."""


def secret_key(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def data_check_string(fields: dict[str, str]) -> str:
    return "\n".join(f"{k}={v}" for k, v in sorted(fields.items()) if k != "hash")


def sign_init_data(fields: dict[str, str], bot_token: str) -> str:
    """The hash Telegram would put beside ``fields`` (for tests and tools)."""
    return hmac.new(
        secret_key(bot_token), data_check_string(fields).encode(), hashlib.sha256
    ).hexdigest()


def validate_init_data(
    init_data: str, bot_token: str, *, max_age: int = MAX_AGE, now: float | None = None
) -> dict[str, Any]:
    """The checked fields of ``init_data`` (``user`` decoded from JSON), or InvalidInitData."""
    if not init_data or len(init_data) > 8192:
        raise InvalidInitData("empty or oversized initData")
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError as exc:
        raise InvalidInitData("initData is not a query string") from exc
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InvalidInitData("a field is repeated")
    received = fields.get("hash", "")
    if not received:
        raise InvalidInitData("no hash")
    expected = sign_init_data(fields, bot_token)
    if not hmac.compare_digest(expected, received.lower()):
        raise InvalidInitData("hash does not match")
    try:
        auth_date = int(fields.get("auth_date", ""))
    except ValueError as exc:
        raise InvalidInitData("no auth_date") from exc
    now = time.time() if now is None else now
    if now - auth_date > max_age:
        raise InvalidInitData("initData is too old")
    if auth_date - now > 300:
        raise InvalidInitData("auth_date is in the future")
    result: dict[str, Any] = dict(fields)
    try:
        user = json.loads(fields.get("user", ""))
        result["user"] = user
        result["user_id"] = int(user["id"])
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidInitData("no user id") from exc
    return result
