"""How much a dialog step costs over the database write it exists for.

Run: ``python bench/bench_dialog.py [--steps 300]``.  Prints ratios against
baselines measured in the same run on the same machine, so the numbers mean
the same on a laptop and on CI:

* dialog step / bare ``Store.save_answer``: the engine, the context load and
  the state write on top of the one answer write (target: under 8×);
* ``parse_count`` / bare write: parsing what people type ("1 234", "12 тг",
  "двадцать") must stay negligible next to storing it (target: under 1%);
* peak memory of a complete walk / peak memory of loading the questionnaire;
* ``--synchronous N``: dialog steps on SQLite with ``synchronous=FULL`` / ``NORMAL``, N
  alternating runs of each (issue 10: a commit is on disk before "saved").
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import timeit
import tracemalloc
from datetime import date
from pathlib import Path

from dialogs.application.demo import seed_demo
from dialogs.application.dialog import DialogService
from dialogs.contract import Input
from dialogs.parsing import parse_count
from dialogs.questionnaire import load
from storage import db
from storage.db import upgrade
from storage.repository import Store


async def fresh_store(folder: Path, name: str) -> tuple[Store, int, int]:
    url = f"sqlite+aiosqlite:///{folder / name}.db"
    await upgrade(url)
    store = Store.from_url(url)
    campaign, orgs = await seed_demo(store, today=date(2026, 2, 1))
    ngo = next(o for o in orgs if o.organisation.subject_kind == "ngo")
    contact = await store.redeem_invitation(ngo.token, web_login="bench", channel="web")
    return store, contact.id, campaign.id


async def bare_saves(folder: Path, steps: int) -> float:
    store, contact_id, campaign_id = await fresh_store(folder, "bare")
    response = await store.get_response_for_contact(contact_id, campaign_id)
    start = time.perf_counter()
    for n in range(steps):
        await store.save_answer(
            response.id, "b16.i02.residence_appeals", value=n, contact_id=contact_id, channel="web"
        )
    elapsed = time.perf_counter() - start
    await store.close()
    return elapsed / steps


async def dialog_steps(folder: Path, steps: int, name: str = "dialog") -> float:
    store, contact_id, _ = await fresh_store(folder, name)
    service = DialogService(store)
    replies = await service.start(contact_id, channel="web")
    lang = next(b.data for row in replies[-1].buttons for b in row if b.data.endswith("lang:ru"))
    await service.handle(contact_id, Input.button(lang), channel="web")
    for command in ("menu",):
        replies = await service.handle(contact_id, Input.command(command), channel="web")
    press = next(b.data for row in replies[-1].buttons for b in row if b.data.endswith("blk:16"))
    replies = await service.handle(contact_id, Input.button(press), channel="web")
    press = next(b.data for row in replies[-1].buttons for b in row if b.data.endswith("b16.i02"))
    await service.handle(contact_id, Input.button(press), channel="web")
    start = time.perf_counter()
    for n in range(steps):
        # Answer the count, then step back to it: two dialog steps, one answer write.
        replies = await service.handle(contact_id, Input.text(str(n)), channel="web")
        back = next(b.data for row in replies[-1].buttons for b in row if b.data.endswith("|back"))
        await service.handle(contact_id, Input.button(back), channel="web")
    elapsed = time.perf_counter() - start
    await store.close()
    return elapsed / steps


def parse_seconds() -> float:
    """Seconds per ``parse_count`` call on a typical input."""
    return timeit.timeit(lambda: parse_count("1 234"), number=20_000) / 20_000


def memory_ratio(folder: Path) -> float:
    tracemalloc.start()
    load()
    _, questionnaire_peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    asyncio.run(dialog_steps(folder, 30, "memory"))
    _, walk_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return walk_peak / questionnaire_peak


def synchronous_ratio(folder: Path, steps: int, rounds: int) -> None:
    """FULL against NORMAL, alternating so drift of the machine hits both alike."""
    times: dict[str, list[float]] = {"NORMAL": [], "FULL": []}
    for n in range(rounds):
        for mode in ("NORMAL", "FULL") if n % 2 == 0 else ("FULL", "NORMAL"):
            db.SQLITE_SYNCHRONOUS = mode
            times[mode].append(asyncio.run(dialog_steps(folder, steps, f"sync-{mode}-{n}")))
    db.SQLITE_SYNCHRONOUS = "FULL"
    for mode, runs in times.items():
        shown = " ".join(f"{t * 1000:.2f}" for t in runs)
        print(f"synchronous={mode:<6}  {min(runs) * 1000:8.2f} ms best   (runs: {shown})")
    print(f"ratio FULL/NORMAL     {min(times['FULL']) / min(times['NORMAL']):8.2f}x (best of each)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--synchronous", type=int, default=0, metavar="N")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.synchronous:
            synchronous_ratio(folder, args.steps, args.synchronous)
            return
        bare = asyncio.run(bare_saves(folder, args.steps))
        step = asyncio.run(dialog_steps(folder, args.steps))
        print(f"bare save_answer      {bare * 1000:8.2f} ms")
        print(f"dialog answer+back    {step * 1000:8.2f} ms (two dialog steps)")
        print(f"ratio dialog/bare     {step / bare:8.1f}x   (target < 8x)")
        print(f"ratio parse/bare save {parse_seconds() / bare:8.2%}   (target < 1%)")
        print(f"memory walk/load      {memory_ratio(folder):8.1f}x")


if __name__ == "__main__":
    main()
