"""Domain classifier: first-level class of the government message taxonomy (a linear SVM on TF-IDF features).

Weights are fitted with scikit-learn by :mod:`assistant.routing.train` and shipped as a compressed ``.npz``
(plain arrays, no pickles); prediction needs only numpy. Scores become probabilities with a softmax whose
temperature was chosen on the dev split.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import ConfigError
from assistant.routing.features import features, tfidf

MODEL_FORMAT = "baixing-domain-model/1"
MODEL_PATH = Path(__file__).resolve().parent / "data" / "domain_model.npz"


@dataclass(frozen=True)
class DomainPrediction:
    """Best class, its probability and all class probabilities (sorted, best first)."""

    label: str
    probability: float
    ranked: list[tuple[str, float]]


@dataclass
class DomainModel:
    """Vocabulary, idf and per-class weights."""

    vocab: dict[str, int]
    idf: np.ndarray
    classes: tuple[str, ...]
    coef: np.ndarray
    intercept: np.ndarray
    temperature: float = 3.0
    info: dict[str, Any] = field(default_factory=dict)

    def vectorize(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(indices, values) of the sparse feature vector."""
        idx, val = tfidf(features(text), self.vocab, self.idf)
        return np.asarray(idx, dtype=np.int64), np.asarray(val, dtype=np.float64)

    def scores(self, text: str) -> np.ndarray:
        """Decision values per class."""
        idx, val = self.vectorize(text)
        return self.coef[:, idx] @ val + self.intercept

    def predict(self, text: str) -> DomainPrediction:
        """The best class and calibrated probabilities."""
        z = self.scores(text) * self.temperature
        z = np.exp(z - z.max())
        probs = z / z.sum()
        order = np.argsort(-probs)
        ranked = [(self.classes[i], float(probs[i])) for i in order]
        return DomainPrediction(ranked[0][0], ranked[0][1], ranked)

    def predict_labels(self, texts: Sequence[str]) -> list[str]:
        """Best class per text."""
        return [self.classes[int(np.argmax(self.scores(t)))] for t in texts]

    # persistence -----------------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """Write a compressed npz of plain arrays (float16 weights)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        vocab = sorted(self.vocab, key=self.vocab.__getitem__)
        np.savez_compressed(
            path,
            format=np.asarray(MODEL_FORMAT),
            vocab=np.asarray(vocab),
            idf=self.idf.astype(np.float32),
            classes=np.asarray(self.classes),
            coef=self.coef.astype(np.float16),
            intercept=self.intercept.astype(np.float64),
            temperature=np.asarray(self.temperature),
            info=np.asarray(repr(sorted(self.info.items()))),
        )

    @classmethod
    def load(cls, path: Path | None = None) -> DomainModel:
        """Read the shipped (or given) model."""
        path = path or MODEL_PATH
        try:
            with np.load(path, allow_pickle=False) as doc:
                if str(doc["format"]) != MODEL_FORMAT:
                    raise ValueError(f"unknown model format {doc['format']!r}")
                vocab = {str(g): i for i, g in enumerate(doc["vocab"].tolist())}
                return cls(
                    vocab=vocab,
                    idf=doc["idf"].astype(np.float64),
                    classes=tuple(str(c) for c in doc["classes"].tolist()),
                    coef=doc["coef"].astype(np.float32),
                    intercept=doc["intercept"].astype(np.float64),
                    temperature=float(doc["temperature"]),
                    info={"summary": str(doc["info"])},
                )
        except (OSError, ValueError, KeyError) as exc:
            raise ConfigError(
                "领域分类模型文件缺失或已损坏，请重新训练（uv run python -m assistant.routing.train）。",
                f"{path}: {exc}",
            ) from exc


# ----------------------------------------------------------------------------------------------------
# Fitting (scikit-learn is imported only here)


def build_vocab(texts: Sequence[str], min_df: int = 2) -> tuple[dict[str, int], np.ndarray, list[Any]]:
    """Vocabulary (features in ≥ ``min_df`` texts), smoothed idf, and the raw feature counts per text."""
    raw = [features(t) for t in texts]
    df: dict[str, int] = {}
    for feats in raw:
        for f in feats:
            df[f] = df.get(f, 0) + 1
    kept = sorted(f for f, d in df.items() if d >= min_df)
    n = len(texts)
    idf = np.asarray([math.log((1 + n) / (1 + df[f])) + 1.0 for f in kept], dtype=np.float64)
    return {f: i for i, f in enumerate(kept)}, idf, raw


def matrix(raw: Sequence[Any], vocab: dict[str, int], idf: np.ndarray) -> Any:
    """CSR matrix of raw feature counts → TF-IDF rows."""
    from scipy.sparse import csr_matrix

    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for r, feats in enumerate(raw):
        idx, val = tfidf(feats, vocab, idf)
        rows.extend([r] * len(idx))
        cols.extend(idx)
        vals.extend(val)
    return csr_matrix((vals, (rows, cols)), shape=(len(raw), len(vocab)))


def fit(texts: Sequence[str], labels: Sequence[str], c: float = 0.5, min_df: int = 2) -> DomainModel:
    """Fit a class-balanced LinearSVC (deterministic) and return the numpy model."""
    from sklearn.svm import LinearSVC

    vocab, idf, raw = build_vocab(texts, min_df=min_df)
    x = matrix(raw, vocab, idf)
    svc = LinearSVC(C=c, class_weight="balanced", random_state=0).fit(x, list(labels))
    coef, intercept = svc.coef_.astype(np.float64), svc.intercept_.astype(np.float64)
    if len(svc.classes_) == 2:  # binary: one row for the second class; make it one row per class
        coef, intercept = np.vstack([-coef, coef]) / 2, np.concatenate([-intercept, intercept]) / 2
    return DomainModel(
        vocab=vocab,
        idf=idf,
        classes=tuple(str(k) for k in svc.classes_),
        coef=coef,
        intercept=intercept,
        info={"c": c, "min_df": min_df, "n_train": len(texts)},
    )
