"""Retrieval suite: near-duplicate recall on real duplicate pairs, a citizen-worded query set, and held-back
paraphrases of past messages (report half only: the tuning half chose the fusion weights and the floor)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from evals.harness import CaseResult, load_dataset
from retrieval.documents import SearchFilters

DATA_DIR = Path(__file__).resolve().parent / "retrieval"
DATASETS = {
    "near_duplicates": DATA_DIR / "near_duplicates.jsonl",
    "queries": DATA_DIR / "queries.jsonl",
    "paraphrases": DATA_DIR / "paraphrases.jsonl",
}
MODES = ("bm25", "chars", "dense", "hybrid")
CUTOFFS = (1, 5, 10)


def score_ranking(ranked: list[str], relevant: set[str]) -> tuple[dict[str, float], str]:
    """Recall@k (share of the relevant ids in the top k), hit@k (any relevant id in the top k) and
    reciprocal rank of one ranked id list, with a reason."""
    first = next((rank for rank, doc_id in enumerate(ranked, start=1) if doc_id in relevant), None)
    metrics = {f"recall@{k}": len(relevant & set(ranked[:k])) / len(relevant) for k in CUTOFFS}
    metrics.update({f"hit@{k}": float(first is not None and first <= k) for k in CUTOFFS})
    metrics["mrr"] = 1.0 / first if first else 0.0
    reason = f"首个相关结果排第 {first} 位" if first else "前 10 条中没有相关结果"
    return metrics, reason


def run_retrieval(searcher: Any, dataset: Path | None, modes: list[str] | None) -> tuple[list[CaseResult], dict]:
    """Evaluate every mode on the dataset(s); cases are grouped as '<dataset>/<mode>'."""
    sets = {dataset.stem: dataset} if dataset else DATASETS
    cases: list[CaseResult] = []
    for name, path in sets.items():
        for case in load_dataset(path, ("query", "relevant")):
            if case.get("split") == "tune" or not case["relevant"]:
                continue  # tuning cases chose the settings; cases without a relevant id have no rank to score
            relevant = set(case["relevant"])
            exclude = set(case.get("exclude", []))
            filters = SearchFilters(kinds=case["kinds"]) if case.get("kinds") else None
            for mode in modes or MODES:
                start = time.perf_counter()
                hits = searcher.search(case["query"], k=10 + len(exclude), filters=filters, mode=mode)
                latency = (time.perf_counter() - start) * 1000
                ranked = [h.doc_id for h in hits if h.doc_id not in exclude][:10]
                metrics, reason = score_ranking(ranked, relevant)
                cases.append(
                    CaseResult(
                        case_id=str(case["id"]),
                        group=f"{name}/{mode}",
                        metrics=metrics,
                        reason=reason,
                        latency_ms=latency,
                        details={"top": ranked[:5], "relevant": sorted(relevant)},
                    )
                )
    config = {"datasets": {k: str(v) for k, v in sets.items()}, "modes": list(modes or MODES)}
    return cases, config
