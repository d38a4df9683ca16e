"""The campaign dashboard of a 3,000-organisation campaign: server time against a bare render.

Run: ``python bench/bench_dashboard.py [--organisations 3000] [--repeat 15]``.  A
generated campaign (:mod:`bench.generate`: every organisation answers the whole
questionnaire; kept in ``bench/results/``) is reopened and mixed — a third of the
responses put back in progress, a sixth deleted (never started), submissions before
and after the deadline — on SQLite.  Timed, fastest of ``--repeat`` runs:

* **server**: the dashboard handler as the panel runs it (the guard, the session, the
  roster read of :func:`admin.ops.progress.campaign_progress`, the tallies, the Jinja2
  page with both SVG charts), timed inside the application by a middleware;
Wall-clock and CPU time (``time.process_time``: this process, every thread) are both
printed with the load average: on a shared machine the wall time mostly measures the
other processes.

* **baseline**: a bare Jinja2 render (autoescape, no I/O) of the same organisations as
  one plain table (name, region, kind, status), measured in the same run.

Target: server time under 300 ms.  Figures go to ``bench/RESULTS.md`` by hand
(section "Panel dashboard (issue 13)").
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
PASSWORD = "bench password 123"

BARE = """<table>{% for r in rows %}<tr><th>{{ r.name }}</th><td>{{ r.region }}</td>
<td>{{ r.kind }}</td><td>{{ r.status }}</td></tr>{% endfor %}</table>"""


async def prepare(organisations: int) -> str:
    """The generated campaign, reopened with a mix of statuses (made once per size)."""
    from sqlalchemy import text

    from bench.generate import generate
    from storage.db import create_engine, upgrade

    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"dashboard-{organisations}.db"
    url = f"sqlite+aiosqlite:///{path}"
    if path.exists():
        return url
    tmp = Path(f"{path}.tmp")
    tmp.unlink(missing_ok=True)
    tmp_url = f"sqlite+aiosqlite:///{tmp}"
    await upgrade(tmp_url)
    started = time.perf_counter()
    await generate(tmp_url, organisations=organisations, years=[2025])
    engine = create_engine(tmp_url)
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE campaigns SET status = 'open', closed_at = NULL"))
        await conn.execute(text(
            "UPDATE responses SET status = 'in_progress', submitted_at = NULL WHERE id % 3 = 0"
        ))  # fmt: skip
        await conn.execute(text("DELETE FROM answers WHERE response_id % 6 = 1"))
        await conn.execute(text("DELETE FROM answer_revisions WHERE response_id % 6 = 1"))
        await conn.execute(text("DELETE FROM responses WHERE id % 6 = 1"))
    await engine.dispose()
    os.replace(tmp, path)
    print(f"generated {organisations} organisations in {time.perf_counter() - started:.0f} s")
    return url


async def measure(url: str, repeat: int) -> dict[str, Any]:
    import jinja2
    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer
    from argon2 import PasswordHasher

    import admin.panel
    from admin.accounts import Passwords
    from admin.ops.progress import campaign_progress
    from dialogs.application.settings import Settings
    from storage.models import utcnow
    from storage.repository import Store

    store = Store.from_url(url)
    cheap = Passwords(PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
    if not await store.find_user("bench"):
        await store.create_user("bench", role="coordinator", password_hash=cheap.hash(PASSWORD),
                                display_name="Bench", actor="bench")  # fmt: skip
    campaign = (await store.list_campaigns())[0]
    settings = Settings(_env_file=None, database_url=url, public_url="http://127.0.0.1:8080",
                        sign_in_attempts_per_minute=10_000, bot_token=None)  # fmt: skip
    timings: list[float] = []
    cpu: list[float] = []

    @web.middleware
    async def timer(request: web.Request, handler: Any) -> web.StreamResponse:
        started, cpu_started = time.perf_counter(), time.process_time()
        response = await handler(request)
        if request.path.endswith("/dashboard"):
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
        return response

    app = web.Application(middlewares=[timer])
    admin.panel.setup(app, settings, store, passwords=cheap, clock=utcnow)
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        page = await (await client.get("/admin/sign-in")).text()
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf is not None
        await client.post("/admin/sign-in", data={"login": "bench", "password": PASSWORD,
                          "csrf": csrf.group(1)}, headers={"Origin": "http://127.0.0.1:8080"})  # fmt: skip
        size = 0
        for _ in range(repeat):
            resp = await client.get(f"/admin/campaigns/{campaign.id}/dashboard")
            assert resp.status == 200, resp.status
            size = len(await resp.read())
    finally:
        await client.close()
    progress = await campaign_progress(store, campaign.id, counts=False)
    rows = [{"name": r.name_ru, "region": r.region, "kind": r.subject_kind, "status": r.status}
            for r in progress.rows]  # fmt: skip
    template = jinja2.Environment(autoescape=True).from_string(BARE)
    bare, bare_cpu = [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        template.render(rows=rows)
        bare.append(time.perf_counter() - started)
        bare_cpu.append(time.process_time() - cpu_started)
    await store.close()
    return {
        "organisations": len(progress.rows),
        "statuses": sorted({r.status for r in progress.rows}),
        "server_ms": min(timings) * 1000,
        "server_median_ms": sorted(timings)[len(timings) // 2] * 1000,
        "bare_ms": min(bare) * 1000,
        "server_cpu_ms": min(cpu) * 1000,
        "bare_cpu_ms": min(bare_cpu) * 1000,
        "page_kb": size / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    url = asyncio.run(prepare(args.organisations))
    r = asyncio.run(measure(url, args.repeat))
    print(
        f"organisations: {r['organisations']} ({', '.join(r['statuses'])}); page {r['page_kb']:.0f} KB"
    )
    print(f"dashboard server time: {r['server_ms']:.1f} ms (median {r['server_median_ms']:.1f} ms)"
          f" — target < 300 ms: {'met' if r['server_ms'] < 300 else 'NOT met'}")  # fmt: skip
    print(f"bare Jinja2 table of the same organisations: {r['bare_ms']:.1f} ms")
    print(f"ratio server / bare: {r['server_ms'] / r['bare_ms']:.1f}×")
    print(
        f"CPU time (this process, all threads): server {r['server_cpu_ms']:.1f} ms, bare"
        f" {r['bare_cpu_ms']:.1f} ms, ratio {r['server_cpu_ms'] / r['bare_cpu_ms']:.1f}×"
    )
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
