"""A light in-memory BM25 searcher over the shipped items and Guangdong/scheme policy articles, for evals.

The app uses ``container.search_service`` (hybrid index); this keeps ``python -m evals.drafting_suite`` self-contained
(~30 s to build). Documents whose id is in ``exclude`` (the eval's own messages) are never returned.
"""

from __future__ import annotations

from collections.abc import Collection

from assistant.search import SimilarResult
from assistant.settings import REPO_ROOT
from retrieval.bm25 import BM25Index
from retrieval.documents import Document, Hit, SearchFilters
from retrieval.shipped import load_shipped_documents
from retrieval.tokenizer import ChineseTokenizer

POLICY_CATEGORIES = frozenset({"地方性法规", "政协文件"})


class CorpusSearcher:
    """``similar_for_idea`` over a BM25 index of items and a policy subset."""

    def __init__(self, exclude: Collection[str] = ()) -> None:
        self.tokenizer = ChineseTokenizer()
        self.exclude = set(exclude)
        docs = [d for d in load_shipped_documents(REPO_ROOT / "corpus")
                if d.kind == "item" or d.meta.get("category") in POLICY_CATEGORIES]
        self.docs = {d.doc_id: d for d in docs}
        self.index = BM25Index.build(
            [d.doc_id for d in docs], [self.tokenizer.terms(d.index_text()) for d in docs],
            [d.kind for d in docs], [d.year for d in docs], [d.region for d in docs],
        )

    def _hits(self, text: str, kind: str, k: int) -> list[Hit]:
        results = self.index.search(self.tokenizer.terms(text), k=k + len(self.exclude & self.docs.keys()) + 5,
                                    filters=SearchFilters(kinds=[kind]))  # type: ignore[list-item]
        hits = []
        for r in results:
            if r.doc_id in self.exclude:
                continue
            doc: Document = self.docs[r.doc_id]
            hits.append(Hit(doc_id=doc.doc_id, kind=doc.kind, title=doc.title, snippet=doc.text[:160], score=r.score,
                            citation=doc.citation(), matched_terms=r.matched_terms, year=doc.year, region=doc.region,
                            article=doc.article, reply=doc.reply))
            if len(hits) >= k:
                break
        return hits

    def similar_for_idea(self, text: str, k: int = 5) -> SimilarResult:
        return SimilarResult(items=self._hits(text, "item", k), policies=self._hits(text, "policy", k))
