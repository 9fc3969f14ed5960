from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.documents import DOC_KINDS, Document, SearchFilters
from retrieval.embeddings import E5Embeddings
from retrieval.vector_store import (
    ChromaVectorStore,
    EmbeddingSpaceMismatch,
    make_chroma_client,
    vector_metadata,
    where_from_filters,
)
from tests.retrieval.conftest import OtherSpaceEmbeddings


def fill(store: ChromaVectorStore, docs: list[Document]) -> None:
    vectors = store.embeddings.embed_array([d.index_text() for d in docs])  # type: ignore[attr-defined]
    store.upsert([d.doc_id for d in docs], vectors, [vector_metadata(d.kind, d.year, d.region, d.title) for d in docs])


def nearest(store: ChromaVectorStore, text: str, k: int = 10, filters: SearchFilters | None = None) -> list[str]:
    vector = store.embeddings.embed_array([text])[0]  # type: ignore[attr-defined]
    return [r.doc_id for r in store.query(vector, k, filters)]


def test_upsert_query_and_filters(vector_store: ChromaVectorStore, docs: list[Document]) -> None:
    fill(vector_store, docs)
    assert vector_store.count() == len(docs)
    assert nearest(vector_store, "老旧小区想加装电梯，审批很慢", 1) == ["item-1"]
    assert set(nearest(vector_store, "电梯", 10, SearchFilters(kinds=["policy"]))) == {
        "law:elevator#第五条",
        "law:water#第十条",
    }
    assert set(nearest(vector_store, "电梯", 10, SearchFilters(year_from=2021))) == {"item-1", "item-3", "proposal-1"}
    with_year_to = nearest(vector_store, "长者饭堂", 10, SearchFilters(year_to=2030))
    assert "item-4" not in with_year_to and len(with_year_to) == len(docs) - 1
    assert nearest(vector_store, "电梯", 10, SearchFilters(regions=["深圳"])) == ["item-3"]
    f = SearchFilters(kinds=["item"], year_from=2019, year_to=2021, regions=["广州"])
    assert set(nearest(vector_store, "河涌", 10, f)) == {d.doc_id for d in docs if f.accepts(d.kind, d.year, d.region)}


def test_scores_are_cosine_similarities(vector_store: ChromaVectorStore, docs: list[Document]) -> None:
    fill(vector_store, docs)
    vector = vector_store.embeddings.embed_array([docs[1].index_text()])[0]  # type: ignore[attr-defined]
    top = vector_store.query(vector, 3)
    assert top[0].doc_id == docs[1].doc_id
    assert top[0].score == pytest.approx(1.0, abs=1e-4)
    assert top[0].score >= top[1].score >= top[2].score


def test_delete_and_upsert_replace(vector_store: ChromaVectorStore, docs: list[Document]) -> None:
    fill(vector_store, docs)
    vector_store.delete(["item-1", "missing-id"])
    assert vector_store.count() == len(docs) - 1
    assert "item-1" not in nearest(vector_store, "加装电梯")
    fill(vector_store, docs[:2])
    assert vector_store.count() == len(docs)
    assert vector_store.all_ids() == {d.doc_id for d in docs}


def test_persists_across_clients(tmp_path: Path, embeddings: E5Embeddings, docs: list[Document]) -> None:
    fill(ChromaVectorStore(make_chroma_client(tmp_path / "c"), embeddings), docs)
    reopened = ChromaVectorStore(make_chroma_client(tmp_path / "c"), embeddings)
    assert reopened.count() == len(docs)
    assert nearest(reopened, "河涌黑臭", 1) == ["item-2"]


def test_collection_per_embedding_space(tmp_path: Path, tokenizer, docs: list[Document]) -> None:
    client = make_chroma_client(tmp_path / "c")
    a = ChromaVectorStore(client, E5Embeddings())
    b = ChromaVectorStore(client, OtherSpaceEmbeddings())
    assert set(a.names.values()).isdisjoint(b.names.values())
    fill(a, docs)
    assert b.count() == 0
    meta = a.collection("policy").metadata
    assert meta["embedding_space"] == a.space_id and meta["dims"] == 384 and meta["kind"] == "policy"


