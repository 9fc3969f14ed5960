"""Builds the screening service from settings (used by the composition root and the CLI)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from assistant.screening.engine import OfflineScreener
from assistant.screening.service import AuditSink, ScreeningService, StructuredRunner

if TYPE_CHECKING:
    from assistant.settings import Settings


def build_screening_service(
    settings: Settings,
    *,
    runner: StructuredRunner | None = None,
    recorder: AuditSink | None = None,
    model_path: Path | None = None,
) -> ScreeningService:
    """The service over the shipped model and catalogues; ``runner`` is the app's LLM runner (optional)."""
    return ScreeningService(
        OfflineScreener.load(model_path),
        runner=runner,
        recorder=recorder,
        max_chars=settings.ui.max_text_chars,
    )
