"""Search: word BM25, character-bigram BM25 and the semantic channel, fused by weighted reciprocal rank;
each hit carries its semantic relevance, whether it clears the relevance floor, and its origin."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from retrieval.bm25 import BM25Index, BM25Result
from retrieval.documents import DocKind, Document, DocumentStore, Hit, SearchFilters
from retrieval.embeddings import embed_query_vector
from retrieval.index_files import BM25_SUBDIR, CHARS_SUBDIR, MANIFEST, read_manifest
from retrieval.origins import origin_of
from retrieval.relevance import RelevanceModel, background
from retrieval.snippets import make_snippet, maximal_terms, terms_in_text
from retrieval.tokenizer import ChineseTokenizer, default_tokenizer
from retrieval.vector_store import ChromaVectorStore, DenseResult, PostFilter

BACKGROUND_DEPTH = 50
QUERY_CACHE = 128
"""Query vectors kept per searcher (LRU)."""
SearchMode = Literal["bm25", "chars", "dense", "hybrid"]
"""bm25: word BM25 only; chars: character-bigram BM25 only; dense: the semantic channel; hybrid: all three fused."""
SEARCH_MODES: tuple[SearchMode, ...] = ("bm25", "chars", "dense", "hybrid")

DEFAULT_WEIGHTS: dict[str, float] = {"words": 0.5, "chars": 1.0, "dense": 2.0}
"""Fusion weights chosen on the tuning half of evals/retrieval/paraphrases.jsonl (with ``rrf_k`` 5)."""
DEFAULT_RRF_K = 5
DEFAULT_FLOOR = 0.75
"""Relevance probability below which a hit is not relevant; tuned on the tuning half of evals/retrieval."""


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


@dataclass
class Channels:
    """Candidates of each channel for one query (best first) and the query vector."""

    terms: list[str]
    grams: list[str] = field(default_factory=list)
    words: list[BM25Result] = field(default_factory=list)
    chars: list[BM25Result] = field(default_factory=list)
    dense: list[DenseResult] = field(default_factory=list)
    vector: np.ndarray | None = None


def prioritise(hits: list[Hit], kinds: Sequence[DocKind]) -> list[Hit]:
    """Hits of ``kinds`` first (in that order), the rest after; order within a kind is kept."""
    order = {kind: i for i, kind in enumerate(kinds)}
    return sorted(hits, key=lambda h: order.get(h.kind, len(order)))


class Searcher:
    """Query the BM25 indexes in ``index_dir`` and the vector store; documents come from ``store``.

    The BM25 indexes are reloaded automatically when a sync commits a new manifest. Hybrid mode fuses the
    word, character-bigram and semantic candidate lists by weighted reciprocal rank (``weights``, ``rrf_k``).
    A hit is ``relevant`` when its relevance probability (:mod:`retrieval.relevance`) reaches ``floor``.
    """

    def __init__(
        self,
        store: DocumentStore,
        index_dir: Path,
        vector_store: ChromaVectorStore | None = None,
        tokenizer: ChineseTokenizer | None = None,
        mode: SearchMode = "hybrid",
        candidates: int = 50,
        rrf_k: int = DEFAULT_RRF_K,
        snippet_chars: int = 120,
        weights: dict[str, float] | None = None,
        floor: float = DEFAULT_FLOOR,
        relevance_model: RelevanceModel | None = None,
        max_query_chars: int = 2000,
        max_semantic_chars: int = 256,
    ) -> None:
        if mode not in SEARCH_MODES:
            raise ValueError(f"unknown search mode {mode!r}")
        self.store = store
        self.index_dir = Path(index_dir)
        self.vector_store = vector_store
        self.tokenizer = tokenizer or default_tokenizer()
        self.mode: SearchMode = mode
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.weights = {**DEFAULT_WEIGHTS, **(weights or {})}
        self.floor = floor
        self.relevance_model = relevance_model or RelevanceModel()
        self.snippet_chars = snippet_chars
        self.max_query_chars = max_query_chars
        self.max_semantic_chars = max_semantic_chars
        self._query_vectors: OrderedDict[str, np.ndarray] = OrderedDict()  # small LRU: one idea, several searches
        self._bm25 = (BM25Index.empty(), BM25Index.empty())
        self._stamp: tuple[int, int, int] | None = None
        self._lock = threading.Lock()

    # BM25 indexes (hot reload) --------------------------------------------------------------------
    def bm25(self) -> BM25Index:
        """The current word BM25 index, reloaded when the manifest changed on disk."""
        return self._indexes()[0]

    def chars(self) -> BM25Index:
        """The current character-bigram BM25 index."""
        return self._indexes()[1]

    def _indexes(self) -> tuple[BM25Index, BM25Index]:
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

    def _load_bm25(self) -> tuple[tuple[BM25Index, BM25Index], tuple[int, int, int] | None]:
        """Load the committed generation; retry if a concurrent sync replaced it meanwhile."""
        for attempt in range(3):
            stamp = self._manifest_stamp()
            manifest = read_manifest(self.index_dir)
            if manifest is None:
                return (BM25Index.empty(), BM25Index.empty()), stamp
            folder = self.index_dir / manifest.gen_dir
            try:
                words = BM25Index.load(folder / BM25_SUBDIR)
                chars = BM25Index.load(folder / CHARS_SUBDIR) if (folder / CHARS_SUBDIR).is_dir() else BM25Index.empty()
                return (words, chars), stamp
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
        relevant_only: bool = False,
        prefer_kinds: Sequence[DocKind] | None = None,
    ) -> list[Hit]:
        """Best ``k`` hits for ``query`` passing ``filters``, best first.

        ``mode`` None means the default mode; without a vector store every mode falls back to word BM25.
        ``relevant_only`` drops hits below the relevance floor (callers showing "similar" items or citing
        references want this); ``prefer_kinds`` ranks hits of those kinds first (e.g. this system's proposals).
        Only the first ``max_query_chars`` characters of a long query (e.g. a whole draft) are used, and the
        first ``max_semantic_chars`` of them for the query vector.
        """
        mode = mode or self.mode
        if mode not in SEARCH_MODES:
            raise ValueError(f"unknown search mode {mode!r}")
        if k <= 0 or not query.strip():
            return []
        if mode == "dense" and self.vector_store is None:
            mode = "bm25"
        found = self.channels(query, max(self.candidates, k), filters, mode)
        lexical, by_chars, dense, vector, terms = found.words, found.chars, found.dense, found.vector, found.terms
        if mode == "bm25":
            ranked = [(r.doc_id, r.score) for r in lexical]
        elif mode == "chars":
            ranked = [(r.doc_id, r.score) for r in by_chars]
        elif mode == "dense":
            ranked = [(r.doc_id, r.score) for r in dense]
        else:
            ranked = self.fuse(found)
        matched = {r.doc_id: r.matched_terms for r in lexical}
        pool = ranked if relevant_only else ranked[:k]
        relevance, cosines = self.relevance(found, [doc_id for doc_id, _ in pool])
        if relevant_only and vector is not None:
            pool = [(d, s) for d, s in pool if relevance.get(d, 0.0) >= self.floor][:k]
        docs = self.store.get_many([doc_id for doc_id, _ in pool])
        hits = []
        for doc_id, score in pool:
            doc = docs.get(doc_id)
            if doc is None or (filters is not None and not filters.accepts(doc.kind, doc.year, doc.region)):
                continue  # deleted or changed since the last sync
            hit = self._hit(doc, score, matched.get(doc_id), terms, cosines.get(doc_id), relevance.get(doc_id))
            hits.append(hit)
        return prioritise(hits, prefer_kinds) if prefer_kinds else hits

    def channels(
        self, query: str, depth: int, filters: SearchFilters | None = None, mode: SearchMode = "hybrid"
    ) -> Channels:
        """The candidate lists of the lexical channels ``mode`` uses, ``depth`` each, the semantic candidates
        (whenever there is a vector store: the relevance floor needs them) and the query vector."""
        query = query[: self.max_query_chars]
        analysis = self.tokenizer.analyse(query)
        terms = list(dict.fromkeys(analysis.terms))
        grams = list(dict.fromkeys(analysis.bigrams(self.tokenizer.stop_chars)))
        words_index, chars_index = self._indexes()
        mask = words_index.mask(filters)
        found = Channels(terms=terms, grams=grams)
        if mode in ("bm25", "hybrid"):
            found.words = words_index.search(terms, depth, filters, mask=mask)
        if mode in ("chars", "hybrid"):
            found.chars = chars_index.search(grams, depth, filters, mask=chars_index.mask(filters))
        if self.vector_store is not None:
            found.vector = self.query_vector(query)
            # Queried in every mode: the relevance floor needs the query's background similarity.
            post = self._post_filter(words_index, mask)
            found.dense = self.vector_store.query(found.vector, max(depth, BACKGROUND_DEPTH), filters, post)
        return found

    def query_vector(self, query: str) -> np.ndarray:
        """The query's e5 vector, from the first ``max_semantic_chars`` characters (the head of a long text, e.g.
        a draft, carries its topic; embedding time grows with length). Recent vectors are reused: an idea is
        often searched several times in a row (items, then policies)."""
        assert self.vector_store is not None
        head = query[: self.max_semantic_chars]
        with self._lock:
            cached = self._query_vectors.get(head)
            if cached is not None:
                self._query_vectors.move_to_end(head)
                return cached
        vector = embed_query_vector(self.vector_store.embeddings, head)
        with self._lock:
            self._query_vectors[head] = vector
            while len(self._query_vectors) > QUERY_CACHE:
                self._query_vectors.popitem(last=False)
        return vector

    def fuse(self, found: Channels) -> list[tuple[str, float]]:
        """Weighted reciprocal-rank fusion of the three candidate lists."""
        return reciprocal_rank_fusion(
            [[r.doc_id for r in found.words], [r.doc_id for r in found.chars], [r.doc_id for r in found.dense]],
            k=self.rrf_k,
            weights=(self.weights["words"], self.weights["chars"], self.weights["dense"]),
        )

    def relevance(self, found: Channels, doc_ids: list[str]) -> tuple[dict[str, float], dict[str, float]]:
        """Relevance probability and cosine of each document for the query of ``found`` (empty without vectors)."""
        cosines = {r.doc_id: r.score for r in found.dense}
        if found.vector is None or not doc_ids:
            return {}, cosines
        self._fill_cosines(found.vector, doc_ids, cosines)
        base = background([r.score for r in found.dense])
        words_index, chars_index = self._indexes()
        words = words_index.coverage(found.terms, doc_ids)
        chars = chars_index.coverage(found.grams, doc_ids)
        model = self.relevance_model
        relevance = {
            d: model.probability(cosines[d], cosines[d] - base, words[d], chars[d]) for d in doc_ids if d in cosines
        }
        return relevance, cosines

    def _fill_cosines(self, vector: np.ndarray, doc_ids: list[str], cosines: dict[str, float]) -> None:
        """Cosine of the query with each document not already scored by the semantic channel."""
        assert self.vector_store is not None
        missing = [d for d in doc_ids if d not in cosines]
        if not missing:
            return
        for doc_id, vec in self.vector_store.vectors(missing).items():
            norm = float(np.linalg.norm(vec))
            cosines[doc_id] = float(vec @ vector) / norm if norm > 0 else 0.0

    @staticmethod
    def _post_filter(bm25: BM25Index, mask: np.ndarray | None) -> PostFilter | None:
        """Our filter columns as a post-filter for the dense retriever (None without a filter or index)."""
        if mask is None or len(bm25) == 0:
            return None

        def accept(doc_id: str) -> bool:
            row = bm25.row_of(doc_id)
            return row is not None and bool(mask[row])

        return PostFilter(accept=accept, matching=bm25.kind_counts(mask), total=bm25.kind_counts(None))

    def _hit(
        self,
        doc: Document,
        score: float,
        matched: list[str] | None,
        terms: list[str],
        cosine: float | None,
        relevance: float | None,
    ) -> Hit:
        # Hits without word postings: look for the query terms in the text itself.
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
            similarity=cosine,
            relevance=relevance,
            relevant=relevance is None or relevance >= self.floor,
            origin=origin_of(doc),
        )
