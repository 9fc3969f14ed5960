"""Precomputed passage vectors shipped with the corpus (``corpus/data/vectors-e5.npz``).

Each row holds a doc_id, the hash of the passage it was computed from (:func:`passage_hash`) and the
vector quantised to int8 with one float32 scale per row. The indexer takes a shipped vector only when
the hash of the document's current passage matches, so a changed or user-imported text is embedded anew.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

VECTORS_FILE = "vectors-e5.npz"
REPO_DATA_DIR = Path(__file__).resolve().parent.parent / "corpus" / "data"
"""The repository's shipped data folder (vectors there match any corpus copy by hash)."""


def quantise(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric per-row int8 quantisation: ``codes * scale`` approximates each row."""
    vectors = np.asarray(vectors, dtype=np.float32)
    peak = np.abs(vectors).max(axis=1) if len(vectors) else np.zeros(0, dtype=np.float32)
    scales = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    codes = np.clip(np.rint(vectors / scales[:, None]), -127, 127).astype(np.int8)
    return codes, scales


def dequantise(codes: np.ndarray, scales: np.ndarray) -> np.ndarray:
    """Rows back to float32, re-normalised to unit length."""
    vectors = codes.astype(np.float32) * scales[:, None]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    np.divide(vectors, norms, out=vectors, where=norms > 0)
    return vectors


@dataclass
class ShippedVectors:
    """Vectors of one embedding space, looked up by passage hash."""

    space_id: str
    doc_ids: np.ndarray
    hashes: np.ndarray
    codes: np.ndarray
    scales: np.ndarray

    def __post_init__(self) -> None:
        self._rows = {str(h): i for i, h in enumerate(self.hashes.tolist())}

    def __len__(self) -> int:
        return len(self.hashes)

    @classmethod
    def empty(cls, space_id: str, dims: int = 0) -> ShippedVectors:
        return cls(
            space_id,
            np.array([], dtype="U1"),
            np.array([], dtype="U16"),
            np.zeros((0, dims), dtype=np.int8),
            np.zeros(0, dtype=np.float32),
        )

    @classmethod
    def load(cls, path: Path) -> ShippedVectors:
        """Read a file written by :meth:`save`."""
        with np.load(path, allow_pickle=False) as data:
            return cls(str(data["space_id"]), data["doc_ids"], data["hashes"], data["codes"], data["scales"])

    @classmethod
    def from_vectors(
        cls, space_id: str, doc_ids: Sequence[str], hashes: Sequence[str], vectors: np.ndarray
    ) -> ShippedVectors:
        codes, scales = quantise(vectors)
        return cls(space_id, np.array(doc_ids, dtype=str), np.array(hashes, dtype="U16"), codes, scales)

    def save(self, path: Path) -> None:
        """Write compressed (deterministic for the same content)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            path,
            space_id=np.array(self.space_id),
            doc_ids=self.doc_ids,
            hashes=self.hashes,
            codes=self.codes,
            scales=self.scales,
        )

    def lookup(self, hashes: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """``(found, vectors)``: a bool mask over ``hashes`` and the float32 unit vectors of those found."""
        rows = [self._rows.get(h, -1) for h in hashes]
        found = np.array([r >= 0 for r in rows], dtype=bool)
        picked = np.array([r for r in rows if r >= 0], dtype=np.int64)
        return found, dequantise(self.codes[picked], self.scales[picked])


def load_shipped_vectors(space_id: str, folders: Sequence[Path] = (REPO_DATA_DIR,)) -> ShippedVectors:
    """The shipped vectors of ``space_id`` from the first folder that has them (empty when none match)."""
    for folder in folders:
        path = Path(folder) / VECTORS_FILE
        if path.exists():
            vectors = ShippedVectors.load(path)
            if vectors.space_id == space_id:
                return vectors
    return ShippedVectors.empty(space_id)
