"""Quality suite: does the judge (offline rubric, or the LLM judge with a model) rank proposals the right way?

Two kinds of cases (a dataset may mix them):

* pairs ``{"id", "a": proposal, "b": proposal, "preferred": "a"|"b"}``: ``pairwise_correct`` is 1 when the
  preferred side's total is higher (a tie counts as wrong and sets ``tie``), ``margin`` the preferred total minus
  the other; grouped by ``group`` (the perturbation in the shipped set);
* bands ``{"id", "proposal": proposal, "band": "优"|"良"|"中"|"差"}`` (e.g. human ratings): ``band_exact`` and
  ``band_within1`` (at most one band off); grouped by ``group`` or ``bands``.

A proposal is ``{"title", "analysis", "suggestions"}``. With a model the case also carries
``rubric_pairwise_correct`` / ``rubric_band_exact``, so one run shows both judges side by side. The shipped set
(``evals/quality/pairs.jsonl``, 192 pairs) is built by ``python -m evals.quality.build_dataset``.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

from assistant.errors import InputError
from assistant.ratings import ProposalRater, ProposalText, Rating, proposal_from_record
from assistant.tasks import TaskRunner
from evals.harness import CaseResult, load_dataset

DATASET = Path(__file__).resolve().parent / "quality" / "pairs.jsonl"
BANDS = ("差", "中", "良", "优")


def _key(proposal: ProposalText) -> str:
    body = json.dumps([proposal.title, proposal.analysis, proposal.suggestions], ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


class _CachedJudge:
    """Rates each distinct proposal once (the shipped pairs share their good side)."""

    def __init__(self, rater: ProposalRater) -> None:
        self.rater = rater
        self.cache: dict[str, tuple[Rating, Rating | None]] = {}

    def __call__(self, proposal: ProposalText) -> tuple[Rating, Rating | None]:
        key = _key(proposal)
        if key not in self.cache:
            rated = self.rater.rate_one(proposal)
            self.cache[key] = (rated.rubric, rated.llm)
        return self.cache[key]


def _proposal(row: dict[str, Any], field: str, number: int) -> ProposalText:
    value = row.get(field)
    if not isinstance(value, dict):
        raise InputError(f"质量评测数据集中 id「{row['id']}」的 {field} 应是包含 title、analysis、suggestions 的对象。",
                         f"case {number}")
    return proposal_from_record(value, f"用例「{row['id']}」的 {field}", f"{row['id']}-{field}")


def _pair_case(row: dict[str, Any], judge: _CachedJudge, number: int) -> CaseResult:
    preferred = row.get("preferred")
    if preferred not in ("a", "b"):
        raise InputError(f"质量评测数据集中 id「{row['id']}」的 preferred 应为 a 或 b。", repr(preferred))
    start = time.perf_counter()
    rubric_a, llm_a = judge(_proposal(row, "a", number))
    rubric_b, llm_b = judge(_proposal(row, "b", number))
    ms = (time.perf_counter() - start) * 1000
    active_a, active_b = llm_a or rubric_a, llm_b or rubric_b
    good, bad = (active_a, active_b) if preferred == "a" else (active_b, active_a)
    metrics = {"pairwise_correct": float(good.total > bad.total), "tie": float(good.total == bad.total),
               "margin": float(good.total - bad.total)}
    if llm_a is not None and llm_b is not None:
        r_good, r_bad = (rubric_a, rubric_b) if preferred == "a" else (rubric_b, rubric_a)
        metrics["rubric_pairwise_correct"] = float(r_good.total > r_bad.total)
    verdict = "判断正确" if metrics["pairwise_correct"] else "打平" if metrics["tie"] else "判断反了"
    reason = f"{verdict}：应胜出的 {preferred} 得 {good.total} 分，另一份 {bad.total} 分"
    details = {"judge": active_a.backend, "total_a": active_a.total, "total_b": active_b.total,
               "scores_a": {d.key: d.score for d in active_a.dimensions},
               "scores_b": {d.key: d.score for d in active_b.dimensions}, "note": row.get("note", "")}
    return CaseResult(case_id=str(row["id"]), group=str(row.get("group") or "pairs"), metrics=metrics,
                      reason=reason, latency_ms=ms, details=details)


def _band_case(row: dict[str, Any], judge: _CachedJudge, number: int) -> CaseResult:
    gold = row.get("band")
    if gold not in BANDS:
        raise InputError(f"质量评测数据集中 id「{row['id']}」的 band 应为 优、良、中、差 之一。", repr(gold))
    start = time.perf_counter()
    rubric, llm = judge(_proposal(row, "proposal", number))
    ms = (time.perf_counter() - start) * 1000
    active = llm or rubric
    distance = abs(BANDS.index(active.grade) - BANDS.index(gold))
    metrics = {"band_exact": float(distance == 0), "band_within1": float(distance <= 1)}
    if llm is not None:
        metrics["rubric_band_exact"] = float(rubric.grade == gold)
    reason = f"标注为{gold}，评为{active.grade}（{active.total} 分）"
    return CaseResult(case_id=str(row["id"]), group=str(row.get("group") or "bands"), metrics=metrics, reason=reason,
                      latency_ms=ms, details={"gold": gold, "predicted": active.grade, "total": active.total,
                                              "judge": active.backend})


def run_quality(tasks: TaskRunner | None, dataset: Path | None = None) -> tuple[list[CaseResult], dict[str, Any]]:
    """Judge every case with the rubric, and the LLM judge when ``tasks`` has a model; (cases, config)."""
    rows = load_dataset(dataset or DATASET, ("a|proposal",))
    judge = _CachedJudge(ProposalRater(tasks))
    cases = [
        _pair_case(row, judge, n) if "a" in row else _band_case(row, judge, n) for n, row in enumerate(rows, start=1)
    ]
    judge_name = "llm" if judge.rater.llm_enabled else "rubric"
    return cases, {"suite": "quality", "judge": judge_name, "distinct_proposals": len(judge.cache)}
