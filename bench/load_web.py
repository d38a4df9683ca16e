"""Web chat sessions walking through the JSON API, and the bare handler's clients.

Each session signs in with its invitation (``/i/<token>``, the chat page's CSRF token),
chooses Russian, opens block 16, item 2 (a count), then for the timed part answers the
count and steps back to it, over and over: a text answer that saves, then a button press
that does not — the two kinds of step a person makes.  The bare client posts one value
per request.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

CSRF_RE = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


@dataclass
class Tally:
    """Latencies (seconds) and errors of the timed part."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0

    def add(self, other: Tally) -> None:
        self.latencies += other.latencies
        self.errors += other.errors

    def pct(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


class WebPerson:
    """One browser: its cookies, its CSRF token, the buttons it was last shown."""

    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http = http
        self.base = base
        self.csrf = ""
        self.buttons: list[str] = []

    async def sign_in(self, token: str) -> None:
        async with self.http.get(f"{self.base}/i/{token}", allow_redirects=False) as r:
            assert r.status == 303, (r.status, await r.text())
        async with self.http.get(f"{self.base}/chat") as r:
            match = CSRF_RE.search(await r.text())
            assert match, "no CSRF token on the chat page"
            self.csrf = match.group(1)

    def _remember(self, body: dict[str, Any]) -> None:
        self.buttons = [b["data"] for reply in body["replies"] for row in reply["buttons"]
                        for b in row]  # fmt: skip

    async def state(self) -> None:
        headers = {"X-CSRF-Token": self.csrf}
        async with self.http.get(f"{self.base}/api/state", headers=headers) as r:
            r.raise_for_status()
            self._remember(await r.json())

    async def send(self, kind: str, value: str) -> None:
        headers = {"X-CSRF-Token": self.csrf}
        payload = {"kind": kind, "value": value}
        async with self.http.post(f"{self.base}/api/input", json=payload, headers=headers) as r:
            r.raise_for_status()
            self._remember(await r.json())

    async def press(self, suffix: str) -> None:
        data = next((b for b in self.buttons if b.endswith(suffix)), None)
        assert data is not None, f"no button …{suffix} in {self.buttons}"
        await self.send("button", data)

    async def to_the_count(self) -> None:
        """From wherever the dialog stands to block 16, item 2 (a count)."""
        await self.state()
        if any(b.endswith("lang:ru") for b in self.buttons):
            await self.press("lang:ru")
        await self.send("command", "menu")
        await self.press("blk:16")
        await self.press("b16.i02")

    async def _recover(self) -> None:
        try:
            await self.to_the_count()
        except (TimeoutError, aiohttp.ClientError, AssertionError):
            await asyncio.sleep(0.5)

    async def walk(self, until: float, tally: Tally) -> None:
        n = 0
        while time.monotonic() < until:
            n += 1
            for kind, value in (("text", str(n)), ("button", "|back")):
                started = time.monotonic()
                try:
                    if kind == "button":
                        await self.press(value)
                    else:
                        await self.send(kind, value)
                except (TimeoutError, aiohttp.ClientError, AssertionError):
                    tally.errors += 1
                    await self._recover()
                    break
                tally.latencies.append(time.monotonic() - started)


async def signed_in(
    ports: list[int], tokens: list[str]
) -> list[tuple[WebPerson, aiohttp.ClientSession]]:
    """One signed-in person per token, spread round-robin over the workers' ports."""
    out = []
    for i, token in enumerate(tokens):
        http = aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True),
            connector=aiohttp.TCPConnector(limit=1),
            timeout=aiohttp.ClientTimeout(total=60),
        )
        person = WebPerson(http, f"http://127.0.0.1:{ports[i % len(ports)]}")
        await person.sign_in(token)
        out.append((person, http))
    return out


async def product_walk(ports: list[int], tokens: list[str], seconds: float,
                       cpu: Any) -> tuple[Tally, float, float]:  # fmt: skip
    """(tally, wall seconds, server CPU seconds) of the timed walk of ``len(tokens)`` people."""
    people = await signed_in(ports, tokens)
    try:
        ready = await asyncio.gather(*(p.to_the_count() for p, _ in people), return_exceptions=True)
        tally = Tally(errors=sum(isinstance(r, BaseException) for r in ready))
        parts = [Tally() for _ in people]
        cpu_before, started = cpu(), time.monotonic()
        until = started + seconds
        await asyncio.gather(*(p.walk(until, t) for (p, _), t in zip(people, parts, strict=True)))
        wall, used = time.monotonic() - started, cpu() - cpu_before
        for t in parts:
            tally.add(t)
        return tally, wall, used
    finally:
        for _, http in people:
            await http.close()


async def bare_walk(ports: list[int], sessions: int, seconds: float,
                    cpu: Any) -> tuple[Tally, float, float]:  # fmt: skip
    """The same shape of load on the bare insert handler."""

    async def one(base: str, until: float, tally: Tally) -> None:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1)) as http:
            n = 0
            while time.monotonic() < until:
                n += 1
                started = time.monotonic()
                try:
                    async with http.post(f"{base}/bare", json={"value": n}) as r:
                        r.raise_for_status()
                        await r.read()
                except aiohttp.ClientError:
                    tally.errors += 1
                    continue
                tally.latencies.append(time.monotonic() - started)

    parts = [Tally() for _ in range(sessions)]
    cpu_before, started = cpu(), time.monotonic()
    until = started + seconds
    await asyncio.gather(*(one(f"http://127.0.0.1:{ports[i % len(ports)]}", until, t)
                           for i, t in enumerate(parts)))  # fmt: skip
    wall, used = time.monotonic() - started, cpu() - cpu_before
    tally = Tally()
    for t in parts:
        tally.add(t)
    return tally, wall, used
