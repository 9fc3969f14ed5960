"""The circuit breaker: repeated transport failures stop calls to the endpoint for a cool-down."""

from __future__ import annotations

from assistant.llm.breaker import CircuitBreaker


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_opens_after_threshold_and_half_opens_after_cooldown() -> None:
    clock = _Clock()
    breaker = CircuitBreaker(threshold=2, cooldown_s=30, clock=clock)
    breaker.record("timeout")
    assert breaker.allow(), "one failure is not enough"
    breaker.record("connection")
    assert breaker.is_open and not breaker.allow()
    clock.now = 31
    assert breaker.allow(), "after the cool-down one trial call goes through"
    assert not breaker.allow(), "…and only one"
    breaker.record("timeout")
    assert not breaker.allow()
    clock.now = 62
    assert breaker.allow()
    breaker.record(None)
    assert not breaker.is_open and breaker.allow() and breaker.allow()


def test_answer_errors_do_not_trip_it() -> None:
    breaker = CircuitBreaker(threshold=1)
    breaker.record("invalid_output")
    breaker.record("catalogue")
    assert breaker.allow() and not breaker.is_open
