"""The evaluation harness: datasets with ids, per-case metric values with reasons, saved runs."""

from __future__ import annotations

import json
import platform
import statistics
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from assistant.errors import InputError


class CaseResult(BaseModel):
    """One case of one run: metric values, why, and how long it took."""

    case_id: str
    group: str = Field(default="", description="Sub-set or configuration the case belongs to (e.g. a mode).")
    metrics: dict[str, float]
    reason: str = ""
    latency_ms: float = 0.0
    details: dict[str, Any] = Field(default_factory=dict)


class Run(BaseModel):
    """A saved evaluation run."""

    run_id: str
    suite: str
    created_at: str
    config: dict[str, Any]
    aggregates: dict[str, dict[str, float]] = Field(description="group -> metric -> value")
    cases: list[CaseResult]
    path: str = ""

    def summary_zh(self) -> str:
        """A plain-text table of the aggregates."""
        metrics = sorted({m for values in self.aggregates.values() for m in values})
        lines = [f"评测套件 {self.suite}，运行 {self.run_id}", "分组\t" + "\t".join(metrics)]
        for group, values in self.aggregates.items():
            lines.append(group + "\t" + "\t".join(f"{values.get(m, float('nan')):.3f}" for m in metrics))
        return "\n".join(lines)

    def markdown_table(self) -> str:
        """The aggregates as a Markdown table."""
        metrics = sorted({m for values in self.aggregates.values() for m in values})
        lines = ["| 分组 | " + " | ".join(metrics) + " |", "|---|" + "---|" * len(metrics)]
        for group, values in self.aggregates.items():
            lines.append(f"| {group} | " + " | ".join(f"{values.get(m, float('nan')):.3f}" for m in metrics) + " |")
        return "\n".join(lines)


def load_dataset(path: Path) -> list[dict[str, Any]]:
    """Read a JSONL dataset; every line must be an object with a unique ``id``."""
    if not path.is_file():
        raise InputError(f"找不到评测数据集：{path}", "missing dataset")
    cases: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"评测数据集第 {number} 行不是有效的 JSON。", exc.msg) from exc
        if not isinstance(case, dict) or "id" not in case:
            raise InputError(f"评测数据集第 {number} 行缺少 id 字段。", "missing id")
        case_id = str(case["id"])
        if case_id in seen:
            raise InputError(f"评测数据集第 {number} 行的 id「{case_id}」重复。", "duplicate id")
        seen.add(case_id)
        cases.append(case)
    return cases


def aggregate(cases: list[CaseResult]) -> dict[str, dict[str, float]]:
    """Mean of every metric per group, plus latency p50/p95."""
    groups: dict[str, list[CaseResult]] = {}
    for case in cases:
        groups.setdefault(case.group, []).append(case)
    result: dict[str, dict[str, float]] = {}
    for group, members in groups.items():
        names = sorted({m for c in members for m in c.metrics})
        values = {name: statistics.fmean(c.metrics[name] for c in members if name in c.metrics) for name in names}
        latencies = sorted(c.latency_ms for c in members)
        values["latency_p50_ms"] = latencies[len(latencies) // 2]
        values["latency_p95_ms"] = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
        values["n"] = float(len(members))
        result[group] = values
    return result


def new_run(suite: str, config: dict[str, Any], cases: list[CaseResult]) -> Run:
    """A run with a fresh id and a config snapshot that includes the machine."""
    stamp = datetime.now(UTC)
    snapshot = {**config, "python": platform.python_version(), "machine": platform.machine()}
    return Run(
        run_id=f"{suite}-{stamp:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}",
        suite=suite,
        created_at=stamp.isoformat(),
        config=snapshot,
        aggregates=aggregate(cases),
        cases=cases,
    )


def save_run(run: Run, runs_dir: Path) -> Path:
    """Write ``<runs_dir>/<run_id>.json``; return the path."""
    runs_dir.mkdir(parents=True, exist_ok=True)
    path = runs_dir / f"{run.run_id}.json"
    run.path = str(path)
    path.write_text(run.model_dump_json(indent=1), encoding="utf-8")
    return path


def load_run(path: Path) -> Run:
    """Read a saved run."""
    return Run.model_validate_json(path.read_text(encoding="utf-8"))
