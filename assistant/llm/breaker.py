"""A circuit breaker: after repeated transport failures, stop calling the endpoint for a while.

Without it a batch of a thousand ideas against a dead or hanging endpoint would wait a time-out per idea;
with it the first failures trip the breaker and the rest fall back to the offline engine at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

TRANSPORT_CODES = frozenset({"timeout", "connection", "auth", "rate_limit", "server_error"})
"""Failure codes that say the endpoint (not this one answer) is in trouble."""


class CircuitBreaker:
    """Opens after ``threshold`` consecutive transport failures; lets one trial call through after ``cooldown_s``."""

    def __init__(
        self, threshold: int = 2, cooldown_s: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.threshold = max(1, threshold)
        self.cooldown_s = cooldown_s
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._lock = threading.Lock()

    def allow(self) -> bool:
        """Whether a call may go to the endpoint now (half-open after the cool-down: one trial)."""
        with self._lock:
            if self._opened_at is None:
                return True
            if self._clock() - self._opened_at >= self.cooldown_s:
                self._opened_at = self._clock()  # the trial call; a failure re-opens for a full cool-down
                return True
            return False

    def record(self, code: str | None) -> None:
        """Report a call's outcome: ``None`` for success, else its failure code."""
        with self._lock:
            if code is None or code not in TRANSPORT_CODES:
                if code is None:
                    self._failures = 0
                    self._opened_at = None
                return
            self._failures += 1
            if self._failures >= self.threshold:
                self._opened_at = self._clock()

    @property
    def is_open(self) -> bool:
        """True while calls are being skipped."""
        with self._lock:
            return self._opened_at is not None and self._clock() - self._opened_at < self.cooldown_s
