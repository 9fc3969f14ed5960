from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.documents import MemoryDocumentStore, SearchFilters
from retrieval.hybrid import Searcher, reciprocal_rank_fusion
from retrieval.indexer import Indexer
from retrieval.snippets import make_snippet, maximal_terms, terms_in_text
from retrieval.vector_store import ChromaVectorStore


@pytest.fixture
def searcher(tmp_path: Path, store: MemoryDocumentStore, vector_store: ChromaVectorStore) -> Searcher:
    Indexer(tmp_path / "index", vector_store).sync(store, progress=False)
    return Searcher(store, tmp_path / "index", vector_store)


def test_rrf_orders_by_summed_reciprocal_ranks() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["c", "b", "d"]], k=60)
    order = [doc_id for doc_id, _ in fused]
    # c: 1/63 + 1/61 (just above) b: 2/62; then a: 1/61; d: 1/63
    assert order == ["c", "b", "a", "d"]
    scores = dict(fused)
    assert scores["b"] == pytest.approx(2 / 62)
    assert scores["c"] == pytest.approx(1 / 63 + 1 / 61)
    assert scores["c"] > scores["b"] > scores["a"] > scores["d"]


def test_rrf_small_k_rewards_top_ranks_more() -> None:
    runs = [["x", "y"], ["y", "z"]]
    assert next(d for d, _ in reciprocal_rank_fusion(runs, k=1)) == "y"
    assert reciprocal_rank_fusion([], k=60) == []
    assert reciprocal_rank_fusion([["only"], []]) == [("only", pytest.approx(1 / 61))]


@pytest.mark.parametrize("mode", ["bm25", "dense", "hybrid"])
def test_every_mode_finds_the_obvious_document(searcher: Searcher, mode: str) -> None:
    hits = searcher.search("老旧小区加装电梯审批", k=3, mode=mode)  # type: ignore[arg-type]
    assert hits and hits[0].doc_id in {"item-1", "law:elevator#第五条"}
    assert len(hits) <= 3


def test_hybrid_hit_fields(searcher: Searcher) -> None:
    hits = searcher.search("河涌黑臭水体整治", k=5, mode="hybrid")
    by_id = {h.doc_id: h for h in hits}
    item = by_id["item-2"]
    assert item.kind == "item"
    assert item.citation == "广州往期留言（2019年）「河涌黑臭影响居民生活」(item-2)"
    assert item.reply == "区水务局已将该河涌纳入整治计划。"
    assert "河涌" in item.matched_terms
    assert "【河涌】" in item.snippet or "【黑臭水体】" in item.snippet
    assert item.score > 0 and item.year == 2019 and item.region == "广州"
    law = by_id["law:water#第十条"]
    assert law.citation == "《广州市河涌管理规定》第十条"
    assert law.article == "第十条" and law.reply is None
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_filters_apply_in_every_mode(searcher: Searcher) -> None:
    f = SearchFilters(kinds=["policy"])
    for mode in ("bm25", "dense", "hybrid"):
        hits = searcher.search("加装电梯 河涌", k=10, filters=f, mode=mode)  # type: ignore[arg-type]
        assert hits and all(h.kind == "policy" for h in hits), mode
    year = SearchFilters(year_from=2022)
    for mode in ("bm25", "dense", "hybrid"):
        hits = searcher.search("电动自行车 共享单车", k=10, filters=year, mode=mode)  # type: ignore[arg-type]
        assert hits and all(h.year is not None and h.year >= 2022 for h in hits), mode


def test_stopword_and_empty_queries(searcher: Searcher) -> None:
    assert searcher.search("", k=5) == []
    assert searcher.search("的了吗", k=5, mode="bm25") == []
    assert searcher.search("河涌", k=0) == []


def test_dense_only_hits_get_matched_terms_from_text(searcher: Searcher) -> None:
    hits = searcher.search("长者饭堂", k=1, mode="dense")
    assert hits[0].doc_id == "item-4"
    assert hits[0].matched_terms == ["长者饭堂"]
    assert "【长者饭堂】" in hits[0].snippet


