"""Routing suites: ``domain`` (first-level class of labelled messages) and ``routing`` (units for written ideas).

``run_domain(router, dataset)``: by default the titles' ``test`` split and the ``processed_test*`` texts
(reporting only — nothing was trained or tuned on them); per case ``accuracy`` (0/1); ``config["summary"]`` has
accuracy, macro-F1 and per-class precision/recall/F1 per group. Given the router, each text is classified as a
single routed idea is (with its e5 vector when the router embeds); given a bare domain model, by the n-gram model
alone (the batch form); the n-grams see the whole text either way. A custom dataset is JSONL with ``id``,
``text``, ``label``.

``run_routing(service, dataset)``: by default ``evals/routing/dev.jsonl``, ``test.jsonl`` (ideas rewritten from
past items) and ``citizen_dev.jsonl``, ``citizen_test.jsonl`` (ideas in citizens' words, issue 13); per case
``top1``, ``top3`` (an acceptable unit among the suggestions), ``domain`` (domain right), ``abstain``,
``answered_top1`` (top-1 right, only for cases the router did not abstain on) and, where the case lists acceptable
committees, ``committee``. The past items the ideas were written from are hidden from the similar-item votes.
``batch=True`` routes through ``review_many`` (the batch form: no embeddings, no votes).

    uv run baixing eval domain
    uv run baixing eval routing
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.review import IdeaReviewService
from assistant.routing.domain import DomainModel
from assistant.routing.engine import OfflineRouter
from evals.harness import CaseResult, load_dataset

ROOT = Path(__file__).resolve().parents[1]
ROUTING_DIR = ROOT / "evals" / "routing"
ROUTING_SETS = {name: ROUTING_DIR / f"{name}.jsonl" for name in ("dev", "test", "citizen_dev", "citizen_test")}
CORPUS = ROOT / "corpus" / "data"


def _rows(name: str) -> list[dict[str, Any]]:
    with gzip.open(CORPUS / f"{name}.jsonl.gz", "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def domain_sets() -> dict[str, list[dict[str, Any]]]:
    """The reporting sets: titles test split and processed_test* texts."""
    titles = [{"id": r["id"], "text": r["title"], "label": r["label"]}
              for r in _rows("labelled_titles") if r["split"] == "test"]
    texts = [{"id": r["id"], "text": r["text"], "label": r["label"]}
             for r in _rows("labelled_texts") if r["split"] == "test"]
    return {"titles-test": titles, "texts-test": texts}


def class_report(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1 over the gold classes and per-class precision/recall/F1."""
    classes = sorted(set(gold))
    per: dict[str, dict[str, float]] = {}
    for c in classes:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == c and p != c)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[c] = {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4), "n": tp + fn}
    accuracy = sum(1 for g, p in zip(gold, pred, strict=True) if g == p) / max(len(gold), 1)
    macro = sum(v["f1"] for v in per.values()) / max(len(per), 1)
    return {"accuracy": round(accuracy, 4), "macro_f1": round(macro, 4), "per_class": per}


def run_domain(
    model: DomainModel | OfflineRouter, dataset: Path | None = None
) -> tuple[list[CaseResult], dict[str, Any]]:
    """Classify every case (as a routed idea is when given the router); cases grouped by set name."""
    sets = {dataset.stem: load_dataset(dataset, ("text", "label"))} if dataset else domain_sets()
    router = model if isinstance(model, OfflineRouter) else None
    domain = router.domain_model if router is not None else model
    assert isinstance(domain, DomainModel)
    cases: list[CaseResult] = []
    summary: dict[str, Any] = {}
    for name, rows in sets.items():
        gold, pred = [], []
        for row in rows:
            start = time.perf_counter()
            vector = router.vector(row["text"]) if router is not None else None
            label = domain.predict(row["text"], vector).label
            ms = (time.perf_counter() - start) * 1000
            gold.append(row["label"])
            pred.append(label)
            ok = label == row["label"]
            cases.append(CaseResult(
                case_id=str(row["id"]), group=name, metrics={"accuracy": float(ok)}, latency_ms=ms,
                reason=f"正确：{label}" if ok else f"应为{row['label']}，判为{label}",
                details={"gold": str(row["label"]), "predicted": label},
            ))
        summary[name] = class_report(gold, pred)
    semantic = router is not None and router.embedder is not None and router.config.embed
    return cases, {"suite": "domain", "summary": summary, "model": domain.info, "semantic": semantic}


def run_routing(
    reviewer: IdeaReviewService, dataset: Path | None = None, offline_only: bool = True, batch: bool = False,
) -> tuple[list[CaseResult], dict[str, Any]]:
    """Route every idea with the review task citizens get (no audit; the model too when ``offline_only`` is
    False; the batch form with ``batch``); cases grouped by split name."""
    sets = {dataset.stem: dataset} if dataset else ROUTING_SETS
    loaded = {name: load_dataset(path, ("text", "acceptable_units")) for name, path in sets.items()}
    router = reviewer.router
    original = router.items
    sources = {c["source"].split()[-1] for rows in loaded.values() for c in rows if "item-" in c.get("source", "")}
    if original is not None and hasattr(original, "without"):
        router.items = original.without(sources)
    cases: list[CaseResult] = []
    try:
        for name, rows in loaded.items():
            if batch:
                start = time.perf_counter()
                outcomes = reviewer.review_many([r["text"] for r in rows], routing="always", offline_only=True,
                                                audit=False)
                each = (time.perf_counter() - start) * 1000 / max(len(rows), 1)
            for n, row in enumerate(rows):
                start = time.perf_counter()
                if batch:
                    outcome = outcomes[n]
                    assert not isinstance(outcome, Exception)
                    decision, ms = outcome.value.decision, each
                else:
                    decision = reviewer.review(row["text"], routing="always", offline_only=offline_only,
                                               audit=False).value.decision
                    ms = (time.perf_counter() - start) * 1000
                assert decision is not None
                names = [u.name for u in decision.units]
                ok = set(row["acceptable_units"])
                metrics = {
                    "top1": float(bool(names) and names[0] in ok),
                    "top3": float(any(n in ok for n in names[:3])),
                    "domain": float(decision.domain == row.get("domain")),
                    "abstain": float(decision.abstain),
                }
                if not decision.abstain:
                    metrics["answered_top1"] = metrics["top1"]
                if row.get("acceptable_committees"):
                    metrics["committee"] = float(decision.committee in row["acceptable_committees"])
                reason = ("主办正确" if metrics["top1"] else "前三含可接受单位" if metrics["top3"] else "未命中") + \
                    f"：建议 {'、'.join(names)}；可接受 {'、'.join(row['acceptable_units'])}"
                details = {
                    "predicted": names,
                    "domain": decision.domain,
                    "gold_domain": row.get("domain") or "（未标注）",
                    "confidence": decision.domain_confidence,
                    "top_score": decision.units[0].score if decision.units else 0.0,
                    "abstain": decision.abstain,
                    "backend": decision.backend,
                    "committee": decision.committee,
                    "gold_committees": row.get("acceptable_committees") or [],
                }
                cases.append(CaseResult(case_id=str(row["id"]), group=name, metrics=metrics, reason=reason,
                                        latency_ms=ms, details=details))
    finally:
        router.items = original
    config = {"suite": "routing", "router": router.config.dump(), "batch": batch,
              "datasets": {k: str(v) for k, v in sets.items()}}
    return cases, config
