"""Search: BM25, dense, or both fused by reciprocal rank; results become :class:`Hit` objects."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np

from retrieval.bm25 import BM25Index
from retrieval.documents import Document, DocumentStore, Hit, SearchFilters
from retrieval.embeddings import HashedEmbeddings, embed_query_vector
from retrieval.index_files import BM25_SUBDIR, MANIFEST, read_manifest
from retrieval.snippets import make_snippet, maximal_terms, terms_in_text
from retrieval.tokenizer import ChineseTokenizer, default_tokenizer
from retrieval.vector_store import ChromaVectorStore, DenseResult, PostFilter

SearchMode = Literal["bm25", "dense", "hybrid"]
SEARCH_MODES: tuple[SearchMode, ...] = ("bm25", "dense", "hybrid")


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]], k: int = 60, weights: Sequence[float] | None = None
) -> list[tuple[str, float]]:
    """Fuse ranked id lists: ``score(d) = sum w_i / (k + rank_i)`` with ranks from 1 (weights default 1);
    ties keep first-seen order."""
    scores: dict[str, float] = {}
    for i, ranking in enumerate(rankings):
        weight = 1.0 if weights is None else weights[i]
        for rank, doc_id in enumerate(ranking, start=1):
            scores[doc_id] = scores.get(doc_id, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda item: -item[1])


class Searcher:
    """Query the BM25 index in ``index_dir`` and/or the vector store; documents come from ``store``.

    The BM25 index is reloaded automatically when a sync commits a new manifest. Hybrid mode fuses
    the two candidate lists by weighted reciprocal rank (``dense_weight``; default 0.5 for the offline
    hashed embedding, 1.0 for a real embedding model).
    """

    def __init__(
        self,
        store: DocumentStore,
        index_dir: Path,
        vector_store: ChromaVectorStore | None = None,
        tokenizer: ChineseTokenizer | None = None,
        mode: SearchMode = "hybrid",
        candidates: int = 50,
        rrf_k: int = 60,
        snippet_chars: int = 120,
        dense_weight: float | None = None,
        max_query_chars: int = 2000,
    ) -> None:
        if mode not in SEARCH_MODES:
            raise ValueError(f"unknown search mode {mode!r}")
        self.store = store
        self.index_dir = Path(index_dir)
        self.vector_store = vector_store
        embeddings = vector_store.embeddings if vector_store is not None else None
        self.tokenizer = tokenizer or getattr(embeddings, "tokenizer", None) or default_tokenizer()
        self.mode: SearchMode = mode
        self.candidates = candidates
        self.rrf_k = rrf_k
        if dense_weight is None:  # the offline hashed embedding is a weaker retriever than BM25
            dense_weight = 0.5 if isinstance(embeddings, HashedEmbeddings) else 1.0
        self.dense_weight = dense_weight
        self.snippet_chars = snippet_chars
        self.max_query_chars = max_query_chars
        self._bm25 = BM25Index.empty()
        self._stamp: tuple[int, int, int] | None = None
        self._lock = threading.Lock()

    # BM25 index (hot reload) ----------------------------------------------------------------------
    def bm25(self) -> BM25Index:
        """The current BM25 index, reloaded when the manifest changed on disk."""
        stamp = self._manifest_stamp()
        if stamp != self._stamp:
            with self._lock:
                if stamp != self._stamp:
                    self._bm25, self._stamp = self._load_bm25()
        return self._bm25

    def _manifest_stamp(self) -> tuple[int, int, int] | None:
        try:
            st = (self.index_dir / MANIFEST).stat()
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _load_bm25(self) -> tuple[BM25Index, tuple[int, int, int] | None]:
        """Load the committed generation; retry if a concurrent sync replaced it meanwhile."""
        for attempt in range(3):
            stamp = self._manifest_stamp()
            manifest = read_manifest(self.index_dir)
            if manifest is None:
                return BM25Index.empty(), stamp
            try:
                return BM25Index.load(self.index_dir / manifest.gen_dir / BM25_SUBDIR), stamp
            except (OSError, ValueError):
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    # Search ---------------------------------------------------------------------------------------
    def search(
        self,
        query: str,
        k: int = 10,
        filters: SearchFilters | None = None,
        mode: SearchMode | None = None,
    ) -> list[Hit]:
        """Best ``k`` hits for ``query`` passing ``filters``, best first.

        ``mode`` None means the default mode; without a vector store every mode falls back to BM25.
        Only the first ``max_query_chars`` characters of a long query (e.g. a whole draft) are used.
        """
        mode = mode or self.mode
        if mode not in SEARCH_MODES:
            raise ValueError(f"unknown search mode {mode!r}")
        if k <= 0 or not query.strip():
            return []
        if mode != "bm25" and self.vector_store is None:
            mode = "bm25"
        query = query[: self.max_query_chars]
        analysis = self.tokenizer.analyse(query)
        terms = list(dict.fromkeys(analysis.terms))
        depth = max(self.candidates, k)

        bm25 = self.bm25()
        mask = bm25.mask(filters)
        lexical = bm25.search(terms, depth, filters, mask=mask) if mode != "dense" else []
        dense: list[DenseResult] = []
        if mode != "bm25" and self.vector_store is not None:
            vector = embed_query_vector(self.vector_store.embeddings, query, analysis)
            dense = self.vector_store.query(vector, depth, filters, self._post_filter(bm25, mask))

        if mode == "bm25":
            ranked = [(r.doc_id, r.score) for r in lexical]
        elif mode == "dense":
            ranked = [(r.doc_id, r.score) for r in dense]
        else:
            ranked = reciprocal_rank_fusion(
                [[r.doc_id for r in lexical], [r.doc_id for r in dense]], k=self.rrf_k, weights=(1.0, self.dense_weight)
            )
        ranked = ranked[:k]
        matched = {r.doc_id: r.matched_terms for r in lexical}
        docs = self.store.get_many([doc_id for doc_id, _ in ranked])
        hits = []
        for doc_id, score in ranked:
            doc = docs.get(doc_id)
            if doc is None or (filters is not None and not filters.accepts(doc.kind, doc.year, doc.region)):
                continue  # deleted or changed since the last sync
            hits.append(self._hit(doc, score, matched.get(doc_id), terms))
        return hits

    @staticmethod
    def _post_filter(bm25: BM25Index, mask: np.ndarray | None) -> PostFilter | None:
        """Our filter columns as a post-filter for the dense retriever (None without a filter or index)."""
        if mask is None or len(bm25) == 0:
            return None

        def accept(doc_id: str) -> bool:
            row = bm25.row_of(doc_id)
            return row is not None and bool(mask[row])

        return PostFilter(accept=accept, matching=bm25.kind_counts(mask), total=bm25.kind_counts(None))

    def _hit(self, doc: Document, score: float, matched: list[str] | None, terms: list[str]) -> Hit:
        # Dense-only hits have no postings: look for the query terms in the text itself.
        matched = terms_in_text(terms, doc.index_text()) if matched is None else maximal_terms(matched)
        return Hit(
            doc_id=doc.doc_id,
            kind=doc.kind,
            title=doc.title,
            snippet=make_snippet(doc.text or doc.title, matched, self.snippet_chars),
            score=float(score),
            citation=doc.citation(),
            matched_terms=matched,
            year=doc.year,
            region=doc.region,
            article=doc.article,
            reply=doc.reply if doc.kind == "item" else None,
        )
