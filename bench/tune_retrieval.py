"""Per-channel figures, fusion tuning and the relevance floor on the judged sets of evals/retrieval.

    uv run python bench/tune_retrieval.py --data-dir DIR [--corpus corpus] [--split tune|report] [--grid]

Builds (or reuses) the index of the corpus in DIR through the container, like ``baixing index``. Every
query is run once per channel (100 candidates, no kind filter: what ``baixing similar`` sees); fusion
settings are then compared offline. ``--grid`` searches fusion weights, the RRF constant and the floor on
the given split (use the tuning half); without it the settings in force are reported on the split.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistant.container import Container  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from retrieval.hybrid import reciprocal_rank_fusion  # noqa: E402
from retrieval.relevance import RelevanceModel, background  # noqa: E402

SETS = REPO / "evals" / "retrieval"
DEPTH = 100


def load(split: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Paraphrase cases and everyday ideas of one split."""
    read = lambda name: [json.loads(x) for x in (SETS / name).read_text(encoding="utf-8").splitlines() if x.strip()]  # noqa: E731
    paraphrases = [c for c in read("paraphrases.jsonl") if split == "all" or c["split"] == split]
    ideas = [c for c in read("ideas.jsonl") if split == "all" or c["split"] == split]
    return paraphrases, ideas


