"""The audit trail in the database: one row per suggestion the assistant showed, one row per model request."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Protocol

from assistant.storage.db import Database
from assistant.storage.repositories import AuditRepository

log = logging.getLogger("baixing.audit")


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


class ModelCall(Protocol):
    """The metadata of one model request (``assistant.llm.calls.LLMCallRecord``)."""

    @property
    def task(self) -> str: ...
    @property
    def prompt_version(self) -> str: ...
    @property
    def backend(self) -> str: ...
    @property
    def model(self) -> str: ...
    @property
    def attempt(self) -> int: ...
    @property
    def ok(self) -> bool: ...
    @property
    def tokens_in(self) -> int: ...
    @property
    def tokens_out(self) -> int: ...
    @property
    def latency_ms(self) -> int: ...
    @property
    def error_code(self) -> str | None: ...
    @property
    def started_at(self) -> datetime: ...


class DbCallRecorder:
    """Writes each model request's metadata to the ``llm_calls`` table (a ``CallRecorder``)."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def record(self, call: ModelCall) -> None:
        """Store one request; failures are logged, never raised."""
        try:
            self._database.write(lambda session: AuditRepository(session).record_llm_call(
                task=call.task, backend=call.backend,
                request_digest=_digest(call.task, call.started_at.isoformat(), str(call.attempt)),
                ok=call.ok, model=call.model, prompt_version=call.prompt_version, attempt=call.attempt,
                error_kind=call.error_code, latency_ms=call.latency_ms, tokens_in=call.tokens_in,
                tokens_out=call.tokens_out,
            ))
        except Exception:  # the audit log must never break a user's request
            log.warning("could not record an LLM call", exc_info=True)


class AuditLog:
    """Records every suggestion shown (backend, model, prompt version, time, output); batch mode per thread."""

    FLUSH_EVERY = 500

    def __init__(self, database: Database) -> None:
        self._database = database
        self._local = threading.local()

    @contextmanager
    def buffered(self) -> Iterator[None]:
        """Within the block, this thread's rows are written in batches (one transaction per 500 and at the end)."""
        self._local.buffer = []
        try:
            yield
        finally:
            self.flush()
            self._local.buffer = None

    def flush(self) -> None:
        """Write this thread's buffered rows now (batch commands call it before printing what they stored)."""
        buffer = getattr(self._local, "buffer", None)
        if buffer:
            rows = list(buffer)
            buffer.clear()
            self._write(rows)

    def _write(self, rows: list[dict[str, Any]]) -> None:
        def work(session: Any) -> None:
            repo = AuditRepository(session)
            for row in rows:
                repo.record(**row, flush=False)  # one batched INSERT at commit

        try:
            self._database.write(work)
        except Exception:
            log.warning("could not record %d suggestion(s) in the audit log", len(rows), exc_info=True)

    def suggestion(
        self,
        *,
        entity_type: str,
        entity_id: int | str,
        action: str,
        input_digest: str,
        output: dict[str, Any],
        backend: str,
        model: str | None = None,
        prompt_version: str | None = None,
        latency_ms: int | None = None,
        tokens_in: int | None = None,
        tokens_out: int | None = None,
        fallback: bool = False,
        error: str | None = None,
        user_id: int | None = None,
    ) -> None:
        """Store one suggestion (buffered inside :meth:`buffered`)."""
        row = {
            "entity_type": entity_type, "entity_id": entity_id, "action": action, "backend": backend,
            "input_digest": input_digest, "output": output, "model": model, "prompt_version": prompt_version,
            "latency_ms": latency_ms, "tokens_in": tokens_in, "tokens_out": tokens_out, "fallback": fallback,
            "error": error, "user_id": user_id,
        }
        buffer = getattr(self._local, "buffer", None)
        if buffer is None:
            self._write([row])
            return
        buffer.append(row)
        if len(buffer) >= self.FLUSH_EVERY:
            self.flush()
