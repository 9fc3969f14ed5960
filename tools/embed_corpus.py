"""Regenerate the shipped passage vectors (``corpus/data/vectors-e5.npz``) for the shipped corpus.

    uv run python tools/embed_corpus.py [--corpus corpus] [--workers 2]

Deterministic: the engine gives identical vectors for the same passage whatever the thread count, rows
follow the corpus files' order, and vectors already in the file whose passage hash still matches are kept
(only new or changed passages are embedded).
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from tqdm import tqdm

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from retrieval.embeddings import E5Embeddings, passage_hash, passage_text  # noqa: E402
from retrieval.shipped import load_shipped_documents, shipped_data_dir  # noqa: E402
from retrieval.shipped_vectors import VECTORS_FILE, ShippedVectors, quantise  # noqa: E402

_worker: E5Embeddings | None = None


def _init() -> None:
    global _worker
    _worker = E5Embeddings(threads=1)
    _worker.model()


def _embed(texts: list[str]) -> np.ndarray:
    assert _worker is not None
    return _worker.embed_array(texts)


def embed_passages(texts: list[str], workers: int, chunk: int = 16) -> np.ndarray:
    """Embed passages in ``workers`` single-threaded processes (in-process for one worker), order kept."""
    parts = [texts[i : i + chunk] for i in range(0, len(texts), chunk)]
    out: list[np.ndarray] = []
    with tqdm(total=len(texts), desc="embedding", unit="passage") as bar:
        if workers <= 1:
            _init()
            for part in parts:
                out.append(_embed(part))
                bar.update(len(part))
        else:
            ctx = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init) as pool:
                for part, vecs in zip(parts, pool.map(_embed, parts), strict=True):
                    out.append(vecs)
                    bar.update(len(part))
    return np.concatenate(out) if out else np.zeros((0, E5Embeddings.dims), dtype=np.float32)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO / "corpus")
    parser.add_argument("--workers", type=int, default=2, help="single-threaded embedding processes")
    parser.add_argument("--kinds", default="item,policy")
    parser.add_argument("--limit", type=int, default=0, help="embed at most this many new passages (0: all)")
    args = parser.parse_args(argv)

    space_id = E5Embeddings().space_id
    out_path = shipped_data_dir(args.corpus) / VECTORS_FILE
    old = ShippedVectors.load(out_path) if out_path.exists() else ShippedVectors.empty(space_id)
    if old.space_id != space_id:
        old = ShippedVectors.empty(space_id)
    old_rows = {h: i for i, h in enumerate(old.hashes.tolist())}

    ids: list[str] = []
    hashes: list[str] = []
    texts: list[str] = []
    for doc in load_shipped_documents(args.corpus, kinds=tuple(args.kinds.split(","))):  # type: ignore[arg-type]
        text = passage_text(doc)
        ids.append(doc.doc_id)
        hashes.append(passage_hash(space_id, text))
        texts.append(text)
    todo = [i for i, h in enumerate(hashes) if h not in old_rows]
    kept = len(ids) - len(todo)
    if args.limit:
        todo = todo[: args.limit]
    print(f"{len(ids)} passages, {kept} kept from {out_path.name}, {len(todo)} to embed")
    started = time.perf_counter()
    fresh = embed_passages([texts[i] for i in todo], args.workers)
    seconds = time.perf_counter() - started
    if todo:
        print(f"embedded {len(todo)} in {seconds:.1f} s ({1000 * seconds / len(todo):.1f} ms/passage)")

    dims = E5Embeddings.dims
    codes = np.zeros((len(ids), dims), dtype=np.int8)
    scales = np.zeros(len(ids), dtype=np.float32)
    keep = np.zeros(len(ids), dtype=bool)
    for i, h in enumerate(hashes):  # kept rows are copied as stored, so a re-run changes nothing
        row = old_rows.get(h)
        if row is not None:
            codes[i], scales[i], keep[i] = old.codes[row], old.scales[row], True
    new_codes, new_scales = quantise(fresh)
    for j, i in enumerate(todo):
        codes[i], scales[i], keep[i] = new_codes[j], new_scales[j], True
    rows = np.flatnonzero(keep)
    shipped = ShippedVectors(
        space_id,
        np.array([ids[i] for i in rows], dtype=str),
        np.array([hashes[i] for i in rows], dtype="U16"),
        codes[rows],
        scales[rows],
    )
    shipped.save(out_path)
    print(f"wrote {len(rows)} vectors to {out_path} ({out_path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
