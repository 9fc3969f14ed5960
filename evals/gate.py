"""The quality gate: thresholds per suite → group → metric, checked against fresh offline runs (or given runs).

``thresholds.yaml``::

    screening:
      dataset: null            # optional: a JSONL file instead of the suite's own sets
      groups:
        test:
          exact: {min: 0.90}   # a bare number means min
          false_reject: {max: 0.06}

Latency is never gated (it depends on the machine); a threshold on a ``latency_*`` metric is rejected.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from assistant.accounts import LOCAL_OPERATOR
from assistant.errors import InputError
from evals.harness import Run, fmt
from evals.suites import get_suite


class Threshold(BaseModel):
    """One bound on one metric of one group."""

    suite: str
    group: str
    metric: str
    min: float | None = None
    max: float | None = None

    def describe(self) -> str:
        """``≥ 0.900`` / ``≤ 0.060`` / both."""
        parts = []
        if self.min is not None:
            parts.append(f"≥ {self.min:.3f}")
        if self.max is not None:
            parts.append(f"≤ {self.max:.3f}")
        return " 且 ".join(parts)


class SuiteGate(BaseModel):
    """The thresholds of one suite and the dataset to run it on."""

    suite: str
    dataset: str | None = None
    thresholds: list[Threshold]


class CheckResult(BaseModel):
    """A threshold and the run's figure."""

    threshold: Threshold
    run_id: str
    value: float | None
    ok: bool

    def line_zh(self) -> str:
        """``✔ screening/test exact = 0.919（要求 ≥ 0.900）``."""
        t = self.threshold
        shown = "缺失" if self.value is None else fmt(self.value)
        mark = "✔" if self.ok else "✘"
        return f"{mark} {t.suite}/{t.group} {t.metric} = {shown}（要求 {t.describe()}）"


class GateReport(BaseModel):
    """Every check of a gate run."""

    checks: list[CheckResult]
    runs: dict[str, str]

    @property
    def ok(self) -> bool:
        """All thresholds held."""
        return all(c.ok for c in self.checks)

    @property
    def failures(self) -> list[CheckResult]:
        """The checks that failed."""
        return [c for c in self.checks if not c.ok]

    def text_zh(self) -> str:
        """The CLI report: every check, then a verdict naming each failing metric."""
        lines = [c.line_zh() for c in self.checks]
        if self.ok:
            lines.append(f"质量门槛全部通过（{len(self.checks)} 项）。")
        else:
            lines.append(f"质量门槛未通过：{len(self.failures)} 项低于要求——")
            lines += [f"  {c.line_zh()}" for c in self.failures]
        return "\n".join(lines)


def _bound(value: Any, where: str) -> tuple[float | None, float | None]:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value), None
    if isinstance(value, dict) and value and set(value) <= {"min", "max"}:
        lo, hi = value.get("min"), value.get("max")
        if all(v is None or (isinstance(v, int | float) and not isinstance(v, bool)) for v in (lo, hi)):
            return (None if lo is None else float(lo)), (None if hi is None else float(hi))
    raise InputError(f"门槛文件中 {where} 的写法不对：应为数字或 {{min: 数字, max: 数字}}。", repr(value))


def parse_thresholds(data: Any, base: Path | None = None) -> list[SuiteGate]:
    """The gates described by a parsed thresholds document."""
    if not isinstance(data, dict) or not data:
        raise InputError("门槛文件应是“套件 → groups → 分组 → 指标”的 YAML 映射。", "not a mapping")
    gates: list[SuiteGate] = []
    for suite, body in data.items():
        get_suite(str(suite))
        if not isinstance(body, dict) or not isinstance(body.get("groups"), dict) or not body["groups"]:
            raise InputError(f"门槛文件中套件 {suite} 缺少 groups。", str(suite))
        unknown = set(body) - {"groups", "dataset"}
        if unknown:
            raise InputError(f"门槛文件中套件 {suite} 有不认识的键：{'、'.join(map(str, unknown))}。", str(unknown))
        dataset = body.get("dataset")
        if dataset and base is not None and not Path(dataset).is_absolute():
            dataset = str((base / dataset).resolve())
        thresholds: list[Threshold] = []
        for group, metrics in body["groups"].items():
            if not isinstance(metrics, dict) or not metrics:
                raise InputError(f"门槛文件中 {suite}/{group} 没有列出指标。", f"{suite}/{group}")
            for metric, bound in metrics.items():
                if str(metric).startswith("latency"):
                    raise InputError(f"门槛文件中 {suite}/{group} 对耗时设了门槛：耗时随机器而变，不能设门槛。", metric)
                lo, hi = _bound(bound, f"{suite}/{group}/{metric}")
                thresholds.append(Threshold(suite=str(suite), group=str(group), metric=str(metric), min=lo, max=hi))
        gates.append(SuiteGate(suite=str(suite), dataset=dataset, thresholds=thresholds))
    return gates


def load_thresholds(path: Path) -> list[SuiteGate]:
    """Parse a thresholds YAML file (dataset paths relative to the repository root or absolute)."""
    if not path.is_file():
        raise InputError(f"找不到门槛文件：{path}", "missing thresholds")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InputError(f"门槛文件 {path.name} 不是有效的 YAML。", str(exc)[:300]) from exc
    from evals.suites import ROOT

    return parse_thresholds(data, ROOT)


def check_run(run: Run, thresholds: list[Threshold]) -> list[CheckResult]:
    """Compare a run's aggregates with the thresholds of its suite."""
    out: list[CheckResult] = []
    for t in thresholds:
        value = run.aggregates.get(t.group, {}).get(t.metric)
        ok = value is not None and not math.isnan(value)
        if ok and t.min is not None:
            ok = value >= t.min - 1e-9
        if ok and t.max is not None:
            ok = value <= t.max + 1e-9
        out.append(CheckResult(threshold=t, run_id=run.run_id, value=value, ok=bool(ok)))
    return out


def run_gate(
    container: Any, gates: list[SuiteGate], runs: dict[str, Run] | None = None, progress: Any = None
) -> GateReport:
    """Check every gate against the given run of its suite, or a fresh offline run."""
    from evals.runner import container_for, run_suite

    given = dict(runs or {})
    offline = container_for(container, gates[0].suite, backend="offline") if gates else container
    checks: list[CheckResult] = []
    used: dict[str, str] = {}
    for gate in gates:
        run = given.get(gate.suite)
        if run is None:
            if progress:
                progress(f"正在运行评测套件 {gate.suite}……")
            run = run_suite(offline, gate.suite, dataset=gate.dataset, actor=LOCAL_OPERATOR)
        used[gate.suite] = run.run_id
        checks += check_run(run, gate.thresholds)
    return GateReport(checks=checks, runs=used)