def test_bm25_only_searcher_without_vector_store(tmp_path: Path, store: MemoryDocumentStore, vector_store) -> None:
    Indexer(tmp_path / "idx", vector_store).sync(store, progress=False)
    lexical = Searcher(store, tmp_path / "idx", None)
    hits = lexical.search("共享单车 人行道", k=2)
    assert hits[0].doc_id == "item-3"


def test_searcher_reloads_after_a_new_sync(
    tmp_path: Path, store: MemoryDocumentStore, vector_store: ChromaVectorStore
) -> None:
    indexer = Indexer(tmp_path / "index", vector_store)
    searcher = Searcher(store, tmp_path / "index", vector_store)
    assert searcher.search("河涌", k=3, mode="bm25") == []  # nothing indexed yet
    indexer.sync(store, progress=False)
    assert searcher.search("河涌", k=3, mode="bm25")


def test_snippet_wraps_terms_and_centres_on_them() -> None:
    text = "开头无关内容" * 30 + "小区居民希望加装电梯，电梯审批要简化。" + "结尾无关内容" * 30
    snippet = make_snippet(text, ["加装电梯", "电梯", "审批"], chars=40)
    assert "【加装电梯】" in snippet and "【审批】" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert len(snippet.replace("【", "").replace("】", "")) <= 42
    assert make_snippet("短文本", [], 120) == "短文本"
    assert make_snippet("Wifi 信号差", ["wifi"], 120) == "【Wifi】 信号差"


def test_maximal_terms_and_terms_in_text() -> None:
    assert maximal_terms(["加装", "电梯", "加装电梯", "审批"]) == ["加装电梯", "审批"]
    assert terms_in_text(["河涌", "电梯", "app"], "穗好办APP 河涌") == ["河涌", "app"]


def test_snippet_never_cuts_a_term() -> None:
    text = "甲" * 50 + "拨打12345热线" + "乙" * 50
    for chars in range(8, 30):
        snippet = make_snippet(text, ["12345热线"], chars=chars)
        assert "【12345热线】" in snippet, chars


def test_weighted_fusion_and_weights(store: MemoryDocumentStore, vector_store, tmp_path: Path) -> None:
    assert Searcher(store, tmp_path, vector_store, weights={"dense": 2.0}).weights == {
        "words": 0.5, "chars": 1.0, "dense": 2.0
    }
    fused = reciprocal_rank_fusion([["a", "b"], ["b", "a"]], k=60, weights=(1.0, 0.5))
    assert [d for d, _ in fused] == ["a", "b"]
    assert dict(fused)["a"] == pytest.approx(1 / 61 + 0.5 / 62)


def test_snippet_window_matches_brute_force() -> None:
    """The sliding-window choice equals checking every window directly."""
    import random
    import re

    from retrieval.snippets import best_window_start

    rng = random.Random(3)
    vocab = ["电梯", "加装", "老旧小区", "河涌", "公交", "噪音", "停车"]
    for _ in range(200):
        text = "".join(rng.choice([*vocab, "的", "在", "了", "居民", "问题", "，"]) for _ in range(rng.randint(5, 120)))
        terms = rng.sample(vocab, rng.randint(1, 4))
        matches = list(re.finditer("|".join(sorted(terms, key=len, reverse=True)), text))
        if not matches:
            continue
        chars = rng.choice([10, 20, 40])
        lead = chars // 8
        best, best_score = 0, -1.0
        for anchor in matches:
            start = max(anchor.start() - lead, 0)
            seen = {m.group(0) for m in matches if m.start() >= start and m.end() <= start + chars}
            score = sum(len(t) for t in seen) + 0.001 * (len(text) - start)
            if score > best_score:
                best, best_score = start, score
        assert best_window_start(matches, len(text), chars) == best
