"""Text embeddings: an offline hashed-feature embedding and a factory for OpenAI-compatible endpoints."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction
from chromadb.api.types import Embeddings as ChromaEmbeddings
from chromadb.utils.embedding_functions import register_embedding_function
from langchain_core.embeddings import Embeddings

from retrieval.tokenizer import Analysis, ChineseTokenizer, default_tokenizer

_MASK40 = (1 << 40) - 1
_SHIFT = np.uint64(40)
_SALT_UNIGRAM = np.uint64(0x9E3779B97F4A7C15)
_SALT_BIGRAM = np.uint64(0xC2B2AE3D27D4EB4F)
_WORD_CACHE_LIMIT = 500_000


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser on uint64 arrays: a stable, platform-independent integer hash."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * np.uint64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> np.uint64(27))
        x = x * np.uint64(0x94D049BB133111EB)
        x = x ^ (x >> np.uint64(31))
    return x


class HashedEmbeddings(Embeddings):
    """Offline, deterministic embedding: signed feature hashing of jieba terms (words and
    dictionary sub-words), CJK character unigrams and bigrams.

    Each feature adds ``weight * (1 + log tf)`` with a hash-derived sign to one of ``dims`` buckets;
    the vector is L2-normalised, so the inner product is the cosine similarity.
    """

    VERSION = 1

    def __init__(
        self,
        dims: int = 512,
        tokenizer: ChineseTokenizer | None = None,
        word_weight: float = 1.0,
        bigram_weight: float = 0.8,
        unigram_weight: float = 0.3,
    ) -> None:
        if dims < 8:
            raise ValueError("dims must be at least 8")
        self.dims = dims
        self.word_weight = word_weight
        self.bigram_weight = bigram_weight
        self.unigram_weight = unigram_weight
        self._tokenizer = tokenizer
        self._word_cache: dict[str, int] = {}  # word -> 40-bit hash
        self._stop_cps: np.ndarray | None = None
        self._space_id: str | None = None

    @property
    def tokenizer(self) -> ChineseTokenizer:
        if self._tokenizer is None:
            self._tokenizer = default_tokenizer()
        return self._tokenizer

    @property
    def space_id(self) -> str:
        """Identifies the vector space: vectors of different spaces must never be mixed."""
        if self._space_id is None:
            w = f"{self.word_weight:g}-{self.bigram_weight:g}-{self.unigram_weight:g}"
            self._space_id = f"hashed-v{self.VERSION}-d{self.dims}-w{w}-t{self.tokenizer.fingerprint}"
        return self._space_id

    # Feature hashing ------------------------------------------------------------------------------
    # Every feature becomes a 40-bit hash; a batch's features are keyed (row << 40 | hash), counted with
    # one np.unique per feature type, and scattered into the matrix with one bincount.

    def _word_hash(self, word: str) -> int:
        h = self._word_cache.get(word)
        if h is None:
            digest = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
            h = int.from_bytes(digest, "little") & _MASK40
            if len(self._word_cache) >= _WORD_CACHE_LIMIT:
                self._word_cache.clear()
            self._word_cache[word] = h
        return h

    def _stop_codepoints(self) -> np.ndarray:
        if self._stop_cps is None:
            chars = sorted(self.tokenizer.stop_chars)
            self._stop_cps = np.array([ord(c) for c in chars], dtype=np.uint64)
        return self._stop_cps

    def _scatter(self, keys: np.ndarray, weight: float, n: int, out: np.ndarray) -> None:
        """Add ``weight * (1 + log tf) * sign`` of each distinct (row, feature) key into ``out``."""
        if keys.size == 0 or weight == 0:
            return
        uniq, tf = np.unique(keys, return_counts=True)
        rows = (uniq >> _SHIFT).astype(np.int64)
        h = uniq & np.uint64(_MASK40)
        buckets = (h % np.uint64(self.dims)).astype(np.int64)
        sign = np.where((h >> np.uint64(39)) & np.uint64(1), 1.0, -1.0)
        out += np.bincount(
            rows * self.dims + buckets, weights=sign * weight * (1.0 + np.log(tf)), minlength=n * self.dims
        )

    def embed_analyses(self, analyses: Sequence[Analysis]) -> np.ndarray:
        """Vectors (float32, ``len(analyses) x dims``, unit length or zero) from tokeniser output."""
        n = len(analyses)
        flat = np.zeros(n * self.dims, dtype=np.float64)
        if n == 0:
            return flat.reshape(0, self.dims).astype(np.float32)

        word_keys = np.fromiter(
            ((row << 40) | self._word_hash(t) for row, a in enumerate(analyses) for t in a.terms),
            dtype=np.uint64,
        )
        self._scatter(word_keys, self.word_weight, n, flat)

        # All CJK runs of the batch in one code-point array; 0 separates runs (and documents).
        joined = "\0".join("\0".join(a.runs) for a in analyses)
        run_chars = [sum(map(len, a.runs)) + max(len(a.runs) - 1, 0) for a in analyses]
        cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        if cps.size:
            lengths = np.array(run_chars, dtype=np.int64) + 1  # + the separator after each document
            lengths[-1] -= 1
            rows = np.repeat(np.arange(n, dtype=np.uint64), lengths) << _SHIFT
            is_char = cps != 0
            keep = is_char & ~np.isin(cps, self._stop_codepoints())
            uni = (_mix64(cps[keep] ^ _SALT_UNIGRAM) & np.uint64(_MASK40)) | rows[keep]
            self._scatter(uni, self.unigram_weight, n, flat)
            pair = is_char[:-1] & is_char[1:]
            grams = (cps[:-1][pair] << np.uint64(21)) | cps[1:][pair]
            bi = (_mix64(grams ^ _SALT_BIGRAM) & np.uint64(_MASK40)) | rows[:-1][pair]
            self._scatter(bi, self.bigram_weight, n, flat)

        matrix = flat.reshape(n, self.dims)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        np.divide(matrix, norms, out=matrix, where=norms > 0)
        return matrix.astype(np.float32)

    def embed_array(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of raw texts as a float32 matrix."""
        return self.embed_analyses([self.tokenizer.analyse(t) for t in texts])

    # langchain Embeddings -------------------------------------------------------------------------
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_array([text])[0].tolist()


