"""The audit log of assistant suggestions and the log of model calls."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from assistant.storage.orm import AuditRecord, LLMCall


class AuditRepository:
    """The audit log of assistant suggestions and the log of model calls."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def record(
        self,
        *,
        entity_type: str,
        entity_id: int | str,
        action: str,
        backend: str,
        input_digest: str,
        output: Any,
        model: str | None = None,
        prompt_version: str | None = None,
        latency_ms: int | None = None,
        tokens_in: int | None = None,
        tokens_out: int | None = None,
        fallback: bool = False,
        error: str | None = None,
        user_id: int | None = None,
        flush: bool = True,
    ) -> AuditRecord:
        """Log one suggestion. ``input_digest``: ``digest(inputs)``, never the inputs themselves; ``flush=False``
        leaves the insert to the transaction's end (batched with the others)."""
        record = AuditRecord(
            entity_type=entity_type,
            entity_id=str(entity_id),
            action=action,
            backend=backend,
            model=model,
            prompt_version=prompt_version,
            input_digest=input_digest,
            output=output,
            latency_ms=latency_ms,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            fallback=fallback,
            error=error,
            user_id=user_id,
        )
        self.session.add(record)
        if flush:
            self.session.flush()
        return record

    def for_entity(self, entity_type: str, entity_id: int | str) -> list[AuditRecord]:
        """Oldest first."""
        query = select(AuditRecord).where(
            AuditRecord.entity_type == entity_type, AuditRecord.entity_id == str(entity_id)
        )
        return list(self.session.scalars(query.order_by(AuditRecord.id)))

    def recent(self, *, limit: int = 100, action: str | None = None) -> list[AuditRecord]:
        """Newest first."""
        query = select(AuditRecord)
        if action is not None:
            query = query.where(AuditRecord.action == action)
        return list(self.session.scalars(query.order_by(AuditRecord.id.desc()).limit(limit)))

    def record_llm_call(
        self,
        *,
        task: str,
        backend: str,
        request_digest: str,
        ok: bool,
        model: str | None = None,
        prompt_version: str | None = None,
        attempt: int = 1,
        error_kind: str | None = None,
        latency_ms: int | None = None,
        tokens_in: int | None = None,
        tokens_out: int | None = None,
        audit_id: int | None = None,
    ) -> LLMCall:
        call = LLMCall(
            task=task,
            backend=backend,
            model=model,
            prompt_version=prompt_version,
            request_digest=request_digest,
            attempt=attempt,
            ok=ok,
            error_kind=error_kind,
            latency_ms=latency_ms,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            audit_id=audit_id,
        )
        self.session.add(call)
        self.session.flush()
        return call

    def llm_calls(self, audit_id: int) -> list[LLMCall]:
        query = select(LLMCall).where(LLMCall.audit_id == audit_id)
        return list(self.session.scalars(query.order_by(LLMCall.id)))

    def token_usage(self, since: datetime | None = None) -> dict[str, dict[str, int]]:
        """Per ``backend/model``: calls, failures, tokens in/out (for the admin page)."""
        query = select(
            LLMCall.backend,
            LLMCall.model,
            func.count(),
            func.sum(case((LLMCall.ok.is_(False), 1), else_=0)),
            func.coalesce(func.sum(LLMCall.tokens_in), 0),
            func.coalesce(func.sum(LLMCall.tokens_out), 0),
        ).group_by(LLMCall.backend, LLMCall.model)
        if since is not None:
            query = query.where(LLMCall.created_at >= since)
        return {
            f"{backend}/{model or '-'}": {
                "calls": int(calls),
                "failures": int(failures or 0),
                "tokens_in": int(t_in),
                "tokens_out": int(t_out),
            }
            for backend, model, calls, failures, t_in, t_out in self.session.execute(query)
        }
