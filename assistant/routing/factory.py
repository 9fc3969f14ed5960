"""Builds the routing service from settings (used by the composition root and the CLI)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.routing.catalogue import Catalogue
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
    catalogue: Catalogue | None = None,
) -> RoutingService:
    """The service over the shipped model, a catalogue (default: the YAML files) and past items.

    ``runner`` is the app's LLM runner; the composition root passes the catalogue kept in the database.
    """
    router = router or OfflineRouter.load(catalogue=catalogue, cache_dir=settings.data_dir / "cache")
    return RoutingService(router, runner=runner, recorder=recorder, max_chars=settings.ui.max_text_chars)
