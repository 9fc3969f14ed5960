"""Builds the workflows from settings and their collaborators (used by the composition root)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.workflow.citizen import CitizenWorkflow
from assistant.workflow.member import MemberWorkflow
from assistant.workflow.store import SessionFactory
from assistant.workflow.writer import DraftWriter

if TYPE_CHECKING:
    from assistant.cultivation.service import CultivationService, SimilarSearcher
    from assistant.settings import Settings


def build_citizen_workflow(
    settings: Settings, *, reviewer: Any, cultivation: CultivationService, runner: Any, sessions: SessionFactory
) -> CitizenWorkflow:
    """The citizen's path; drafts stream when ``runner`` has a model backend."""
    return CitizenWorkflow(reviewer, DraftWriter(cultivation, runner), cultivation, sessions,
                           max_chars=settings.ui.max_text_chars)


def build_member_workflow(
    settings: Settings, *, cultivation: CultivationService, sessions: SessionFactory,
    searcher: SimilarSearcher | None = None,
) -> MemberWorkflow:
    """The member's path; uploads are limited to ``ui.max_upload_mb``."""
    return MemberWorkflow(cultivation, sessions, searcher=searcher, max_chars=settings.ui.max_text_chars,
                          max_upload_bytes=settings.ui.max_upload_mb * 1024 * 1024)
