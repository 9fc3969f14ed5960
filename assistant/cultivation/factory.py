"""Builds the cultivation service from settings (used by the composition root and the CLI)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.cultivation.engine import OfflineDrafter, UnitSuggester
from assistant.cultivation.service import CultivationService, SessionFactory, SimilarSearcher, StructuredRunner

if TYPE_CHECKING:
    from assistant.settings import Settings


def build_cultivation_service(
    settings: Settings,
    *,
    searcher: SimilarSearcher | None = None,
    runner: StructuredRunner | None = None,
    sessions: SessionFactory | None = None,
    units: UnitSuggester | None = None,
) -> CultivationService:
    """The service over the shipped catalogues; every collaborator is optional."""
    return CultivationService(
        OfflineDrafter(units=units),
        searcher=searcher,
        runner=runner,
        sessions=sessions,
        max_chars=settings.ui.max_text_chars,
    )
