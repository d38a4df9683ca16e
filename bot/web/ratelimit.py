"""A sliding-window limit on attempts per key, and the client address it is keyed on.

One process keeps the window in memory (:class:`SlidingWindowLimiter`); several workers
share one in Redis (:class:`RedisSlidingWindowLimiter`, with ``REDIS_URL``), so an
address gets the same number of attempts however many workers it reaches.
"""

from __future__ import annotations

import time
import uuid
from collections import deque
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from redis.asyncio import Redis


class Limiter(Protocol):
    """What the web chat asks of a limiter: only failed sign-ins count, so a valid
    invitation link opened any number of times from one office never locks it out."""

    async def retry_in(self, key: str) -> int:
        """0 if ``key`` may try now, else the seconds until it may (nothing recorded)."""
        ...

    async def failed(self, key: str) -> None:
        """Record a failed attempt by ``key``."""
        ...


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

    async def retry_in(self, key: str) -> int:
        """:meth:`blocked` and :meth:`retry_after` in one, as :class:`Limiter` asks."""
        return self.retry_after(key) if self.blocked(key) else 0

    async def failed(self, key: str) -> None:
        """:meth:`fail`, as :class:`Limiter` asks."""
        self.fail(key)

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, h in self._hits.items() if not h or now - h[-1] >= self.window]:
            del self._hits[key]


#: Drop failures older than the window and count them; the server's clock, so every
#: worker agrees.  Returns 0 (may try) or the seconds until a retry.
_RETRY_IN = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, math.ceil((window - (now - tonumber(oldest[2]))) / 1000))
end
return 0
"""

#: Record one failure at the server's time; the key expires with the window.
_FAILED = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
return 0
"""


class RedisSlidingWindowLimiter:
    """At most ``limit`` failed attempts per ``window`` seconds per key, shared through Redis."""

    def __init__(
        self, redis: Redis, limit: int, window: float = 60.0, *, prefix: str = "saualnama:signin:"
    ) -> None:
        self.redis = redis
        self.limit = limit
        self.window_ms = int(window * 1000)
        self.prefix = prefix
        self._retry_in = redis.register_script(_RETRY_IN)
        self._failed = redis.register_script(_FAILED)

    async def retry_in(self, key: str) -> int:
        """0 if ``key`` may try now, else the seconds until it may (nothing recorded)."""
        result = await self._retry_in(keys=[self.prefix + key], args=[self.window_ms, self.limit])
        return int(result)

    async def failed(self, key: str) -> None:
        """Record a failed attempt by ``key``, seen by every worker."""
        await self._failed(keys=[self.prefix + key], args=[self.window_ms, uuid.uuid4().hex])


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
