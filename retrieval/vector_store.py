"""Dense retrieval: a Chroma collection per embedding space (embedded on disk or over HTTP)."""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaClientSettings
from langchain_core.embeddings import Embeddings

from retrieval.documents import DOC_KINDS, SearchFilters
from retrieval.embeddings import ChromaEmbeddingAdapter, embedding_space_id

_MAX_BATCH = 5000
WHERE_LIMIT = 1000
"""Above this many matching documents (per kind), try filtering an over-fetched unfiltered query on our
side before Chroma's ``where``, whose cost grows with the number of matching ids (~3-10 µs each)."""
MAX_OVERFETCH = 3000
DEFAULT_HNSW: dict[str, Any] = {"ef_search": 1000, "ef_construction": 100, "max_neighbors": 16}
"""HNSW parameters of new collections: with e5 vectors (21k shipped passages) ef_search 1000 gives recall@50 = 1.0
against exact search at ~13 ms p50; 200 gave 0.994 and was not measurably faster."""
_SPACE_KEY = "embedding_space"


class EmbeddingSpaceMismatch(RuntimeError):
    """A collection holds vectors of another embedding space than the one in use."""


def make_chroma_client(
    path: Path | None = None,
    host: str | None = None,
    port: int | None = None,
    allow_reset: bool = False,
) -> ClientAPI:
    """An embedded client persisting to ``path``, or an HTTP client when ``host`` is given; telemetry off."""
    settings = ChromaClientSettings(anonymized_telemetry=False, allow_reset=allow_reset)
    if host:
        return chromadb.HttpClient(host=host, port=port or 8000, settings=settings)
    if path is None:
        raise ValueError("either path (embedded) or host (http) is required")
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


