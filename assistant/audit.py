"""Audit trail wiring: model-call records and assistant suggestions go to the database."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from assistant.llm.calls import LLMCallRecord

log = logging.getLogger("baixing.audit")


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


class DbCallRecorder:
    """A CallRecorder writing each model request's metadata to the ``llm_calls`` table."""

    def __init__(self, database: Any) -> None:
        self._database = database

    def record(self, call: LLMCallRecord) -> None:
        from assistant.storage.repositories import AuditRepository

        try:
            with self._database.session() as session:
                AuditRepository(session).record_llm_call(
                    task=call.task,
                    backend=call.backend,
                    request_digest=_digest(call.task, call.started_at.isoformat(), str(call.attempt)),
                    ok=call.ok,
                    model=call.model,
                    prompt_version=call.prompt_version,
                    attempt=call.attempt,
                    error_kind=call.error_code,
                    latency_ms=call.latency_ms,
                    tokens_in=call.tokens_in,
                    tokens_out=call.tokens_out,
                )
        except Exception:  # the audit log must never break a user's request
            log.warning("could not record an LLM call", exc_info=True)


class AuditLog:
    """Records every suggestion the assistant shows (backend, model, prompt version, time, output)."""

    FLUSH_EVERY = 500

    def __init__(self, database: Any) -> None:
        self._database = database
        self._local = threading.local()

    @contextmanager
    def buffered(self) -> Iterator[None]:
        """Within the block, this thread's suggestions are written in batches (one transaction per 500 and
        at the end) instead of one transaction each; used by batch commands."""
        self._local.buffer = []
        try:
            yield
        finally:
            self._flush()
            self._local.buffer = None

    def _flush(self) -> None:
        rows, self._local.buffer = getattr(self._local, "buffer", None) or [], []
        if rows:
            self._write(rows)

    def _write(self, rows: list[dict[str, Any]]) -> None:
        from assistant.storage.repositories import AuditRepository

        try:
            with self._database.session() as session:
                repo = AuditRepository(session)
                for row in rows:
                    repo.record(**row)
        except Exception:
            log.warning("could not record %d suggestion(s) in the audit log", len(rows), exc_info=True)

    def suggestion(
        self,
        *,
        entity_type: str,
        entity_id: int | str,
        action: str,
        input_text: str,
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
        """Store one suggestion; only a digest of the input text is kept."""
        row = {
            "entity_type": entity_type, "entity_id": entity_id, "action": action, "backend": backend,
            "input_digest": _digest(input_text), "output": output, "model": model, "prompt_version": prompt_version,
            "latency_ms": latency_ms, "tokens_in": tokens_in, "tokens_out": tokens_out, "fallback": fallback,
            "error": error, "user_id": user_id,
        }
        buffer = getattr(self._local, "buffer", None)
        if buffer is None:
            self._write([row])
            return
        buffer.append(row)
        if len(buffer) >= self.FLUSH_EVERY:
            self._flush()


def send_to_sink(
    sink: Any, text: str, task: str, entity_id: str | None, llm: Any, shown: tuple[str, Any], offline: tuple[str, Any],
    agrees: bool,
) -> None:
    """Hand one service answer to its audit sink ``sink(text, record)`` (no-op without a sink).

    ``shown`` and ``offline`` are (key, summary) of the answer shown and of the offline engine's; a failing sink is
    logged and never breaks the answer.
    """
    if sink is None:
        return
    record = {"task": task, "entity_id": entity_id, "llm": llm, shown[0]: shown[1], offline[0]: offline[1],
              "agrees": agrees}
    try:
        sink(text, record)
    except Exception:
        log.exception("%s audit sink failed", task)


def suggestion_sink(audit_log: AuditLog, entity_type: str, action: str, shown: str, offline: str) -> Any:
    """A service's audit callback ``(text, record)``: one suggestion row per call, the text kept as a digest.

    ``record[shown]`` and ``record[offline]`` hold the result shown to the user and the offline engine's, each
    a summary with ``backend``, ``model`` and ``prompt_version``; ``record["llm"]`` the model call metadata.
    """

    def sink(text: str, record: dict[str, Any]) -> None:
        llm = record.get("llm") or {}
        result = record[shown]
        audit_log.suggestion(
            entity_type=entity_type,
            entity_id=record.get("entity_id") or _digest(text)[:16],
            action=action,
            input_text=text,
            output={k: record[k] for k in (shown, offline, "agrees")},
            backend=result["backend"],
            model=result["model"],
            prompt_version=result["prompt_version"],
            latency_ms=llm.get("latency_ms"),
            tokens_in=llm.get("tokens_in"),
            tokens_out=llm.get("tokens_out"),
            fallback=bool(llm.get("fallback_code")),
            error=llm.get("fallback_cause"),
        )

    return sink
