"""``python -m bot --workers N``: N worker processes sharing one port, supervised.

The supervisor migrates the database once, then starts N copies of ``python -m bot
--worker I`` that all listen on the same address (``SO_REUSEPORT``: the kernel spreads
connections over them), restarts one that dies, and passes SIGTERM/SIGINT on.  What
the workers share lives in PostgreSQL (state, sessions, each update once, the reminder
job's lock) and, with ``REDIS_URL``, in Redis (the sign-in limit, one person's Telegram
updates in order).  Several workers need PostgreSQL, and Telegram through a webhook
(long polling allows one consumer per bot).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence

from dialogs.application.settings import Settings

log = logging.getLogger("bot.workers")

#: A worker that dies sooner than this after its start is not restarted at once.
RESTART_PAUSE = 1.0


def refusal(settings: Settings, workers: int) -> str | None:
    """Why these settings cannot run as ``workers`` processes, or None."""
    if workers < 2:
        return None
    if not settings.database_url.startswith("postgresql"):
        return "several workers need PostgreSQL (DATABASE_URL=postgresql+asyncpg://…)"
    token = settings.bot_token.get_secret_value() if settings.bot_token else ""
    if token and not settings.webhook_path:
        return "several workers serve Telegram through a webhook: set WEBHOOK_PATH"
    if not settings.redis_url:
        log.warning("several workers without REDIS_URL: the sign-in limit is per worker")
    return None


def _spawn(index: int, passthrough: Sequence[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "bot", "--worker", str(index), *passthrough])


def supervise(settings: Settings, workers: int, passthrough: Sequence[str]) -> int:
    """Run ``workers`` worker processes until SIGTERM/SIGINT; the exit status."""
    from dialogs.application.factory import migrate

    asyncio.run(migrate(settings))
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Every worker writes its metrics here; a scrape of any of them sums them all.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="saualnama-metrics-")
    stopping = False

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    procs = {i: _spawn(i, passthrough) for i in range(workers)}
    started = dict.fromkeys(procs, time.monotonic())
    log.info("%s workers started: %s", workers, [p.pid for p in procs.values()])
    while not stopping:
        time.sleep(0.2)
        for i, proc in procs.items():
            if proc.poll() is None or stopping:
                continue
            log.error("worker %s (pid %s) ended with %s; restarting", i, proc.pid, proc.returncode)
            if time.monotonic() - started[i] < RESTART_PAUSE:
                time.sleep(RESTART_PAUSE)
            procs[i], started[i] = _spawn(i, passthrough), time.monotonic()
    for proc in procs.values():
        if proc.poll() is None:
            proc.terminate()
    for proc in procs.values():
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
    return 0
