"""Lexical retrieval: a bm25s index over jieba terms, with per-document filter columns."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

from retrieval.documents import DOC_KINDS, SearchFilters

logging.getLogger("bm25s").setLevel(logging.WARNING)

_DOC_IDS = "doc_ids.json"
_COLUMNS = "columns.npz"
_REGIONS = "regions.json"
_ENGINE = "bm25s"


class _BM25(bm25s.BM25):
    """bm25s with a faster scorer: ids within one CSC column are unique, so fancy-index add is exact."""

    @staticmethod
    def _compute_relevance_from_scores(
        data: np.ndarray, indptr: np.ndarray, indices: np.ndarray, num_docs: int, query_tokens_ids: Any, dtype: Any
    ) -> np.ndarray:
        scores = np.zeros(num_docs, dtype=dtype)
        for token_id in query_tokens_ids:
            start, end = indptr[token_id], indptr[token_id + 1]
            scores[indices[start:end]] += data[start:end]
        return scores


@dataclass(frozen=True, slots=True)
class BM25Result:
    """One lexical hit."""

    doc_id: str
    score: float
    matched_terms: list[str]


class BM25Index:
    """An immutable BM25 index: build it from token lists, save it to a folder, load it back."""

    def __init__(
        self,
        doc_ids: list[str],
        kinds: np.ndarray,
        years: np.ndarray,
        regions: np.ndarray,
        region_names: list[str],
        engine: bm25s.BM25 | None,
    ) -> None:
        self.doc_ids = doc_ids
        self.kinds = kinds
        self.years = years
        self.regions = regions
        self.region_names = region_names
        self._region_codes = {name: i for i, name in enumerate(region_names)}
        self._engine = engine
        self._rows: dict[str, int] | None = None

    # Construction ---------------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        doc_ids: Sequence[str],
        tokens: Sequence[list[str]],
        kinds: Sequence[str],
        years: Sequence[int | None],
        regions: Sequence[str | None],
        k1: float = 1.2,
        b: float = 0.75,
    ) -> BM25Index:
        """Index documents given as parallel sequences (ids, token lists, filter columns)."""
        n = len(doc_ids)
        if not (len(tokens) == len(kinds) == len(years) == len(regions) == n):
            raise ValueError("doc_ids, tokens, kinds, years and regions must have the same length")
        region_names = sorted({r or "" for r in regions})
        codes = {name: i for i, name in enumerate(region_names)}
        kind_codes: dict[str, int] = {k: i for i, k in enumerate(DOC_KINDS)}
        kind_col = np.fromiter((kind_codes[k] for k in kinds), dtype=np.int8, count=n)
        year_col = np.fromiter((-1 if y is None else y for y in years), dtype=np.int32, count=n)
        region_col = np.fromiter((codes[r or ""] for r in regions), dtype=np.int32, count=n)
        engine = None
        if n:
            engine = _BM25(k1=k1, b=b, method="lucene")
            engine.index([list(t) for t in tokens], show_progress=False)
        return cls(list(doc_ids), kind_col, year_col, region_col, region_names, engine)

    @classmethod
    def empty(cls) -> BM25Index:
        """An index of no documents."""
        return cls.build([], [], [], [], [])

    def save(self, folder: Path) -> None:
        """Write the index into ``folder`` (created if needed)."""
        folder.mkdir(parents=True, exist_ok=True)
        (folder / _DOC_IDS).write_text(json.dumps(self.doc_ids, ensure_ascii=False), encoding="utf-8")
        (folder / _REGIONS).write_text(json.dumps(self.region_names, ensure_ascii=False), encoding="utf-8")
        np.savez(folder / _COLUMNS, kinds=self.kinds, years=self.years, regions=self.regions)
        if self._engine is not None:
            self._engine.save(str(folder / _ENGINE), show_progress=False)

    @classmethod
    def load(cls, folder: Path, mmap: bool = False) -> BM25Index:
        """Read an index written by :meth:`save`."""
        doc_ids = json.loads((folder / _DOC_IDS).read_text(encoding="utf-8"))
        region_names = json.loads((folder / _REGIONS).read_text(encoding="utf-8"))
        with np.load(folder / _COLUMNS) as cols:
            kinds, years, regions = cols["kinds"], cols["years"], cols["regions"]
        engine = None
        if doc_ids:
            engine = _BM25.load(str(folder / _ENGINE), mmap=mmap, show_progress=False, verbosity=0)
        return cls(doc_ids, kinds, years, regions, region_names, engine)

    def __len__(self) -> int:
        return len(self.doc_ids)

    def kind_counts(self, mask: np.ndarray | None) -> dict[str, int]:
        """Documents per kind, all of them or those passing ``mask``."""
        kinds = self.kinds if mask is None else self.kinds[mask > 0]
        counts = np.bincount(kinds.astype(np.int64), minlength=len(DOC_KINDS))
        return {kind: int(counts[i]) for i, kind in enumerate(DOC_KINDS)}

    def row_of(self, doc_id: str) -> int | None:
        """Position of a document in the index (None if absent)."""
        if self._rows is None:
            self._rows = {doc_id: i for i, doc_id in enumerate(self.doc_ids)}
        return self._rows.get(doc_id)

    # Query ----------------------------------------------------------------------------------------
    def mask(self, filters: SearchFilters | None) -> np.ndarray | None:
        """A 0/1 float weight mask of the documents passing ``filters`` (None when nothing is filtered)."""
        if filters is None:
            return None
        keep = np.ones(len(self.doc_ids), dtype=bool)
        active = False
        if filters.kinds:
            codes = [DOC_KINDS.index(k) for k in filters.kinds]
            keep &= np.isin(self.kinds, codes)
            active = True
        if filters.year_from is not None:
            keep &= self.years >= filters.year_from
            active = True
        if filters.year_to is not None:
            keep &= (self.years <= filters.year_to) & (self.years >= 0)
            active = True
        if filters.regions:
            codes = [self._region_codes[r] for r in filters.regions if r in self._region_codes]
            keep &= np.isin(self.regions, codes)
            active = True
        return keep.astype(np.float32) if active else None

    def search(
        self,
        query_terms: Sequence[str],
        k: int = 50,
        filters: SearchFilters | None = None,
        mask: np.ndarray | None = None,
    ) -> list[BM25Result]:
        """Top ``k`` documents with a positive score, best first, with the query terms each one contains.

        ``mask`` (from :meth:`mask`) may be passed instead of ``filters`` to reuse one already computed.
        """
        if self._engine is None or k <= 0:
            return []
        vocab = self._engine.vocab_dict
        terms = [t for t in dict.fromkeys(query_terms) if t and t in vocab]
        if not terms:
            return []
        token_ids = [vocab[t] for t in terms]
        if mask is None:
            mask = self.mask(filters)
        if mask is not None and not mask.any():
            return []
        scores = self._engine.get_scores_from_ids(token_ids, weight_mask=mask)
        positive = int(np.count_nonzero(scores > 0))
        if positive == 0:
            return []
        k = min(k, positive)
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        top = top[scores[top] > 0]
        matched = self._matched(top, token_ids, terms)
        return [BM25Result(self.doc_ids[i], float(scores[i]), matched[j]) for j, i in enumerate(top.tolist())]

    def coverage(self, query_terms: Sequence[str], doc_ids: Sequence[str]) -> dict[str, float]:
        """Share of the query's IDF mass (terms known to the index) that each document contains, 0..1.
        Documents not in the index get 0."""
        if self._engine is None or not doc_ids:
            return dict.fromkeys(doc_ids, 0.0)
        vocab = self._engine.vocab_dict
        terms = [t for t in dict.fromkeys(query_terms) if t and t in vocab]
        if not terms:
            return dict.fromkeys(doc_ids, 0.0)
        token_ids = [vocab[t] for t in terms]
        indptr = self._engine.scores["indptr"]
        n = max(len(self.doc_ids), 1)
        df = np.array([indptr[i + 1] - indptr[i] for i in token_ids], dtype=np.float64)
        idf = dict(zip(terms, np.log(1.0 + (n - df + 0.5) / (df + 0.5)), strict=True))
        total = sum(idf.values())
        rows = [(d, self.row_of(d)) for d in doc_ids]
        known = [(d, r) for d, r in rows if r is not None]
        order = np.array([r for _, r in known], dtype=np.int64)
        result = dict.fromkeys(doc_ids, 0.0)
        if len(order):
            sort = np.argsort(order)
            matched = self._matched(order[sort], token_ids, terms)
            for j, pos in enumerate(sort.tolist()):
                result[known[pos][0]] = float(sum(idf[t] for t in matched[j]) / total) if total > 0 else 0.0
        return result

    def _matched(self, top: np.ndarray, token_ids: list[int], terms: list[str]) -> list[list[str]]:
        """For each document in ``top``, the query terms it contains (from the CSC postings)."""
        engine = self._engine
        assert engine is not None
        indices = engine.scores["indices"]
        indptr = engine.scores["indptr"]
        result: list[list[str]] = [[] for _ in range(len(top))]
        for token_id, term in zip(token_ids, terms, strict=True):
            postings = indices[indptr[token_id] : indptr[token_id + 1]]
            pos = np.searchsorted(postings, top)
            pos = np.minimum(pos, max(len(postings) - 1, 0))
            hit = postings[pos] == top if len(postings) else np.zeros(len(top), dtype=bool)
            for j in np.flatnonzero(hit).tolist():
                result[j].append(term)
        return result