def test_refuses_a_collection_of_another_space(tmp_path: Path, embeddings: E5Embeddings) -> None:
    client = make_chroma_client(tmp_path / "c")
    store = ChromaVectorStore(client, embeddings)
    client.create_collection(
        store.names["item"], metadata={"embedding_space": "something-else"}, embedding_function=None
    )
    with pytest.raises(EmbeddingSpaceMismatch):
        store.count()


def test_collection_uses_our_embedding_function(vector_store: ChromaVectorStore, docs: list[Document]) -> None:
    fill(vector_store, docs)
    config = vector_store.collection("item").configuration_json
    assert config["embedding_function"]["name"] == "baixing_embeddings"
    assert config["hnsw"]["space"] == "cosine" and config["hnsw"]["ef_search"] == 1000
    # Text queries through chroma itself use our function, never chroma's downloading default.
    plain = vector_store.client.get_collection(vector_store.names["item"])
    got = plain.query(query_texts=["河涌黑臭"], n_results=1)
    assert got["ids"][0] == ["item-2"]


def test_kinds_live_in_separate_collections(vector_store: ChromaVectorStore, docs: list[Document]) -> None:
    fill(vector_store, docs)
    for kind in DOC_KINDS:
        stored = set(vector_store.collection(kind).get(include=[])["ids"])
        assert stored == {d.doc_id for d in docs if d.kind == kind}
    # unfiltered queries merge all kinds by similarity
    merged = vector_store.query(vector_store.embeddings.embed_array(["电动自行车 河涌"])[0], 7)  # type: ignore[attr-defined]
    assert {r.doc_id for r in merged} == {d.doc_id for d in docs}
    assert [r.score for r in merged] == sorted((r.score for r in merged), reverse=True)


def test_where_clause_shapes() -> None:
    assert where_from_filters(None) is None
    assert where_from_filters(SearchFilters()) is None
    assert where_from_filters(SearchFilters(kinds=["item"])) == {"kind": {"$in": ["item"]}}
    clause = where_from_filters(SearchFilters(year_from=2020, year_to=2022, regions=["广州"]))
    assert clause == {
        "$and": [
            {"year": {"$gte": 2020}},
            {"year": {"$lte": 2022}},
            {"year": {"$gte": 0}},
            {"region": {"$in": ["广州"]}},
        ]
    }


def test_metadata_has_no_nulls() -> None:
    assert vector_metadata("item", None, None, "标题") == {"kind": "item", "year": -1, "region": "", "title": "标题"}


def test_post_filter_path_matches_where_path(vector_store: ChromaVectorStore, docs: list[Document]) -> None:
    from retrieval.vector_store import PostFilter

    fill(vector_store, docs)
    by_id = {d.doc_id: d for d in docs}
    vector = vector_store.embeddings.embed_array(["加装电梯 河涌 共享单车"])[0]  # type: ignore[attr-defined]
    for filters in (
        SearchFilters(kinds=["item"]),
        SearchFilters(year_from=2020, regions=["广州"]),
        SearchFilters(year_to=2030),
    ):

        def accept(doc_id: str, f: SearchFilters = filters) -> bool:
            d = by_id[doc_id]
            return f.accepts(d.kind, d.year, d.region)

        matching = {k: sum(accept(i) for i, d in by_id.items() if d.kind == k) for k in DOC_KINDS}
        total = {k: sum(d.kind == k for d in docs) for k in DOC_KINDS}
        post = PostFilter(accept=accept, matching=matching, total=total)
        vector_store.where_limit = 0  # force: unfiltered over-fetch, filtered here
        via_post = [r.doc_id for r in vector_store.query(vector, 3, filters, post)]
        vector_store.where_limit = 10**9  # force: Chroma's where
        via_where = [r.doc_id for r in vector_store.query(vector, 3, filters, post)]
        assert via_post == via_where and len(via_post) == min(3, sum(matching.values())), filters
    nothing = PostFilter(accept=lambda _: False, matching=dict.fromkeys(DOC_KINDS, 0), total=total)
    assert vector_store.query(vector, 3, SearchFilters(regions=["北京"]), nothing) == []
