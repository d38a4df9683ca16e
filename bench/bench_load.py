"""Deadline-day load: the product against the least its work can cost, in the same run.

Run: ``python bench/bench_load.py [--pg postgresql+asyncpg://postgres@127.0.0.1:5432/x]
[--seconds 10] [--sessions 200] [--tg-users 50]`` (``--pg`` defaults to
``$TEST_POSTGRES_URL``; the benchmark makes and drops its own database next to it,
``<name>_bench``).

Web: 1 and ``--sessions`` concurrent web chat sessions walk through the JSON API (answer a
count, step back: see bench/load_web.py) against 1 and 2 worker processes on PostgreSQL,
and the same number of clients post to a bare aiohttp handler doing one insert through
SQLAlchemy async per request, with as many worker processes.  Printed per case: requests
per second, server CPU per request, p50/p99 latency, errors; and the ratios
product/bare (targets: throughput ≥ 0.5 of bare, 0 errors).

Telegram: ``--tg-users`` users through a fake Bot API against a bare aiogram echo bot on
the same fake (target: an answer ≤ 2× an echo), then against the same echo bot behind the
product's send budget (Telegram's own limits: 29 messages a second, one a second per chat),
which bounds any bot that keeps to them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import load_servers as ls  # noqa: E402
from bench import load_telegram as lt  # noqa: E402
from bench.load_web import Tally, bare_walk, product_walk  # noqa: E402


def line(name: str, tally: Tally, wall: float, cpu: float) -> tuple[float, float]:
    n = len(tally.latencies)
    rate = n / wall if wall else 0.0
    per = cpu / n * 1000 if n else float("nan")
    print(
        f"  {name:<26} {rate:8.1f} req/s  cpu {per:6.2f} ms/req  "
        f"p50 {tally.pct(0.5) * 1000:7.1f} ms  p99 {tally.pct(0.99) * 1000:7.1f} ms  "
        f"errors {tally.errors}",
        flush=True,
    )
    return rate, per


async def web_cases(url: str, tokens: list[str], args: argparse.Namespace) -> None:
    for workers in (1, 2):
        bare = await ls.start_bare(url, workers)
        product = await ls.start_product(url, workers)
        print(f"web, {workers} worker(s); product RSS idle {ls.rss_mb(product.pids):.0f} MB")
        try:
            for sessions in (1, args.sessions):
                print(f" {sessions} concurrent session(s), {args.seconds:.0f} s each")
                b = await bare_walk(bare.ports, sessions, args.seconds,
                                    lambda s=bare: ls.cpu_seconds(s.pids))  # fmt: skip
                b_rate, b_cpu = line("bare insert", *b)
                p = await product_walk(product.ports, tokens[:sessions], args.seconds,
                                       lambda s=product: ls.cpu_seconds(s.pids))  # fmt: skip
                p_rate, p_cpu = line("product step", *p)
                print(
                    f"  ratio throughput {p_rate / b_rate:5.2f} of bare (target ≥ 0.5); "
                    f"cpu per request {p_cpu / b_cpu:5.1f}× bare"
                )
            print(f" product RSS after {args.sessions} sessions {ls.rss_mb(product.pids):.0f} MB")
        finally:
            bare.stop()
            product.stop()


async def telegram_case(url: str, tokens: list[str], args: argparse.Namespace) -> None:
    tg = lt.WatchedTelegram()
    await tg.start()
    try:
        extra = {"BOT_TOKEN": tg.token, "TELEGRAM_API_URL": tg.url}
        product = await ls.start_product(url, 1, extra)
        try:
            await lt.wait_polling(tg)
            people = [lt.TelegramUser(tg, 7_000_000 + i) for i in range(len(tokens))]
            joining = asyncio.Semaphore(10)  # joins are set-up, not the measurement

            async def join(person: lt.TelegramUser, token: str) -> None:
                async with joining:
                    await person.join(token)

            await asyncio.gather(*(join(p, t) for p, t in zip(people, tokens, strict=True)))
            steps = [("say", "{n}"), ("press", "|back")]
            p_tally, p_wall = await lt.walk(people, args.seconds, steps)
        finally:
            product.stop()
        print(f"telegram, {len(tokens)} users, {args.seconds:.0f} s each")
        p_rate, _ = line("product answer", p_tally, p_wall, float("nan"))
        echoes = []
        for n, budget in enumerate((False, True)):
            echo = ls.start_echo(tg.url, tg.token, budget)
            try:
                await lt.wait_polling(tg)
                people = [lt.TelegramUser(tg, (8 + n) * 1_000_000 + i) for i in range(len(tokens))]
                echoes.append(await lt.walk(people, args.seconds, [("say", "{n}")]))
            finally:
                echo.stop()
    finally:
        await tg.stop()
    for (e_tally, e_wall), name in zip(
        echoes, ("aiogram echo", "echo, same send budget"), strict=True
    ):
        e_rate, _ = line(name, e_tally, e_wall, float("nan"))
        print(
            f"  answer p50 {p_tally.pct(0.5) / e_tally.pct(0.5):5.1f}× {name} (target ≤ 2×), "
            f"p99 {p_tally.pct(0.99) / e_tally.pct(0.99):5.1f}×; "
            f"throughput {p_rate / e_rate:5.2f} of it"
        )


async def main_async(args: argparse.Namespace) -> None:
    admin = args.pg or os.environ.get("TEST_POSTGRES_URL")
    if not admin:
        raise SystemExit("give --pg or TEST_POSTGRES_URL (a PostgreSQL URL)")
    name = admin.rsplit("/", 1)[1] + "_bench"
    started = time.monotonic()
    ls.LOG.unlink(missing_ok=True)
    url = await ls.fresh_database(admin, name)
    tokens = await ls.seed(url, args.sessions + args.tg_users)
    print(f"database {name} seeded with {len(tokens)} organisations "
          f"in {time.monotonic() - started:.1f} s")  # fmt: skip
    if not args.telegram_only:
        await web_cases(url, tokens[: args.sessions], args)
    if not args.web_only:
        await telegram_case(url, tokens[args.sessions :], args)
    print(f"failures the servers logged: {ls.logged_failures()} (see {ls.LOG})")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pg", help="a PostgreSQL URL (default: $TEST_POSTGRES_URL)")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--tg-users", type=int, default=50)
    parser.add_argument("--web-only", action="store_true")
    parser.add_argument("--telegram-only", action="store_true")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
