"""The fitted bigram vectorizer and the past-item matrix, cached on disk so batch routing starts fast.

Fitting the vectorizer on ~2,600 answered past items plus the unit profiles and transforming the items takes a
few seconds; the result only depends on the items file and the units' profile texts, so it is stored as plain
arrays in ``<data_dir>/cache/router-items-<digest>.npz`` (no pickles) and rebuilt when either changes.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix

from assistant.routing.catalogue import Catalogue
from assistant.routing.features import normalize
from assistant.routing.items import ItemIndex, item_text
from assistant.routing.similarity import BigramTfidf

log = logging.getLogger("assistant.routing")
CACHE_FORMAT = "baixing-router-items/1"


def _digest(items_path: Path, profiles: Sequence[str]) -> str:
    h = hashlib.sha256(CACHE_FORMAT.encode())
    h.update(items_path.read_bytes() if items_path.is_file() else b"")
    h.update("\x1f".join(profiles).encode("utf-8"))
    return h.hexdigest()[:20]


def _fit(rows: Sequence[dict[str, Any]], profiles: list[str]) -> tuple[BigramTfidf, Any]:
    texts = [item_text(r) for r in rows]
    vectorizer = BigramTfidf().fit(texts + profiles)
    return vectorizer, vectorizer.transform(texts)


def _save(path: Path, vectorizer: BigramTfidf, matrix: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    vocab = sorted(vectorizer.vocab, key=vectorizer.vocab.__getitem__)
    tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
    np.savez(tmp, format=np.asarray(CACHE_FORMAT), vocab=np.asarray(vocab), idf=vectorizer.idf,
             data=matrix.data, indices=matrix.indices, indptr=matrix.indptr, shape=np.asarray(matrix.shape))
    os.replace(tmp, path)


def _load(path: Path) -> tuple[BigramTfidf, Any]:
    with np.load(path, allow_pickle=False) as doc:
        if str(doc["format"]) != CACHE_FORMAT:
            raise ValueError("unknown cache format")
        vectorizer = BigramTfidf()
        vectorizer.vocab = {str(g): i for i, g in enumerate(doc["vocab"].tolist())}
        vectorizer.idf = doc["idf"]
        matrix = csr_matrix((doc["data"], doc["indices"], doc["indptr"]), shape=tuple(doc["shape"].tolist()))
    return vectorizer, matrix


def fitted_items(
    rows: Sequence[dict[str, Any]], catalogue: Catalogue, items_path: Path | None, cache_dir: Path | None = None,
) -> tuple[BigramTfidf, ItemIndex | None]:
    """The vectorizer (fitted on items + unit profiles) and the item index, from the cache when it is current."""
    profiles = [normalize(u.profile()) for u in catalogue.units]
    if not rows or items_path is None:
        return BigramTfidf().fit(profiles), None
    path = cache_dir / f"router-items-{_digest(items_path, profiles)}.npz" if cache_dir else None
    fitted = None
    if path is not None and path.is_file():
        try:
            fitted = _load(path)
        except (OSError, ValueError, KeyError) as exc:
            log.warning("router cache %s unusable (%s); rebuilding", path, exc)
    if fitted is None:
        fitted = _fit(rows, profiles)
        if path is not None:
            try:
                _save(path, *fitted)
            except OSError as exc:
                log.warning("could not write router cache %s (%s)", path, exc)
    vectorizer, matrix = fitted
    return vectorizer, ItemIndex(vectorizer, rows, catalogue, matrix=matrix)
