"""The same upsert/query/sync through a real Chroma server started with the ``chroma`` CLI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval.documents import MemoryDocumentStore, SearchFilters
from retrieval.embeddings import E5Embeddings
from retrieval.hybrid import Searcher
from retrieval.indexer import Indexer
from retrieval.vector_store import ChromaVectorStore, make_chroma_client, vector_metadata
from tests.fixtures.chroma_server import running_chroma_server

pytestmark = pytest.mark.chroma_server


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    with running_chroma_server(tmp_path_factory.mktemp("chroma-server")) as address:
        yield address


def test_upsert_query_delete_over_http(chroma_server: tuple[str, int], docs, embeddings: E5Embeddings) -> None:
    host, port = chroma_server
    store = ChromaVectorStore(make_chroma_client(host=host, port=port), embeddings, base_name="srvtest")
    vectors = embeddings.embed_array([d.index_text() for d in docs])
    store.upsert([d.doc_id for d in docs], vectors, [vector_metadata(d.kind, d.year, d.region, d.title) for d in docs])
    assert store.count() == len(docs)
    query = embeddings.embed_array(["河涌黑臭怎么治理"])[0]
    assert store.query(query, 1)[0].doc_id == "item-2"
    policy = store.query(query, 5, SearchFilters(kinds=["policy"]))
    assert {r.doc_id for r in policy} == {"law:water#第十条", "law:elevator#第五条"}
    store.delete(["item-2"])
    assert "item-2" not in {r.doc_id for r in store.query(query, 10)}
    # a second client sees the same collection, with our embedding function recorded
    again = ChromaVectorStore(make_chroma_client(host=host, port=port), embeddings, base_name="srvtest")
    assert again.count() == len(docs) - 1
    assert again.collection("item").configuration_json["embedding_function"]["name"] == "baixing_embeddings"


def test_indexer_and_searcher_over_http(
    chroma_server: tuple[str, int], tmp_path: Path, store: MemoryDocumentStore, embeddings: E5Embeddings
) -> None:
    host, port = chroma_server
    vectors = ChromaVectorStore(make_chroma_client(host=host, port=port), embeddings, base_name="srvsync")
    indexer = Indexer(tmp_path / "index", vectors)
    first = indexer.sync(store, progress=False)
    assert first.embedded == store.count() == vectors.count()
    assert indexer.sync(store, progress=False).embedded == 0
    hits = Searcher(store, tmp_path / "index", vectors).search("老旧小区加装电梯", k=3, mode="hybrid")
    assert hits[0].doc_id in {"item-1", "law:elevator#第五条"}
    assert hits[0].citation and hits[0].snippet
