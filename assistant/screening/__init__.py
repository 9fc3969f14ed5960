"""Scope screening: is a citizen's text a 百姓提案 at all — and if not, where should the citizen go?

Offline engine (cues + a small linear classifier + rules) in :class:`OfflineScreener`; the LLM path and the
audit of both verdicts in :class:`ScreeningService`; build it with :func:`build_screening_service`.
"""

from assistant.screening.engine import OfflineScreener
from assistant.screening.factory import build_screening_service
from assistant.screening.models import LLMScreening, Redirect, ScreeningOutcome, ScreeningVerdict
from assistant.screening.service import ScreeningService, audit_log_sink

__all__ = [
    "LLMScreening",
    "OfflineScreener",
    "Redirect",
    "ScreeningOutcome",
    "ScreeningService",
    "ScreeningVerdict",
    "audit_log_sink",
    "build_screening_service",
]
