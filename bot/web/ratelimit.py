"""A sliding-window limit on attempts per key, and the client address it is keyed on."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Collection


class SlidingWindowLimiter:
    """At most ``limit`` attempts per ``window`` seconds per key."""

    def __init__(
        self,
        limit: int,
        window: float = 60.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 50_000,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.max_keys = max_keys
        self._hits: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        """Record an attempt by ``key``; False (and nothing recorded) if over the limit."""
        now = self.clock()
        hits = self._hits.get(key)
        if hits is None:
            if len(self._hits) >= self.max_keys:
                self._forget_idle(now)
            hits = self._hits[key] = deque()
        while hits and now - hits[0] >= self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        return True

    def blocked(self, key: str) -> bool:
        """Whether ``key`` has used up its attempts in the window (nothing recorded).

        The sign-in asks this first and records only failures (:meth:`fail`), so a valid
        invitation link, opened any number of times, never uses up the allowance: one
        office behind one address does not lock itself out.
        """
        hits = self._hits.get(key)
        if not hits:
            return False
        now = self.clock()
        while hits and now - hits[0] >= self.window:
            hits.popleft()
        return len(hits) >= self.limit

    def fail(self, key: str) -> None:
        """Record a failed attempt by ``key`` (counted even past the limit's edge)."""
        now = self.clock()
        if key not in self._hits and len(self._hits) >= self.max_keys:
            self._forget_idle(now)
        self._hits.setdefault(key, deque()).append(now)

    def retry_after(self, key: str) -> int:
        """Seconds until ``key`` may try again (at least 1)."""
        hits = self._hits.get(key)
        if not hits:
            return 1
        return max(1, int(self.window - (self.clock() - hits[0])) + 1)

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, h in self._hits.items() if not h or now - h[-1] >= self.window]:
            del self._hits[key]


def client_address(remote: str | None, forwarded_for: str | None, trusted: Collection[str]) -> str:
    """The address to limit: the peer, or, behind a trusted proxy, whom it forwarded for.

    ``X-Forwarded-For`` is only believed when the peer is one of our own proxies (anyone
    else could send it to dodge the limit); its rightmost address that is not a trusted
    proxy is the client.
    """
    address = remote or "unknown"
    if address not in trusted or not forwarded_for:
        return address
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        if hop not in trusted:
            return hop
    return address