@register_embedding_function
class ChromaEmbeddingAdapter(EmbeddingFunction[Documents]):
    """Chroma's EmbeddingFunction around our embeddings, so a collection never falls back to chroma's
    default (downloading) model. Rebuilt from config only for the hashed space; for other spaces the
    rebuilt function refuses to embed (callers always pass vectors explicitly)."""

    def __init__(self, embeddings: Embeddings | None = None, space_id: str = "", dims: int = 0) -> None:
        self._embeddings = embeddings
        if not space_id and embeddings is not None:
            space_id = embedding_space_id(embeddings)
        self.space_id = space_id
        self.dims = dims or getattr(embeddings, "dims", 0)

    def __call__(self, input: Documents) -> ChromaEmbeddings:
        if self._embeddings is None:
            raise RuntimeError(f"no embedder for space {self.space_id!r}: pass embeddings explicitly")
        if isinstance(self._embeddings, HashedEmbeddings):
            return list(self._embeddings.embed_array(list(input)))
        return [np.asarray(v, dtype=np.float32) for v in self._embeddings.embed_documents(list(input))]

    @staticmethod
    def name() -> str:
        return "baixing_embeddings"

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def supported_spaces(self) -> list[str]:  # type: ignore[override]
        return ["cosine", "ip", "l2"]

    def get_config(self) -> dict[str, Any]:
        return {"space_id": self.space_id, "dims": self.dims}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbeddingAdapter:
        space_id = str(config.get("space_id", ""))
        dims = int(config.get("dims") or 0)
        if space_id.startswith("hashed-") and dims:
            probe = HashedEmbeddings(dims=dims)
            if probe.space_id == space_id:
                return ChromaEmbeddingAdapter(probe, space_id=space_id, dims=dims)
        return ChromaEmbeddingAdapter(None, space_id=space_id, dims=dims)

    def validate_config_update(self, old_config: dict[str, Any], new_config: dict[str, Any]) -> None:
        if old_config.get("space_id") != new_config.get("space_id"):
            raise ValueError("cannot change the embedding space of a collection")


def embedding_space_id(embeddings: Embeddings) -> str:
    """A stable id of the vector space an embedder produces."""
    space = getattr(embeddings, "space_id", None)
    if isinstance(space, str) and space:
        return space
    model = getattr(embeddings, "model", None) or getattr(embeddings, "model_name", None) or "unknown"
    dims = getattr(embeddings, "dimensions", None)
    suffix = f"-d{dims}" if dims else ""
    return f"{type(embeddings).__name__.lower()}:{model}{suffix}"


def embed_texts(embeddings: Embeddings, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
    """Embed texts in batches into a float32 matrix (fast path for :class:`HashedEmbeddings`)."""
    if isinstance(embeddings, HashedEmbeddings):
        return embeddings.embed_array(texts)
    rows: list[list[float]] = []
    for start in range(0, len(texts), batch_size):
        rows.extend(embeddings.embed_documents(list(texts[start : start + batch_size])))
    if not rows:
        return np.zeros((0, 0), dtype=np.float32)
    return np.asarray(rows, dtype=np.float32)


def embed_query_vector(embeddings: Embeddings, text: str, analysis: Analysis | None = None) -> np.ndarray:
    """One query vector; reuses a tokeniser ``analysis`` for the hashed embedding."""
    if isinstance(embeddings, HashedEmbeddings):
        a = analysis if analysis is not None else embeddings.tokenizer.analyse(text)
        return embeddings.embed_analyses([a])[0]
    return np.asarray(embeddings.embed_query(text), dtype=np.float32)


def make_openai_embeddings(
    base_url: str | None,
    model: str,
    api_key: str | None = None,
    timeout: float = 30.0,
    batch_size: int = 64,
    max_retries: int = 1,
) -> Embeddings:
    """An OpenAI-compatible embeddings client that never downloads a tokenizer."""
    from langchain_openai import OpenAIEmbeddings

    return OpenAIEmbeddings(
        model=model,
        base_url=base_url,
        api_key=api_key or "not-needed",  # type: ignore[arg-type]
        timeout=timeout,
        chunk_size=batch_size,
        max_retries=max_retries,
        check_embedding_ctx_length=False,
        tiktoken_enabled=False,
    )


__all__ = [
    "ChromaEmbeddingAdapter",
    "HashedEmbeddings",
    "embed_query_vector",
    "embed_texts",
    "embedding_space_id",
    "make_openai_embeddings",
]
