"""Workflows behind the citizen and member pages: small services over cultivation, review and the idea store."""

from assistant.workflow.citizen import CitizenWorkflow
from assistant.workflow.member import MemberWorkflow
from assistant.workflow.models import (
    DraftUpdate,
    DuplicateCheck,
    MemberDraft,
    PolishResult,
    Receipt,
    StatusView,
    Submission,
    VersionInfo,
)

__all__ = [
    "CitizenWorkflow",
    "DraftUpdate",
    "DuplicateCheck",
    "MemberDraft",
    "MemberWorkflow",
    "PolishResult",
    "Receipt",
    "StatusView",
    "Submission",
    "VersionInfo",
]
