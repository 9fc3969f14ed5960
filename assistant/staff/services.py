"""The staff services, built lazily from their collaborators (one object for the composition root)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cached_property
from typing import Any

import numpy as np

from assistant.staff.clusters import CorpusSimilarity, DuplicateClusters
from assistant.staff.desk import RoutingDesk
from assistant.staff.hot import CLASSIFY_CHARS, AnalysisCache, HotTopics
from assistant.staff.queue import QueueService
from assistant.staff.triage import Reviewer, TriageService

HOT_CACHE_FILE = "staff-topics.json"


def domain_classifier(routing: Any) -> tuple[Callable[[str], str], str]:
    """The routing service's domain classifier as ``text -> domain`` and a tag that changes with the model."""
    model = routing.offline.domain_model
    digest = hashlib.sha1(type(model).__name__.encode())
    for name in ("classes", "idf", "coef", "intercept", "temperature"):
        value = getattr(model, name, None)
        if value is not None:
            digest.update(np.asarray(value).tobytes())
    return (lambda text: str(model.predict(text[:CLASSIFY_CHARS]).label)), digest.hexdigest()[:16]


class StaffServices:
    """Queue, triage, routing desk, duplicate clusters and hot topics; each built on first use."""

    def __init__(
        self,
        settings: Any,
        database: Any,
        *,
        reviewer: Callable[[], Reviewer],
        routing: Callable[[], Any],
        tokenizer: Callable[[], Any],
    ) -> None:
        self.settings = settings
        self.database = database
        self._reviewer = reviewer
        self._routing = routing
        self._tokenizer = tokenizer

    @classmethod
    def from_container(cls, container: Any) -> StaffServices:
        """Wire the services to a :class:`assistant.container.Container`."""
        return cls(
            container.settings,
            container.database,
            reviewer=lambda: container.review_service,
            routing=lambda: container.routing_service,
            tokenizer=lambda: container.tokenizer,
        )

    @cached_property
    def queue(self) -> QueueService:
        """Filtered list and detail of ideas."""
        return QueueService(self.database)

    @cached_property
    def desk(self) -> RoutingDesk:
        """Edit and confirm routings (catalogue of the routing service in use)."""
        return RoutingDesk(self.database, lambda: self._routing().offline.catalogue)

    @cached_property
    def similarity(self) -> CorpusSimilarity:
        """Near-duplicate look-ups against the past items."""
        return CorpusSimilarity(self.database)

    @cached_property
    def clusters(self) -> DuplicateClusters:
        """"1+N" duplicate clusters."""
        return DuplicateClusters(self.database, self.similarity)

    @cached_property
    def triage(self) -> TriageService:
        """Batch import of collected clues."""
        return TriageService(
            self.database, self._reviewer(), self.similarity, self.settings.exports_dir,
            max_chars=self.settings.ui.max_text_chars,
        )

    @cached_property
    def hot(self) -> HotTopics:
        """Heat map and rising keywords."""
        classify, tag = domain_classifier(self._routing())
        tokenizer = self._tokenizer()
        cache = AnalysisCache(self.settings.data_dir / "cache" / HOT_CACHE_FILE, f"{tag}-{tokenizer.fingerprint}")
        return HotTopics(self.database, classify, lambda text: tokenizer.analyse(text).words, cache)
