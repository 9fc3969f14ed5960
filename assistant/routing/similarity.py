"""A small character-bigram TF-IDF vectorizer (sublinear tf, smoothed idf, L2 rows) on scipy only.

Used for function matching and similar items; avoids importing scikit-learn at run time (start-up matters for
batch routing).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix


class BigramTfidf:
    """Fit on a corpus of already normalised texts; transform texts into L2-normalised CSR rows."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.idf = np.zeros(0)

    @staticmethod
    def grams(text: str) -> Counter[str]:
        """Character bigram counts."""
        return Counter(text[i : i + 2] for i in range(len(text) - 1))

    def fit(self, texts: Iterable[str]) -> BigramTfidf:
        """Learn vocabulary and idf."""
        df: Counter[str] = Counter()
        n = 0
        for text in texts:
            df.update(set(self.grams(text)))
            n += 1
        self.vocab = {g: i for i, g in enumerate(sorted(df))}
        self.idf = np.asarray([math.log((1 + n) / (1 + df[g])) + 1.0 for g in sorted(df)])
        return self

    def transform_counts(self, counts: Sequence[dict[str, int]]) -> Any:
        """:meth:`transform` of texts whose bigram counts are already known (one dict per text)."""
        from assistant.routing.features import block_tfidf

        rows = [block_tfidf(c, self.vocab, self.idf) for c in counts]
        indptr = np.cumsum([0, *(len(i) for i, _ in rows)])
        if not rows:
            return csr_matrix((0, len(self.vocab)))
        return csr_matrix((np.concatenate([v for _, v in rows]), np.concatenate([i for i, _ in rows]), indptr),
                          shape=(len(rows), len(self.vocab)))

    def transform(self, raw_documents: Iterable[str]) -> Any:
        """CSR matrix, one L2-normalised row per text (unknown bigrams dropped)."""
        indptr: list[int] = [0]
        indices: list[int] = []
        values: list[float] = []
        for text in raw_documents:
            row_idx, row_val = [], []
            for gram, count in self.grams(text).items():
                j = self.vocab.get(gram)
                if j is not None:
                    row_idx.append(j)
                    row_val.append((1.0 + math.log(count)) * self.idf[j])
            norm = math.sqrt(sum(v * v for v in row_val)) or 1.0
            indices.extend(row_idx)
            values.extend(v / norm for v in row_val)
            indptr.append(len(indices))
        return csr_matrix((values, indices, indptr), shape=(len(indptr) - 1, len(self.vocab)))
