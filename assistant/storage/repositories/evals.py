"""Evaluation runs and per-case results."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.storage._sql import get_or_raise
from assistant.storage.orm import EvalCaseResult, EvalRun
from assistant.storage.types import utcnow


class EvalRepository:
    """Evaluation runs and per-case results."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def create_run(
        self,
        suite: str,
        *,
        config: Mapping[str, Any],
        file_path: str | None = None,
        created_by: int | None = None,
        run_key: str | None = None,
    ) -> EvalRun:
        run = EvalRun(
            suite=suite,
            run_key=run_key,
            config=dict(config),
            aggregates={},
            file_path=file_path,
            created_by=created_by,
        )
        self.session.add(run)
        self.session.flush()
        return run

    def add_case_results(self, run_id: int, results: Iterable[Mapping[str, Any]]) -> int:
        """Store case results (dicts with case_id and any of group, passed, scores, reason, output, error,
        latency_ms)."""
        rows = [
            EvalCaseResult(
                run_id=run_id,
                group_name=str(r.get("group") or ""),
                case_id=str(r["case_id"]),
                passed=r.get("passed"),
                scores=dict(r.get("scores") or {}),
                reason=r.get("reason"),
                output=r.get("output"),
                error=r.get("error"),
                latency_ms=r.get("latency_ms"),
            )
            for r in results
        ]
        self.session.add_all(rows)
        self.session.flush()
        return len(rows)

    def finish_run(
        self,
        run_id: int,
        *,
        aggregates: Mapping[str, Any],
        file_path: str | None = None,
        usage: Mapping[str, Any] | None = None,
    ) -> EvalRun:
        run = get_or_raise(self.session, EvalRun, run_id, "评测记录")
        run.aggregates = dict(aggregates)
        if file_path is not None:
            run.file_path = file_path
        if usage is not None:
            run.usage = dict(usage)
        run.finished_at = utcnow()
        self.session.flush()
        return run

    def get_run(self, run_id: int) -> EvalRun | None:
        return self.session.get(EvalRun, run_id)

    def get_by_key(self, run_key: str) -> EvalRun | None:
        """The run with this readable id."""
        return self.session.scalars(select(EvalRun).where(EvalRun.run_key == run_key)).first()

    def keys_starting_with(self, prefix: str, limit: int = 5) -> list[str]:
        """Readable ids that start with ``prefix`` (newest first)."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = (
            select(EvalRun.run_key)
            .where(EvalRun.run_key.like(f"{escaped}%", escape="\\"))
            .order_by(EvalRun.id.desc())
            .limit(limit)
        )
        return [key for key in self.session.scalars(query) if key]

    def list_runs(self, suite: str | None = None, limit: int = 50) -> list[EvalRun]:
        """Newest first."""
        query = select(EvalRun)
        if suite is not None:
            query = query.where(EvalRun.suite == suite)
        return list(self.session.scalars(query.order_by(EvalRun.id.desc()).limit(limit)))

    def case_results(self, run_id: int) -> list[EvalCaseResult]:
        query = select(EvalCaseResult).where(EvalCaseResult.run_id == run_id)
        return list(self.session.scalars(query.order_by(EvalCaseResult.group_name, EvalCaseResult.case_id)))
