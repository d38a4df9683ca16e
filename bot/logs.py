"""Log lines as text for people or as JSON for collectors, each with its request's id.

A web request's id is the proxy's ``X-Request-Id`` when it sends one (so the proxy's and
our lines match), else a fresh one; it is returned in the response's ``X-Request-Id`` and
put on every line logged while the request is handled.  Telegram updates get
``tg-<update_id>``.  JSON lines carry the time, level, logger, message, request id and,
for a failure, the exception's type and frames but not its message: an exception's text
can quote what a person typed, and logs keep no answers and no names.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import secrets
import traceback
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TextIO

from aiohttp import web

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record (``%(request_id)s``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id.get()),
        }
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, tb = record.exc_info
            line["exception"] = kind.__name__
            line["frames"] = "".join(traceback.format_tb(tb)).rstrip()
        return json.dumps(line, ensure_ascii=False)


#: Loggers that would print what people typed at DEBUG/INFO (SQL parameters, result rows).
QUIET = ("sqlalchemy", "aiosqlite", "asyncpg")


def configure(level: str, fmt: str = "text", stream: TextIO | None = None) -> logging.Handler:
    """The root logger: ``fmt`` "json" or "text", at ``level``; returns its handler.

    SQL and database drivers stay at WARNING whatever ``level`` is: their statements'
    parameters and rows are people's answers.
    """
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(getattr(logging, level.upper(), logging.INFO))
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler


def new_id() -> str:
    return secrets.token_hex(8)


@web.middleware
async def request_ids(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Give the request its id (the proxy's, if well-formed) and echo it back."""
    given = request.headers.get("X-Request-Id", "")
    rid = given if _ID_RE.match(given) else new_id()
    token = request_id.set(rid)
    try:
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            exc.headers["X-Request-Id"] = rid
            raise
        response.headers["X-Request-Id"] = rid
        return response
    finally:
        request_id.reset(token)
