from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrieval.bm25 import BM25Index
from retrieval.documents import Document, SearchFilters
from retrieval.tokenizer import ChineseTokenizer


@pytest.fixture
def index(docs: list[Document], tokenizer: ChineseTokenizer) -> BM25Index:
    return BM25Index.build(
        [d.doc_id for d in docs],
        [tokenizer.terms(d.index_text()) for d in docs],
        [d.kind for d in docs],
        [d.year for d in docs],
        [d.region for d in docs],
    )


def ids(results) -> list[str]:
    return [r.doc_id for r in results]


def test_ranks_matching_documents_with_matched_terms(index: BM25Index, tokenizer: ChineseTokenizer) -> None:
    results = index.search(tokenizer.query_terms("河涌黑臭怎么整治"), k=5)
    assert results, "expected hits"
    assert set(ids(results)[:2]) == {"item-2", "law:water#第十条"}
    assert all(r.score > 0 for r in results)
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)
    assert "河涌" in results[0].matched_terms
    assert "电梯" not in results[0].matched_terms


def test_filters_by_kind_year_region(index: BM25Index, tokenizer: ChineseTokenizer) -> None:
    q = tokenizer.query_terms("加装电梯 河涌 共享单车 长者饭堂 电动自行车")
    assert set(ids(index.search(q, 10, SearchFilters(kinds=["policy"])))) == {
        "law:elevator#第五条",
        "law:water#第十条",
    }
    assert set(ids(index.search(q, 10, SearchFilters(year_from=2021)))) == {"item-1", "item-3", "proposal-1"}
    # year_to excludes documents without a year (as SearchFilters.accepts does)
    assert "item-4" not in ids(index.search(q, 10, SearchFilters(year_to=2030)))
    assert ids(index.search(q, 10, SearchFilters(regions=["深圳"]))) == ["item-3"]
    assert index.search(q, 10, SearchFilters(regions=["北京"])) == []
    both = index.search(q, 10, SearchFilters(kinds=["item"], year_from=2019, year_to=2021, regions=["广州"]))
    assert set(ids(both)) == {"item-1", "item-2"}


def test_mask_agrees_with_search_filters_accepts(index: BM25Index, docs: list[Document]) -> None:
    filters = SearchFilters(kinds=["item", "proposal"], year_from=2020, regions=["广州"])
    mask = index.mask(filters)
    assert mask is not None
    expected = [filters.accepts(d.kind, d.year, d.region) for d in docs]
    assert mask.astype(bool).tolist() == expected
    assert index.mask(SearchFilters()) is None


def test_unknown_and_stopword_queries_return_nothing(index: BM25Index, tokenizer: ChineseTokenizer) -> None:
    assert index.search(tokenizer.query_terms("的了吗，。"), 10) == []
    assert index.search(["完全不存在的词"], 10) == []
    assert index.search([], 10) == []


def test_empty_index(tmp_path: Path) -> None:
    empty = BM25Index.empty()
    assert len(empty) == 0
    assert empty.search(["河涌"], 10, SearchFilters(kinds=["item"])) == []
    empty.save(tmp_path / "e")
    assert BM25Index.load(tmp_path / "e").search(["河涌"], 10) == []


def test_save_and_load_round_trip(index: BM25Index, tokenizer: ChineseTokenizer, tmp_path: Path) -> None:
    index.save(tmp_path / "bm25")
    loaded = BM25Index.load(tmp_path / "bm25")
    q = tokenizer.query_terms("老旧小区加装电梯")
    f = SearchFilters(regions=["广州"])
    assert [(r.doc_id, r.matched_terms) for r in loaded.search(q, 5, f)] == [
        (r.doc_id, r.matched_terms) for r in index.search(q, 5, f)
    ]
    assert np.array_equal(loaded.years, index.years)


def test_k_limits_results(index: BM25Index, tokenizer: ChineseTokenizer) -> None:
    q = tokenizer.query_terms("加装电梯 河涌 共享单车 长者饭堂")
    assert len(index.search(q, 2)) == 2
    assert index.search(q, 0) == []
