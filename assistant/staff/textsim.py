"""Near-duplicate detection: character-bigram Jaccard similarity over sparse sets, and union-find clusters.

Two texts are near duplicates when the Jaccard similarity of their character-bigram sets (after NFKC, lower
case, punctuation and whitespace removed) reaches :data:`DUPLICATE_THRESHOLD`. The threshold was chosen by
``python tools/calibrate_duplicates.py`` on the labelled near-duplicate pairs of
``evals/retrieval/near_duplicates.jsonl`` (see ``docs/staff.md``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix

DUPLICATE_THRESHOLD = 0.7
"""Jaccard at or above which two texts are near duplicates (chosen on labelled pairs; see module docstring)."""
MAX_CHARS = 1500
"""Only the beginning of a long text is compared (reposts differ, if at all, in greetings and endings)."""
CHUNK_ROWS = 256

_NON_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """NFKC, lower case, everything but letters and digits removed, cut to :data:`MAX_CHARS`."""
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", text)).lower()[:MAX_CHARS]


def bigrams(text: str) -> set[str]:
    """Character bigrams of the normalised text (the single character for one-character texts)."""
    norm = normalise(text)
    if len(norm) < 2:
        return {norm} if norm else set()
    return {norm[i : i + 2] for i in range(len(norm) - 1)}


def jaccard(a: str, b: str) -> float:
    """Jaccard similarity of the bigram sets of two texts."""
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / len(x | y)


@dataclass
class BigramSets:
    """Binary bigram matrix of many texts (rows) over a shared, growing vocabulary."""

    vocab: dict[str, int] = field(default_factory=dict)

    def matrix(self, texts: Sequence[str], grow: bool = True) -> tuple[csr_matrix, np.ndarray]:
        """(rows × vocab binary matrix, set sizes). Unknown bigrams count in the sizes; ``grow`` adds them."""
        indptr, indices, sizes = [0], [], []
        for text in texts:
            grams = bigrams(text)
            sizes.append(len(grams))
            for g in grams:
                j = self.vocab.get(g)
                if j is None and grow:
                    j = self.vocab[g] = len(self.vocab)
                if j is not None:
                    indices.append(j)
            indptr.append(len(indices))
        data = np.ones(len(indices), dtype=np.int32)
        shape = (len(texts), len(self.vocab))
        m = csr_matrix((data, np.asarray(indices, dtype=np.int64), np.asarray(indptr)), shape=shape)
        return m, np.asarray(sizes, dtype=np.int64)


def _widen(m: csr_matrix, cols: int) -> csr_matrix:
    return csr_matrix((m.data, m.indices, m.indptr), shape=(m.shape[0], cols))


def similar_pairs(
    left: csr_matrix,
    left_sizes: np.ndarray,
    right: csr_matrix,
    right_sizes: np.ndarray,
    threshold: float,
    same: bool = False,
) -> list[tuple[int, int, float]]:
    """(i, j, jaccard) for rows i of ``left`` and j of ``right`` with jaccard ≥ threshold (i < j when ``same``)."""
    cols = max(left.shape[1], right.shape[1])
    left, right = _widen(left, cols), _widen(right, cols)
    right_t = right.T.tocsr()
    out: list[tuple[int, int, float]] = []
    for start in range(0, left.shape[0], CHUNK_ROWS):
        block = left[start : start + CHUNK_ROWS]
        inter = (block @ right_t).toarray()
        union = left_sizes[start : start + CHUNK_ROWS, None] + right_sizes[None, :] - inter
        with np.errstate(divide="ignore", invalid="ignore"):
            sim = np.where(union > 0, inter / np.maximum(union, 1), 0.0)
        rows, cols_hit = np.nonzero(sim >= threshold)
        for r, c in zip(rows.tolist(), cols_hit.tolist(), strict=True):
            i = start + r
            if same and c <= i:
                continue
            out.append((i, c, float(sim[r, c])))
    return out


class UnionFind:
    """Disjoint sets over 0..n-1."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self, members: Iterable[int] | None = None) -> list[list[int]]:
        """Sets with at least two members, each sorted, in order of their smallest member."""
        found: dict[int, list[int]] = {}
        for x in members if members is not None else range(len(self.parent)):
            found.setdefault(self.find(x), []).append(x)
        return sorted((sorted(g) for g in found.values() if len(g) > 1), key=lambda g: g[0])
