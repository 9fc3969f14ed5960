"""The router's e5 view of a text: which characters are embedded, and a disk cache of vectors for the tools.

The router embeds the head of an idea once (``query:`` prefix, multilingual-e5-small through
:class:`retrieval.embeddings.E5Embeddings`) and uses that one vector for the domain classifier's semantic head,
the unit classifier's semantic head and the relevance of similar past items. Training embeds its texts the same
way (:func:`semantic_text`), so a head sees at run time what it was fitted on.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

EMBED_CHARS = 128
"""Characters embedded per text. e5 costs ~1 ms of CPU per character on this machine (20 chars ≈ 25 ms, 128 ≈
120 ms, 256 ≈ 190 ms); the topic of an idea is stated in its first sentence or two."""
DIMS = 384
_MASKED_PLACE = re.compile(r"[A-Za-z]\d{0,2}(?:市|区|县)|西地省")
_SPACE = re.compile(r"\s+")


def semantic_text(text: str) -> str:
    """The embedded head of ``text``: NFKC, masked place names (A市, A3区, 西地省) removed, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = _MASKED_PLACE.sub("", text)
    text = _SPACE.sub(" ", text).strip()
    return text[:EMBED_CHARS] or "。"


def text_key(text: str) -> str:
    """A short stable key of a text (vector caches and the shipped unit profile vectors)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


class VectorCache:
    """Query vectors of semantic texts kept in one ``.npz`` (float16 rows keyed by a text hash); for the
    training and calibration tools, which embed thousands of texts once and reuse them."""

    def __init__(self, path: Path, space_id: str) -> None:
        self.path = path
        self.space_id = space_id
        self._rows: dict[str, np.ndarray] = {}
        if path.is_file():
            with np.load(path, allow_pickle=False) as doc:
                if str(doc["space_id"]) == space_id:
                    self._rows = dict(zip(doc["keys"].tolist(), doc["vectors"], strict=True))

    def __len__(self) -> int:
        return len(self._rows)

    def save(self) -> None:
        """Write the cache atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = list(self._rows)
        vectors = np.stack([self._rows[k] for k in keys]) if keys else np.zeros((0, DIMS), dtype=np.float16)
        tmp = self.path.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(tmp, space_id=np.asarray(self.space_id), keys=np.asarray(keys), vectors=vectors)
        os.replace(tmp, self.path)

    def vectors(
        self, texts: Sequence[str], embed: Callable[[list[str]], np.ndarray], batch: int = 16,
        save_every: int = 512, progress: Callable[[int, int], None] | None = None,
    ) -> np.ndarray:
        """float32 unit vectors of ``semantic_text(t)`` for every text, embedding only those not cached."""
        heads = [semantic_text(t) for t in texts]
        keys = [text_key(h) for h in heads]
        missing = list(dict.fromkeys(k for k in keys if k not in self._rows))
        head_of = dict(zip(keys, heads, strict=True))
        done = 0
        for start in range(0, len(missing), batch):
            part = missing[start : start + batch]
            out = embed([head_of[k] for k in part])
            for k, v in zip(part, out, strict=True):
                self._rows[k] = np.asarray(v, dtype=np.float16)
            done += len(part)
            if progress is not None:
                progress(done, len(missing))
            if done % save_every < batch:
                self.save()
        if missing:
            self.save()
        if not keys:
            return np.zeros((0, DIMS), dtype=np.float32)
        out = np.stack([self._rows[k] for k in keys]).astype(np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)


class LazyE5:
    """The bundled e5 engine (:class:`retrieval.embeddings.E5Embeddings`), imported and loaded on first use, so
    that processes which never embed (batch routing) do not pay for importing it (it pulls in chromadb)."""

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads
        self._engine: Any = None

    def engine(self) -> Any:
        """The engine (created on first call)."""
        if self._engine is None:
            from retrieval.embeddings import E5Embeddings

            self._engine = E5Embeddings(threads=self.threads)
        return self._engine

    @property
    def space_id(self) -> str:
        """The engine's vector space id."""
        return str(self.engine().space_id)

    def embed_array(self, texts: Sequence[str], query: bool = False) -> np.ndarray:
        """Vectors of ``texts`` (see :meth:`retrieval.embeddings.E5Embeddings.embed_array`)."""
        return np.asarray(self.engine().embed_array(list(texts), query=query), dtype=np.float32)