def collection_name(base: str, space_id: str, kind: str) -> str:
    """A valid Chroma collection name unique to ``base``, the embedding space and the document kind."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", f"{base}-{space_id}").strip("-_")[:48].strip("-_")
    digest = hashlib.sha1(space_id.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}-{kind}"


def vector_metadata(kind: str, year: int | None, region: str | None, title: str) -> dict[str, Any]:
    """Metadata stored with a vector (Chroma has no null: year -1, region "")."""
    return {"kind": kind, "year": -1 if year is None else int(year), "region": region or "", "title": title}


def where_from_filters(filters: SearchFilters | None, include_kind: bool = True) -> dict[str, Any] | None:
    """A Chroma ``where`` clause equivalent to :meth:`SearchFilters.accepts` (optionally without the kind)."""
    if filters is None:
        return None
    clauses: list[dict[str, Any]] = []
    if filters.kinds and include_kind:
        clauses.append({"kind": {"$in": list(filters.kinds)}})
    if filters.year_from is not None:
        clauses.append({"year": {"$gte": int(filters.year_from)}})
    if filters.year_to is not None:
        clauses.append({"year": {"$lte": int(filters.year_to)}})
        clauses.append({"year": {"$gte": 0}})
    if filters.regions:
        clauses.append({"region": {"$in": list(filters.regions)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@dataclass(frozen=True, slots=True)
class PostFilter:
    """The filters evaluated on our side: ``accept(doc_id)``; per kind, how many of ``total`` documents pass."""

    accept: Callable[[str], bool]
    matching: dict[str, int]
    total: dict[str, int]


@dataclass(frozen=True, slots=True)
class DenseResult:
    """One dense hit: cosine similarity (higher is better)."""

    doc_id: str
    score: float


class ChromaVectorStore:
    """Vectors of one embedding space in cosine-space Chroma collections, one per document kind.

    Partitioning by kind makes the common kind filters (items vs. policies) free: Chroma's ``where``
    costs time proportional to the number of matching ids. Vectors are always computed by us.
    """

    def __init__(
        self,
        client: ClientAPI,
        embeddings: Embeddings,
        base_name: str = "baixing",
        where_limit: int = WHERE_LIMIT,
        hnsw: dict[str, Any] | None = None,
    ) -> None:
        self.client = client
        self.where_limit = where_limit
        self.hnsw = {**DEFAULT_HNSW, **(hnsw or {}), "space": "cosine"}  # scores assume cosine distance
        self.embeddings = embeddings
        self.space_id = embedding_space_id(embeddings)
        self.names = {kind: collection_name(base_name, self.space_id, kind) for kind in DOC_KINDS}
        self._collections: dict[str, Collection] = {}
        self._batch: int | None = None

    def collection(self, kind: str) -> Collection:
        """The collection of one kind, created on first use (HNSW settings apply at creation only);
        raises :class:`EmbeddingSpaceMismatch` when an existing collection holds another space."""
        coll = self._collections.get(kind)
        if coll is None:
            adapter = ChromaEmbeddingAdapter(self.embeddings, space_id=self.space_id)
            metadata: dict[str, Any] = {_SPACE_KEY: self.space_id, "kind": kind, "app": "baixing"}
            dims = getattr(self.embeddings, "dims", None)
            if dims:
                metadata["dims"] = int(dims)
            name = self.names[kind]  # type: ignore[index]  # an unknown kind is a KeyError, as it should be
            coll = self.client.get_or_create_collection(
                name=name,
                configuration={"hnsw": dict(self.hnsw)},  # type: ignore[arg-type]
                metadata=metadata,
                embedding_function=adapter,  # type: ignore[arg-type]
            )
            found = (coll.metadata or {}).get(_SPACE_KEY)
            if found != self.space_id:
                raise EmbeddingSpaceMismatch(f"collection {name!r} holds space {found!r}, not {self.space_id!r}")
            self._collections[kind] = coll
        return coll

    def batch_size(self) -> int:
        """Largest batch the client accepts (capped)."""
        if self._batch is None:
            try:
                self._batch = max(1, min(_MAX_BATCH, int(self.client.get_max_batch_size())))
            except Exception:  # older servers without the pre-flight endpoint
                self._batch = 1000
        return self._batch

    def count(self) -> int:
        """Vectors stored, all kinds together."""
        return sum(int(self.collection(kind).count()) for kind in DOC_KINDS)

    def upsert(self, ids: Sequence[str], vectors: np.ndarray, metadatas: Sequence[dict[str, Any]]) -> None:
        """Insert or replace vectors (routed by ``metadata["kind"]``) in batches."""
        if not (len(ids) == len(vectors) == len(metadatas)):
            raise ValueError("ids, vectors and metadatas must have the same length")
        vectors = np.asarray(vectors, dtype=np.float32)
        step = self.batch_size()
        for kind in DOC_KINDS:
            rows = [i for i, meta in enumerate(metadatas) if meta["kind"] == kind]
            for start in range(0, len(rows), step):
                part = rows[start : start + step]
                self.collection(kind).upsert(
                    ids=[ids[i] for i in part],
                    embeddings=vectors[part],
                    metadatas=[metadatas[i] for i in part],
                )

    def delete(self, ids: Sequence[str]) -> None:
        """Remove vectors by id, whatever their kind (unknown ids are ignored)."""
        step = self.batch_size()
        for kind in DOC_KINDS:
            coll = self.collection(kind)
            for start in range(0, len(ids), step):
                coll.delete(ids=list(ids[start : start + step]))

    def all_ids(self) -> set[str]:
        """Every stored id."""
        ids: set[str] = set()
        step = self.batch_size()
        for kind in DOC_KINDS:
            coll = self.collection(kind)
            offset = 0
            while True:
                got = coll.get(limit=step, offset=offset, include=[])
                ids.update(got["ids"])
                if len(got["ids"]) < step:
                    break
                offset += step
        return ids

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors by id (ids not stored are absent)."""
        found: dict[str, np.ndarray] = {}
        if not ids:
            return found
        for kind in DOC_KINDS:
            got = self.collection(kind).get(ids=list(ids), include=["embeddings"])
            embeddings = got.get("embeddings")
            if embeddings is None:
                continue
            for doc_id, vec in zip(got["ids"], embeddings, strict=True):
                found[doc_id] = np.asarray(vec, dtype=np.float32)
            if len(found) == len(set(ids)):
                break
        return found

    def query(
        self,
        vector: np.ndarray,
        k: int = 50,
        filters: SearchFilters | None = None,
        post_filter: PostFilter | None = None,
    ) -> list[DenseResult]:
        """The ``k`` nearest documents passing ``filters``, most similar first.

        Only the collections of the wanted kinds are searched. Year/region filters go to Chroma's
        ``where`` when few documents match; when many match (per ``post_filter``), an unfiltered
        over-fetch is filtered on our side instead, falling back to ``where`` if too few survive.
        """
        if k <= 0 or not np.any(vector):
            return []
        kinds = list(filters.kinds) if filters is not None and filters.kinds else list(DOC_KINDS)
        where = where_from_filters(filters, include_kind=False)
        found: list[DenseResult] = []
        for kind in kinds:
            found.extend(self._query_kind(kind, vector, k, where, post_filter))
        found.sort(key=lambda r: -r.score)
        return found[:k]

    def _query_kind(
        self,
        kind: str,
        vector: np.ndarray,
        k: int,
        where: dict[str, Any] | None,
        post_filter: PostFilter | None,
    ) -> list[DenseResult]:
        if where is None or post_filter is None:
            return self._query(kind, vector, k, where)
        matching = post_filter.matching.get(kind, 0)
        if matching == 0:
            return []
        if matching > self.where_limit:
            # Fetching n nearest costs about as much per result as `where` costs per matching id, so
            # over-fetch (growing 4x) while that stays cheaper than the `where` query would be.
            n = int(k * post_filter.total.get(kind, matching) / matching * 1.5) + 10
            while n < matching and n <= MAX_OVERFETCH:
                got = self._query(kind, vector, n, None)
                kept = [r for r in got if post_filter.accept(r.doc_id)]
                if len(kept) >= k or len(got) < n:
                    return kept[:k]
                n *= 4
        return self._query(kind, vector, k, where)

    def _query(self, kind: str, vector: np.ndarray, k: int, where: dict[str, Any] | None) -> list[DenseResult]:
        res = self.collection(kind).query(
            query_embeddings=[np.asarray(vector, dtype=np.float32)],  # type: ignore[arg-type]
            n_results=k,
            where=where,
            include=["distances"],
        )
        ids = res["ids"][0] if res["ids"] else []
        dists = (res.get("distances") or [[]])[0]
        return [DenseResult(i, 1.0 - float(d)) for i, d in zip(ids, dists, strict=True)]

    def drop(self) -> None:
        """Delete all collections of this embedding space."""
        for name in self.names.values():
            with contextlib.suppress(Exception):  # already gone
                self.client.delete_collection(name)
        self._collections.clear()
