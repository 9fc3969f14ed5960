"""Compare two runs of a suite: per-metric paired deltas with bootstrap confidence intervals, flipped cases."""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel

from assistant.errors import InputError
from evals.harness import CaseResult, Run, fmt
from evals.suites import SUITES

RESAMPLES = 1000
SEED = 20261122
LATENCY = "latency_ms"


class MetricDelta(BaseModel):
    """B − A of one metric in one group over the cases both runs scored."""

    group: str
    metric: str
    n: int
    a: float
    b: float
    delta: float
    ci_low: float
    ci_high: float
    lower_is_better: bool = False

    @property
    def significant(self) -> bool:
        """The 95 % interval excludes zero."""
        return self.ci_low > 0 or self.ci_high < 0

    def verdict(self) -> str:
        """变好 / 变差 / 无显著差异 (from B's point of view)."""
        if not self.significant:
            return "无显著差异"
        better = self.delta < 0 if self.lower_is_better else self.delta > 0
        return "变好" if better else "变差"


class FlippedCase(BaseModel):
    """A case whose pass/fail changed between the runs."""

    group: str
    case_id: str
    now_passed: bool
    reason_a: str
    reason_b: str


class Comparison(BaseModel):
    """Run B against run A."""

    suite: str
    run_a: str
    run_b: str
    primary: str
    common: int
    only_a: int
    only_b: int
    deltas: list[MetricDelta]
    flipped: list[FlippedCase]

    def text_zh(self, limit: int = 30) -> str:
        """A plain-text report for the CLI."""
        lines = [
            f"比较评测套件 {self.suite}：A = {self.run_a}，B = {self.run_b}",
            f"共同用例 {self.common} 个（仅 A {self.only_a} 个，仅 B {self.only_b} 个）；"
            f"差值为 B − A，括号内为配对自助法 95% 置信区间（{RESAMPLES} 次重抽样）。",
            "",
            "分组\t指标\tn\tA\tB\t差值\t95% 区间\t结论",
        ]
        for d in self.deltas:
            lines.append(
                f"{d.group}\t{d.metric}\t{d.n}\t{fmt(d.a)}\t{fmt(d.b)}\t{d.delta:+.3f}\t"
                f"[{d.ci_low:+.3f}, {d.ci_high:+.3f}]\t{d.verdict()}"
            )
        fixed = sum(f.now_passed for f in self.flipped)
        lines += ["", f"按 {self.primary} 判定结果翻转的用例 {len(self.flipped)} 个：B 修好 {fixed} 个，"
                  f"B 改坏 {len(self.flipped) - fixed} 个。"]
        for f in self.flipped[:limit]:
            mark = "✔ 修好" if f.now_passed else "✘ 改坏"
            lines.append(f"  {mark} [{f.group}] {f.case_id}：A「{f.reason_a}」→ B「{f.reason_b}」")
        if len(self.flipped) > limit:
            lines.append(f"  ……另有 {len(self.flipped) - limit} 个")
        return "\n".join(lines)

    def delta_rows(self) -> list[list[object]]:
        """Rows for a table: group, metric, n, A, B, delta, CI, verdict."""
        return [
            [d.group, d.metric, d.n, round(d.a, 4), round(d.b, 4), round(d.delta, 4),
             f"[{d.ci_low:+.3f}, {d.ci_high:+.3f}]", d.verdict()]
            for d in self.deltas
        ]

    def flipped_rows(self) -> list[list[object]]:
        """Rows for a table: group, case, direction, reason A, reason B."""
        return [[f.group, f.case_id, "修好" if f.now_passed else "改坏", f.reason_a, f.reason_b] for f in self.flipped]


def paired_bootstrap(
    a: np.ndarray, b: np.ndarray, resamples: int = RESAMPLES, seed: int = SEED
) -> tuple[float, float]:
    """95 % percentile interval of mean(b − a), resampling the paired cases with replacement."""
    diff = np.asarray(b, dtype=float) - np.asarray(a, dtype=float)
    if diff.size == 0:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, diff.size, size=(resamples, diff.size))
    means = diff[idx].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def _by_key(run: Run) -> dict[tuple[str, str], CaseResult]:
    return {(c.group, c.case_id): c for c in run.cases}


def compare_runs(a: Run, b: Run, resamples: int = RESAMPLES, seed: int = SEED) -> Comparison:
    """Paired comparison of two runs of the same suite over their common (group, case id) pairs."""
    if a.suite != b.suite:
        raise InputError(f"只能比较同一评测套件的两次运行：A 是 {a.suite}，B 是 {b.suite}。", f"{a.suite}!={b.suite}")
    spec = SUITES.get(a.suite)
    primary = spec.primary if spec else ""
    lower = set(spec.lower_is_better) if spec else set()
    cases_a, cases_b = _by_key(a), _by_key(b)
    common = [k for k in cases_a if k in cases_b]
    if not common:
        raise InputError("两次运行没有共同的用例（数据集不同？），无法比较。", "no common cases")
    groups = list(dict.fromkeys(k[0] for k in common))
    deltas: list[MetricDelta] = []
    for group in groups:
        keys = [k for k in common if k[0] == group]
        names = sorted({m for k in keys for m in cases_a[k].metrics} & {m for k in keys for m in cases_b[k].metrics})
        for metric in [*names, LATENCY]:
            pairs = [
                (_value(cases_a[k], metric), _value(cases_b[k], metric))
                for k in keys
                if _value(cases_a[k], metric) is not None and _value(cases_b[k], metric) is not None
            ]
            if not pairs:
                continue
            va = np.array([p[0] for p in pairs], dtype=float)
            vb = np.array([p[1] for p in pairs], dtype=float)
            low, high = paired_bootstrap(va, vb, resamples, seed)
            deltas.append(MetricDelta(
                group=group, metric=metric, n=len(pairs), a=float(va.mean()), b=float(vb.mean()),
                delta=float(vb.mean() - va.mean()), ci_low=low, ci_high=high,
                lower_is_better=metric in lower or metric == LATENCY,
            ))
    flipped: list[FlippedCase] = []
    if spec is not None:
        for key in common:
            was, now = spec.passed(cases_a[key]), spec.passed(cases_b[key])
            if was is not None and now is not None and was != now:
                flipped.append(FlippedCase(group=key[0], case_id=key[1], now_passed=now,
                                           reason_a=cases_a[key].reason, reason_b=cases_b[key].reason))
    return Comparison(
        suite=a.suite, run_a=a.run_id, run_b=b.run_id, primary=primary, common=len(common),
        only_a=len(cases_a.keys() - cases_b.keys()), only_b=len(cases_b.keys() - cases_a.keys()),
        deltas=deltas, flipped=flipped,
    )


def _value(case: CaseResult, metric: str) -> float | None:
    if metric == LATENCY:
        return case.latency_ms
    return case.metrics.get(metric)
