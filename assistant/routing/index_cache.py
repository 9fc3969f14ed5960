"""What the router derives from the past items, cached on disk so routing starts fast.

- the bigram vectorizer of function matching (fitted on the answered items plus the unit profiles), in
  ``<cache_dir>/router-items-<digest>.npz``: needed by every route, built at start-up;
- the item index of the votes (:class:`assistant.routing.items.ItemIndex`: shipped e5 passage vectors, the word
  terms and bigrams of every answered item), in ``<cache_dir>/router-votes-<digest>.npz``: needed only when an
  idea has an e5 vector, built on first use (tokenising ~2,600 replies takes a few seconds).

Both are plain arrays (no pickles) keyed by a digest of their inputs and rebuilt when those change.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix

from assistant.routing.catalogue import Catalogue
from assistant.routing.features import normalize
from assistant.routing.items import ItemIndex, ItemTerms, analyser, item_text, passage_vectors
from assistant.routing.replies import ReplyLabeller
from assistant.routing.similarity import BigramTfidf

log = logging.getLogger("assistant.routing")
CACHE_FORMAT = "baixing-router-items/2"
VOTES_FORMAT = "baixing-router-votes/1"


def _digest(fmt: str, items_path: Path, parts: Sequence[str]) -> str:
    h = hashlib.sha256(fmt.encode())
    h.update(items_path.read_bytes() if items_path.is_file() else b"")
    h.update("\x1f".join(parts).encode("utf-8"))
    return h.hexdigest()[:20]


def _save(path: Path, arrays: dict[str, np.ndarray]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(tmp, **arrays)  # type: ignore[arg-type]
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("could not write router cache %s (%s)", path, exc)


def _cached(path: Path | None, fmt: str, build: Callable[[], dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The arrays in ``path`` when it holds format ``fmt``; otherwise built (and written when ``path`` is set)."""
    if path is not None and path.is_file():
        try:
            with np.load(path, allow_pickle=False) as doc:
                if str(doc["format"]) == fmt:
                    return {k: doc[k] for k in doc.files}
        except (OSError, ValueError, KeyError) as exc:
            log.warning("router cache %s unusable (%s); rebuilding", path, exc)
    arrays = {"format": np.asarray(fmt), **build()}
    if path is not None:
        _save(path, arrays)
    return arrays


def fitted_vectorizer(
    rows: Sequence[dict[str, Any]], catalogue: Catalogue, items_path: Path | None, cache_dir: Path | None = None,
) -> BigramTfidf:
    """The bigram vectorizer of function matching (fitted on the items and the unit profiles)."""
    profiles = [normalize(u.profile()) for u in catalogue.units]
    if not rows or items_path is None:
        return BigramTfidf().fit(profiles)
    path = cache_dir / f"router-items-{_digest(CACHE_FORMAT, items_path, profiles)}.npz" if cache_dir else None

    def build() -> dict[str, np.ndarray]:
        vectorizer = BigramTfidf().fit([item_text(r) for r in rows] + profiles)
        vocab = sorted(vectorizer.vocab, key=vectorizer.vocab.__getitem__)
        return {"vocab": np.asarray(vocab), "idf": vectorizer.idf}

    arrays = _cached(path, CACHE_FORMAT, build)
    vectorizer = BigramTfidf()
    vectorizer.vocab = {str(g): i for i, g in enumerate(arrays["vocab"].tolist())}
    vectorizer.idf = arrays["idf"]
    return vectorizer


def vote_index(
    rows: Sequence[dict[str, Any]], catalogue: Catalogue, items_path: Path, space_id: str,
    cache_dir: Path | None = None,
) -> ItemIndex:
    """The item index of the votes (answering departments mapped to ``catalogue``)."""
    analyse = analyser()
    path = cache_dir / f"router-votes-{_digest(VOTES_FORMAT, items_path, [space_id])}.npz" if cache_dir else None

    def build() -> dict[str, np.ndarray]:
        terms = ItemTerms.build([analyse(f"{r['title']}\n{r.get('text') or ''}") for r in rows])
        vocab = sorted(terms.vocab, key=terms.vocab.__getitem__)
        m = terms.matrix
        return {"vectors": passage_vectors(rows, space_id).astype(np.float16), "vocab": np.asarray(vocab),
                "indices": m.indices.astype(np.int32), "indptr": m.indptr.astype(np.int64), "df": terms.df,
                "ids": np.asarray([str(r["id"]) for r in rows])}

    arrays = _cached(path, VOTES_FORMAT, build)
    if arrays["ids"].tolist() != [str(r["id"]) for r in rows]:  # a stale file under a colliding name
        arrays = _cached(None, VOTES_FORMAT, build)
    vocab = {str(k): i for i, k in enumerate(arrays["vocab"].tolist())}
    matrix = csr_matrix((np.ones(len(arrays["indices"]), dtype=np.int8), arrays["indices"], arrays["indptr"]),
                        shape=(len(rows), len(vocab)))
    labels = ReplyLabeller(catalogue).labels(list(rows))
    return ItemIndex(rows, labels, arrays["vectors"].astype(np.float32), ItemTerms(vocab, matrix, arrays["df"]),
                     analyse)
