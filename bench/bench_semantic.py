"""Figures of the semantic retrieval: interactive search latency (query embedding included), first start from
an empty data dir, and embedding throughput of user imports.

    uv run python bench/bench_semantic.py [--data-dir DIR] [--skip-first-start] [--ingest 200]

Nothing here is a test; the figures go into docs/retrieval-eval.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistant.container import Container  # noqa: E402
from assistant.settings import Settings  # noqa: E402

SETS = REPO / "evals" / "retrieval"


def first_start(data_dir: Path) -> dict[str, float]:
    """``baixing index`` on an empty data dir in a child process: wall seconds and peak RSS."""
    env = {**os.environ, "BAIXING_DATA_DIR": str(data_dir)}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "assistant.cli", "index", "--quiet"], env=env, check=True)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": round(seconds, 1), "peak_rss_mib": round(peak)}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))]


def latency(container: Container, queries: list[str]) -> dict[str, float]:
    """Hybrid search (query embedding, three channels, fusion, cosines for the floor) per query, in ms."""
    searcher = container.searcher
    searcher.search(queries[0], k=10)  # load indexes and the model
    total, embed = [], []
    for query in queries:
        t0 = time.perf_counter()
        container.embeddings.embed_query(query)
        embed.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        searcher.search(query, k=10)
        total.append((time.perf_counter() - t0) * 1000)
    return {
        "queries": len(queries),
        "search_p50_ms": round(statistics.median(total), 1),
        "search_p95_ms": round(percentile(total, 0.95), 1),
        "embed_p50_ms": round(statistics.median(embed), 1),
        "embed_p95_ms": round(percentile(embed, 0.95), 1),
    }


def ingest_rate(container: Container, count: int) -> dict[str, float]:
    """Embedding throughput for new passages (what ``baixing ingest`` of unseen texts costs)."""
    from retrieval.embeddings import embed_texts

    texts = []
    for line in (SETS / "paraphrases.jsonl").read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        texts.append(f"{case['query']}\n{case['source_title']}。{case['query']}" * 3)
    texts = (texts * (count // len(texts) + 1))[:count]
    t0 = time.perf_counter()
    embed_texts(container.embeddings, [t[:220] for t in texts])
    seconds = time.perf_counter() - t0
    return {"passages": count, "seconds": round(seconds, 1), "per_passage_ms": round(1000 * seconds / count, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="an indexed data dir (default: the first-start one)")
    parser.add_argument("--skip-first-start", action="store_true")
    parser.add_argument("--ingest", type=int, default=200, help="passages for the import throughput figure")
    args = parser.parse_args(argv)
    figures: dict[str, object] = {"cpus": os.cpu_count()}
    data_dir = args.data_dir
    if not args.skip_first_start:
        data_dir = Path(tempfile.mkdtemp(prefix="baixing-first-start-")) / "var"
        figures["first_start"] = first_start(data_dir)
        print(figures["first_start"], flush=True)
    if data_dir is None:
        parser.error("--data-dir is needed with --skip-first-start")
    container = Container(Settings(data_dir=data_dir))
    container.ensure_index(progress=False)
    queries = []
    for name in ("paraphrases.jsonl", "ideas.jsonl", "queries.jsonl"):
        queries += [json.loads(x)["query"] for x in (SETS / name).read_text(encoding="utf-8").splitlines() if x]
    figures["latency"] = latency(container, queries)
    print(figures["latency"], flush=True)
    if args.ingest:
        figures["ingest"] = ingest_rate(container, args.ingest)
    print(json.dumps(figures, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
