"""The web chat's JSON on the wire: bodies read within limits, replies and errors written.

Kept apart from the handlers (:mod:`bot.web.server`) because every limit here is a
defence — size, depth, cell count — and is tested on its own; a handler only calls
:func:`read_json` and :func:`reply_json`.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from aiohttp import web

from dialogs.contract import Reply

MAX_INPUT_BYTES = 16 * 1024
MAX_VALUE_CHARS = 4000
#: Every body the chat takes is a flat object; anything nested deeper is refused (400).
MAX_JSON_DEPTH = 4
MAX_FORM_CELLS = 400

_BODY_KEY = web.RequestKey("json_body", dict)


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def reply_json(reply: Reply) -> dict[str, Any]:
    """A reply as the page gets it: text and button labels are plain text; what the
    question expects (a table of inputs, whether text answers it) and a review's entries
    as data, which the page also writes with ``textContent`` only."""
    body: dict[str, Any] = {
        "text": reply.text,
        "kind": reply.kind,
        "buttons": [[{"label": b.label, "data": b.data} for b in row] for row in reply.buttons],
    }
    if reply.expects is not None:
        body["expects"] = asdict(reply.expects)
    if reply.review:
        body["review"] = [asdict(entry) for entry in reply.review]
    return body


def form_values(raw: object) -> dict[str, str]:
    """A table's cells as sent (key → text as typed); raises a JSON 400 otherwise."""
    if not isinstance(raw, dict) or len(raw) > MAX_FORM_CELLS:
        raise json_error(400, f"form must be an object of at most {MAX_FORM_CELLS} cells", "bad")
    cells: dict[str, str] = {}
    for key, value in raw.items():
        if not isinstance(value, str) or len(key) > 200 or len(value) > MAX_VALUE_CHARS:
            raise json_error(400, "form cells must be strings", "bad")
        if value.strip():
            cells[key] = value
    return cells


def json_error(status: int, message: str, code: str) -> web.HTTPException:
    cls = {
        400: web.HTTPBadRequest,
        401: web.HTTPUnauthorized,
        403: web.HTTPForbidden,
        404: web.HTTPNotFound,
        413: web.HTTPRequestEntityTooLarge,
        415: web.HTTPUnsupportedMediaType,
        429: web.HTTPTooManyRequests,
        500: web.HTTPInternalServerError,
    }[status]
    body = json.dumps({"error": message, "code": code}, ensure_ascii=False)
    if cls is web.HTTPRequestEntityTooLarge:
        exc = cls(MAX_INPUT_BYTES, MAX_INPUT_BYTES + 1, text=body, content_type="application/json")
    else:
        exc = cls(text=body, content_type="application/json")
    return exc


async def read_json(request: web.Request, limit: int = MAX_INPUT_BYTES) -> dict[str, Any]:
    """The request's JSON object, refusing bodies over ``limit`` bytes or not JSON.

    Kept on the request, so a handler run again after a cut connection reads it again.
    """
    if _BODY_KEY in request:
        return request[_BODY_KEY]
    if request.content_type != "application/json":
        raise json_error(415, "send application/json", "content_type")
    if request.content_length is not None and request.content_length > limit:
        raise json_error(413, f"body larger than {limit} bytes", "too_large")
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = await request.content.read(limit + 1 - size)
        if not chunk:
            break
        size += len(chunk)
        chunks.append(chunk)
        if size > limit:
            raise json_error(413, f"body larger than {limit} bytes", "too_large")
    try:
        body = json.loads(b"".join(chunks).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise json_error(400, "body is not JSON", "bad") from None
    if not isinstance(body, dict):
        raise json_error(400, "body must be a JSON object", "bad")
    if too_deep(body, MAX_JSON_DEPTH):
        raise json_error(400, f"JSON nested deeper than {MAX_JSON_DEPTH} levels", "bad")
    request[_BODY_KEY] = body
    return body


def too_deep(value: Any, limit: int) -> bool:
    """Nested deeper than ``limit``?  (Iterative: a deep body must not recurse here either.)"""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        )
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False
