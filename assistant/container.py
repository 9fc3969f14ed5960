"""The composition root: builds the real object graph from settings. Tests build their own."""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from assistant.errors import ConfigError
from assistant.ingest import IngestService
from assistant.search import SearchService
from assistant.settings import Settings, disable_telemetry, load_settings

log = logging.getLogger("baixing")

CORPUS_MARKER = "shipped-corpus.sha256"


@dataclass
class IndexReport:
    """What :meth:`Container.ensure_index` did."""

    corpus_loaded: int
    corpus_changed: int
    added: int
    changed: int
    removed: int
    documents: int
    seconds: float

    def summary_zh(self) -> str:
        """One line for the CLI."""
        return (
            f"索引已就绪：共 {self.documents} 篇文档；本次载入内置语料 {self.corpus_loaded} 篇"
            f"（其中变化 {self.corpus_changed} 篇），索引新增 {self.added}、更新 {self.changed}、删除 {self.removed}，"
            f"用时 {self.seconds:.1f} 秒。"
        )


class Container:
    """Lazily built services for one process, all configured from one :class:`Settings`."""

    def __init__(self, settings: Settings) -> None:
        disable_telemetry()
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)

    @classmethod
    def from_env(cls) -> Container:
        """The container for the settings in the environment."""
        return cls(load_settings())

    # Storage --------------------------------------------------------------------------------------
    @cached_property
    def database(self) -> Any:
        """The migrated database (SQLite file by default, PostgreSQL by URL)."""
        from assistant.storage.db import open_database

        return open_database(self.settings.database_url, echo=self.settings.database.echo)

    @cached_property
    def document_store(self) -> Any:
        """Documents of every kind, in the database."""
        from assistant.storage.documents import SqlDocumentStore

        return SqlDocumentStore(self.database.sessions)

    # Retrieval ------------------------------------------------------------------------------------
    @cached_property
    def tokenizer(self) -> Any:
        """jieba with the shipped domain dictionary; its cache lives in the data dir."""
        from retrieval.tokenizer import ChineseTokenizer

        return ChineseTokenizer(cache_dir=self.settings.data_dir / "cache")

    @cached_property
    def embeddings(self) -> Any:
        """multilingual-e5-small offline (bundled weights, pinned threads), or an OpenAI-compatible endpoint."""
        cfg = self.settings.embedding
        if cfg.mode == "openai":
            from retrieval.embeddings import make_openai_embeddings

            if not cfg.base_url:
                raise ConfigError("已选择在线向量模型，但没有配置其地址。", "embedding.base_url is empty")
            return make_openai_embeddings(
                cfg.base_url,
                cfg.model,
                cfg.api_key.get_secret_value() if cfg.api_key else None,
                timeout=cfg.timeout_s,
                batch_size=cfg.batch_size,
            )
        from retrieval.embeddings import E5Embeddings

        return E5Embeddings(threads=cfg.threads)

    @cached_property
    def vector_store(self) -> Any:
        """The Chroma collection of the embedding space in use (embedded, or a server)."""
        from retrieval.vector_store import ChromaVectorStore, make_chroma_client

        cfg = self.settings.chroma
        if cfg.mode == "http":
            host, port = cfg.host_port()
            client = make_chroma_client(host=host, port=port)
        else:
            client = make_chroma_client(path=self.settings.chroma_path)
        return ChromaVectorStore(client, self.embeddings, base_name=cfg.collection)

    @cached_property
    def indexer(self) -> Any:
        """Keeps BM25 and vectors in step with the document store."""
        from retrieval.indexer import Indexer
        from retrieval.shipped import shipped_data_dir
        from retrieval.shipped_vectors import REPO_DATA_DIR

        sources = [shipped_data_dir(self.settings.corpus_dir), REPO_DATA_DIR]
        return Indexer(self.settings.index_dir, self.vector_store, tokenizer=self.tokenizer, vector_sources=sources)

    @cached_property
    def searcher(self) -> Any:
        """The hybrid searcher."""
        from retrieval.hybrid import Searcher

        cfg = self.settings.retrieval
        return Searcher(
            self.document_store,
            self.settings.index_dir,
            self.vector_store,
            tokenizer=self.tokenizer,
            mode=cfg.mode,
            candidates=cfg.candidates,
            rrf_k=cfg.rrf_k,
            weights={"words": cfg.word_weight, "chars": cfg.char_weight, "dense": cfg.dense_weight},
            floor=cfg.floor,
        )

    @cached_property
    def search_service(self) -> SearchService:
        """Validated searches for the CLI and the pages."""
        cfg = self.settings
        return SearchService(self.searcher, cfg.retrieval.mode, cfg.retrieval.top_k, cfg.ui.max_text_chars)

    @cached_property
    def ingest_service(self) -> IngestService:
        """Imports users' archives into the store and syncs the index."""
        store = self.document_store
        return IngestService(store, sync_index=lambda: self.indexer.sync(store, progress=None),
                             record_batch=store.record_batch)

    # LLM layer and audit --------------------------------------------------------------------------
    @cached_property
    def audit_log(self) -> Any:
        """Where every assistant suggestion is recorded."""
        from assistant.audit import AuditLog

        return AuditLog(self.database)

    @cached_property
    def llm_runner(self) -> Any:
        """The one entry point services use for model calls (offline mode: their own engines)."""
        from assistant.audit import DbCallRecorder
        from assistant.llm import build_llm_runner

        return build_llm_runner(self.settings, recorder=DbCallRecorder(self.database))

    # Services ------------------------------------------------------------------------------------
    @cached_property
    def accounts(self) -> Any:
        """Log-in and role checks for members, staff and evaluators."""
        from assistant.accounts import AccountService

        return AccountService(self.database)

    @cached_property
    def screening_service(self) -> Any:
        """Scope screening: the offline engine always, the LLM when configured; each screening audited."""
        from assistant.screening import audit_log_sink, build_screening_service

        return build_screening_service(self.settings, runner=self.llm_runner, recorder=audit_log_sink(self.audit_log))

    @cached_property
    def routing_service(self) -> Any:
        """Domain, handling units, committee and channel suggestions for staff."""
        from assistant.routing import audit_log_sink, build_routing_service

        return build_routing_service(self.settings, runner=self.llm_runner, recorder=audit_log_sink(self.audit_log),
                                     catalogue=self.catalogue_store.load())

    @cached_property
    def catalogue_store(self) -> Any:
        """Handling units and committees kept in the database (seeded from corpus/catalogues)."""
        from assistant.routing.catalogue_store import CatalogueStore

        return CatalogueStore(self.database.session)

    @cached_property
    def catalogue_editor(self) -> Any:
        """Staff edits of units; routing uses the edited catalogue at once."""
        from assistant.routing.catalogue_store import CatalogueEditor

        return CatalogueEditor(self.catalogue_store, self.routing_service.use_catalogue)

    @cached_property
    def review_service(self) -> Any:
        """Screening + routing of one idea in a single model call (the citizen flow's first step)."""
        from assistant.review import IdeaReviewService

        return IdeaReviewService(self.screening_service, self.routing_service, self.llm_runner)

    @cached_property
    def cultivation_service(self) -> Any:
        """Standard-format drafts, guided questions, stored sessions."""
        from assistant.cultivation.factory import build_cultivation_service

        self.ensure_index(progress=False)
        return build_cultivation_service(
            self.settings, searcher=self.search_service, runner=self.llm_runner, sessions=self.database.session
        )

    @cached_property
    def citizen_workflow(self) -> Any:
        """The citizen's path: screening, streamed drafts, submission with a receipt, status look-up."""
        from assistant.workflow import build_citizen_workflow

        return build_citizen_workflow(self.settings, reviewer=self.review_service, cultivation=self.cultivation_service,
                                      runner=self.llm_runner, sessions=self.database.session)

    @cached_property
    def member_workflow(self) -> Any:
        """The member's path: open/import drafts, rubric, edits as versions, duplicates, history."""
        from assistant.workflow import build_member_workflow

        return build_member_workflow(self.settings, cultivation=self.cultivation_service,
                                     sessions=self.database.session, searcher=self.search_service)

    @cached_property
    def staff(self) -> Any:
        """Staff services: queue, clue triage, routing desk, duplicate clusters, hot topics."""
        from assistant.staff import StaffServices

        return StaffServices.from_container(self)

    # Index lifecycle ------------------------------------------------------------------------------
    def ensure_index(self, progress: bool = True, force_corpus: bool = False) -> IndexReport:
        """Load the shipped corpus when it changed (or was never loaded) and sync the index; cheap when current."""
        start = time.perf_counter()
        loaded, changed = self._load_shipped_corpus(progress, force_corpus)
        if changed or not self.indexer.is_ready() or force_corpus:
            sync = self.indexer.sync(self.document_store, progress=progress)
            added, updated, removed, total = sync.added, sync.changed, sync.removed, sync.documents
        else:
            added = updated = removed = 0
            total = self.indexer.status().documents
        return IndexReport(loaded, changed, added, updated, removed, total, time.perf_counter() - start)

    def _load_shipped_corpus(self, progress: bool, force: bool) -> tuple[int, int]:
        from retrieval.shipped import load_shipped_documents, shipped_data_dir

        data_dir = shipped_data_dir(self.settings.corpus_dir)
        digest = _corpus_digest(data_dir)
        marker = self.settings.data_dir / CORPUS_MARKER
        if not force and marker.is_file() and marker.read_text().strip() == digest:
            return 0, 0
        if progress:
            print("正在载入内置语料……", flush=True)
        batch: list[Any] = []
        loaded = changed = 0
        for doc in load_shipped_documents(self.settings.corpus_dir):
            batch.append(doc)
            if len(batch) >= 5000:
                changed += len(self.document_store.upsert(batch))
                loaded += len(batch)
                batch.clear()
        if batch:
            changed += len(self.document_store.upsert(batch))
            loaded += len(batch)
        marker.write_text(digest)
        return loaded, changed

    # Diagnostics ----------------------------------------------------------------------------------
    def config_snapshot(self) -> dict[str, Any]:
        """Settings that shape results, for eval runs and the audit log (no secrets)."""
        s = self.settings
        return {
            "retrieval": s.retrieval.model_dump(),
            "embedding": {"mode": s.embedding.mode, "model": s.embedding.model},
            "llm": {"mode": s.llm.mode, "model": s.llm.model},
            "prompts": s.prompts.model_dump(mode="json"),
            "database": s.database_url.split("://", 1)[0],
            "chroma": s.chroma.mode,
        }

    def log_exception(self, where: str) -> None:
        """Log the current exception for engineers (users see a Chinese message instead)."""
        log.exception("unexpected error in %s", where)


def _corpus_digest(data_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(data_dir.glob("*.jsonl.gz")):
        digest.update(path.name.encode())
        digest.update(str(path.stat().st_size).encode())
        with path.open("rb") as handle:
            for block in iter(lambda h=handle: h.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()