def run_channels(searcher: Any, cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Candidate lists per channel and the cosine of every candidate, per case."""
    out = []
    for case in cases:
        found = searcher.channels(case["query"], DEPTH)
        lists = {
            "words": [r.doc_id for r in found.words],
            "chars": [r.doc_id for r in found.chars],
            "dense": [r.doc_id for r in found.dense],
        }
        out.append({"case": case, "lists": lists, "found": found})
    return out


def features(searcher: Any, run: dict[str, Any], doc_ids: list[str]) -> dict[str, tuple[float, ...]]:
    """(cosine, margin, words, chars) of each document for the run's query."""
    found = run["found"]
    _, cosines = searcher.relevance(found, doc_ids)
    base = background([r.score for r in found.dense])
    words_index, chars_index = searcher._indexes()
    words = words_index.coverage(found.terms, doc_ids)
    chars = chars_index.coverage(found.grams, doc_ids)
    return {d: (cosines[d], cosines[d] - base, words[d], chars[d]) for d in doc_ids if d in cosines}


def fit(searcher: Any, p_runs: list, i_runs: list, weights: dict[str, float], k: int) -> RelevanceModel:
    """Logistic regression on the tuning half: paraphrase targets and judged idea hits in the fused top 5."""
    from sklearn.linear_model import LogisticRegression

    x, y = [], []
    for run in p_runs + i_runs:
        rel = set(run["case"]["relevant"])
        ok = set(run["case"].get("acceptable", []))
        top = items_only(fuse(run, weights, k))[:5]
        feats = features(searcher, run, top)
        for d in top:
            if d in rel:
                label = 1
            elif d in ok or "acceptable" not in run["case"]:
                continue  # acceptable, or an unjudged neighbour of a paraphrase
            else:
                label = 0
            if d in feats:
                x.append(feats[d])
                y.append(label)
    import numpy as np

    arr = np.asarray(x, dtype=np.float64)
    mean, std = arr.mean(axis=0), arr.std(axis=0) + 1e-9
    model = LogisticRegression(C=1.0, max_iter=1000).fit((arr - mean) / std, y)
    coef = model.coef_[0] / std  # back to raw feature units
    intercept = float(model.intercept_[0] - (model.coef_[0] * mean / std).sum())
    rounded = [round(float(c), 2) for c in coef]
    print(f"fitted on {len(y)} hits ({sum(y)} relevant): intercept {intercept:.2f}, coef {rounded}")
    return RelevanceModel(round(intercept, 2), *rounded)


def fuse(run: dict[str, Any], weights: dict[str, float], k: int) -> list[str]:
    names = [n for n in ("words", "chars", "dense") if weights.get(n, 0) > 0]
    fused = reciprocal_rank_fusion([run["lists"][n] for n in names], k=k, weights=[weights[n] for n in names])
    return [d for d, _ in fused]


def items_only(ranking: list[str]) -> list[str]:
    """The past messages of a ranking: what the "similar messages" box of similar_for_idea shows (the
    everyday ideas were judged over messages)."""
    return [d for d in ranking if d.startswith("item-")]


def rank_metrics(rankings: list[list[str]], cases: list[dict[str, Any]]) -> dict[str, float]:
    h1 = h5 = mrr = 0.0
    for ranked, case in zip(rankings, cases, strict=True):
        rel = set(case["relevant"])
        first = next((i for i, d in enumerate(ranked[:10], 1) if d in rel), None)
        h1 += first == 1
        h5 += first is not None and first <= 5
        mrr += 1 / first if first else 0
    n = max(len(cases), 1)
    return {"hit@1": h1 / n, "hit@5": h5 / n, "mrr@10": mrr / n, "n": len(cases)}


def floor_metrics(
    searcher: Any, model: RelevanceModel, runs: list, rankings: list[list[str]], floor: float, top: int = 3
) -> dict:
    """Top ``top`` hits per case, shown when P(relevant) >= floor. Precision: shown hits of the everyday ideas
    that are relevant or acceptable (judged); recall: relevant hits (targets of paraphrases, relevant
    messages of ideas) in the top ``top`` that are shown; empty_ok: ideas with nothing relevant whose shown
    list holds nothing unacceptable."""
    shown = good = rel_total = rel_shown = empty_cases = empty_ok = 0
    for run, ranked in zip(runs, rankings, strict=True):
        case = run["case"]
        rel = set(case["relevant"])
        ok = rel | set(case.get("acceptable", []))
        head = ranked[:top]
        feats = features(searcher, run, head)
        visible = [d for d in head if d in feats and model.probability(*feats[d]) >= floor]
        rel_total += sum(d in rel for d in head)
        rel_shown += sum(d in rel for d in visible)
        if "acceptable" in case:  # judged everyday ideas
            shown += len(visible)
            good += sum(d in ok for d in visible)
            if not rel:
                empty_cases += 1
                empty_ok += not [d for d in visible if d not in ok]
    return {
        "precision": round(good / shown, 3) if shown else 1.0,
        "recall": round(rel_shown / rel_total, 3) if rel_total else 1.0,
        "empty_ok": round(empty_ok / empty_cases, 3) if empty_cases else 1.0,
        "shown_idea_hits": shown,
        "empty_cases": empty_cases,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, default=REPO / "corpus")
    parser.add_argument("--split", default="tune", choices=["tune", "report", "all"])
    parser.add_argument("--grid", action="store_true")
    parser.add_argument("--fit", action="store_true", help="fit the relevance model on the split")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--weights", help="words,chars,dense fusion weights to use instead of the settings")
    parser.add_argument("--rrf-k", type=int, help="RRF constant to use instead of the settings")
    args = parser.parse_args(argv)
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

    container = Container(Settings(data_dir=args.data_dir, corpus_dir=args.corpus))
    started = time.perf_counter()
    container.ensure_index(progress=True)
    print(f"index ready in {time.perf_counter() - started:.1f} s")
    searcher = container.searcher
    paraphrases, ideas = load(args.split)
    p_runs = run_channels(searcher, paraphrases)
    i_runs = run_channels(searcher, ideas)
    p_cases = [r["case"] for r in p_runs]

    cfg = container.settings.retrieval
    current = {"words": cfg.word_weight, "chars": cfg.char_weight, "dense": cfg.dense_weight}
    rrf_k = args.rrf_k or cfg.rrf_k
    if args.weights:
        current = dict(zip(("words", "chars", "dense"), map(float, args.weights.split(",")), strict=True))
    figures: dict[str, Any] = {"split": args.split, "channels": {}}
    for name in ("words", "chars", "dense"):
        figures["channels"][name] = rank_metrics([r["lists"][name] for r in p_runs], p_cases)
    fused = [fuse(r, current, rrf_k) for r in p_runs]
    figures["channels"]["fused"] = rank_metrics(fused, p_cases)
    all_runs = p_runs + i_runs
    all_rank = [items_only(r) for r in fused + [fuse(r, current, rrf_k) for r in i_runs]]
    model = searcher.relevance_model
    figures["floor"] = {"value": cfg.floor, **floor_metrics(searcher, model, all_runs, all_rank, cfg.floor)}
    figures["settings"] = {"weights": current, "rrf_k": rrf_k}
    print(json.dumps(figures, ensure_ascii=False, indent=1))

    if args.grid:
        best = []
        for wc, wd, k in itertools.product((0, 0.5, 1.0), (0.5, 1.0, 1.5, 2.0, 3.0), (5, 10, 20, 30, 60)):
            for ww in (0, 0.5, 1.0):
                w = {"words": ww, "chars": wc, "dense": wd}
                ranks = [fuse(r, w, k) for r in p_runs]
                m = rank_metrics(ranks, p_cases)
                # Robustness: the worse of two folds of the split (by case parity), not the best overall fit.
                folds = [
                    rank_metrics(
                        [x for i, x in enumerate(ranks) if i % 2 == f], [c for i, c in enumerate(p_cases) if i % 2 == f]
                    )
                    for f in (0, 1)
                ]
                worst = min(f["hit@1"] + f["hit@5"] + f["mrr@10"] for f in folds)
                best.append((worst, m, w, k))
        best.sort(key=lambda x: -x[0])
        for score, m, w, k in best[:10]:
            print(f"{score:.3f} {m} weights={w} rrf_k={k}")
        _, _, w, k = best[0]
    else:
        w, k = current, rrf_k
    if args.fit:
        model = fit(searcher, p_runs, i_runs, w, k)
        print(model)
    if args.fit or args.grid:
        ranks = [items_only(fuse(r, w, k)) for r in all_runs]
        for floor in [x / 20 for x in range(2, 19)]:
            print(floor, floor_metrics(searcher, model, all_runs, ranks, floor))
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
