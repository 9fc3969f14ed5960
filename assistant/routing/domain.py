"""Domain classifier: first-level class of the government message taxonomy (a linear SVM on TF-IDF features,
blended with a linear head on the text's e5 vector when one is given), plus an optional second-level class under
the chosen first level.

Weights are fitted with scikit-learn by ``tools/train_routing.py`` and shipped as a compressed ``.npz``
(plain arrays, no pickles); prediction needs only numpy. Decision values are ``ngram + sem_weight · semantic``
(the semantic term only when the caller passes the e5 vector of :func:`assistant.routing.semantic.semantic_text`);
they become probabilities with a softmax whose temperature (one per form) was chosen on the dev split. Without a
vector the model is the n-gram SVM alone — what batch routing uses, since embedding costs ~100 ms per text.
The second level is a smaller linear model over a subset of the n-gram features; it is reported only when its
probability (softmax over the level-2 classes of the chosen first level) reaches the threshold stored with it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import ConfigError
from assistant.routing.features import TextFeatures, analyse, block_tfidf, features, tfidf

MODEL_FORMAT = "baixing-domain-model/3"
READABLE_FORMATS = ("baixing-domain-model/2", MODEL_FORMAT)


@dataclass(frozen=True)
class DomainPrediction:
    """Best class, its probability, all class probabilities (sorted, best first) and, when confident, the
    second-level class under the best class with its probability (both ``None`` when unsure)."""

    label: str
    probability: float
    ranked: list[tuple[str, float]]
    level2: str | None = None
    level2_probability: float | None = None


def _softmax(z: np.ndarray) -> np.ndarray:
    z = np.exp(z - z.max())
    return z / z.sum()


@dataclass
class Level2Model:
    """Second-level classes as ``(level1, level2)`` pairs; weights over the global feature columns ``cols``."""

    cols: np.ndarray
    """Sorted global feature indices the level-2 weights use."""
    classes: tuple[tuple[str, str], ...]
    coef: np.ndarray
    intercept: np.ndarray
    temperature: float = 1.0
    threshold: float = 0.5

    def __post_init__(self) -> None:
        rows: dict[str, list[int]] = {}
        for i, (level1, _) in enumerate(self.classes):
            rows.setdefault(level1, []).append(i)
        # per first level: class rows, transposed weights (feature-major: a text's features are a row gather)
        self._by_level1 = {
            k: (np.asarray(v), np.ascontiguousarray(self.coef[v].T), self.intercept[v]) for k, v in rows.items()
        }

    def probabilities(self, idx: np.ndarray, val: np.ndarray, level1: str) -> list[tuple[str, float]]:
        """Level-2 classes under ``level1`` with probabilities (best first); empty when there are none."""
        entry = self._by_level1.get(level1)
        if entry is None:
            return []
        rows, weights, intercept = entry
        pos = np.minimum(np.searchsorted(self.cols, idx), len(self.cols) - 1)
        hit = self.cols[pos] == idx
        probs = _softmax((val[hit] @ weights[pos[hit]] + intercept) * self.temperature)
        order = np.argsort(-probs)
        return [(self.classes[int(rows[i])][1], float(probs[i])) for i in order]

    def predict(self, idx: np.ndarray, val: np.ndarray, level1: str) -> tuple[str | None, float | None]:
        """The level-2 class and its probability, or ``(None, None)`` below the threshold."""
        ranked = self.probabilities(idx, val, level1)
        if not ranked or ranked[0][1] < self.threshold:
            return None, None
        return ranked[0]


@dataclass
class SemanticHead:
    """A linear head on e5 vectors (``classes × 384``) whose decision values are added, times ``weight``, to
    those of the n-gram model; ``temperature`` is the softmax temperature of the blend."""

    coef: np.ndarray
    intercept: np.ndarray
    weight: float
    temperature: float

    def scores(self, vectors: np.ndarray) -> np.ndarray:
        """Decision values of one vector (``classes``) or of a matrix of vectors (``n × classes``)."""
        return vectors @ self.coef.T + self.intercept

    def arrays(self) -> dict[str, np.ndarray]:
        """The head as the ``sem_*`` arrays of a model file."""
        return {"sem_coef": self.coef.astype(np.float16), "sem_intercept": self.intercept.astype(np.float64),
                "sem_params": np.asarray([self.weight, self.temperature])}

    @classmethod
    def from_arrays(cls, doc: Any) -> SemanticHead | None:
        """The head stored in a model file's ``sem_*`` arrays, or None when the file has none."""
        if "sem_coef" not in doc.files:
            return None
        weight, temp = (float(x) for x in doc["sem_params"])
        return cls(doc["sem_coef"].astype(np.float32), doc["sem_intercept"].astype(np.float64), weight, temp)


