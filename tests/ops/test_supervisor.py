"""``python -m bot --workers 2`` itself on PostgreSQL: two processes share the port, both
answer, SIGTERM stops both.

tests/ops/test_workers.py runs the workers one port each (``--worker I``); this runs the
supervisor (bot/workers.py) as an operator would.  Which worker answered a connection is
read from the kernel, not from the application: the server side of the connection is a
socket in /proc/net/tcp, and exactly one worker holds a descriptor of it.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ops.test_workers import free_port, fresh_database

PG = os.environ.get("TEST_POSTGRES_URL")
pytestmark = [
    pytest.mark.skipif(not PG, reason="needs TEST_POSTGRES_URL"),
    pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc"),
]
CONNECTIONS = 40


def children(pid: int) -> set[int]:
    """The live processes whose parent is ``pid``."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.add(int(entry.name))
    return found


def _hex_address(port: int) -> str:
    return f"0100007F:{port:04X}"  # 127.0.0.1 as /proc/net/tcp writes it


def _server_inode(server_port: int, client_port: int) -> str | None:
    """The inode of the server's end of the connection from ``client_port``."""
    local, remote = _hex_address(server_port), _hex_address(client_port)
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == local and fields[2] == remote:
            return fields[9]
    return None


def _holder(inode: str, pids: set[int]) -> int | None:
    target = f"socket:[{inode}]"
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == target:
                    return pid
            except OSError:
                continue
    return None


def answered_by(port: int, workers: set[int]) -> tuple[int | None, bytes]:
    """GET /healthz on a fresh connection: (the worker holding its server side, the reply)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        reply = conn.recv(4096)  # the worker has accepted: the connection is in its table
        inode = _server_inode(port, conn.getsockname()[1])
        return (_holder(inode, workers) if inode else None), reply


@pytest.fixture
def supervisor(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    url = asyncio.run(fresh_database("_supervisor"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WEB_", "PUBLIC_"))}
    env.pop("BOT_TOKEN", None)
    env.pop("REDIS_URL", None)
    env.update(DATABASE_URL=url, LOG_LEVEL="WARNING", PUBLIC_URL=f"http://127.0.0.1:{port}")
    log = tmp_path / "supervisor.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "--workers", "2", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    try:
        yield proc, port, log
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        for pid in children(proc.pid):
            os.kill(pid, signal.SIGKILL)


def _wait_for_both(proc: subprocess.Popen[bytes], port: int, log: Path) -> set[int]:
    """Until both workers exist and the port answers (a loaded machine starts slowly)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()
        workers = children(proc.pid)
        if len(workers) == 2:
            try:
                held = {answered_by(port, workers)[0] for _ in range(10)}
            except OSError:
                held = set()  # nothing listens yet
            if held >= workers:  # both listen and answer
                return workers
        time.sleep(0.5)
    raise AssertionError(f"the two workers did not come up: {log.read_text()}")


def test_two_workers_share_the_port_both_answer_and_sigterm_stops_both(supervisor) -> None:
    proc, port, log = supervisor
    workers = _wait_for_both(proc, port, log)
    served: dict[int, int] = dict.fromkeys(workers, 0)
    for _ in range(CONNECTIONS):
        pid, reply = answered_by(port, workers)
        assert reply.startswith(b"HTTP/1.1 200"), reply
        assert pid in workers, (pid, workers)
        served[pid] += 1
    assert all(n > 0 for n in served.values()), served  # the kernel spread them over both
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(60) == 0, log.read_text()
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    # a worker that ended but was not yet reaped would be a zombie of init: gone or dead
    left = [pid for pid in workers if Path(f"/proc/{pid}").exists()
            and Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"]  # fmt: skip
    assert not left, f"workers still running after SIGTERM: {left}"
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
