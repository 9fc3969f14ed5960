"""Text normalisation and domain-classifier features (one code path for training and prediction).

Features: sublinear TF-IDF of character 1–4-grams and of jieba words, each block L2-normalised, then the two
blocks concatenated. Masked place names (A市, A3区, 西地省) and Guangzhou district names are removed and digits
folded, so the model learns what a text asks about, not where it came from.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

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
    return [w for w in _jieba().lcut(text) if _WORD.search(w)]  # type: ignore[attr-defined]


def char_grams(text: str) -> Counter[str]:
    """Character n-gram counts of an already normalised text."""
    low, high = CHAR_RANGE
    grams: Counter[str] = Counter()
    for n in range(low, high + 1):
        grams.update(text[i : i + n] for i in range(len(text) - n + 1))
    return grams


def features(text: str) -> Counter[str]:
    """All raw features of a text: ``c:<gram>`` and ``w:<word>`` counts."""
    norm = normalize(text)
    out: Counter[str] = Counter({f"c:{g}": n for g, n in char_grams(norm).items()})
    out.update(f"w:{w}" for w in words(norm))
    return out


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
