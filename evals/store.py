"""Saved runs: a JSON file per run under ``runs_dir`` and rows in ``eval_runs`` / ``eval_case_results``."""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from assistant.accounts import UserSession, require_role
from assistant.errors import InputError, NotFoundError
from assistant.storage.enums import Role
from assistant.storage.eval_runs import EvalRunStore, RunRow
from evals.harness import CaseResult, Run, fmt, load_run, save_run
from evals.suites import SUITES

if TYPE_CHECKING:
    from assistant.container import Container


class RunInfo(BaseModel):
    """One line of the run list."""

    run_id: str
    suite: str
    created_at: str
    backend: str
    model: str | None
    cases: int
    headline: str
    path: str | None

    def label(self) -> str:
        """A one-line label for pickers: id · backend · headline."""
        model = f"（{self.model}）" if self.model else ""
        return f"{self.run_id} · {self.backend}{model} · {self.headline}"


def _plain(value: Any) -> Any:
    """JSON-safe copy for the database: NaN and infinities become null, unknown objects text."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | bool):
        return value
    return str(value)


def headline(suite: str, aggregates: dict[str, dict[str, float]]) -> str:
    """The primary metric of each group, e.g. ``exact dev 0.892 · test 0.919``."""
    spec = SUITES.get(suite)
    if spec is None:
        return ""
    parts = [f"{group} {fmt(values.get(spec.primary))}" for group, values in aggregates.items()]
    return f"{spec.primary} " + " · ".join(parts)


class RunStore:
    """Saves runs to files and the database; loads them back by id, id prefix or path."""

    def __init__(self, runs: EvalRunStore, runs_dir: Path) -> None:
        self.runs = runs
        self.runs_dir = runs_dir

    @classmethod
    def of(cls, container: Container) -> RunStore:
        """The store of a composition root."""
        return cls(container.eval_runs, container.settings.runs_dir)

    def save(self, run: Run, created_by: int | None = None) -> Run:
        """Write ``<runs_dir>/<run_id>.json`` and the database rows; returns the run with its path set."""
        path = save_run(run, self.runs_dir)
        spec = SUITES.get(run.suite)
        rows = [
            {
                "group": case.group,
                "case_id": case.case_id,
                "passed": spec.passed(case) if spec else None,
                "scores": case.metrics,
                "reason": case.reason,
                "output": _plain(case.details) if case.details else None,
                "latency_ms": case.latency_ms,
            }
            for case in run.cases
        ]
        self.runs.save(suite=run.suite, run_key=run.run_id, config=_plain(run.config), file_path=str(path), cases=rows,
                       aggregates=_plain(run.aggregates), usage=_plain(run.usage), created_by=created_by)
        return run

    def load(self, actor: UserSession | None, ref: str | Path) -> Run:
        """A run by path, readable id or unique id prefix (evaluators only)."""
        require_role(actor, Role.EVALUATOR)
        text = str(ref).strip()
        if not text:
            raise InputError("请指定评测运行的编号或文件路径。", "empty run reference")
        path = Path(text)
        if path.suffix == ".json" and path.is_file():
            return load_run(path)
        row = self.runs.by_key(text)
        if row is None:
            keys = self.runs.keys_starting_with(text)
            if len(keys) > 1:
                raise InputError(f"编号「{text}」对应多个评测运行：{'、'.join(keys)}，请写完整。", "ambiguous")
            row = self.runs.by_key(keys[0]) if keys else None
        if row is not None:
            if row.file_path and Path(row.file_path).is_file():
                return load_run(Path(row.file_path))
            return self._from_rows(row)
        candidate = self.runs_dir / f"{text}.json"
        if candidate.is_file():
            return load_run(candidate)
        raise NotFoundError(f"找不到评测运行「{text}」。可用 baixing eval list 查看已有的运行。", text)

    def _from_rows(self, row: RunRow) -> Run:
        cases = [
            CaseResult(case_id=c.case_id, group=c.group, metrics=c.scores, reason=c.reason, latency_ms=c.latency_ms,
                       details=c.output)
            for c in self.runs.cases(row.id)
        ]
        created: datetime = row.created_at
        return Run(
            run_id=row.run_key or str(row.id),
            suite=row.suite,
            created_at=created.isoformat(),
            config=row.config,
            aggregates=row.aggregates,
            cases=cases,
            usage=row.usage or {},
        )

    def list_runs(self, actor: UserSession | None, suite: str | None = None, limit: int = 50) -> list[RunInfo]:
        """Newest first (evaluators only)."""
        require_role(actor, Role.EVALUATOR)
        return [
            RunInfo(
                run_id=r.run_key or str(r.id),
                suite=r.suite,
                created_at=r.created_at.isoformat(timespec="seconds"),
                backend=str(r.config.get("backend") or "offline"),
                model=r.config.get("model"),
                cases=int(sum(v.get("n", 0) or 0 for v in r.aggregates.values() if isinstance(v, dict))),
                headline=headline(r.suite, r.aggregates),
                path=r.file_path,
            )
            for r in self.runs.runs(suite, limit)
        ]
