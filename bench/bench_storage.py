"""Throughput of SqlDocumentStore on a real database (informational; no assertions).

    uv run python bench/bench_storage.py [--url URL] [--docs 10000]

Default URL: a fresh SQLite file in a temporary folder. For PostgreSQL pass an empty database's URL.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from assistant.storage.db import open_database
from assistant.storage.documents import SqlDocumentStore
from retrieval.documents import Document


def _docs(n: int, edit: str = "") -> list[Document]:
    return [
        Document(
            doc_id=f"item-{i:06d}",
            kind="item",
            title=f"关于第{i}号小区加装电梯的建议{edit}",
            text="老旧小区居民出行不便，建议政府加大补贴力度，简化审批流程。" * 8,
            year=2015 + i % 10,
            region="广州",
            source="bench",
            meta={"编号": i, "标签": ["城市建设", "民生"]},
        )
        for i in range(n)
    ]


def _timed(label: str, n: int, fn) -> object:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    print(f"{label:<34} {elapsed:7.2f} s  {n / elapsed:9.0f} docs/s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default=None)
    parser.add_argument("--docs", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        db = open_database(url)
        store = SqlDocumentStore(db.sessions)
        n = args.docs
        docs = _docs(n)
        print(f"{db.engine.dialect.name}: {n} documents")
        assert len(_timed("upsert (all new)", n, lambda: store.upsert(docs))) == n  # type: ignore[arg-type]
        assert _timed("upsert (unchanged)", n, lambda: store.upsert(docs)) == []
        edited = [*docs[: n // 2], *[d.model_copy(update={"text": d.text + "（修订）"}) for d in docs[n // 2 :]]]
        _timed("upsert (half changed)", n, lambda: store.upsert(edited))
        _timed("fingerprints", n, store.fingerprints)
        _timed("iter_all (keyset, 1000/page)", n, lambda: sum(1 for _ in store.iter_all()))
        _timed("get_many (all ids)", n, lambda: store.get_many([d.doc_id for d in docs]))
        _timed("delete (all)", n, lambda: store.delete([d.doc_id for d in docs]))
        db.dispose()


if __name__ == "__main__":
    main()
