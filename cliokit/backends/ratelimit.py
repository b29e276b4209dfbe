"""An async rate limiter for requests and tokens per minute (two token buckets)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class _Bucket:
    def __init__(self, per_minute: float, now: float) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.level = self.capacity
        self.stamp = now

    def wait_for(self, amount: float, now: float) -> float:
        """Seconds until ``amount`` is available (0: take it now)."""
        self.level = min(self.capacity, self.level + (now - self.stamp) * self.rate)
        self.stamp = now
        need = min(amount, self.capacity)
        return 0.0 if self.level >= need else (need - self.level) / self.rate

    def take(self, amount: float) -> None:
        self.level -= min(amount, self.capacity)


class RateLimiter:
    """Keeps requests and estimated input tokens under per-minute limits.

    Both buckets start full (a burst of one minute's allowance is allowed) and refill continuously.
    A request larger than the whole token allowance waits for a full bucket, then goes.

    Parameters
    ----------
    requests_per_minute : int or None
        Request limit (None: unlimited).
    tokens_per_minute : int or None
        Input-token limit (None: unlimited).
    clock : callable, default=time.monotonic
        Time source in seconds (tests pass a fake).
    """

    def __init__(
        self,
        requests_per_minute: int | None = None,
        tokens_per_minute: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        now = clock()
        self._clock = clock
        self._requests = _Bucket(requests_per_minute, now) if requests_per_minute else None
        self._tokens = _Bucket(tokens_per_minute, now) if tokens_per_minute else None
        self._lock: asyncio.Lock | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        #: Total seconds spent waiting (reported in the manifest).
        self.waited_s = 0.0

    async def acquire(self, tokens: int) -> None:
        """Wait until one request of about ``tokens`` input tokens fits under both limits."""
        loop = asyncio.get_running_loop()
        if self._lock is None or self._loop is not loop:  # each complete() call runs its own loop
            self._lock, self._loop = asyncio.Lock(), loop
        async with self._lock:
            while True:
                now = self._clock()
                wait = max(
                    self._requests.wait_for(1, now) if self._requests else 0.0,
                    self._tokens.wait_for(tokens, now) if self._tokens else 0.0,
                )
                if wait <= 0:
                    break
                self.waited_s += wait
                await asyncio.sleep(wait)
            if self._requests:
                self._requests.take(1)
            if self._tokens:
                self._tokens.take(tokens)
