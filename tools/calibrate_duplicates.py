"""Choose the near-duplicate Jaccard threshold on the labelled duplicate clusters of the shipped past items.

Usage: ``uv run python tools/calibrate_duplicates.py``.

Labels: ``evals/retrieval/near_duplicates.jsonl`` lists 215 clusters of real reposts (query side in ``exclude``,
the others in ``relevant``); every pair of items inside one cluster is a duplicate. Every other pair is taken as
a non-duplicate: the builder read all pairs with character-trigram cosine ≥ 0.60 and rejected the rest of them
(same template, different estate or school). For each threshold, clusters are formed exactly as the app does
(union-find over pairs at or above it) and scored by pairwise precision/recall of "same cluster".
"""

from __future__ import annotations

import argparse
import gzip
import json
from itertools import combinations
from pathlib import Path

from assistant.settings import REPO_ROOT
from assistant.staff.textsim import DUPLICATE_THRESHOLD, BigramSets, UnionFind, similar_pairs

LABELS = REPO_ROOT / "evals" / "retrieval" / "near_duplicates.jsonl"
ITEMS = REPO_ROOT / "corpus" / "data" / "items.jsonl.gz"
FLOOR = 0.2
THRESHOLDS = [round(0.25 + 0.05 * i, 2) for i in range(14)]


def labelled_pairs(path: Path = LABELS) -> set[frozenset[str]]:
    """Every pair of item ids inside one labelled cluster."""
    pairs: set[frozenset[str]] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            case = json.loads(line)
            members = sorted(set(case["exclude"]) | set(case["relevant"]))
            pairs.update(frozenset(p) for p in combinations(members, 2))
    return pairs


def score(
    ids: list[str], scored: list[tuple[int, int, float]], gold: set[frozenset[str]], t: float
) -> dict[str, float]:
    """Pairwise precision, recall and F1 of the clusters formed at threshold ``t``."""
    uf = UnionFind(len(ids))
    for i, j, s in scored:
        if s >= t:
            uf.union(i, j)
    predicted = {frozenset((ids[a], ids[b])) for g in uf.groups() for a, b in combinations(g, 2)}
    tp = len(predicted & gold)
    precision = tp / len(predicted) if predicted else 1.0
    recall = tp / len(gold) if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"t": t, "precision": precision, "recall": recall, "f1": f1, "pairs": len(predicted)}


def main(argv: list[str] | None = None) -> int:
    """Print precision/recall/F1 per threshold and the best one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    with gzip.open(ITEMS, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    ids = [r["id"] for r in rows]
    matrix, sizes = BigramSets().matrix([f"{r['title']}\n{r['text']}" for r in rows])
    scored = similar_pairs(matrix, sizes, matrix, sizes, FLOOR, same=True)
    gold = labelled_pairs()
    results = [score(ids, scored, gold, t) for t in THRESHOLDS]
    print(f"labelled duplicate pairs: {len(gold)}; candidate pairs (jaccard ≥ {FLOOR}): {len(scored)}")
    print("threshold  precision  recall  f1     predicted pairs")
    for r in results:
        mark = "  <- in use" if abs(r["t"] - DUPLICATE_THRESHOLD) < 1e-9 else ""
        print(f"{r['t']:.2f}       {r['precision']:.3f}      {r['recall']:.3f}   {r['f1']:.3f}  {r['pairs']}{mark}")
    best = max(results, key=lambda r: (r["f1"], r["precision"]))
    print(f"best F1 at threshold {best['t']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
