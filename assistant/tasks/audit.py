"""The task runner's audit sink over the database audit log."""

from __future__ import annotations

from contextlib import AbstractContextManager

from assistant.storage.audit_log import AuditLog
from assistant.tasks.models import TaskAudit


class AuditLogSink:
    """Writes each task run as one ``audit_log`` row: both answers' summaries, the engine and the cost."""

    def __init__(self, audit_log: AuditLog) -> None:
        self.audit_log = audit_log

    def record(self, audit: TaskAudit) -> None:
        """Store one task run."""
        run = audit.run
        self.audit_log.suggestion(
            entity_type=audit.entity_type, entity_id=audit.entity_id, action=audit.action,
            input_digest=audit.input_digest,
            output={"task": audit.task, "shown": audit.shown, "offline": audit.offline, "agrees": audit.agrees},
            backend=run.engine, model=run.model, prompt_version=run.prompt_version, latency_ms=run.latency_ms,
            tokens_in=run.tokens_in, tokens_out=run.tokens_out, fallback=run.is_fallback,
            error=run.fallback_cause, user_id=audit.user_id,
        )

    def buffered(self) -> AbstractContextManager[None]:
        """Batch the rows written inside the block."""
        return self.audit_log.buffered()

    def flush(self) -> None:
        """Write the rows buffered so far (a batch command calls it before printing the lines they describe)."""
        self.audit_log.flush()
