"""Saved evaluation runs in the database (``eval_runs`` and their per-case rows)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from assistant.storage.db import Database
from assistant.storage.repositories.evals import EvalRepository


@dataclass(frozen=True)
class CaseRow:
    """One stored case result."""

    case_id: str
    group: str
    scores: dict[str, float]
    reason: str
    latency_ms: float
    output: dict[str, Any]


@dataclass(frozen=True)
class RunRow:
    """One stored run (cases loaded on demand)."""

    id: int
    run_key: str | None
    suite: str
    created_at: datetime
    config: dict[str, Any]
    aggregates: dict[str, Any]
    usage: dict[str, Any]
    file_path: str | None


def _run(row: Any) -> RunRow:
    return RunRow(row.id, row.run_key, row.suite, row.created_at, dict(row.config or {}), dict(row.aggregates or {}),
                  dict(row.usage or {}), row.file_path)


class EvalRunStore:
    """Writes and reads evaluation runs; each call is one transaction."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def save(self, *, suite: str, run_key: str, config: dict[str, Any], file_path: str,
             cases: Sequence[Mapping[str, Any]], aggregates: dict[str, Any], usage: dict[str, Any],
             created_by: int | None) -> int:
        """Store a finished run with its cases; returns its id."""

        def work(s: Session) -> int:
            repo = EvalRepository(s)
            row = repo.create_run(suite, config=config, file_path=file_path, created_by=created_by, run_key=run_key)
            repo.add_case_results(row.id, cases)
            repo.finish_run(row.id, aggregates=aggregates, usage=usage)
            return int(row.id)

        return self.database.write(work)

    def by_key(self, key: str) -> RunRow | None:
        """A run by its readable id."""
        with self.database.session() as s:
            row = EvalRepository(s).get_by_key(key)
            return _run(row) if row is not None else None

    def keys_starting_with(self, prefix: str, limit: int = 5) -> list[str]:
        """Readable ids that start with ``prefix``."""
        with self.database.session() as s:
            return EvalRepository(s).keys_starting_with(prefix, limit)

    def runs(self, suite: str | None = None, limit: int = 50) -> list[RunRow]:
        """Newest first."""
        with self.database.session() as s:
            return [_run(r) for r in EvalRepository(s).list_runs(suite, limit)]

    def cases(self, run_id: int) -> list[CaseRow]:
        """The case results of a run."""
        with self.database.session() as s:
            return [CaseRow(c.case_id, c.group_name, dict(c.scores or {}), c.reason or "", c.latency_ms or 0.0,
                            dict(c.output or {})) for c in EvalRepository(s).case_results(run_id)]
