"""Search service: validated queries over the hybrid index, grouped for the pages that show them."""

from __future__ import annotations

from typing import Literal, Protocol

from pydantic import BaseModel

from assistant.textinput import clean_text
from retrieval.documents import DocKind, Hit, SearchFilters

SearchMode = Literal["bm25", "chars", "dense", "hybrid"]


class Searcher(Protocol):
    """What the retrieval layer offers."""

    def search(
        self,
        query: str,
        k: int = 10,
        filters: SearchFilters | None = None,
        mode: SearchMode | None = None,
        relevant_only: bool = False,
        prefer_kinds: list[DocKind] | None = None,
    ) -> list[Hit]: ...


class SimilarResult(BaseModel):
    """Similar past items/proposals and relevant policy articles for one idea."""

    items: list[Hit]
    policies: list[Hit]


class SearchService:
    """Checks user text, then asks the retriever; the default mode and sizes come from settings."""

    def __init__(self, searcher: Searcher, default_mode: SearchMode, top_k: int, max_chars: int) -> None:
        self._searcher = searcher
        self._default_mode = default_mode
        self._top_k = top_k
        self._max_chars = max_chars

    def search(
        self,
        text: str,
        k: int | None = None,
        filters: SearchFilters | None = None,
        mode: SearchMode | None = None,
        relevant_only: bool = False,
        prefer_kinds: list[DocKind] | None = None,
    ) -> list[Hit]:
        """Hits for a text; raises InputError (Chinese message) for unusable text. ``relevant_only`` drops
        hits below the relevance floor; ``prefer_kinds`` ranks those kinds first."""
        query = clean_text(text, self._max_chars, what="检索内容")
        return self._searcher.search(
            query,
            k=k or self._top_k,
            filters=filters,
            mode=mode or self._default_mode,
            relevant_only=relevant_only,
            prefer_kinds=prefer_kinds,
        )

    def similar_for_idea(
        self, text: str, k: int = 5, year_from: int | None = None, year_to: int | None = None
    ) -> SimilarResult:
        """Past proposals and items (year filters apply; this system's proposals first) and policy articles
        (any year) for an idea; only hits above the relevance floor, so an idea with nothing similar gets none."""
        past = SearchFilters(kinds=["item", "proposal"], year_from=year_from, year_to=year_to)
        return SimilarResult(
            items=self.search(text, k=k, filters=past, relevant_only=True, prefer_kinds=["proposal"]),
            policies=self.search(text, k=k, filters=SearchFilters(kinds=["policy"]), relevant_only=True),
        )
