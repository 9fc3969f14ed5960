"""The evaluation harness: datasets with ids, per-case metric values with reasons, saved runs.

A dataset is JSONL: one JSON object per line, each with a unique ``id`` and the fields its suite needs
(docs/evaluation.md lists them). A metric returns a value and a reason per case (:class:`CaseResult`);
a :class:`Run` keeps the config snapshot, every case, the per-group aggregates and the usage.
"""

from __future__ import annotations

import hashlib
import json
import math
import platform
import statistics
import uuid
from collections.abc import Sequence
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
    usage: dict[str, float] = Field(
        default_factory=dict, description="tokens_in, tokens_out, llm_calls, wall_s of the whole run."
    )
    path: str = ""

    @property
    def groups(self) -> list[str]:
        """Group names in order of first appearance."""
        return list(self.aggregates)

    def metric_names(self) -> list[str]:
        """Every metric of the aggregates, sorted (latency and n last)."""
        names = {m for values in self.aggregates.values() for m in values}
        tail = [m for m in ("latency_p50_ms", "latency_p95_ms", "n") if m in names]
        return sorted(names - set(tail)) + tail

    def summary_zh(self) -> str:
        """A plain-text table of the aggregates, plus usage."""
        metrics = self.metric_names()
        lines = [f"评测套件 {self.suite}，运行 {self.run_id}", "分组\t" + "\t".join(metrics)]
        for group, values in self.aggregates.items():
            lines.append(group + "\t" + "\t".join(fmt(values.get(m)) for m in metrics))
        if self.usage:
            lines.append(usage_zh(self.usage))
        return "\n".join(lines)

    def markdown_table(self) -> str:
        """The aggregates as a Markdown table."""
        metrics = self.metric_names()
        lines = ["| 分组 | " + " | ".join(metrics) + " |", "|---|" + "---|" * len(metrics)]
        for group, values in self.aggregates.items():
            lines.append(f"| {group} | " + " | ".join(fmt(values.get(m)) for m in metrics) + " |")
        return "\n".join(lines)

    def table(self) -> tuple[list[str], list[list[object]]]:
        """Headers and rows of the aggregates (values rounded to 4 places) for a page table."""
        metrics = self.metric_names()
        rows = [[group, *(round(v, 4) if (v := values.get(m)) is not None else None for m in metrics)]
                for group, values in self.aggregates.items()]
        return ["分组", *metrics], rows


def fmt(value: float | None) -> str:
    """A metric value for a table: counts as integers, rates with three decimals, missing as –."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if float(value).is_integer() and abs(value) >= 2:
        return str(int(value))
    return f"{value:.3f}"


def usage_zh(usage: dict[str, float]) -> str:
    """One line: model calls, tokens and wall time."""
    return (
        f"模型调用 {int(usage.get('llm_calls', 0))} 次，输入 {int(usage.get('tokens_in', 0))} 词元、"
        f"输出 {int(usage.get('tokens_out', 0))} 词元；总用时 {usage.get('wall_s', 0.0):.1f} 秒。"
    )


def load_dataset(path: Path, required: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Read a JSONL dataset; every line must be an object with a unique ``id`` and the ``required`` fields.

    A field written ``a|b`` is satisfied by either ``a`` or ``b``.
    """
    if not path.is_file():
        raise InputError(f"找不到评测数据集：{path}", "missing dataset")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"评测数据集 {path.name} 不是 UTF-8 编码的文本文件。", str(exc)) from exc
    cases: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"评测数据集第 {number} 行不是有效的 JSON。", exc.msg) from exc
        if not isinstance(case, dict) or case.get("id") in (None, ""):
            raise InputError(f"评测数据集第 {number} 行缺少 id 字段。", "missing id")
        if not isinstance(case["id"], str | int):
            raise InputError(f"评测数据集第 {number} 行的 id 必须是文字或整数。", repr(case["id"]))
        for field in required:
            if not any(case.get(name) not in (None, "", []) for name in field.split("|")):
                shown = "或".join(field.split("|"))
                raise InputError(f"评测数据集第 {number} 行缺少 {shown} 字段。", f"missing {field}")
        case_id = str(case["id"])
        if case_id in seen:
            raise InputError(f"评测数据集第 {number} 行的 id「{case_id}」重复。", "duplicate id")
        seen.add(case_id)
        cases.append(case)
    if not cases:
        raise InputError(f"评测数据集 {path.name} 是空的。", "empty dataset")
    return cases


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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


def new_run(
    suite: str, config: dict[str, Any], cases: list[CaseResult], usage: dict[str, float] | None = None
) -> Run:
    """A run with a fresh id and a config snapshot that includes the machine."""
    if not cases:
        raise InputError("评测没有产生任何结果（数据集为空？）。", "no cases")
    stamp = datetime.now(UTC)
    snapshot = {**config, "python": platform.python_version(), "machine": platform.machine()}
    return Run(
        run_id=f"{suite}-{stamp:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}",
        suite=suite,
        created_at=stamp.isoformat(),
        config=snapshot,
        aggregates=aggregate(cases),
        cases=cases,
        usage=dict(usage or {}),
    )


def save_run(run: Run, runs_dir: Path) -> Path:
    """Write ``<runs_dir>/<run_id>.json``; return the path."""
    runs_dir.mkdir(parents=True, exist_ok=True)
    path = runs_dir / f"{run.run_id}.json"
    run.path = str(path)
    path.write_text(run.model_dump_json(indent=1), encoding="utf-8")
    return path


def load_run(path: Path) -> Run:
    """Read a saved run file; InputError when it is not one."""
    try:
        run = Run.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"无法读取评测运行记录：{path.name}（不是本工具保存的运行文件？）", str(exc)[:300]) from exc
    run.path = str(path)
    return run
