"""The composition root: builds the real object graph from one :class:`Settings`. Only entry points (the CLI,
the web app, the evals) use it; service packages never import it, and tests build what they need."""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.accounts import AccountService
from assistant.cultivation.catalogue import load_catalogue, load_phrases
from assistant.cultivation.engine import OfflineDrafter, profile_of
from assistant.cultivation.gaps import missing
from assistant.cultivation.normalize import InputNormaliser, load_cantonese, load_person
from assistant.cultivation.service import CultivationService
from assistant.cultivation.spec import DraftingSpec
from assistant.errors import ConfigError
from assistant.health import Check, HealthReport, index_probe, llm_probe, report, run_check
from assistant.ingest import IngestService
from assistant.llm.runner import LLMRunner
from assistant.privacy import PrivacyService
from assistant.review import IdeaReviewService, ReviewSpec
from assistant.routing.catalogue_store import CatalogueEditor, CatalogueStore
from assistant.routing.engine import OfflineRouter
from assistant.routing.spec import RoutingPart
from assistant.scheme.services import SchemeServices
from assistant.screening.engine import OfflineScreener
from assistant.screening.spec import ScreeningPart
from assistant.search import SearchService
from assistant.security.archives import ArchiveLimits
from assistant.security.files import secure_data_dir
from assistant.security.limits import RateLimits
from assistant.security.sessions import SessionManager
from assistant.settings import Settings, disable_telemetry, load_settings
from assistant.staff.services import StaffServices
from assistant.storage.audit_log import AuditLog
from assistant.storage.auth import AuthStore
from assistant.storage.batches import BatchStore
from assistant.storage.catalogue_entries import CatalogueEntryStore
from assistant.storage.db import Database
from assistant.storage.decisions import DecisionStore
from assistant.storage.documents import SqlDocumentStore
from assistant.storage.eval_runs import EvalRunStore
from assistant.storage.handling import HandlingStore
from assistant.storage.ideas import IdeaStore
from assistant.storage.privacy import PrivacyStore
from assistant.storage.queue import QueueStore
from assistant.storage.routings import RoutingStore
from assistant.storage.scheme_facts import SchemeFactsStore
from assistant.storage.selection import SelectionStore
from assistant.storage.texts import TextStore
from assistant.tasks import TaskRunner
from assistant.tasks.audit import AuditLogSink
from assistant.workflow.citizen import CitizenWorkflow
from assistant.workflow.member import MemberWorkflow
from retrieval.tokenizer import ChineseTokenizer

if TYPE_CHECKING:  # heavy libraries (chromadb, langchain) load on first use, not at start-up
    from langchain_core.embeddings import Embeddings

    from retrieval.hybrid import Searcher
    from retrieval.indexer import Indexer
    from retrieval.vector_store import ChromaVectorStore

log = logging.getLogger("baixing")

