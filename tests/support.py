"""Builders the tests share: the shipped engines, the review task over them, a recording audit sink."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.llm import LLMRunner, PromptLoader
from assistant.llm.protocol import ChatBackend
from assistant.review import IdeaReviewService, ReviewSpec
from assistant.routing.catalogue import Catalogue, load_catalogue
from assistant.routing.engine import OfflineRouter
from assistant.routing.spec import RoutingPart
from assistant.screening.engine import OfflineScreener
from assistant.screening.spec import ScreeningPart
from assistant.settings import REPO_ROOT, Settings
from assistant.tasks import TaskAudit, TaskRunner

SHIPPED = Settings(data_dir=Path("var-unused"))
"""Default paths: the shipped corpus, catalogues and models of this checkout."""


def shipped_catalogue() -> Catalogue:
    """The routing catalogue in the shipped YAML files."""
    return load_catalogue(SHIPPED.catalogues_dir)


def shipped_screener() -> OfflineScreener:
    """The shipped screening model and catalogues."""
    return OfflineScreener.load(SHIPPED.models_dir / "screening.json.gz", SHIPPED.catalogues_dir)


def shipped_router(cache_dir: Path | None = None, with_items: bool = True) -> OfflineRouter:
    """The shipped domain model, catalogue and (with_items) past-item votes."""
    return OfflineRouter.load(shipped_catalogue(), models_dir=SHIPPED.models_dir,
                              items_path=SHIPPED.items_path if with_items else None,
                              taxonomy_path=SHIPPED.taxonomy_path, cache_dir=cache_dir)


def llm_runner(backend: ChatBackend | None, **kwargs: object) -> LLMRunner:
    """A model layer over ``backend`` with the repository's prompts."""
    return LLMRunner(backend, PromptLoader(REPO_ROOT / "prompts"), **kwargs)  # type: ignore[arg-type]


class RecordingSink:
    """An audit sink that keeps every task run's record."""

    def __init__(self) -> None:
        self.records: list[TaskAudit] = []

    def record(self, audit: TaskAudit) -> None:
        self.records.append(audit)

    @contextmanager
    def buffered(self) -> Iterator[None]:
        yield


def review_service(screener: OfflineScreener, router: OfflineRouter, llm: LLMRunner | None = None,
                   sink: RecordingSink | None = None) -> IdeaReviewService:
    """The review task (screening + routing) over the given engines."""
    return IdeaReviewService(TaskRunner(llm, sink), ReviewSpec(ScreeningPart(screener), RoutingPart(router)))
