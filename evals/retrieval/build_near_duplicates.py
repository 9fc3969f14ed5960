"""Build ``evals/retrieval/near_duplicates.jsonl`` from the shipped items (re-runnable, deterministic).

Usage: ``uv run python evals/retrieval/build_near_duplicates.py [--corpus corpus/data]``.

Candidate pairs are items whose title+text are close by TF-IDF cosine over character 3-grams. A pair
becomes an edge when cosine >= 0.80, or >= 0.70 for a hot-topic/replies pair, or >= 0.60 when both
titles are the same (>= 8 characters); pairs that reading showed to be one template reused for a
different place or school (``NOT_DUPLICATES``) are removed. Connected components are the duplicate
clusters; one member of each cluster is the query and the others are the relevant documents.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

from sklearn.feature_extraction.text import TfidfVectorizer

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent

MIN_COSINE = 0.80
MIN_COSINE_CROSS = 0.70
MIN_COSINE_SAME_TITLE = 0.60
MIN_TITLE_CHARS = 8

NOT_DUPLICATES: frozenset[frozenset[str]] = frozenset(
    frozenset(pair)
    for pair in [
        # Same letter about a rubbish station, two different housing estates (鑫源和城 / 鑫远楚府华城).
        ("item-8343", "item-282074"),
        ("item-8343", "item-280269"),
        ("item-8343", "item-272117"),
        # Same question about the talent housing subsidy, for a flat (公寓) vs. a second-hand home.
        ("item-2557", "item-219026"),
        # One complaint template about student work placements, posted for different schools.
        ("item-262477", "item-360111"),
        ("item-195917", "item-262477"),
        ("item-255719", "item-360112"),
        ("item-233759", "item-255719"),
        # One noise-complaint template, two different estates / venues.
        ("item-233931", "item-242792"),
        ("item-196659", "item-205329"),
    ]
)


def _norm(text: str) -> str:
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text)).lower()


def load_items(corpus_data: Path) -> list[dict[str, Any]]:
    """Records of items.jsonl.gz."""
    with gzip.open(corpus_data / "items.jsonl.gz", "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def candidate_edges(items: list[dict[str, Any]]) -> list[tuple[int, int, float]]:
    """(i, j, cosine) for every pair that passes the thresholds and is not a known template pair."""
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(3, 3), sublinear_tf=True)
    matrix = vectorizer.fit_transform([_norm(r["title"] + r["text"]) for r in items])
    sims = (matrix @ matrix.T).tocoo()
    edges = []
    for i, j, s in zip(sims.row, sims.col, sims.data, strict=True):
        if i >= j or s < MIN_COSINE_SAME_TITLE:
            continue
        a, b = items[i], items[j]
        same_title = _norm(a["title"]) == _norm(b["title"]) and len(_norm(a["title"])) >= MIN_TITLE_CHARS
        cross = a["source"] != b["source"]
        ok = s >= MIN_COSINE or (cross and s >= MIN_COSINE_CROSS) or same_title
        if ok and frozenset((a["id"], b["id"])) not in NOT_DUPLICATES:
            edges.append((int(i), int(j), float(s)))
    return edges


def clusters(n: int, edges: list[tuple[int, int, float]]) -> list[list[int]]:
    """Connected components (union-find) with more than one member, sorted."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j, _ in edges:
        parent[find(i)] = find(j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        groups[find(i)].append(i)
    return sorted(sorted(g) for g in groups.values() if len(g) > 1)


def build(corpus_data: Path) -> list[dict[str, Any]]:
    """One eval record per duplicate cluster."""
    items = load_items(corpus_data)
    edges = candidate_edges(items)
    best: dict[int, float] = defaultdict(float)
    for i, j, s in edges:
        best[i] = max(best[i], s)
        best[j] = max(best[j], s)
    records = []
    for members in clusters(len(items), edges):
        recs = [items[i] for i in members]
        # The query is a message without a reply when the cluster has one with a reply (a new message
        # should find the answered one); otherwise the latest message. Ties: the higher id.
        has_reply = any(r["reply"] for r in recs)
        pool = [r for r in recs if not r["reply"]] if has_reply and not all(r["reply"] for r in recs) else recs
        query = max(pool, key=lambda r: (r["time"] or "", r["msg_id"]))
        relevant = sorted((r for r in recs if r is not query), key=lambda r: r["msg_id"])
        sources = sorted({r["source"] for r in recs})
        records.append(
            {
                "id": f"nd-{query['msg_id']}",
                "query": f"{query['title']}\n{query['text']}",
                "relevant": [r["id"] for r in relevant],
                "exclude": [query["id"]],
                "source_pair": [query["msg_id"], *(r["msg_id"] for r in relevant)],
                "pair_kind": "hot-replies" if len(sources) > 1 else f"{sources[0]}-{sources[0]}",
                "max_cosine": round(max(best[i] for i in members), 3),
                "query_title": query["title"],
                "relevant_titles": [r["title"] for r in relevant],
            }
        )
    records.sort(key=lambda r: (r["pair_kind"] != "hot-replies", r["id"]))
    return records


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO_ROOT / "corpus" / "data")
    parser.add_argument("--out", type=Path, default=HERE / "near_duplicates.jsonl")
    args = parser.parse_args(argv)
    records = build(args.corpus)
    with args.out.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    kinds: dict[str, int] = defaultdict(int)
    for rec in records:
        kinds[rec["pair_kind"]] += 1
    print(f"{len(records)} near-duplicate queries -> {args.out} {dict(kinds)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
