"""Per-address rate limits: the N+1th request in a minute is refused with a Chinese message, later allowed."""

from __future__ import annotations

import threading

import pytest

from assistant.security.errors import RateLimited
from assistant.security.limits import RateLimits, SlidingWindowLimiter
from assistant.security.net import address_key
from assistant.settings import LimitsSettings, Settings


class Ticks:
    """A settable monotonic clock."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_n_plus_first_is_refused_then_allowed_after_the_window() -> None:
    ticks = Ticks()
    limits = RateLimits(LimitsSettings(submissions_per_minute=3), clock=ticks)
    for _ in range(3):
        limits.check("submission", "203.0.113.1")
        ticks.t += 10
    with pytest.raises(RateLimited) as caught:
        limits.check("submission", "203.0.113.1")
    assert caught.value.user_message == "提交过于频繁，请 30 秒后再试。" and caught.value.retry_after == 30
    ticks.t += 29.5
    with pytest.raises(RateLimited):  # refused hits are not counted, but the window has not moved yet
        limits.check("submission", "203.0.113.1")
    ticks.t += 0.5  # the first request is now a minute old
    limits.check("submission", "203.0.113.1")
    with pytest.raises(RateLimited):
        limits.check("submission", "203.0.113.1")


def test_limits_are_per_action_and_per_address() -> None:
    limits = RateLimits(LimitsSettings(lookups_per_minute=1, uploads_per_minute=1), clock=Ticks())
    limits.check("lookup", "203.0.113.1")
    limits.check("upload", "203.0.113.1")
    limits.check("lookup", "203.0.113.2")
    with pytest.raises(RateLimited, match="查询过于频繁"):
        limits.check("lookup", "203.0.113.1")
    with pytest.raises(RateLimited, match="上传过于频繁"):
        limits.check("upload", "203.0.113.1")


def test_ipv6_addresses_share_their_64_and_mapped_ipv4_is_ipv4() -> None:
    assert address_key("2001:db8:1:2::10") == address_key("2001:db8:1:2:ffff::1") == "2001:db8:1:2::/64"
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("::ffff:198.51.100.7") == "198.51.100.7"
    assert address_key(None) == address_key("") == "unknown"
    limits = RateLimits(LimitsSettings(submissions_per_minute=1), clock=Ticks())
    limits.check("submission", "2001:db8:1:2::10")
    with pytest.raises(RateLimited):
        limits.check("submission", "2001:db8:1:2::abcd")


def test_zero_switches_a_limit_off() -> None:
    limits = RateLimits(LimitsSettings(submissions_per_minute=0), clock=Ticks())
    for _ in range(1000):
        limits.check("submission", "203.0.113.1")


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAIXING_LIMITS__SUBMISSIONS_PER_MINUTE", "100000")
    monkeypatch.setenv("BAIXING_LIMITS__LOOKUPS_PER_MINUTE", "7")
    monkeypatch.setenv("BAIXING_SECURITY__LOCKOUT_THRESHOLD", "4")
    settings = Settings()
    assert settings.limits.submissions_per_minute == 100000 and settings.limits.lookups_per_minute == 7
    assert settings.limits.uploads_per_minute == LimitsSettings().uploads_per_minute
    assert settings.security.lockout_threshold == 4


def test_concurrent_hits_never_exceed_the_limit() -> None:
    limiter = SlidingWindowLimiter(50, 60.0)
    allowed: list[bool] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(100):
            ok = limiter.hit("203.0.113.1") is None
            with lock:
                allowed.append(ok)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(allowed) == 800 and sum(allowed) == 50


def test_memory_is_bounded_by_forgetting_the_least_recent_addresses() -> None:
    limiter = SlidingWindowLimiter(1, 60.0, max_keys=100, clock=Ticks())
    for n in range(1000):
        assert limiter.hit(f"10.0.{n // 256}.{n % 256}") is None
    assert len(limiter) == 100
    assert limiter.hit("10.0.3.231") is not None  # the most recent ones are still remembered
