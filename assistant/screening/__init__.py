"""Scope screening: is a citizen's text a 百姓提案 at all — and if not, where should the citizen go?

The offline engine (cues + a small linear classifier + rules) is :class:`OfflineScreener`; the model path is
one part of the review task (:mod:`assistant.review`), through :class:`ScreeningPart`.
"""

from assistant.screening.engine import OfflineScreener
from assistant.screening.models import LLMScreening, Redirect, ScreeningVerdict
from assistant.screening.spec import ScreeningPart

__all__ = ["LLMScreening", "OfflineScreener", "Redirect", "ScreeningPart", "ScreeningVerdict"]
