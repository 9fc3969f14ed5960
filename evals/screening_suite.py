"""Screening suite: in/out accuracy, out-of-scope recall, in-scope false rejects and categories, per split.

Cases are grouped by split (``dev``, ``test``); per case the metrics are 0/1 so the harness's group means are
the rates: ``accuracy`` (in/out right), ``exact`` (in/out and category right), ``oos_recall`` (out-of-scope
cases only), ``false_reject`` (in-scope cases only), ``category_accuracy`` (out-of-scope cases that were
caught). ``config["summary"]`` adds the same figures per source (Teddy messages / written ideas) and the
per-category confusion matrix.

    uv run baixing eval screening                     # dev + test; the same review task citizens get
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.screening.models import ScreeningVerdict
from evals.harness import CaseResult, load_dataset

DATA_DIR = Path(__file__).resolve().parent / "screening" / "data"
DATASETS = {"dev": DATA_DIR / "dev.jsonl", "test": DATA_DIR / "test.jsonl"}
IN_SCOPE = "范围内"
LABELS = (IN_SCOPE, "个人问题", "民事纠纷", "司法诉讼", "行政复议", "行政诉讼", "投诉", "举报", "信访")


def score_case(
    gold_in: bool, gold_cat: str | None, pred_in: bool, pred_cat: str | None
) -> tuple[dict[str, float], str]:
    """0/1 metrics of one case and a Chinese reason."""
    metrics = {"accuracy": float(gold_in == pred_in)}
    metrics["exact"] = float(gold_in == pred_in and (gold_in or gold_cat == pred_cat))
    if gold_in:
        metrics["false_reject"] = float(not pred_in)
    else:
        metrics["oos_recall"] = float(not pred_in)
        if not pred_in:
            metrics["category_accuracy"] = float(gold_cat == pred_cat)
    gold = gold_cat or IN_SCOPE
    pred = pred_cat or IN_SCOPE
    if metrics["exact"]:
        reason = f"判断正确：{gold}"
    elif gold_in:
        reason = f"误拒：应属于范围，判为{pred}"
    elif pred_in:
        reason = f"漏判：应为{gold}，判为属于范围"
    else:
        reason = f"类别错误：应为{gold}，判为{pred}"
    return metrics, reason


def summarize(cases: Sequence[CaseResult]) -> dict[str, Any]:
    """Rates overall and per source, plus the confusion matrix (gold row → predicted column → count)."""
    def rates(members: Sequence[CaseResult]) -> dict[str, float]:
        out: dict[str, float] = {"n": float(len(members))}
        for name in ("accuracy", "exact", "oos_recall", "false_reject", "category_accuracy"):
            values = [c.metrics[name] for c in members if name in c.metrics]
            out[name] = round(sum(values) / len(values), 4) if values else float("nan")
        return out

    confusion = {g: dict.fromkeys(LABELS, 0) for g in LABELS}
    for case in cases:
        confusion[case.details["gold"]][case.details["predicted"]] += 1
    sources = sorted({c.details["source"] for c in cases})
    return {
        "overall": rates(cases),
        "by_source": {s: rates([c for c in cases if c.details["source"] == s]) for s in sources},
        "confusion": confusion,
    }


def run_screening(screen: Callable[[str], ScreeningVerdict], dataset: Path | None) -> tuple[list[CaseResult], dict]:
    """Screen every case of the dataset(s) with ``service``; cases grouped by split name."""
    sets = {dataset.stem: dataset} if dataset else DATASETS
    cases: list[CaseResult] = []
    summary: dict[str, Any] = {}
    for name, path in sets.items():
        members: list[CaseResult] = []
        for case in load_dataset(path, ("text", "in_scope")):
            start = time.perf_counter()
            verdict = screen(case["text"])
            latency = (time.perf_counter() - start) * 1000
            gold_in, gold_cat = bool(case["in_scope"]), case.get("category")
            metrics, reason = score_case(gold_in, gold_cat, verdict.in_scope, verdict.category)
            members.append(
                CaseResult(
                    case_id=str(case["id"]),
                    group=name,
                    metrics=metrics,
                    reason=reason,
                    latency_ms=latency,
                    details={
                        "gold": gold_cat or IN_SCOPE,
                        "predicted": verdict.category or IN_SCOPE,
                        "confidence": verdict.confidence,
                        "source": str(case.get("source", "")).split(":")[0] or "unknown",
                        "backend": verdict.backend,
                    },
                )
            )
        summary[name] = summarize(members)
        cases.extend(members)
    config = {"datasets": {k: str(v) for k, v in sets.items()}, "summary": summary}
    return cases, config


def markdown(summary: dict[str, Any]) -> str:
    """Rates and confusion matrices of a ``config["summary"]`` as Markdown (for docs/screening.md)."""
    lines = [
        "| 划分 | 来源 | n | 准确率 | 范围外召回率 | 范围内误拒率 | 已拦截者类别准确率 |",
        "|---|---|---|---|---|---|---|",
    ]
    for split, data in summary.items():
        rows = [("全部", data["overall"]), *data["by_source"].items()]
        for source, r in rows:
            lines.append(
                f"| {split} | {source} | {int(r['n'])} | {r['accuracy']:.3f} | {r['oos_recall']:.3f} | "
                f"{r['false_reject']:.3f} | {r['category_accuracy']:.3f} |"
            )
    for split, data in summary.items():
        lines += ["", f"**{split} 混淆矩阵**（行：标注；列：判断）", ""]
        lines.append("| 标注＼判断 | " + " | ".join(LABELS) + " |")
        lines.append("|---|" + "---|" * len(LABELS))
        for gold in LABELS:
            row = data["confusion"][gold]
            lines.append(f"| {gold} | " + " | ".join(str(row[p]) for p in LABELS) + " |")
    return "\n".join(lines)
