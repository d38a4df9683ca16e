"""What one web step costs the database: statements, transactions, savepoints, checkouts.

Run: ``python bench/step_sql.py [--pg URL] [--steps 20] [--loop N]`` (``--pg`` defaults to
``$TEST_POSTGRES_URL``, else an SQLite file in a temporary directory; on PostgreSQL the
helper makes and drops its own ``<db>_stepsql`` database).  One browser signs in through
the web chat (in this process, aiohttp's test server), goes to block 16 item 2 like
bench/load_web.py, then answers the count and steps back ``--steps`` times; printed per
kind of step: SQL statements sent (SAVEPOINT/RELEASE included), transactions begun,
savepoints, pool checkouts (a ping each only for a connection idle 5 s, storage.db).

``--loop N`` then walks N more steps without counting, for a profiler to attach to
(``py-spy record -o step.svg -- python bench/step_sql.py --loop 400``).

Why a helper of its own: bench_load.py measures time on a shared machine, where the noise
is larger than most cuts; a count of round trips is exact and moves only with the code.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiohttp.test_utils import TestClient, TestServer  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncEngine  # noqa: E402

KINDS = ("statements", "transactions", "savepoints", "checkouts")


class SqlCounter:
    """Counts what an engine sends, through SQLAlchemy's engine and pool events."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.counts: Counter[str] = Counter()
        self.statements: list[str] = []
        self.recording = False
        sync = engine.sync_engine
        event.listen(sync, "before_cursor_execute", self._statement)
        event.listen(sync, "begin", self._begin)
        event.listen(sync, "savepoint", self._savepoint)
        event.listen(sync.pool, "checkout", self._checkout)

    def _statement(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if self.recording:
            self.counts["statements"] += 1
            self.statements.append(" ".join(statement.split())[:110])

    def _begin(self, _conn: Any) -> None:
        if self.recording:
            self.counts["transactions"] += 1

    def _savepoint(self, _conn: Any, _name: str) -> None:
        if self.recording:
            self.counts["savepoints"] += 1

    def _checkout(self, *_: Any) -> None:
        if self.recording:
            self.counts["checkouts"] += 1

    @contextmanager
    def measuring(self) -> Iterator[Counter[str]]:
        """Count what the block sends; the counter it yields is filled when it ends."""
        self.counts, self.statements, self.recording = Counter(), [], True
        result: Counter[str] = Counter()
        try:
            yield result
        finally:
            self.recording = False
            result.update(self.counts)


async def prepare(url: str) -> tuple[str, str]:
    """A migrated database with the demo campaign and one NGO: (its URL, the NGO's token)."""
    from bench import load_servers as ls

    if url.startswith("postgresql"):
        url = await ls.fresh_database(url, url.rsplit("/", 1)[1] + "_stepsql")
    else:
        from storage.db import upgrade

        await upgrade(url)
    return url, (await ls.seed(url, 1))[0]


async def walk(url: str, token: str, steps: int, loop: int, show: bool) -> None:
    from bench.load_web import WebPerson
    from bot.web import create_web_app
    from dialogs.application.factory import Application
    from dialogs.application.settings import Settings
    from storage.repository import Store

    store = Store.from_url(url)
    assert store._engine is not None
    counter = SqlCounter(store._engine)
    settings = Settings(_env_file=None, database_url=url, public_url="http://127.0.0.1:8080")
    client = TestClient(TestServer(create_web_app(settings, Application.over(store))))
    await client.start_server()
    try:
        person = WebPerson(client.session, str(client.make_url("")).rstrip("/"))
        await person.sign_in(token)
        await person.to_the_count()
        totals: dict[str, Counter[str]] = {"text answer": Counter(), "back button": Counter()}
        for n in range(1, steps + 1):
            with counter.measuring() as counts:
                await person.send("text", str(n))
            totals["text answer"].update(counts)
            if show and n == 1:
                print("  text answer:", *counter.statements, sep="\n    ")
            with counter.measuring() as counts:
                await person.press("|back")
            totals["back button"].update(counts)
            if show and n == 1:
                print("  back button:", *counter.statements, sep="\n    ")
        for name, total in totals.items():
            per = ", ".join(f"{total[k] / steps:.1f} {k}" for k in KINDS)
            print(f"{name:<12} per step: {per}", flush=True)
        for n in range(loop):
            await person.send("text", str(n))
            await person.press("|back")
    finally:
        await client.close()
        await store.close()


async def main_async(args: argparse.Namespace) -> None:
    url = args.pg or os.environ.get("TEST_POSTGRES_URL")
    with tempfile.TemporaryDirectory() as tmp:
        url = url or f"sqlite+aiosqlite:///{tmp}/stepsql.db"
        url, token = await prepare(url)
        print(f"database: {url.split('@')[-1]}")
        await walk(url, token, args.steps, args.loop, args.show)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pg", help="a PostgreSQL URL (default: $TEST_POSTGRES_URL)")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--loop", type=int, default=0)
    parser.add_argument("--show", action="store_true", help="print the statements of step 1")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
