"""Drafting suite: 附件1 format compliance, rubric validity by perturbation, offline draft latency.

Per case (grouped by source: ``citizen`` ideas / real ``message``s): ``compliant`` (no hard violation of the
standard format), ``questions_ok`` (≤ 3 questions), ``has_actor`` (every suggestion says who acts), and four 0/1
perturbation checks — the rubric total of the draft must drop when suggestions are removed (``pert_remove``),
made vague (``pert_vague``), pushed over length (``pert_overlength``) or replaced by another idea's body
(``pert_offtopic``). ``pairwise_accuracy`` is their mean.

    uv run python -m evals.drafting_suite              # builds a BM25 searcher, prints Markdown tables
    uv run python -m evals.drafting_suite --no-search  # drafting without retrieval
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

from assistant.cultivation.models import DraftProposal
from assistant.cultivation.rubric import QualityRubric
from assistant.cultivation.validator import hard_violations
from evals.harness import CaseResult, aggregate, load_dataset

DATASET = Path(__file__).resolve().parent / "drafting" / "ideas.jsonl"
VAGUE = ["建议有关部门高度重视，进一步加强管理。", "建议相关部门积极研究，切实推动改善。"]
PERTURBATIONS = ("remove", "vague", "overlength", "offtopic")


def perturb(draft: DraftProposal, kind: str, other: DraftProposal) -> DraftProposal:
    """A deliberately worse copy of ``draft`` (validators are NOT re-run: the rubric must see the damage)."""
    if kind == "remove":
        return draft.model_copy(update={"suggestions": []})
    if kind == "vague":
        return draft.model_copy(update={"suggestions": VAGUE[: max(1, min(2, len(draft.suggestions)))]})
    if kind == "overlength":
        padded = list(draft.analysis)
        while sum(len(p) for p in padded) <= 600:
            padded = padded + list(draft.analysis)
        return draft.model_copy(update={"analysis": padded})
    if kind == "offtopic":
        return draft.model_copy(update={"analysis": other.analysis, "suggestions": other.suggestions})
    raise ValueError(kind)


def run_drafting(
    service: Any, dataset: Path | None = None, offline_only: bool = True
) -> tuple[list[CaseResult], dict[str, Any]]:
    """Draft every idea with ``service`` (the model too when ``offline_only`` is False), check the format and
    the rubric; (cases, config)."""
    rubric = QualityRubric()
    rows = load_dataset(dataset or DATASET, ("text",))
    drafts: list[tuple[dict[str, Any], DraftProposal, float]] = []
    service.draft("预热：建议在公园增设公共厕所。", offline_only=True)  # load jieba and catalogues once
    for row in rows:
        start = time.perf_counter()
        draft = service.draft(row["text"], offline_only=offline_only)
        drafts.append((row, draft, (time.perf_counter() - start) * 1000))
    cases: list[CaseResult] = []
    for n, (row, draft, ms) in enumerate(drafts):
        other = drafts[(n + len(drafts) // 2) % len(drafts)][1]
        violations = hard_violations(draft, row["text"])
        base = rubric.score(draft).total
        metrics = {
            "compliant": float(not violations),
            "questions_ok": float(len(draft.questions) <= 3),
            "has_actor": float(not any(w.code == "suggestion_actor" for w in draft.warnings)),
            "sources": float(len(draft.sources)),
        }
        worse = {k: rubric.score(perturb(draft, k, other)).total for k in PERTURBATIONS}
        for k, total in worse.items():
            metrics[f"pert_{k}"] = float(total < base)
        metrics["pairwise_accuracy"] = statistics.fmean(metrics[f"pert_{k}"] for k in PERTURBATIONS)
        reason = "合规" if not violations else "违规：" + "、".join(v.code for v in violations)
        cases.append(CaseResult(case_id=str(row["id"]), group=row.get("source", "all"), metrics=metrics,
                                reason=reason, latency_ms=ms,
                                details={"title": draft.title, "rubric": base, "perturbed": worse,
                                         "backend": draft.backend}))
    config = {"suite": "drafting", "dataset": str(dataset or DATASET), "n": len(rows),
              "searcher": type(getattr(service, "searcher", None)).__name__,
              "overall": aggregate([c.model_copy(update={"group": "all"}) for c in cases])["all"]}
    return cases, config


def main(argv: list[str] | None = None) -> int:
    from assistant.cultivation.engine import OfflineDrafter
    from assistant.cultivation.service import CultivationService
    from evals.harness import Run, new_run

    parser = argparse.ArgumentParser(description="drafting eval")
    parser.add_argument("--dataset", type=Path)
    parser.add_argument("--no-search", action="store_true")
    parser.add_argument("--save", type=Path, help="write the run JSON here")
    args = parser.parse_args(argv)
    searcher = None
    if not args.no_search:
        from evals.drafting.searcher import CorpusSearcher

        rows = load_dataset(args.dataset or DATASET)
        searcher = CorpusSearcher(exclude={r["doc_id"] for r in rows if r.get("doc_id")})
    cases, config = run_drafting(CultivationService(OfflineDrafter(), searcher=searcher), args.dataset)
    run: Run = new_run("drafting", config, cases)
    print(run.markdown_table())
    print(json.dumps(config["overall"], ensure_ascii=False))
    if args.save:
        args.save.write_text(run.model_dump_json(indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
