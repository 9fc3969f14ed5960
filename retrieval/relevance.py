"""The relevance floor: is a hit about the same thing as the query, or merely the best of nothing?

e5-small's cosines are compressed (an unrelated message often scores 0.87–0.90, a paraphrase 0.90–0.93), so
the cosine alone cannot say "nothing similar". A logistic model over four signals can:

- ``cosine`` of query and passage vectors;
- ``margin``: the cosine minus the query's background (mean cosine of the semantic candidates ranked 10–50);
- ``words``: share of the query's IDF mass (word BM25 terms) the document contains;
- ``chars``: the same for character bigrams.

Coefficients were fitted on the tuning half of ``evals/retrieval`` (``bench/tune_retrieval.py --fit``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

FEATURES: tuple[str, ...] = ("cosine", "margin", "words", "chars")
BACKGROUND_RANKS = (10, 50)
"""Semantic candidates (1-based ranks, inclusive start) whose mean cosine is a query's background."""


def background(cosines: Sequence[float]) -> float:
    """Mean cosine of the candidates at the background ranks (of all of them when there are fewer)."""
    lo, hi = BACKGROUND_RANKS
    tail = list(cosines[lo - 1 : hi]) or list(cosines)
    return sum(tail) / len(tail) if tail else 0.0


@dataclass(frozen=True)
class RelevanceModel:
    """``P(relevant) = sigmoid(intercept + sum(weight_f * feature_f))``."""

    intercept: float = -86.21
    cosine: float = 93.01
    margin: float = 4.21
    words: float = 2.29
    chars: float = 8.27

    def probability(self, cosine: float, margin: float, words: float, chars: float) -> float:
        """Probability that a hit with these signals is relevant."""
        z = self.intercept + self.cosine * cosine + self.margin * margin + self.words * words + self.chars * chars
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))
