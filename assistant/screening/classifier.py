"""A small, fast, deterministic two-stage linear model: in/out of scope, then which excluded category.

Stage 1 is a binary logistic regression (out of scope vs in scope), stage 2 a multinomial logistic regression
over the eight excluded categories, both on :mod:`assistant.screening.features`. Weights are fitted with
scikit-learn by ``tools/train_screening.py`` and shipped as gzipped JSON (no pickles); prediction needs
only numpy. :func:`fit` is also what the training script calls.
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import ConfigError
from assistant.screening.cues import Cue
from assistant.screening.features import CUE_FEATURES, NGRAM_RANGE, cue_values, ngrams, normalize, tfidf

MODEL_FORMAT = "baixing-screening-model/1"


@dataclass(frozen=True)
class Decision:
    """Decision parameters chosen on the dev split (never on test)."""

    threshold: float = 0.5
    """Out of scope when P(out) ≥ threshold."""
    cue_weight: float = 0.0
    """Weight of the cue category scores added to log P(category)."""
    mixed_override: bool = True
    """A general suggestion turns a grievance into an in-scope text with a warning (unless a decisive cue)."""
    mixed_max_p: float = 1.0
    """…but only while P(out) is below this."""


@dataclass(frozen=True)
class Prediction:
    """Stage outputs for one text."""

    p_out: float
    categories: dict[str, float]


@dataclass
class ScreeningModel:
    """Vocabulary, idf and the weights of both stages."""

    vocab: dict[str, int]
    idf: np.ndarray
    cue_scale: float
    coef1: np.ndarray
    intercept1: float
    classes: tuple[str, ...]
    coef2: np.ndarray
    intercept2: np.ndarray
    decision: Decision = field(default_factory=Decision)
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def n_text(self) -> int:
        """Number of n-gram features."""
        return len(self.vocab)

    def vectorize(self, text: str, cues: Sequence[Cue], general_suggestion: bool) -> tuple[np.ndarray, np.ndarray]:
        """(indices, values) of the full sparse feature vector."""
        indices, values = tfidf(ngrams(normalize(text)), self.vocab, self.idf)
        cue_block = cue_values(cues, general_suggestion)
        for offset, value in enumerate(cue_block):
            if value:
                indices.append(self.n_text + offset)
                values.append(value * self.cue_scale)
        return np.asarray(indices, dtype=np.int64), np.asarray(values, dtype=np.float64)

    def predict(self, text: str, cues: Sequence[Cue], general_suggestion: bool) -> Prediction:
        """P(out of scope) and P(category | out of scope)."""
        idx, val = self.vectorize(text, cues, general_suggestion)
        z1 = float(self.coef1[idx] @ val) + self.intercept1
        p_out = 1.0 / (1.0 + math.exp(-z1)) if z1 > -700 else 0.0
        z2 = self.coef2[:, idx] @ val + self.intercept2
        z2 = np.exp(z2 - z2.max())
        probs = z2 / z2.sum()
        return Prediction(p_out, {c: float(p) for c, p in zip(self.classes, probs, strict=True)})

    # persistence -----------------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """The JSON document written to ``model.json.gz``."""
        vocab = sorted(self.vocab, key=self.vocab.__getitem__)
        return {
            "format": MODEL_FORMAT,
            "ngram_range": list(NGRAM_RANGE),
            "cue_features": list(CUE_FEATURES),
            "cue_scale": self.cue_scale,
            "vocab": vocab,
            "idf": [round(float(v), 5) for v in self.idf],
            "stage1": {"coef": [round(float(v), 5) for v in self.coef1], "intercept": round(self.intercept1, 6)},
            "stage2": {
                "classes": list(self.classes),
                "coef": [[round(float(v), 5) for v in row] for row in self.coef2],
                "intercept": [round(float(v), 6) for v in self.intercept2],
            },
            "decision": {
                "threshold": self.decision.threshold,
                "cue_weight": self.decision.cue_weight,
                "mixed_override": self.decision.mixed_override,
                "mixed_max_p": self.decision.mixed_max_p,
            },
            "info": self.info,
        }

    def save(self, path: Path) -> None:
        """Write gzipped JSON deterministically (no file name or time in the gzip header)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out:
            out.write(data.encode("utf-8"))

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> ScreeningModel:
        """Rebuild from :meth:`to_json` output; refuses documents of another format or feature layout."""
        if doc.get("format") != MODEL_FORMAT:
            raise ValueError(f"unknown model format {doc.get('format')!r}")
        if tuple(doc["cue_features"]) != CUE_FEATURES or tuple(doc["ngram_range"]) != NGRAM_RANGE:
            raise ValueError("model was trained with another feature layout; retrain it")
        vocab = {gram: i for i, gram in enumerate(doc["vocab"])}
        decision = Decision(**doc.get("decision", {}))
        return cls(
            vocab=vocab,
            idf=np.asarray(doc["idf"], dtype=np.float64),
            cue_scale=float(doc["cue_scale"]),
            coef1=np.asarray(doc["stage1"]["coef"], dtype=np.float64),
            intercept1=float(doc["stage1"]["intercept"]),
            classes=tuple(doc["stage2"]["classes"]),
            coef2=np.asarray(doc["stage2"]["coef"], dtype=np.float64),
            intercept2=np.asarray(doc["stage2"]["intercept"], dtype=np.float64),
            decision=decision,
            info=dict(doc.get("info", {})),
        )

    @classmethod
    def load(cls, path: Path) -> ScreeningModel:
        """Read a trained model file (``models/screening.json.gz`` is shipped)."""
        try:
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                return cls.from_json(json.load(handle))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(
                "范围筛查模型文件缺失或已损坏，请重新训练（uv run python tools/train_screening.py）。",
                f"{path}: {exc}",
            ) from exc


