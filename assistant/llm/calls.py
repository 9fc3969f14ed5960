"""One record per model request (attempt): what was called, what it cost, how it ended.

Records hold no prompt or answer text, only metadata; error causes are taken from masked data.
The composition root may plug in a DB-backed :class:`CallRecorder` that writes to the audit log.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

logger = logging.getLogger("assistant.llm.calls")


@dataclass(frozen=True)
class LLMCallRecord:
    """Metadata of one request to a model backend."""

    task: str
    prompt_version: str
    backend: str
    model: str
    kind: Literal["structured", "stream"]
    attempt: int
    ok: bool
    tokens_in: int = 0
    tokens_out: int = 0
    latency_ms: int = 0
    error_code: str | None = None
    error: str | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        data = asdict(self)
        data["started_at"] = self.started_at.isoformat()
        return data


class CallRecorder(Protocol):
    """Where call records go (memory in tests, the audit log in the app)."""

    def record(self, call: LLMCallRecord) -> None:
        """Store one record; must not raise for ordinary storage hiccups."""
        ...


class InMemoryCallRecorder:
    """Keeps records in a list (thread-safe append)."""

    def __init__(self) -> None:
        self.records: list[LLMCallRecord] = []
        self._lock = threading.Lock()

    def record(self, call: LLMCallRecord) -> None:
        with self._lock:
            self.records.append(call)


def log_call(call: LLMCallRecord) -> None:
    """Log one record at INFO (failures at WARNING): model, tokens, latency, outcome."""
    level = logging.INFO if call.ok else logging.WARNING
    logger.log(
        level,
        "llm %s task=%s prompt=%s backend=%s model=%s attempt=%d ok=%s "
        "tokens_in=%d tokens_out=%d latency_ms=%d%s",
        call.kind,
        call.task,
        call.prompt_version,
        call.backend,
        call.model,
        call.attempt,
        call.ok,
        call.tokens_in,
        call.tokens_out,
        call.latency_ms,
        f" error={call.error_code}: {call.error}" if call.error_code else "",
    )
