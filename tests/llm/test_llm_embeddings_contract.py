"""Contract test of the OpenAI-compatible embeddings client (retrieval/embeddings.py) over HTTP."""

from __future__ import annotations

import pytest

from tests.fakes.openai_server import FakeOpenAIServer, embeddings_reply, hashed_vector, http_error

embeddings_module = pytest.importorskip("retrieval.embeddings")


def make(server: FakeOpenAIServer, **options: object):
    return embeddings_module.make_openai_embeddings(
        server.base_url, "bge-m3", api_key="sk-embed", timeout=1.0, max_retries=0, **options
    )


def test_embed_documents_and_query_over_http(openai_server: FakeOpenAIServer) -> None:
    client = make(openai_server, batch_size=2)
    texts = ["建议增设非机动车停放区", "老旧小区加装电梯", "地铁加密班次"]
    vectors = client.embed_documents(texts)
    assert len(vectors) == 3 and all(len(v) == openai_server.embedding_dims for v in vectors)
    assert vectors[0] == pytest.approx(hashed_vector(texts[0], openai_server.embedding_dims), abs=1e-6)
    query = client.embed_query("地铁加密班次")
    assert query == pytest.approx(vectors[2], abs=1e-6)

    requests = [r for r in openai_server.requests if r.path.endswith("/embeddings")]
    assert [len(r.json["input"]) for r in requests[:2]] == [2, 1]  # batched by batch_size
    for request in requests:
        assert request.json["model"] == "bge-m3"
        assert all(isinstance(x, str) for x in request.json["input"])  # raw text, no tiktoken token ids
        assert request.headers["authorization"] == "Bearer sk-embed"


def test_explicit_vectors_and_errors(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue_embeddings(embeddings_reply([[1.0, 0.0, 0.0]]), http_error(500))
    client = make(openai_server)
    assert client.embed_query("x") == pytest.approx([1.0, 0.0, 0.0])
    with pytest.raises(Exception, match=r"500|scripted"):
        client.embed_query("y")