# ----------------------------------------------------------------------------------------------------
# Fitting (scikit-learn is imported only here)


@dataclass(frozen=True)
class Example:
    """One labelled training text with its cues already extracted."""

    text: str
    in_scope: bool
    category: str | None
    cues: tuple[Cue, ...]
    general_suggestion: bool


def build_vocab(texts: Sequence[str], min_df: int = 2) -> tuple[dict[str, int], np.ndarray]:
    """Vocabulary (n-grams in ≥ ``min_df`` texts, sorted) and smoothed idf ``ln((1+n)/(1+df)) + 1``."""
    df: dict[str, int] = {}
    for text in texts:
        for gram in ngrams(normalize(text)):
            df[gram] = df.get(gram, 0) + 1
    kept = sorted(g for g, d in df.items() if d >= min_df)
    n = len(texts)
    idf = np.asarray([math.log((1 + n) / (1 + df[g])) + 1.0 for g in kept], dtype=np.float64)
    return {g: i for i, g in enumerate(kept)}, idf


def feature_matrix(examples: Sequence[Example], vocab: dict[str, int], idf: np.ndarray, cue_scale: float) -> Any:
    """CSR matrix of ``examples`` (rows) × (n-grams + cue features)."""
    from scipy.sparse import csr_matrix

    shell = _shell(vocab, idf, cue_scale)
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for r, example in enumerate(examples):
        idx, val = shell.vectorize(example.text, example.cues, example.general_suggestion)
        rows.extend([r] * len(idx))
        cols.extend(idx.tolist())
        vals.extend(val.tolist())
    return csr_matrix((vals, (rows, cols)), shape=(len(examples), len(vocab) + len(CUE_FEATURES)))


def fit_scope(matrix: Any, examples: Sequence[Example], c: float) -> tuple[np.ndarray, float]:
    """Stage 1 weights: out of scope (1) vs in scope (0), class-balanced."""
    from sklearn.linear_model import LogisticRegression

    y = np.asarray([0 if e.in_scope else 1 for e in examples])
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000).fit(matrix, y)
    return model.coef_[0].astype(np.float64), float(model.intercept_[0])


def fit_category(matrix: Any, examples: Sequence[Example], c: float) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """Stage 2 weights over the categories present among the out-of-scope examples, class-balanced."""
    from sklearn.linear_model import LogisticRegression

    from assistant.screening.models import EXCLUSION_CATEGORIES

    rows = [i for i, e in enumerate(examples) if not e.in_scope]
    labels = [examples[i].category for i in rows]
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000).fit(matrix[rows], labels)
    present = tuple(k for k in EXCLUSION_CATEGORIES if k in model.classes_)
    order = [list(model.classes_).index(k) for k in present]
    return present, model.coef_[order].astype(np.float64), model.intercept_[order].astype(np.float64)


def _shell(vocab: dict[str, int], idf: np.ndarray, cue_scale: float) -> ScreeningModel:
    return ScreeningModel(vocab, idf, cue_scale, np.zeros(0), 0.0, (), np.zeros((0, 0)), np.zeros(0))


def fit(
    examples: Sequence[Example],
    *,
    c_scope: float = 16.0,
    c_category: float = 32.0,
    cue_scale: float = 0.25,
    min_df: int = 2,
    decision: Decision | None = None,
) -> ScreeningModel:
    """Fit both stages on ``examples`` (scikit-learn lbfgs, deterministic)."""
    vocab, idf = build_vocab([e.text for e in examples], min_df=min_df)
    matrix = feature_matrix(examples, vocab, idf, cue_scale)
    coef1, intercept1 = fit_scope(matrix, examples, c_scope)
    classes, coef2, intercept2 = fit_category(matrix, examples, c_category)
    return ScreeningModel(
        vocab=vocab,
        idf=idf,
        cue_scale=cue_scale,
        coef1=coef1,
        intercept1=intercept1,
        classes=classes,
        coef2=coef2,
        intercept2=intercept2,
        decision=decision or Decision(),
        info={"c_scope": c_scope, "c_category": c_category, "cue_scale": cue_scale, "min_df": min_df,
              "n_train": len(examples)},
    )
