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
    """What the web chat asks of a limiter."""

    async def check(self, key: str) -> int:
        """Record an attempt by ``key``: 0 if allowed, else the seconds until it may retry."""
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

    def retry_after(self, key: str) -> int:
        """Seconds until ``key`` may try again (at least 1)."""
        hits = self._hits.get(key)
        if not hits:
            return 1
        return max(1, int(self.window - (self.clock() - hits[0])) + 1)

    async def check(self, key: str) -> int:
        """:meth:`allow` and :meth:`retry_after` in one, as :class:`Limiter` asks."""
        return 0 if self.allow(key) else self.retry_after(key)

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, h in self._hits.items() if not h or now - h[-1] >= self.window]:
            del self._hits[key]


#: Drop hits older than the window, count, add this one if under the limit; the server's
#: clock, so every worker agrees.  Returns 0 (allowed) or the seconds until a retry.
_SLIDING_WINDOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, math.ceil((window - (now - tonumber(oldest[2]))) / 1000))
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return 0
"""


class RedisSlidingWindowLimiter:
    """At most ``limit`` attempts per ``window`` seconds per key, shared through Redis."""

    def __init__(
        self, redis: Redis, limit: int, window: float = 60.0, *, prefix: str = "saualnama:signin:"
    ) -> None:
        self.redis = redis
        self.limit = limit
        self.window_ms = int(window * 1000)
        self.prefix = prefix
        self._script = redis.register_script(_SLIDING_WINDOW)

    async def check(self, key: str) -> int:
        """0 if ``key`` may try (the attempt is recorded), else seconds until it may."""
        result = await self._script(
            keys=[self.prefix + key], args=[self.window_ms, self.limit, uuid.uuid4().hex]
        )
        return int(result)


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
