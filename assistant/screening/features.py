"""Text normalisation and features shared by training and prediction (one code path, so they cannot drift).

Features: TF-IDF of character 1–3-grams (sublinear tf, smoothed idf, L2-normalised) of the normalised text,
plus one value per cue kind (``min(count, 3) / 3``) and a flag for a general suggestion sentence. Place
names (the masked ``A市``/``A3区``/``西地省`` of the Teddy data, Guangzhou districts) and digits are masked so
the model cannot learn where a text came from instead of what it asks.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

import numpy as np

from assistant.screening.cues import KINDS, Cue, counts

NGRAM_RANGE = (1, 3)
CUE_FEATURES: tuple[str, ...] = (*(f"cue:{k}" for k in KINDS), "cue:general_suggestion")

_MASKED_PLACE = re.compile(r"[A-Z]\d{0,2}(?:市|区|县)|西地省")
_GZ_PLACE = re.compile(r"广州市?|(?:天河|海珠|越秀|荔湾|白云|黄埔|番禺|花都|南沙|从化|增城)区?")
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """NFKC, lower case, places → 某地, digits → 0, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = _MASKED_PLACE.sub("某地", text)
    text = _GZ_PLACE.sub("某地", text)
    text = _DIGITS.sub("0", text.lower())
    return _SPACE.sub(" ", text).strip()


def ngrams(text: str) -> Counter[str]:
    """Character n-gram counts of an already normalised text."""
    low, high = NGRAM_RANGE
    grams: Counter[str] = Counter()
    for n in range(low, high + 1):
        grams.update(text[i : i + n] for i in range(len(text) - n + 1))
    return grams


def cue_values(cues: Sequence[Cue], general_suggestion: bool) -> list[float]:
    """The cue block of the feature vector, in :data:`CUE_FEATURES` order."""
    found = counts(cues)
    return [min(found.get(k, 0), 3) / 3 for k in KINDS] + [1.0 if general_suggestion else 0.0]


def tfidf(
    grams: Counter[str], vocab: dict[str, int], idf: Sequence[float] | np.ndarray
) -> tuple[list[int], list[float]]:
    """Sparse (indices, values) of the L2-normalised sublinear TF-IDF vector (unknown n-grams dropped)."""
    indices: list[int] = []
    values: list[float] = []
    for gram, count in grams.items():
        index = vocab.get(gram)
        if index is not None:
            indices.append(index)
            values.append((1.0 + math.log(count)) * idf[index])
    norm = math.sqrt(sum(v * v for v in values))
    if norm > 0:
        values = [v / norm for v in values]
    return indices, values
