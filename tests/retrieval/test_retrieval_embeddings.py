from __future__ import annotations

import numpy as np
from langchain_core.embeddings import Embeddings

from retrieval.embeddings import (
    ChromaEmbeddingAdapter,
    HashedEmbeddings,
    embed_query_vector,
    embed_texts,
    embedding_space_id,
    make_openai_embeddings,
)
from retrieval.tokenizer import ChineseTokenizer

PARAPHRASES = [
    ("小区加装电梯补贴申请难", "老旧住宅增设电梯的资助手续太复杂", "地铁站附近共享单车乱停放"),
    ("夜间施工噪音扰民", "工地晚上施工声音太吵影响休息", "积分入学政策咨询"),
    ("河涌污染发臭", "河涌水体黑臭需要整治", "网约车司机权益保障"),
    ("学位紧张孩子上学难", "学校学位不足入学困难", "垃圾分类投放点设置"),
    ("人行道被电动车占用", "电动自行车乱停占用人行道", "医保异地就医报销"),
    ("小区停车位不够", "停车难，小区车位严重不足", "长者饭堂菜价上涨"),
]


def test_is_langchain_embeddings_with_expected_shape(embeddings: HashedEmbeddings) -> None:
    assert isinstance(embeddings, Embeddings)
    docs = embeddings.embed_documents(["河涌黑臭", "加装电梯"])
    assert len(docs) == 2 and all(len(v) == 512 for v in docs)
    assert len(embeddings.embed_query("河涌黑臭")) == 512


def test_deterministic_across_instances(tokenizer: ChineseTokenizer) -> None:
    text = "城中村电动自行车飞线充电存在安全隐患"
    a = HashedEmbeddings(tokenizer=tokenizer).embed_query(text)
    b = HashedEmbeddings(tokenizer=tokenizer).embed_query(text)
    assert a == b


def test_unit_length_and_empty_is_zero(embeddings: HashedEmbeddings) -> None:
    vectors = embeddings.embed_array(["长者饭堂菜价上涨", "12345", "的了吗", ""])
    norms = np.linalg.norm(vectors, axis=1)
    assert np.allclose(norms[:2], 1.0, atol=1e-5)
    assert norms[3] == 0.0
    assert vectors.dtype == np.float32


def test_paraphrase_closer_than_unrelated(embeddings: HashedEmbeddings) -> None:
    for query, paraphrase, unrelated in PARAPHRASES:
        q, p, u = embeddings.embed_array([query, paraphrase, unrelated])
        assert float(q @ p) > float(q @ u), (query, paraphrase, unrelated)


def test_dims_and_space_id(tokenizer: ChineseTokenizer) -> None:
    small = HashedEmbeddings(dims=64, tokenizer=tokenizer)
    assert small.embed_array(["河涌"]).shape == (1, 64)
    assert small.space_id != HashedEmbeddings(dims=512, tokenizer=tokenizer).space_id
    assert embedding_space_id(small) == small.space_id


def test_batch_helpers_match_single_calls(embeddings: HashedEmbeddings, tokenizer: ChineseTokenizer) -> None:
    texts = ["河涌黑臭", "加装电梯", "共享单车"]
    batch = embed_texts(embeddings, texts)
    single = np.array([embeddings.embed_query(t) for t in texts], dtype=np.float32)
    assert np.allclose(batch, single)
    analysis = tokenizer.analyse("河涌黑臭")
    assert np.allclose(embed_query_vector(embeddings, "河涌黑臭", analysis), single[0])


def test_chroma_adapter_round_trips_config(embeddings: HashedEmbeddings) -> None:
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
