"""Tokenise large batches in worker processes so jieba runs on every core while the parent writes vectors."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from retrieval.tokenizer import Analysis, ChineseTokenizer

MIN_PARALLEL_DOCS = 1000
"""Below this many documents, spawning workers costs more than it saves."""

_worker_tokenizer: ChineseTokenizer | None = None


def _init_worker(userdict: Path | None, stopwords: Path | None, cache_dir: Path, hmm: bool) -> None:
    global _worker_tokenizer
    _worker_tokenizer = ChineseTokenizer(userdict, stopwords, cache_dir=cache_dir, hmm=hmm)
    _worker_tokenizer.warm_up()


def _analyse_chunk(texts: list[str]) -> list[Analysis]:
    assert _worker_tokenizer is not None, "worker not initialised"
    return [_worker_tokenizer.analyse(text) for text in texts]


class BatchAnalyser:
    """``submit(texts)`` returns a future of analyses; in-process for small jobs, worker processes for large ones.

    Workers are started with ``spawn`` (safe in a multi-threaded server) and rebuild the same tokenizer
    from its dictionary paths, so their output is identical to the parent's.
    """

    def __init__(self, tokenizer: ChineseTokenizer, total_docs: int, workers: int | None = None) -> None:
        self._tokenizer = tokenizer
        count = workers if workers is not None else (os.cpu_count() or 1)
        self._pool: ProcessPoolExecutor | None = None
        if count > 1 and total_docs >= MIN_PARALLEL_DOCS:
            self._pool = ProcessPoolExecutor(
                max_workers=count,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=tokenizer.worker_args(),
            )
        self._workers = count

    def submit(self, texts: Sequence[str]) -> Future[list[Analysis]]:
        """Analyse ``texts`` (order kept)."""
        if self._pool is None:
            done: Future[list[Analysis]] = Future()
            done.set_result([self._tokenizer.analyse(t) for t in texts])
            return done
        size = max(1, -(-len(texts) // self._workers))
        parts = [self._pool.submit(_analyse_chunk, list(texts[i : i + size])) for i in range(0, len(texts), size)]
        merged: Future[list[Analysis]] = Future()

        def _collect(_: object) -> None:
            if all(p.done() for p in parts) and not merged.done():
                try:
                    merged.set_result([a for p in parts for a in p.result()])
                except Exception as exc:  # surface worker errors to the caller
                    merged.set_exception(exc)

        for part in parts:
            part.add_done_callback(_collect)
        return merged

    def close(self) -> None:
        """Stop the workers."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> BatchAnalyser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
