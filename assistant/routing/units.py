"""The unit classifier: which catalogue unit's counterpart answered texts like this one in the past.

Fitted by ``tools/train_routing.py`` on the answered past items whose reply names an answering department
(weak labels, :mod:`assistant.routing.replies`), over the domain model's n-gram features (the same vocabulary,
so a text is vectorised once for both) and, optionally, a semantic head on the text's e5 vector. Classes are
unit *names*, so a staff edit of the catalogue keeps the model usable (units it does not know score 0).
Shipped as ``models/unit_model.npz`` (plain arrays, no pickles).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import ConfigError
from assistant.routing.domain import SemanticHead

MODEL_FORMAT = "baixing-unit-model/1"
UNIT_MODEL_FILE = "unit_model.npz"


def vocab_digest(vocab: dict[str, int]) -> str:
    """A short fingerprint of a feature vocabulary (the unit model must match the domain model's)."""
    import hashlib

    h = hashlib.sha1()
    for feature in sorted(vocab, key=vocab.__getitem__):
        h.update(feature.encode("utf-8") + b"\x1f")
    return h.hexdigest()[:16]


@dataclass
class UnitModel:
    """Linear unit scores over selected global feature columns ``cols`` (+ an optional semantic head)."""

    classes: tuple[str, ...]
    cols: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    temperature: float
    vocab_digest: str
    semantic: SemanticHead | None = None
    info: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._weights = np.ascontiguousarray(self.coef.T)  # column-major: a text's features are a row gather

    def gather(self, idx: np.ndarray, val: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The positions (in ``cols``) and values of a text's features that the model uses."""
        if len(self.cols) == 0 or len(idx) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        pos = np.minimum(np.searchsorted(self.cols, idx), len(self.cols) - 1)
        hit = self.cols[pos] == idx
        return pos[hit], val[hit]

    def scores(self, idx: np.ndarray, val: np.ndarray, vector: np.ndarray | None = None) -> np.ndarray:
        """Decision values per class of one text's domain-model features (and e5 vector)."""
        pos, v = self.gather(idx, val)
        z = v @ self._weights[pos] + self.intercept
        if vector is not None and self.semantic is not None:
            z = z + self.semantic.weight * self.semantic.scores(vector)
        return z

    def probabilities(self, idx: np.ndarray, val: np.ndarray, vector: np.ndarray | None = None) -> np.ndarray:
        """Class probabilities (softmax with the temperature of the form in use)."""
        temp = self.semantic.temperature if vector is not None and self.semantic is not None else self.temperature
        z = self.scores(idx, val, vector) * temp
        z = np.exp(z - z.max())
        return z / z.sum()

    def save(self, path: Path) -> None:
        """Write a compressed npz of plain arrays (float16 weights)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, np.ndarray] = {
            "format": np.asarray(MODEL_FORMAT), "classes": np.asarray(self.classes),
            "cols": self.cols.astype(np.int32), "coef": self.coef.astype(np.float16),
            "intercept": self.intercept.astype(np.float64), "temperature": np.asarray(self.temperature),
            "vocab_digest": np.asarray(self.vocab_digest), "info": np.asarray(repr(sorted(self.info.items()))),
        }
        if self.semantic is not None:
            arrays.update(self.semantic.arrays())
        np.savez_compressed(path, **arrays)  # type: ignore[arg-type]

    @classmethod
    def load(cls, path: Path) -> UnitModel:
        """Read a trained model."""
        try:
            with np.load(path, allow_pickle=False) as doc:
                if str(doc["format"]) != MODEL_FORMAT:
                    raise ValueError(f"unknown model format {doc['format']!r}")
                semantic = SemanticHead.from_arrays(doc)
                return cls(
                    classes=tuple(str(c) for c in doc["classes"].tolist()),
                    cols=doc["cols"].astype(np.int64), coef=doc["coef"].astype(np.float32),
                    intercept=doc["intercept"].astype(np.float64), temperature=float(doc["temperature"]),
                    vocab_digest=str(doc["vocab_digest"]), semantic=semantic, info={"summary": str(doc["info"])},
                )
        except (OSError, ValueError, KeyError) as exc:
            raise ConfigError(
                "承办单位分类模型文件缺失或已损坏，请重新训练（uv run python tools/train_routing.py）。",
                f"{path}: {exc}",
            ) from exc


def fit_units(x: Any, labels: list[str], c: float = 0.5, min_df: int = 2) -> tuple[list[str], np.ndarray, np.ndarray,
                                                                                      np.ndarray]:
    """A class-balanced LinearSVC over the columns used by ≥ ``min_df`` rows of the TF-IDF matrix ``x``:
    (classes, cols, coef, intercept)."""
    from sklearn.svm import LinearSVC

    x = x.tocsc()
    df = np.asarray((x > 0).sum(axis=0)).ravel()
    cols = np.flatnonzero(df >= min_df)
    svc = LinearSVC(C=c, class_weight="balanced", random_state=0, max_iter=5000)
    svc.fit(x[:, cols].tocsr(), labels)
    return [str(k) for k in svc.classes_], cols, svc.coef_.astype(np.float64), svc.intercept_.astype(np.float64)
