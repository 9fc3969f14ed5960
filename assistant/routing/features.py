"""Text normalisation and domain-classifier features (one code path for training and prediction).

Features: sublinear TF-IDF of character 1–4-grams and of jieba words (dictionary only, no HMM guessing of unknown
words: ~40 % faster and no loss on the dev split), each block L2-normalised, then the two blocks concatenated.
Masked place names (A市, A3区, 西地省) and Guangzhou district names are removed and digits folded, so the model
learns what a text asks about, not where it came from. :func:`analyse` computes a text's pieces once; the router
reuses its character bigrams for function matching and its n-grams for keyword hits.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat

import numpy as np

CHAR_RANGE = (1, 4)
_MASKED_PLACE = re.compile(r"[a-z]\d{0,2}(?:市|区|县)|西地省")
_GZ_PLACE = re.compile(r"广州市?|(?:天河|海珠|越秀|荔湾|白云|黄埔|番禺|花都|南沙|从化|增城)区")
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w")


def normalize(text: str) -> str:
    """NFKC, lower case, places removed, digits → 0, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _MASKED_PLACE.sub("", text)
    text = _GZ_PLACE.sub("", text)
    text = _DIGITS.sub("0", text)
    return _SPACE.sub(" ", text).strip()


@lru_cache(maxsize=1)
def _jieba() -> object:
    """A private jieba tokenizer (not the global one another module may load a user dictionary into)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def words(text: str) -> list[str]:
    """jieba words of an already normalised text (tokens without a letter or digit dropped)."""
    return [w for w in _jieba().lcut(text, HMM=False) if _WORD.search(w)]  # type: ignore[attr-defined]


def char_grams(text: str) -> Counter[str]:
    """Character n-gram counts of an already normalised text."""
    low, high = CHAR_RANGE
    grams: Counter[str] = Counter()
    for n in range(low, high + 1):
        grams.update(text[i : i + n] for i in range(len(text) - n + 1))
    return grams


@dataclass(frozen=True)
class TextFeatures:
    """A text's normalised form, character 1–4-gram counts and word counts (computed once per text)."""

    norm: str
    grams: Counter[str]
    words: Counter[str]

    def bigrams(self) -> dict[str, int]:
        """Character bigram counts."""
        return {g: n for g, n in self.grams.items() if len(g) == 2}

    def contains(self, term: str) -> bool:
        """Whether ``term`` (normalised) occurs in the text (an n-gram lookup for terms up to 4 characters)."""
        return term in self.grams if len(term) <= CHAR_RANGE[1] else term in self.norm


def analyse(text: str) -> TextFeatures:
    """The pieces of a text the router's models use."""
    norm = normalize(text)
    return TextFeatures(norm, char_grams(norm), Counter(words(norm)))


def features(text: str) -> Counter[str]:
    """All raw features of a text: ``c:<gram>`` and ``w:<word>`` counts (the training form)."""
    parts = analyse(text)
    out: Counter[str] = Counter({f"c:{g}": n for g, n in parts.grams.items()})
    out.update({f"w:{w}": n for w, n in parts.words.items()})
    return out


def block_tfidf(counts: dict[str, int], vocab: dict[str, int], idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One L2-normalised block of sublinear TF-IDF values (numpy form of :func:`tfidf` for one block)."""
    n = len(counts)
    ids = np.fromiter(map(vocab.get, counts, repeat(-1)), dtype=np.int64, count=n)
    keep = ids >= 0
    ids = ids[keep]
    if not len(ids):
        return ids, np.zeros(0)
    tf = np.fromiter(counts.values(), dtype=np.float64, count=n)[keep]
    val = (1.0 + np.log(tf)) * idf[ids]
    norm = float(np.sqrt(val @ val))
    return ids, (val / norm if norm > 0 else val)


def tfidf(
    feats: Counter[str], vocab: dict[str, int], idf: Sequence[float] | np.ndarray
) -> tuple[list[int], list[float]]:
    """Sparse (indices, values): sublinear TF-IDF, each block (char / word) L2-normalised separately."""
    blocks: dict[str, tuple[list[int], list[float]]] = {"c": ([], []), "w": ([], [])}
    for feat, count in feats.items():
        index = vocab.get(feat)
        if index is not None:
            idx, val = blocks[feat[0]]
            idx.append(index)
            val.append((1.0 + math.log(count)) * idf[index])
    indices: list[int] = []
    values: list[float] = []
    for idx, val in blocks.values():
        norm = math.sqrt(sum(v * v for v in val))
        if norm > 0:
            indices.extend(idx)
            values.extend(v / norm for v in val)
    return indices, values
