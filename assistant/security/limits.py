"""Per-address rate limits: a thread-safe in-process sliding-window log per (action, address).

Usage (the lead wires this into the API and the pages)::

    limits = RateLimits(settings.limits)
    limits.check("submission", request.client.host)   # RateLimited("提交过于频繁，请 37 秒后再试。")

Refused attempts are not recorded, so a client that keeps hammering is let in again one window after
its oldest counted request. Limits are per process: several worker processes each keep their own.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Literal

from assistant.security.errors import RateLimited
from assistant.security.net import address_key
from assistant.settings import LimitsSettings

Action = Literal["submission", "lookup", "upload", "login"]
ACTION_ZH: dict[str, str] = {"submission": "提交", "lookup": "查询", "upload": "上传", "login": "登录尝试"}
WINDOW_S = 60.0


class SlidingWindowLimiter:
    """At most ``limit`` hits per key in any ``window_s`` seconds (``limit <= 0``: unlimited)."""

    def __init__(
        self,
        limit: int,
        window_s: float = WINDOW_S,
        *,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window_s = window_s
        self.max_keys = max(1, max_keys)
        self._clock = clock
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def hit(self, key: str) -> float | None:
        """Count one hit for ``key``: None when allowed, else the seconds until the next hit is allowed."""
        if self.limit <= 0:
            return None
        with self._lock:
            now = self._clock()
            hits = self._hits.get(key)
            if hits is None:
                hits = self._hits[key] = deque()
            while hits and hits[0] <= now - self.window_s:
                hits.popleft()
            self._hits.move_to_end(key)
            if len(hits) >= self.limit:
                return max(hits[0] + self.window_s - now, 0.001)
            hits.append(now)
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)
            return None

    def reset(self, key: str | None = None) -> None:
        """Forget one key's hits, or every key's."""
        with self._lock:
            if key is None:
                self._hits.clear()
            else:
                self._hits.pop(key, None)

    def __len__(self) -> int:
        return len(self._hits)


class RateLimits:
    """The four per-address limits of the settings (submissions, look-ups, uploads, logins per minute)."""

    def __init__(self, settings: LimitsSettings | None = None, *, clock: Callable[[], float] = time.monotonic) -> None:
        cfg = settings or LimitsSettings()
        per_minute = {
            "submission": cfg.submissions_per_minute,
            "lookup": cfg.lookups_per_minute,
            "upload": cfg.uploads_per_minute,
            "login": cfg.logins_per_minute,
        }
        self._limiters = {
            action: SlidingWindowLimiter(limit, WINDOW_S, max_keys=cfg.max_tracked_addresses, clock=clock)
            for action, limit in per_minute.items()
        }

    def check(self, action: Action, address: str | None) -> None:
        """Count one ``action`` from ``address``; RateLimited (Chinese message, ``retry_after``) when over."""
        limiter = self._limiters[action]
        key = address_key(address)
        wait = limiter.hit(key)
        if wait is not None:
            seconds = max(1, math.ceil(wait))
            raise RateLimited(
                f"{ACTION_ZH[action]}过于频繁，请 {seconds} 秒后再试。",
                f"rate limit {action}: {limiter.limit}/min exceeded by {key}",
                retry_after=seconds,
            )

    def reset(self) -> None:
        """Forget every hit (tests, or an admin's "unblock everyone")."""
        for limiter in self._limiters.values():
            limiter.reset()
