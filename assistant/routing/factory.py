"""Builds the routing service from settings (used by the composition root and the CLI)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.routing.engine import OfflineRouter
from assistant.routing.service import AuditSink, RoutingService, StructuredRunner

if TYPE_CHECKING:
    from assistant.settings import Settings


def build_routing_service(
    settings: Settings,
    *,
    runner: StructuredRunner | None = None,
    recorder: AuditSink | None = None,
    router: OfflineRouter | None = None,
) -> RoutingService:
    """The service over the shipped model, catalogues and past items; ``runner`` is the app's LLM runner."""
    return RoutingService(router or OfflineRouter.load(), runner=runner, recorder=recorder,
                          max_chars=settings.ui.max_text_chars)
