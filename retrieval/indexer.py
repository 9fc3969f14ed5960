"""Incremental, idempotent indexing of a DocumentStore into the BM25 indexes and the Chroma collection.

Vectors come from the shipped file when the hash of a document's passage matches (:mod:`retrieval.shipped_vectors`);
only the rest is embedded, with a progress bar.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from tqdm import tqdm

from retrieval.bm25 import BM25Index
from retrieval.documents import Document, DocumentStore
from retrieval.embeddings import embed_texts, passage_hash, passage_text
from retrieval.index_files import (
    BM25_SUBDIR,
    CHARS_SUBDIR,
    FINGERPRINTS,
    TOKENS_DB,
    CachedTokens,
    Manifest,
    TokenCache,
    gen_dir_name,
    index_lock,
    read_fingerprints,
    read_manifest,
    remove_stale_generations,
    write_json_atomic,
    write_manifest,
)
from retrieval.parallel import BatchAnalyser
from retrieval.shipped_vectors import REPO_DATA_DIR, ShippedVectors, load_shipped_vectors
from retrieval.tokenizer import BIGRAM_MARK, Analysis, ChineseTokenizer, default_tokenizer
from retrieval.vector_store import ChromaVectorStore, vector_metadata


@dataclass
class SyncReport:
    """What one :meth:`Indexer.sync` did."""

    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    tokenised: int = 0
    embedded: int = 0
    reused_vectors: int = 0
    documents: int = 0
    bm25_rebuilt: bool = False
    seconds: float = 0.0
    space_id: str = ""

    @property
    def docs_per_s(self) -> float:
        """Throughput over the documents that had to be processed."""
        work = max(self.tokenised, self.embedded)
        return work / self.seconds if self.seconds > 0 else 0.0


@dataclass
class IndexStatus:
    """Snapshot of the index for health checks and the admin page."""

    ready: bool
    documents: int
    generation: int
    space_id: str
    built_at: str | None
    vectors: int | None
    index_dir: str


class Indexer:
    """Keeps ``index_dir`` (BM25 + manifest + token cache) and the vector store in step with a DocumentStore."""

    def __init__(
        self,
        index_dir: Path,
        vector_store: ChromaVectorStore,
        tokenizer: ChineseTokenizer | None = None,
        batch_size: int = 500,
        embed_batch_size: int = 32,
        vector_sources: Sequence[Path] = (REPO_DATA_DIR,),
    ) -> None:
        self.index_dir = Path(index_dir)
        self.vector_store = vector_store
        self.embeddings = vector_store.embeddings
        self.tokenizer = tokenizer or default_tokenizer()
        self.batch_size = batch_size
        self.embed_batch_size = embed_batch_size
        self.vector_sources = [Path(p) for p in vector_sources]
        self._shipped: ShippedVectors | None = None

    def shipped_vectors(self) -> ShippedVectors:
        """Precomputed vectors of this embedding space (loaded once; empty when none ship)."""
        if self._shipped is None:
            self._shipped = load_shipped_vectors(self.vector_store.space_id, self.vector_sources)
        return self._shipped

    # Status ---------------------------------------------------------------------------------------
    def manifest(self) -> Manifest | None:
        return read_manifest(self.index_dir)

    def is_ready(self) -> bool:
        """A committed BM25 index exists for the embedding space in use."""
        manifest = self.manifest()
        return manifest is not None and manifest.space_id == self.vector_store.space_id

    def status(self) -> IndexStatus:
        manifest = self.manifest()
        try:
            vectors: int | None = self.vector_store.count()
        except Exception:  # server down: report, don't fail
            vectors = None
        return IndexStatus(
            ready=self.is_ready(),
            documents=manifest.documents if manifest else 0,
            generation=manifest.generation if manifest else 0,
            space_id=self.vector_store.space_id,
            built_at=manifest.built_at if manifest else None,
            vectors=vectors,
            index_dir=str(self.index_dir),
        )

    def load_bm25(self) -> BM25Index:
        """The committed BM25 index (empty when there is none)."""
        manifest = self.manifest()
        if manifest is None:
            return BM25Index.empty()
        return BM25Index.load(self.index_dir / manifest.gen_dir / BM25_SUBDIR)

    # Sync -----------------------------------------------------------------------------------------
    def sync(self, store: DocumentStore, progress: bool | None = True) -> SyncReport:
        """Bring the indexes in line with ``store``: process new/changed docs, drop removed ones.

        ``progress``: show tqdm bars (None: only when stderr is a terminal, e.g. ``baixing ingest``).

        Syncs of the same ``index_dir`` are serialised (an advisory file lock, across processes).
        """
        started = time.perf_counter()
        self.index_dir.mkdir(parents=True, exist_ok=True)
        with index_lock(self.index_dir):
            report = self._sync(store, progress)
        report.seconds = time.perf_counter() - started
        return report

    def _sync(self, store: DocumentStore, progress: bool | None) -> SyncReport:
        report = SyncReport(space_id=self.vector_store.space_id)
        manifest = self.manifest()
        remove_stale_generations(self.index_dir, manifest.gen_dir if manifest else None)
        indexed = read_fingerprints(self.index_dir, manifest)
        current = store.fingerprints()
        same_space = manifest is not None and manifest.space_id == self.vector_store.space_id
        same_tokens = manifest is not None and manifest.tokenizer == self.tokenizer.fingerprint

        added = [i for i in current if i not in indexed]
        changed = [i for i in current if i in indexed and indexed[i] != current[i]]
        report.added, report.changed = len(added), len(changed)
        report.unchanged = len(current) - len(added) - len(changed)
        report.documents = len(current)

        with TokenCache(self.index_dir / TOKENS_DB) as cache:
            cached = cache.hashes()
            removed = sorted((set(indexed) | set(cached)) - set(current))
            report.removed = len(set(indexed) - set(current))

            # Vectors: new/changed docs, plus anything the collection lacks (new space, wiped store).
            dense_new = set(added)
            dense_replace = set(changed)
            if not same_space or self.vector_store.count() != len(indexed):
                present = self.vector_store.all_ids()
                dense_new |= {i for i in current if i not in present}
                orphans = present - set(current)
                removed = sorted(set(removed) | orphans)
            # Terms to (re)compute: uncached or outdated ones; all of them if the tokenizer changed.
            stale_tokens = {i for i in current if not same_tokens or cached.get(i) != current[i]}
            todo = sorted(dense_new | dense_replace | stale_tokens)

            if removed:
                self.vector_store.delete(removed)
                cache.delete(removed)
            if todo:
                self._process(store, todo, current, dense_new | dense_replace, dense_replace, cache, report, progress)

            dirty = bool(added or changed or removed or stale_tokens) or manifest is None
            if dirty:
                generation = (manifest.generation if manifest else 0) + 1
                self._write_generation(cache, current, generation)
                report.bm25_rebuilt = True
            else:
                generation = manifest.generation  # type: ignore[union-attr]

        if dirty or not same_space or not same_tokens:
            write_manifest(
                self.index_dir,
                Manifest(
                    generation=generation,
                    space_id=self.vector_store.space_id,
                    documents=len(current),
                    built_at=datetime.now(UTC).isoformat(timespec="seconds"),
                    tokenizer=self.tokenizer.fingerprint,
                ),
            )
            remove_stale_generations(self.index_dir, gen_dir_name(generation))
        return report

    def _process(
        self,
        store: DocumentStore,
        todo: Sequence[str],
        current: dict[str, str],
        dense: set[str],
        replace: set[str],
        cache: TokenCache,
        report: SyncReport,
        progress: bool | None,
    ) -> None:
        """Tokenise, cache terms, and embed + write vectors where needed, batch by batch.

        Large jobs tokenise in worker processes one batch ahead, while this process writes vectors
        (Chroma's bindings hold the GIL while writing, so a thread would not overlap anything).
        """
        batches = [list(todo[i : i + self.batch_size]) for i in range(0, len(todo), self.batch_size)]
        to_embed = len(dense)
        hide = None if progress is None else not progress
        with (
            tqdm(total=len(todo), disable=hide, desc="indexing", unit="doc") as bar,
            tqdm(total=to_embed, disable=hide if to_embed else True, desc="vectors", unit="doc") as vbar,
            BatchAnalyser(self.tokenizer, len(todo)) as analyser,
        ):

            def start(ids: list[str]) -> tuple[list[Document], Future[list[Analysis]]]:
                docs = store.get_many(ids)
                batch = [docs[i] for i in ids if i in docs]
                return batch, analyser.submit([d.index_text() for d in batch])

            pending = start(batches[0]) if batches else None
            for number in range(len(batches)):
                assert pending is not None
                batch, future = pending
                # Queue the next batch's tokenising before this batch's vectors are computed and written.
                pending = start(batches[number + 1]) if number + 1 < len(batches) else None
                analyses = future.result()
                cache.put(
                    CachedTokens(d.doc_id, current[d.doc_id], d.kind, d.year, d.region, self.tokenizer.index_terms(a))
                    for d, a in zip(batch, analyses, strict=True)
                )
                report.tokenised += len(batch)
                need = [d for d in batch if d.doc_id in dense]
                if need:
                    vectors = self._vectors(need, report, vbar)
                    self._upsert(need, vectors, replace)
                bar.update(len(batches[number]))

    def _vectors(self, docs: list[Document], report: SyncReport, bar: tqdm) -> np.ndarray:
        """Passage vectors of ``docs``: shipped ones where the passage hash matches, embedded otherwise."""
        space = self.vector_store.space_id
        texts = [passage_text(d) for d in docs]
        found, shipped = self.shipped_vectors().lookup([passage_hash(space, t) for t in texts])
        missing = [i for i in range(len(docs)) if not found[i]]
        vectors = np.zeros((len(docs), shipped.shape[1] if len(shipped) else 0), dtype=np.float32)
        if len(shipped):
            vectors[found] = shipped
        report.reused_vectors += int(found.sum())
        bar.update(int(found.sum()))
        if missing:
            fresh = []
            for start in range(0, len(missing), self.embed_batch_size):
                part = missing[start : start + self.embed_batch_size]
                fresh.append(embed_texts(self.embeddings, [texts[i] for i in part], self.embed_batch_size))
                bar.update(len(part))
            embedded = np.concatenate(fresh)
            if vectors.shape[1] == 0:
                vectors = np.zeros((len(docs), embedded.shape[1]), dtype=np.float32)
            vectors[missing] = embedded
            report.embedded += len(missing)
        return vectors

    def _upsert(self, docs: list[Document], vectors: np.ndarray, replace: set[str]) -> None:
        """Write vectors; changed ones are deleted first (Chroma's in-place update is far slower than add)."""
        old = [d.doc_id for d in docs if d.doc_id in replace]
        if old:
            self.vector_store.delete(old)
        self.vector_store.upsert(
            [d.doc_id for d in docs],
            vectors,
            [vector_metadata(d.kind, d.year, d.region, d.title) for d in docs],
        )

    def _write_generation(self, cache: TokenCache, current: dict[str, str], generation: int) -> None:
        """Build the BM25 index from cached terms into a fresh generation folder."""
        folder = self.index_dir / gen_dir_name(generation)
        ids: list[str] = []
        terms: list[list[str]] = []
        kinds: list[str] = []
        years: list[int | None] = []
        regions: list[str | None] = []
        for row in cache.iter_rows():
            if row.doc_id not in current:
                continue
            ids.append(row.doc_id)
            terms.append(row.terms)
            kinds.append(row.kind)
            years.append(row.year)
            regions.append(row.region)
        words = [[t for t in row if not t.startswith(BIGRAM_MARK)] for row in terms]
        grams = [[t[1:] for t in row if t.startswith(BIGRAM_MARK)] for row in terms]
        BM25Index.build(ids, words, kinds, years, regions).save(folder / BM25_SUBDIR)
        BM25Index.build(ids, grams, kinds, years, regions).save(folder / CHARS_SUBDIR)
        write_json_atomic(folder / FINGERPRINTS, {i: current[i] for i in ids})