@dataclass
class DomainModel:
    """Vocabulary, idf and per-class weights (and the optional semantic head and level-2 model)."""

    vocab: dict[str, int]
    idf: np.ndarray
    classes: tuple[str, ...]
    coef: np.ndarray
    intercept: np.ndarray
    temperature: float = 3.0
    info: dict[str, Any] = field(default_factory=dict)
    level2: Level2Model | None = None
    semantic: SemanticHead | None = None

    def __post_init__(self) -> None:
        self._coef_t = np.ascontiguousarray(self.coef.T)  # feature-major copy: a text's features are a row gather
        self._blocks = {p: {f[2:]: i for f, i in self.vocab.items() if f.startswith(p + ":")} for p in "cw"}

    def vectorize(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(indices, values) of the sparse feature vector."""
        return self.vectorize_features(analyse(text))

    def vectorize_features(self, parts: TextFeatures) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`vectorize` of a text already analysed (the same values as ``tfidf(features(text))``)."""
        ci, cv = block_tfidf(parts.grams, self._blocks["c"], self.idf)
        wi, wv = block_tfidf(parts.words, self._blocks["w"], self.idf)
        return np.concatenate([ci, wi]), np.concatenate([cv, wv])

    def vectorize_slow(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The training form of :meth:`vectorize` (pure Python; for checks)."""
        idx, val = tfidf(features(text), self.vocab, self.idf)
        return np.asarray(idx, dtype=np.int64), np.asarray(val, dtype=np.float64)

    def _scores(self, idx: np.ndarray, val: np.ndarray) -> np.ndarray:
        return val @ self._coef_t[idx] + self.intercept

    def scores(self, text: str, vector: np.ndarray | None = None) -> np.ndarray:
        """Decision values per class (blended with the semantic head when ``vector`` is given)."""
        return self.blend(self._scores(*self.vectorize(text)), vector)

    def blend(self, scores: np.ndarray, vector: np.ndarray | None) -> np.ndarray:
        """n-gram decision values plus the weighted semantic ones (unchanged without a vector or a head)."""
        if vector is None or self.semantic is None:
            return scores
        return scores + self.semantic.weight * self.semantic.scores(vector)

    def temperature_for(self, vector: np.ndarray | None) -> float:
        """The softmax temperature of the form in use."""
        return self.semantic.temperature if vector is not None and self.semantic is not None else self.temperature

    def predict(self, text: str, vector: np.ndarray | None = None) -> DomainPrediction:
        """The best class, calibrated probabilities and (when confident) the second level; ``vector`` is the e5
        vector of :func:`assistant.routing.semantic.semantic_text` of the same text (None: n-gram model only)."""
        return self.predict_vectorized(*self.vectorize(text), vector)

    def predict_vectorized(
        self, idx: np.ndarray, val: np.ndarray, vector: np.ndarray | None = None
    ) -> DomainPrediction:
        """:meth:`predict` on features already extracted by :meth:`vectorize`."""
        return self.prediction(self._scores(idx, val), idx, val, vector)

    def prediction(self, scores: np.ndarray, idx: np.ndarray, val: np.ndarray,
                   vector: np.ndarray | None = None) -> DomainPrediction:
        """The prediction of n-gram decision values ``scores`` (of the features ``idx``/``val``)."""
        probs = _softmax(self.blend(scores, vector) * self.temperature_for(vector))
        order = np.argsort(-probs)
        ranked = [(self.classes[i], float(probs[i])) for i in order]
        level2, level2_p = self.level2.predict(idx, val, ranked[0][0]) if self.level2 else (None, None)
        return DomainPrediction(ranked[0][0], ranked[0][1], ranked, level2, level2_p)

    def batch_scores(self, rows: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        """n-gram decision values of many vectorised texts at once (``n × classes``)."""
        from scipy.sparse import csr_matrix

        if not rows:
            return np.zeros((0, len(self.classes)))
        indptr = np.cumsum([0, *(len(i) for i, _ in rows)])
        x = csr_matrix((np.concatenate([v for _, v in rows]), np.concatenate([i for i, _ in rows]), indptr),
                       shape=(len(rows), len(self.vocab)))
        return np.asarray(x @ self._coef_t) + self.intercept

    def predict_labels(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> list[str]:
        """Best class per text (``vectors``: one e5 vector per text, or None)."""
        return [self.classes[int(np.argmax(self.scores(t, None if vectors is None else vectors[i])))]
                for i, t in enumerate(texts)]

    # persistence -----------------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """Write a compressed npz of plain arrays (float16 weights)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        vocab = sorted(self.vocab, key=self.vocab.__getitem__)
        arrays: dict[str, np.ndarray] = {
            "format": np.asarray(MODEL_FORMAT),
            "vocab": np.asarray(vocab),
            "idf": self.idf.astype(np.float32),
            "classes": np.asarray(self.classes),
            "coef": self.coef.astype(np.float16),
            "intercept": self.intercept.astype(np.float64),
            "temperature": np.asarray(self.temperature),
            "info": np.asarray(repr(sorted(self.info.items()))),
        }
        if self.semantic is not None:
            arrays.update(self.semantic.arrays())
        if self.level2 is not None:
            l2 = self.level2
            arrays.update({
                "l2_cols": l2.cols.astype(np.int32),
                "l2_level1": np.asarray([c[0] for c in l2.classes]),
                "l2_level2": np.asarray([c[1] for c in l2.classes]),
                "l2_coef": l2.coef.astype(np.float16),
                "l2_intercept": l2.intercept.astype(np.float64),
                "l2_params": np.asarray([l2.temperature, l2.threshold]),
            })
        np.savez_compressed(path, **arrays)  # type: ignore[arg-type]

    @classmethod
    def load(cls, path: Path) -> DomainModel:
        """Read a trained model (``models/domain_model.npz`` is shipped)."""
        try:
            with np.load(path, allow_pickle=False) as doc:
                if str(doc["format"]) not in READABLE_FORMATS:
                    raise ValueError(f"unknown model format {doc['format']!r}")
                vocab = {str(g): i for i, g in enumerate(doc["vocab"].tolist())}
                level2 = None
                if "l2_cols" in doc.files:
                    temp, threshold = (float(x) for x in doc["l2_params"])
                    level2 = Level2Model(
                        cols=doc["l2_cols"].astype(np.int64),
                        classes=tuple(zip(doc["l2_level1"].tolist(), doc["l2_level2"].tolist(), strict=True)),
                        coef=doc["l2_coef"].astype(np.float32),
                        intercept=doc["l2_intercept"].astype(np.float64),
                        temperature=temp,
                        threshold=threshold,
                    )
                semantic = SemanticHead.from_arrays(doc)
                return cls(
                    vocab=vocab,
                    idf=doc["idf"].astype(np.float64),
                    classes=tuple(str(c) for c in doc["classes"].tolist()),
                    coef=doc["coef"].astype(np.float32),
                    intercept=doc["intercept"].astype(np.float64),
                    temperature=float(doc["temperature"]),
                    info={"summary": str(doc["info"])},
                    level2=level2,
                    semantic=semantic,
                )
        except (OSError, ValueError, KeyError) as exc:
            raise ConfigError(
                "领域分类模型文件缺失或已损坏，请重新训练（uv run python tools/train_routing.py）。",
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


def _svc(x: Any, labels: Sequence[Any], c: float) -> tuple[list[str], np.ndarray, np.ndarray]:
    """A class-balanced LinearSVC's (classes, coef, intercept), one row per class even for two classes."""
    from sklearn.svm import LinearSVC

    svc = LinearSVC(C=c, class_weight="balanced", random_state=0, max_iter=5000)
    svc.fit(x, list(labels))
    coef, intercept = svc.coef_.astype(np.float64), svc.intercept_.astype(np.float64)
    if len(svc.classes_) == 2:  # binary: one row for the second class; make it one row per class
        coef, intercept = np.vstack([-coef, coef]) / 2, np.concatenate([-intercept, intercept]) / 2
    return [str(k) for k in svc.classes_], coef, intercept


def fit(
    texts: Sequence[str], labels: Sequence[str], c: float = 0.5, min_df: int = 2,
    weak_texts: Sequence[str] = (), weak_labels: Sequence[str] = (),
) -> DomainModel:
    """Fit class-balanced LinearSVCs (deterministic) and return the numpy model.

    The classes of ``labels`` are scored by an SVC fitted on the labelled texts only, so weakly labelled
    examples cannot change them; classes that occur only in ``weak_labels`` get the rows of a second SVC
    fitted on everything. The vocabulary covers both.
    """
    vocab, idf, raw = build_vocab(list(texts) + list(weak_texts), min_df=min_df)
    x = matrix(raw, vocab, idf).tocsr()
    classes, coef, intercept = _svc(x[: len(texts)], labels, c)
    weak = sorted(set(weak_labels) - set(classes))
    if weak:
        all_classes, all_coef, all_intercept = _svc(x, list(labels) + list(weak_labels), c)
        rows = [all_classes.index(k) for k in weak]
        classes = [*classes, *weak]
        coef = np.vstack([coef, all_coef[rows]])
        intercept = np.concatenate([intercept, all_intercept[rows]])
    return DomainModel(
        vocab=vocab,
        idf=idf,
        classes=tuple(str(k) for k in classes),
        coef=coef,
        intercept=intercept,
        info={"c": c, "min_df": min_df, "n_train": len(texts), "n_weak": len(weak_texts)},
    )


def fit_level2(
    model: DomainModel, texts: Sequence[str], pairs: Sequence[tuple[str, str]], c: float = 0.5, min_df: int = 2
) -> Level2Model:
    """Fit the level-2 model on ``(level1, level2)``-labelled texts over the columns of ``model``'s vocabulary
    that occur in ≥ ``min_df`` of these texts (keeps the shipped weights small)."""
    x = matrix([features(t) for t in texts], model.vocab, model.idf).tocsc()
    df = np.asarray((x > 0).sum(axis=0)).ravel()
    cols = np.flatnonzero(df >= min_df)
    keys = [f"{a}\t{b}" for a, b in pairs]
    classes, coef, intercept = _svc(x[:, cols].tocsr(), keys, c)
    return Level2Model(
        cols=cols.astype(np.int64),
        classes=tuple(tuple(str(k).split("\t", 1)) for k in classes),  # type: ignore[misc]
        coef=coef,
        intercept=intercept,
    )
