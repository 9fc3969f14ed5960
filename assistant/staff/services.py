"""The staff services, built lazily from their collaborators (one object the composition root hands the pages)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

import numpy as np

from assistant.review import IdeaReviewService
from assistant.routing.domain import DomainModel
from assistant.scheme.grading import GradingService
from assistant.security.archives import DEFAULT_LIMITS, ArchiveLimits
from assistant.staff.clusters import CorpusSimilarity, DuplicateClusters
from assistant.staff.desk import RoutingDesk
from assistant.staff.hot import CLASSIFY_CHARS, AnalysisCache, HotTopics
from assistant.staff.queue import QueueService
from assistant.staff.triage import TriageService
from assistant.storage.batches import BatchStore
from assistant.storage.ideas import IdeaStore
from assistant.storage.queue import QueueStore
from assistant.storage.routings import RoutingStore
from assistant.storage.texts import TextStore
from retrieval.tokenizer import ChineseTokenizer

HOT_CACHE_FILE = "staff-topics.json"


def domain_classifier(model: DomainModel) -> tuple[Callable[[str], str], str]:
    """A domain model as ``text -> domain`` and a tag that changes with the model."""
    digest = hashlib.sha1(type(model).__name__.encode())
    for name in ("classes", "idf", "coef", "intercept", "temperature"):
        value = getattr(model, name, None)
        if value is not None:
            digest.update(np.asarray(value).tobytes())
    return (lambda text: str(model.predict(text[:CLASSIFY_CHARS]).label)), digest.hexdigest()[:16]


class StaffServices:
    """Queue, triage, routing desk, duplicate clusters and hot topics; each built on first use.

    ``reviewer`` and ``tokenizer`` are factories so the page renders before the routing models load; ``grading``
    (optional) stores the triage's automatic clue grades.
    """

    def __init__(
        self,
        *,
        queue_store: QueueStore,
        routing_store: RoutingStore,
        batches: BatchStore,
        texts: TextStore,
        reviewer: Callable[[], IdeaReviewService],
        tokenizer: Callable[[], ChineseTokenizer],
        exports_dir: Path,
        cache_dir: Path,
        max_chars: int,
        grading: Callable[[], GradingService] | None = None,
        max_upload_bytes: int = 20 * 1024 * 1024,
        archive_limits: ArchiveLimits = DEFAULT_LIMITS,
    ) -> None:
        self._max_upload_bytes = max_upload_bytes
        self._archive_limits = archive_limits
        self._queue_store = queue_store
        self._routing_store = routing_store
        self._batches = batches
        self._texts = texts
        self._reviewer = reviewer
        self._tokenizer = tokenizer
        self._exports_dir = exports_dir
        self._cache_dir = cache_dir
        self._max_chars = max_chars
        self._grading = grading

    @cached_property
    def queue(self) -> QueueService:
        """Filtered list and detail of ideas."""
        return QueueService(self._queue_store, IdeaStore(self._queue_store.database), self.similarity)

    @cached_property
    def desk(self) -> RoutingDesk:
        """Edit and confirm routings (catalogue of the routing in use)."""
        return RoutingDesk(self._routing_store, self._queue_store, lambda: self._reviewer().catalogue)

    @cached_property
    def similarity(self) -> CorpusSimilarity:
        """Near-duplicate look-ups against the past items."""
        return CorpusSimilarity(self._texts)

    @cached_property
    def clusters(self) -> DuplicateClusters:
        """"1+N" duplicate clusters."""
        return DuplicateClusters(self._texts, self.similarity)

    @cached_property
    def triage(self) -> TriageService:
        """Batch import of collected clues."""
        return TriageService(self._batches, self._texts, self._reviewer(), self.similarity, self._exports_dir,
                             max_chars=self._max_chars, grading=self._grading() if self._grading else None,
                             max_bytes=self._max_upload_bytes, archive_limits=self._archive_limits)

    @cached_property
    def hot(self) -> HotTopics:
        """Heat map and rising keywords."""
        classify, tag = domain_classifier(self._reviewer().router.domain_model)
        tokenizer = self._tokenizer()
        cache = AnalysisCache(self._cache_dir / HOT_CACHE_FILE, f"{tag}-{tokenizer.fingerprint}")
        return HotTopics(self._texts, classify, lambda text: tokenizer.analyse(text).words, cache)
