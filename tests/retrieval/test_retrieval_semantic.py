"""The semantic channel end to end: shipped vectors reused by passage hash, fusion, relevance floor, origins."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrieval.documents import Document, MemoryDocumentStore
from retrieval.embeddings import E5Embeddings, passage_hash, passage_text
from retrieval.hybrid import Searcher, prioritise
from retrieval.indexer import Indexer
from retrieval.origins import origin_of
from retrieval.shipped_vectors import VECTORS_FILE, ShippedVectors, dequantise, load_shipped_vectors, quantise
from retrieval.vector_store import ChromaVectorStore, make_chroma_client


def _ship(folder: Path, docs: list[Document], embeddings: E5Embeddings) -> ShippedVectors:
    texts = [passage_text(d) for d in docs]
    shipped = ShippedVectors.from_vectors(
        embeddings.space_id,
        [d.doc_id for d in docs],
        [passage_hash(embeddings.space_id, t) for t in texts],
        embeddings.embed_array(texts),
    )
    shipped.save(folder / VECTORS_FILE)
    return shipped


def test_quantisation_keeps_direction() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(50, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    codes, scales = quantise(vectors)
    assert codes.dtype == np.int8 and scales.dtype == np.float32
    back = dequantise(codes, scales)
    assert np.allclose(np.linalg.norm(back, axis=1), 1.0, atol=1e-5)
    assert float((vectors * back).sum(axis=1).min()) > 0.999


def test_shipped_file_round_trip_and_other_space_is_ignored(
    tmp_path: Path, docs: list[Document], embeddings: E5Embeddings
) -> None:
    shipped = _ship(tmp_path, docs, embeddings)
    loaded = load_shipped_vectors(embeddings.space_id, [tmp_path])
    assert len(loaded) == len(docs) and list(loaded.doc_ids) == [d.doc_id for d in docs]
    found, vectors = loaded.lookup([shipped.hashes[2], "0" * 16])
    assert found.tolist() == [True, False] and vectors.shape == (1, 384)
    assert len(load_shipped_vectors("another-space", [tmp_path])) == 0


def test_indexer_uses_shipped_vectors_when_the_passage_matches(
    tmp_path: Path, docs: list[Document], embeddings: E5Embeddings
) -> None:
    _ship(tmp_path / "shipped", docs, embeddings)
    changed = docs[1].model_copy(update={"text": docs[1].text + "现在整条河都是垃圾，气味很大。"})
    store = MemoryDocumentStore()
    store.upsert([*docs[:1], changed, *docs[2:]])
    vectors = ChromaVectorStore(make_chroma_client(tmp_path / "chroma"), embeddings)
    indexer = Indexer(tmp_path / "index", vectors, vector_sources=[tmp_path / "shipped"])
    report = indexer.sync(store, progress=False)
    assert report.reused_vectors == len(docs) - 1  # every passage whose hash matches
    assert report.embedded == 1  # the changed one is embedded anew
    stored = vectors.vectors([changed.doc_id, docs[0].doc_id])
    fresh = embeddings.embed_array([passage_text(changed)])[0]
    assert np.allclose(stored[changed.doc_id], fresh, atol=1e-6)
    shipped = load_shipped_vectors(embeddings.space_id, [tmp_path / "shipped"])
    _, expected = shipped.lookup([passage_hash(embeddings.space_id, passage_text(docs[0]))])
    assert np.allclose(stored[docs[0].doc_id], expected[0], atol=1e-6)
    # A later edit only re-embeds what changed.
    store.upsert([docs[2].model_copy(update={"title": "共享单车乱停放把盲道都占了"})])
    again = indexer.sync(store, progress=False)
    assert (again.embedded, again.reused_vectors) == (1, 0)


@pytest.fixture
def indexed(tmp_path: Path, store: MemoryDocumentStore, embeddings: E5Embeddings) -> Searcher:
    vectors = ChromaVectorStore(make_chroma_client(tmp_path / "chroma"), embeddings)
    Indexer(tmp_path / "index", vectors, vector_sources=[]).sync(store, progress=False)
    return Searcher(store, tmp_path / "index", vectors, floor=0.8)


def test_every_hit_carries_relevance_and_origin(indexed: Searcher) -> None:
    hits = indexed.search("村里的河涌又黑又臭", k=10)
    assert hits[0].doc_id == "item-2"
    assert all(h.similarity is not None and -1.0 <= h.similarity <= 1.0 for h in hits)
    assert all(h.relevance is not None and 0.0 <= h.relevance <= 1.0 for h in hits)
    assert all(h.relevant == (h.relevance >= indexed.floor) for h in hits)
    assert all(h.origin is not None and h.origin.label for h in hits)


def test_floor_drops_unrelated_hits(indexed: Searcher) -> None:
    query = "村里的河涌又黑又臭"
    everything = indexed.search(query, k=10)
    kept = indexed.search(query, k=10, relevant_only=True)
    assert kept and kept[0].doc_id == "item-2"
    assert {h.doc_id for h in kept} == {h.doc_id for h in everything if h.relevance >= indexed.floor}
    assert len(kept) < len(everything)
    above_all = max(h.relevance for h in everything) + 1e-6
    strict = Searcher(indexed.store, indexed.index_dir, indexed.vector_store, floor=above_all)
    assert strict.search(query, k=10, relevant_only=True) == []
    assert all(not h.relevant for h in strict.search(query, k=10))


def test_an_idea_with_nothing_similar_gets_nothing(indexed: Searcher) -> None:
    query = "量子计算机芯片的光刻工艺怎么改进"
    assert indexed.search(query, k=5)  # the plain ranking always has a best of nothing
    assert indexed.search(query, k=5, relevant_only=True) == []


def test_each_channel_alone_and_fused(indexed: Searcher) -> None:
    for mode in ("bm25", "chars", "dense", "hybrid"):
        hits = indexed.search("电梯加装审批慢", k=3, mode=mode)
        assert hits and hits[0].doc_id in {"item-1", "law:elevator#第五条"}, mode


def test_numbers_do_not_make_a_match(indexed: Searcher) -> None:
    hits = indexed.search("二十多天", k=5, mode="bm25") + indexed.search("二十多天", k=5, mode="chars")
    assert hits == []


def test_prefer_kinds_puts_proposals_first(indexed: Searcher) -> None:
    hits = indexed.search("电动自行车充电和停放", k=8, prefer_kinds=["proposal"])
    assert hits[0].kind == "proposal"
    again = prioritise(hits, ["policy"])
    kinds = [h.kind for h in again]
    assert kinds == sorted(kinds, key=lambda k: k != "policy")


@pytest.mark.parametrize(
    ("doc", "jurisdiction", "applies", "label"),
    [
        (Document(doc_id="item-9", kind="item", title="t", text="x", year=2019, region="A市", source="hot"),
         "外地", False, "外地类似留言（A市，2019年）"),
        (Document(doc_id="item-8", kind="item", title="t", text="x", year=2018, region=None, source="replies"),
         "外地", False, "外地类似留言（地区不详，2018年）"),
        (Document(doc_id="item-7", kind="item", title="t", text="x", year=2021, region="广州"),
         "广州市", True, "广州往期留言（2021年）"),
        (Document(doc_id="law:a#第一条", kind="policy", title="t", text="x", region="全国"),
         "全国", True, "全国性法律法规"),
        (Document(doc_id="law:b#第一条", kind="policy", title="t", text="x", region="广东"),
         "广东省", True, "广东省地方性法规"),
        (Document(doc_id="law:c#第一条", kind="policy", title="t", text="x", region="广州"),
         "广州市", True, "广州市法规文件"),
        (Document(doc_id="law:d#第一条", kind="policy", title="t", text="x", region="深圳"),
         "深圳市", False, "外地法规（深圳市，不适用于广州，仅供参考）"),
        (Document(doc_id="law:e#第一条", kind="policy", title="t", text="x", region="浙江"),
         "浙江省", False, "外地法规（浙江省，不适用于广州，仅供参考）"),
        (Document(doc_id="law:f#第一条", kind="policy", title="t", text="x", region=None),
         "未注明", True, "法规文件（适用地区未注明）"),
        (Document(doc_id="p-1", kind="proposal", title="t", text="x", year=2024, region="广州"),
         "本系统", True, "本系统提案（2024年）"),
    ],
)
def test_origin_labels(doc: Document, jurisdiction: str, applies: bool, label: str) -> None:
    origin = origin_of(doc)
    assert (origin.jurisdiction, origin.applies_to_guangzhou, origin.label) == (jurisdiction, applies, label)


def test_citations_say_where_a_document_comes_from() -> None:
    item = Document(doc_id="item-9", kind="item", title="路灯坏了", text="x", year=2019, region="A市", source="hot")
    assert item.citation() == "外地类似留言（A市，2019年）「路灯坏了」(item-9)"
    other = Document(
        doc_id="law:d#第三条", kind="policy", title="深圳经济特区某条例", text="x", region="深圳", article="第三条"
    )
    assert other.citation() == "《深圳经济特区某条例》第三条（深圳市法规，不适用于广州）"
    national = Document(doc_id="law:a#第三条", kind="policy", title="某法", text="x", region="全国", article="第三条")
    assert national.citation() == "《某法》第三条"


def test_query_vector_is_reused_for_repeated_searches(indexed: Searcher, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    embeddings = indexed.vector_store.embeddings
    original = embeddings.embed_array

    def counting(texts, query=False):  # type: ignore[no-untyped-def]
        calls.extend(texts)
        return original(texts, query=query)

    monkeypatch.setattr(embeddings, "embed_array", counting)
    first = indexed.search("小区电梯老是坏", k=3)
    again = indexed.search("小区电梯老是坏", k=3, mode="dense")
    assert len(calls) == 1  # embedded once
    assert first and again and {h.doc_id for h in first} & {h.doc_id for h in again}
