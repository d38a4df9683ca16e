"""What every coordinator command shares: options, the event loop, tables, errors.

``--url`` and ``--actor`` on every command, dates and periods parsed with clear errors,
one way to run a coroutine against a :class:`~storage.repository.Store`, and plain
text tables for the terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import getpass
import os
import sys
import threading
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import OperationalError, ProgrammingError

from admin.export.csv_writer import BOM, cell
from admin.ops.errors import OpsError
from dialogs.application.settings import load_settings
from storage import errors
from storage.deadlines import LOCAL_TZ
from storage.repository import Store

NOT_FOUND_HINTS = {
    "Campaign": "see `python -m admin campaign list`",
    "Organisation": "see `python -m admin org list`",
    "Response": "`python -m admin progress --campaign ID` shows the response ids",
    "Contact": "see `python -m admin contact list`",
    "Invitation": "see `python -m admin invite list --campaign ID`",
}

#: The commands' own mistakes are the operations' (admin.ops) mistakes: one error type.
CommandError = OpsError


def default_actor() -> str:
    """``coordinator:$USER`` (the login name when ``$USER`` is unset)."""
    user = os.environ.get("USER")
    if not user:
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = "unknown"
    return f"coordinator:{user}"


def add_common(parser: argparse.ArgumentParser) -> None:
    """``--url`` and ``--actor``, which every command takes."""
    parser.add_argument(
        "--url", help="database URL (default: $DATABASE_URL, else the settings / .env)"
    )
    parser.add_argument("--actor", help="who acts, for the audit log (default: coordinator:$USER)")


def actor_of(args: argparse.Namespace) -> str:
    return args.actor or default_actor()


def url_of(args: argparse.Namespace) -> str:
    return args.url or load_settings().database_url


def iso_date(text: str) -> date:
    """argparse type: a ``YYYY-MM-DD`` date."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write YYYY-MM-DD") from None


def period(text: str) -> tuple[date, date]:
    """argparse type: ``2025-01-01:2025-12-31``."""
    start, sep, end = text.partition(":")
    if not sep:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a period; write START:END, e.g. 2025-01-01:2025-12-31"
        )
    first, last = iso_date(start), iso_date(end)
    if first > last:
        raise argparse.ArgumentTypeError(f"the period {text!r} ends before it starts")
    return first, last


def positive(text: str) -> int:
    """argparse type: a whole number ≥ 1."""
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be a whole number of at least 1")
    return n


def fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _run_coroutine(factory: Callable[[], Coroutine[Any, Any, int]]) -> int:
    """``asyncio.run``; in a worker thread when this thread already runs a loop (tests)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(factory())
    result: list[int | BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(factory()))
        except BaseException as exc:
            result.append(exc)

    worker = threading.Thread(target=target)
    worker.start()
    worker.join()
    if isinstance(result[0], BaseException):
        raise result[0]
    return int(result[0])


def run(args: argparse.Namespace, work: Callable[[Store], Awaitable[int]]) -> int:
    """Open a store on ``--url``, run ``work``, and turn known errors into exit status 2."""
    url = url_of(args)

    async def main() -> int:
        store = Store.from_url(url)
        try:
            return await work(store)
        finally:
            await store.close()

    try:
        return _run_coroutine(main)
    except OpsError as exc:
        return fail(str(exc))
    except errors.NotFound as exc:
        hint = NOT_FOUND_HINTS.get(exc.entity, "check the id")
        return fail(f"{exc.entity.lower()} {exc.key} does not exist; {hint}")
    except errors.StorageError as exc:
        return fail(str(exc))
    except (OperationalError, ProgrammingError) as exc:
        text = str(exc.orig)
        if "no such table" in text or "does not exist" in text:
            return fail(
                f"the database {url} has no tables yet; run `python -m admin db upgrade --url URL`"
            )
        return fail(f"the database {url} refused: {text}")


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain text table: columns padded to their widest cell, numbers right-aligned."""
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for n, v in enumerate(row):
            widths[n] = max(widths[n], len(v))
    numeric = [
        all(isinstance(row[n], int | float) or row[n] in (None, "") for row in rows) and rows
        for n in range(len(headers))
    ]

    def line(values: Sequence[str]) -> str:
        padded = [
            v.rjust(widths[n]) if numeric[n] else v.ljust(widths[n]) for n, v in enumerate(values)
        ]
        return "  ".join(padded).rstrip()

    out = [line(list(headers)), line(["-" * w for w in widths])]
    out.extend(line(row) for row in cells)
    return "\n".join(out) + "\n"


def shorten(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def when(moment: datetime | None) -> str:
    """A timestamp for a table: ``2026-01-20 14:30`` in Kazakhstan's time, or ``""``."""
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M") if moment is not None else ""


def ids_list(values: Sequence[int], limit: int = 12) -> str:
    shown = ", ".join(str(v) for v in values[:limit])
    return shown + (f" … ({len(values)} in all)" if len(values) > limit else "")


def write_csv(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a CSV for Excel (UTF-8 with BOM, CRLF, cells guarded against formulas), readable
    by the coordinator only, whole or not at all; returns the rows written.

    Refuses to overwrite: these files hold links shown once, or people's names.
    """
    if path.exists():
        raise OpsError(f"{path} exists; choose another file (the one there is left as it is)")
    if not path.parent.exists():
        raise OpsError(f"the folder {path.parent} does not exist; create it first")
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    count = 0
    try:
        with open(fd, "w", encoding="utf-8", newline="") as f:
            f.write(BOM)
            writer = csv.writer(f, lineterminator="\r\n")
            writer.writerow(headers)
            for row in rows:
                writer.writerow([cell(v) for v in row])
                count += 1
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count
