"""Cultivation: guided questions, standard-format (附件1) drafts, member polishing, DOCX/Markdown export."""

from assistant.cultivation.engine import OfflineDrafter
from assistant.cultivation.models import Attribution, DraftProposal, Proposer, Question, SessionState, Source
from assistant.cultivation.service import CultivationService
from assistant.cultivation.validator import enforce, validate

__all__ = [
    "Attribution",
    "CultivationService",
    "DraftProposal",
    "OfflineDrafter",
    "Proposer",
    "Question",
    "SessionState",
    "Source",
    "enforce",
    "validate",
]