CORPUS_MARKER = "shipped-corpus.sha256"
SCREENING_MODEL = "screening.json.gz"


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
        secure_data_dir(settings.data_dir)  # 0700, with its private tmp folder; database files 0600

    @classmethod
    def from_env(cls) -> Container:
        """The container for the settings in the environment (entry points only)."""
        return cls(load_settings())

    # Storage --------------------------------------------------------------------------------------
    @cached_property
    def database(self) -> Database:
        """The migrated database (SQLite file by default, PostgreSQL by URL)."""
        from assistant.storage.db import open_database

        return open_database(self.settings.database_url, echo=self.settings.database.echo)

    @cached_property
    def document_store(self) -> SqlDocumentStore:
        """Documents of every kind, in the database."""
        return SqlDocumentStore(self.database.sessions)

    @cached_property
    def ideas(self) -> IdeaStore:
        """The life of every idea: drafts, versions, receipts, reviews, status moves."""
        return IdeaStore(self.database)

    @cached_property
    def eval_runs(self) -> EvalRunStore:
        """Saved evaluation runs."""
        return EvalRunStore(self.database)

    # Retrieval ------------------------------------------------------------------------------------
    @cached_property
    def tokenizer(self) -> ChineseTokenizer:
        """jieba with the shipped domain dictionary; its cache lives in the data dir."""
        d = self.settings.dictionary_dir
        return ChineseTokenizer(userdict=d / "userdict.txt", stopwords=d / "stopwords.txt",
                                cache_dir=self.settings.cache_dir)

    @cached_property
    def embeddings(self) -> Embeddings:
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
    def vector_store(self) -> ChromaVectorStore:
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
    def indexer(self) -> Indexer:
        """Keeps BM25 and vectors in step with the document store."""
        from retrieval.indexer import Indexer
        from retrieval.shipped import shipped_data_dir

        sources = [shipped_data_dir(self.settings.corpus_dir)]
        return Indexer(self.settings.index_dir, self.vector_store, tokenizer=self.tokenizer, vector_sources=sources)

    @cached_property
    def searcher(self) -> Searcher:
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

    # Model layer, tasks and audit -----------------------------------------------------------------
    @cached_property
    def audit_log(self) -> AuditLog:
        """Where every assistant suggestion is recorded."""
        return AuditLog(self.database)

    @cached_property
    def llm_runner(self) -> LLMRunner:
        """The model layer (offline mode: no backend, the offline engines answer)."""
        from assistant.llm import build_llm_runner
        from assistant.storage.audit_log import DbCallRecorder

        return build_llm_runner(self.settings, recorder=DbCallRecorder(self.database))

    @cached_property
    def tasks(self) -> TaskRunner:
        """The one task runner every screening, routing, draft and rating goes through."""
        return TaskRunner(self.llm_runner, AuditLogSink(self.audit_log), max_chars=self.settings.ui.max_text_chars)

    # Accounts, sessions, limits, privacy -----------------------------------------------------------
    @cached_property
    def auth_store(self) -> AuthStore:
        """Accounts, login sessions, throttle counters, security events."""
        return AuthStore(self.database)

    @cached_property
    def rate_limits(self) -> RateLimits:
        """Per-address limits on submissions, look-ups, uploads and logins (one per process)."""
        return RateLimits(self.settings.limits)

    @cached_property
    def accounts(self) -> AccountService:
        """Log-in (throttled, rate-limited per address) and accounts of members, staff and evaluators."""
        return AccountService(self.auth_store, self.settings.security, limits=self.rate_limits)

    @cached_property
    def sessions(self) -> SessionManager:
        """Server-side login sessions (the browser and API clients hold only a random token)."""
        return SessionManager(self.auth_store, self.settings.security)

    @cached_property
    def privacy(self) -> PrivacyService:
        """Contact details on request (audited), a citizen's export/erasure, the retention purge."""
        return PrivacyService(PrivacyStore(self.database), self.auth_store, self.settings.privacy)

    # Engines and services -------------------------------------------------------------------------

    @cached_property
    def catalogue_store(self) -> CatalogueStore:
        """Handling units and committees kept in the database (seeded from the catalogue files)."""
        return CatalogueStore(CatalogueEntryStore(self.database), self.settings.catalogues_dir)

    @cached_property
    def screener(self) -> OfflineScreener:
        """The offline screening engine."""
        s = self.settings
        return OfflineScreener.load(s.models_dir / SCREENING_MODEL, s.catalogues_dir)

    @cached_property
    def router(self) -> OfflineRouter:
        """The offline router over the catalogue kept in the database."""
        s = self.settings
        return OfflineRouter.load(self.catalogue_store.load(), models_dir=s.models_dir, items_path=s.items_path,
                                  taxonomy_path=s.taxonomy_path, cache_dir=s.cache_dir,
                                  catalogues_dir=s.catalogues_dir)

    @cached_property
    def review_service(self) -> IdeaReviewService:
        """Screening + routing of one text in one task (at most one model call)."""
        script = self.normaliser
        spec = ReviewSpec(ScreeningPart(self.screener), RoutingPart(self.router),
                          script=lambda text: script.mandarin(script.simplified(text)))
        return IdeaReviewService(self.tasks, spec)

    @cached_property
    def catalogue_editor(self) -> CatalogueEditor:
        """Staff edits of units; routing uses the edited catalogue at once."""
        return CatalogueEditor(self.catalogue_store, self.review_service.use_catalogue)

    @cached_property
    def normaliser(self) -> InputNormaliser:
        """Traditional → Simplified, Cantonese → Mandarin, colloquial → formal (the drafting catalogues)."""
        d = self.settings.catalogues_dir
        return InputNormaliser(phrases=load_phrases(d / "phrases.yaml"), cantonese=load_cantonese(d / "cantonese.yaml"),
                               person=load_person(d / "person.yaml"))

    @cached_property
    def drafter(self) -> OfflineDrafter:
        """The offline drafter over the catalogues the settings name."""
        return OfflineDrafter(normaliser=self.normaliser,
                              catalogue=load_catalogue(self.settings.catalogues_dir / "drafting.yaml"))

    def missing_elements(self, text: str) -> list[str]:
        """What an idea still lacks, by the drafter's gap analysis (most important first)."""
        return missing(profile_of(self.drafter, text))

    @cached_property
    def cultivation_service(self) -> CultivationService:
        """Standard-format drafts, guided questions, stored sessions."""
        self.ensure_index(progress=False)
        return CultivationService(self.tasks, DraftingSpec(self.drafter), self.ideas, searcher=self.search_service)

    @cached_property
    def cultivation_without_search(self) -> CultivationService:
        """Drafting without retrieval (``baixing draft --no-search``; exports need no index)."""
        return CultivationService(self.tasks, DraftingSpec(self.drafter), self.ideas)

    @cached_property
    def citizen_workflow(self) -> CitizenWorkflow:
        """The citizen's path: screening, streamed drafts, submission with a receipt, status look-up."""
        return CitizenWorkflow(self.review_service, self.cultivation_service, self.ideas,
                               max_chars=self.settings.ui.max_text_chars, privacy=self.settings.privacy)

    @cached_property
    def member_workflow(self) -> MemberWorkflow:
        """The member's path: open/import drafts, rubric, edits as versions, duplicates, history."""
        s = self.settings
        return MemberWorkflow(self.cultivation_service, self.ideas, reviewer=self.review_service,
                              searcher=self.search_service,
                              max_chars=s.ui.max_text_chars, max_upload_bytes=s.ui.max_upload_mb * 1024 * 1024)

    @cached_property
    def staff(self) -> StaffServices:
        """Staff services: queue, clue triage, routing desk, duplicate clusters, hot topics."""
        s = self.settings
        return StaffServices(
            queue_store=QueueStore(self.database), routing_store=RoutingStore(self.database),
            batches=BatchStore(self.database), texts=TextStore(self.database),
            reviewer=lambda: self.review_service, tokenizer=lambda: self.tokenizer, exports_dir=s.exports_dir,
            cache_dir=s.cache_dir, max_chars=s.ui.max_text_chars, grading=lambda: self.scheme.grading,
            max_upload_bytes=s.ui.max_upload_mb * 1024 * 1024, archive_limits=ArchiveLimits.from_settings(s.security),
        )

    @cached_property
    def scheme(self) -> SchemeServices:
        """The scheme after submission: grading, channels, handling, feedback, members, selection, periodical."""
        db = self.database
        return SchemeServices(
            ideas=self.ideas, queue=QueueStore(db), batches=BatchStore(db), decisions=DecisionStore(db),
            handling=HandlingStore(db), facts=SchemeFactsStore(db), selection=SelectionStore(db),
            texts=TextStore(db), advisor=lambda: self.review_service.router.advisor,
            reviewer=lambda: self.review_service, staff=lambda: self.staff,
            citizen_status=lambda: self.citizen_workflow.status, gaps=lambda: self.missing_elements,
            max_chars=self.settings.ui.max_text_chars,
        )

    # Index lifecycle ------------------------------------------------------------------------------
    def ensure_index(self, progress: bool = True, force_corpus: bool = False) -> IndexReport:
        """Load the shipped corpus when it changed (or was never loaded) and sync the index; cheap when current."""
        start = time.perf_counter()
        loaded, changed = self._load_shipped_corpus(progress, force_corpus)
        if changed or not self.indexer.is_ready() or force_corpus or self._vectors_missing():
            sync = self.indexer.sync(self.document_store, progress=progress)
            added, updated, removed, total = sync.added, sync.changed, sync.removed, sync.documents
        else:
            added = updated = removed = 0
            total = self.indexer.status().documents
        return IndexReport(loaded, changed, added, updated, removed, total, time.perf_counter() - start)

    def _dense_needed(self) -> bool:
        return self.settings.retrieval.mode != "bm25"

    def _vectors_missing(self) -> bool:
        """The vector store holds fewer (or more) vectors than the index manifest (deleted, emptied, half
        built): a sync re-embeds what is missing. False when the store cannot be reached (nothing to repair)."""
        if not self._dense_needed():
            return False
        status = self.indexer.status()
        return status.vectors is not None and status.ready and status.vectors != status.documents

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

    def warm_up(self) -> None:
        """Build the citizen path (models, index, vector store) and run it once, unaudited, before serving: the
        first citizens must not wait behind the loading (cached properties are built under a lock)."""
        sample = "建议在地铁站出口统一划定共享单车停放区，方便行人通行。"
        assert self.citizen_workflow is not None
        self.review_service.review(sample, routing="always", audit=False, offline_only=True)  # never the model
        self.search_service.search(sample, k=3)

    # Health ---------------------------------------------------------------------------------------
    def health(self, *, llm: bool = True) -> HealthReport:
        """The database, the index against its manifest and the document store, the vector store, the model
        endpoint (``baixing doctor`` and ``/healthz``); never raises."""
        checks: list[Check] = [run_check("数据库", self._database_probe)]
        try:
            status = self.indexer.status()
            stored = self.document_store.count()
            manifest = status.documents if self.indexer.manifest() is not None else None
            for name, severity, detail, data in index_probe(manifest, stored, status.vectors, status.ready,
                                                             self._dense_needed()):
                checks.append(Check(name=name, status=severity, detail=detail, data=data))
        except Exception as exc:  # a health check reports, it never crashes
            detail = f"无法读取索引状态：{type(exc).__name__}: {exc}"
            checks.append(Check(name="检索索引", status="error", detail=detail))
        if llm:
            checks.append(run_check("大模型服务", self._llm_probe))
        return report(checks)

    def _database_probe(self) -> tuple[Any, str, dict[str, Any]]:
        found = self.database.probe()
        if found["error"] and not found["revision"]:
            return "error", f"无法访问数据库：{found['error']}", found
        if found["revision"] != found["head"]:
            return "error", f"数据库结构版本 {found['revision']}，应为 {found['head']}：请重启服务以升级。", found
        if not found["writable"]:
            return "error", f"数据库不可写（只读或磁盘已满）：{found['error']}；市民提交会失败。", found
        return "ok", f"{found['backend']}，结构版本 {found['revision']}，可读写。", found

    def _llm_probe(self) -> tuple[Any, str, dict[str, Any]]:
        cfg = self.settings.llm
        breaker = self.__dict__.get("llm_runner")
        return llm_probe(cfg.mode, cfg.base_url, cfg.api_key.get_secret_value() if cfg.api_key else None,
                         breaker.breaker.is_open if breaker is not None else None)

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
            for block in iter(partial(handle.read, 1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()
